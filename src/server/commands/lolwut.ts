/**
 * LOLWUT as Redis 7.0.15 answers it: its command-table row, the VERSION dispatch, and the two
 * pieces of generative art 7.0 still carries (version 5: Georg Nees's "Schotter" drawn in Unicode
 * braille; version 6: an 8-bit city skyline in ANSI gray levels). Any other version prints only
 * "Redis ver. <version>".
 *
 * The drawing reproduces Redis's arithmetic: C `float` steps are rounded with Math.fround, C
 * `round()` rounds halves away from zero, int conversions truncate. Randomness comes through a
 * `rand()` stand-in (an integer in [0, RAND_MAX], glibc's RAND_MAX) fed by the node's Random port,
 * so the sequence differs from Redis's libc generator while the shapes follow the same rules.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_NOT_INTEGER } from '../../protocol/errors.js';
import { verbatim, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { REDIS_VERSION } from '../config/file.js';

/** glibc's RAND_MAX. */
export const RAND_MAX = 2147483647;

/** A libc rand() stand-in: each call gives an integer in [0, RAND_MAX]. */
export type Rand = () => number;

const f32 = Math.fround;

/** C's round(): halves go away from zero. */
function roundC(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

// -------------------------------------------------------------------------------------------------
// Canvas: a grid of small integer colors; writes and reads outside it are ignored / read as 0.

export interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

export function createCanvas(width: number, height: number, background: number): Canvas {
  const pixels = new Uint8Array(width * height);
  if (background !== 0) pixels.fill(background);
  return { width, height, pixels };
}

function inside(cv: Canvas, x: number, y: number): boolean {
  return x >= 0 && x < cv.width && y >= 0 && y < cv.height;
}

export function setPixel(cv: Canvas, x: number, y: number, color: number): void {
  if (inside(cv, x, y)) cv.pixels[x + y * cv.width] = color;
}

export function getPixel(cv: Canvas, x: number, y: number): number {
  return inside(cv, x, y) ? cv.pixels[x + y * cv.width]! : 0;
}

/** Bresenham's line from (x0,y0) to (x1,y1), both ends included. */
export function drawLine(cv: Canvas, x0: number, y0: number, x1: number, y1: number, color: number): void {
  const dx = Math.abs(x1 - x0);
  const dy = Math.abs(y1 - y0);
  const stepX = x0 < x1 ? 1 : -1;
  const stepY = y0 < y1 ? 1 : -1;
  let err = dx - dy;
  let x = x0;
  let y = y0;
  for (;;) {
    setPixel(cv, x, y, color);
    if (x === x1 && y === y1) return;
    const twice = err * 2;
    if (twice > -dy) { err -= dy; x += stepX; }
    if (twice < dx) { err += dx; y += stepY; }
  }
}

/**
 * A square of side `side` (a float) centred on integer (cx,cy), turned by `angle` radians: its
 * corners sit on a circle of radius round(side/sqrt 2), starting at 45 degrees plus the angle.
 */
export function drawSquare(cv: Canvas, cx: number, cy: number, side: number, angle: number, color: number): void {
  const radius = f32(roundC(f32(side / 1.4142135623)));
  let k = f32(Math.PI / 4 + angle);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let j = 0; j < 4; j++) {
    xs.push(roundC(Math.sin(k) * radius + cx));
    ys.push(roundC(Math.cos(k) * radius + cy));
    k = f32(k + Math.PI / 2);
  }
  for (let j = 0; j < 4; j++) drawLine(cv, xs[j]!, ys[j]!, xs[(j + 1) % 4]!, ys[(j + 1) % 4]!, color);
}

// -------------------------------------------------------------------------------------------------
// Version 5: Schotter.

/** A float in [0, y/perCol], with the sign of a coin toss drawn later (see schotter). */
function jitter(rand: Rand, perCol: number, y: number): number {
  return f32(f32(f32(f32(rand()) / f32(RAND_MAX)) / perCol) * y);
}

/**
 * A grid of perRow x perCol squares on a canvas 2*cols pixels wide, 2 pixels of margin when wider
 * than 4. The first two rows are straight; from the third on, each square is turned and shifted
 * by amounts that grow with its row (six rand() calls per square).
 */
export function schotter(cols: number, perRow: number, perCol: number, rand: Rand): Canvas {
  const width = cols * 2;
  const margin = width > 4 ? 2 : 0;
  const side = f32((width - margin * 2) / perRow);
  const height = Math.trunc(f32(f32(side * perCol) + margin * 2));
  const cv = createCanvas(width, height, 0);
  const half = f32(side / 2);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let cx = Math.trunc(f32(f32(f32(x * side) + half) + margin));
      let cy = Math.trunc(f32(f32(f32(y * side) + half) + margin));
      let angle = 0;
      if (y > 1) {
        let turn = jitter(rand, perCol, y);
        let shiftX = jitter(rand, perCol, y);
        let shiftY = jitter(rand, perCol, y);
        if (rand() % 2 !== 0) turn = -turn;
        if (rand() % 2 !== 0) shiftX = -shiftX;
        if (rand() % 2 !== 0) shiftY = -shiftY;
        angle = turn;
        cx = Math.trunc(f32(cx + f32(f32(shiftX * side) / 3)));
        cy = Math.trunc(f32(cy + f32(f32(shiftY * side) / 3)));
      }
      drawSquare(cv, cx, cy, side, angle, 1);
    }
  }
  return cv;
}

/**
 * One braille character (U+2800 + dot bits) per 2x4 block of pixels, UTF-8 encoded as a latin1
 * byte string. Dots 1-3 are the left column's top three pixels (bits 0-2), dots 4-6 the right
 * column's (bits 3-5), dots 7 and 8 the bottom pixels (bits 6, 7). Rows of blocks are separated by
 * "\n"; as in Redis, a newline also follows the last row unless its top pixel row is the canvas's
 * last one.
 */
export function renderBraille(cv: Canvas): string {
  const lines: string[] = [];
  for (let y = 0; y < cv.height; y += 4) {
    const row = Buffer.alloc(3 * Math.ceil(cv.width / 2));
    let at = 0;
    for (let x = 0; x < cv.width; x += 2) {
      const code = 0x2800 + brailleDots(cv, x, y);
      row[at++] = 0xe0 | (code >> 12);
      row[at++] = 0x80 | ((code >> 6) & 0x3f);
      row[at++] = 0x80 | (code & 0x3f);
    }
    lines.push(row.toString('latin1'));
    if (y !== cv.height - 1) lines.push('\n');
  }
  return lines.join('');
}

/** The pixel (dx, dy) of a block that each dot bit stands for, bit 0 first. */
const BRAILLE_CELLS: ReadonlyArray<readonly [number, number]> = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [0, 3], [1, 3]];

function brailleDots(cv: Canvas, x: number, y: number): number {
  let bits = 0;
  BRAILLE_CELLS.forEach(([dx, dy], bit) => { if (getPixel(cv, x + dx, y + dy) !== 0) bits |= 1 << bit; });
  return bits;
}

// -------------------------------------------------------------------------------------------------
// Version 6: the skyline. Colors: 0 black, 1 dark gray, 2 light gray, 3 white (the sky).

interface Building { xoff: number; width: number; height: number; windows: boolean; color: number }

/** A building standing on the canvas's bottom row; its top row is 2 pixels narrower on each side. */
function drawBuilding(cv: Canvas, b: Building, rand: Rand): void {
  const bottom = cv.height - 1;
  const top = bottom - b.height + 1;
  const left = b.xoff;
  const right = b.xoff + b.width - 1;
  for (let y = bottom; y >= top; y--) {
    for (let x = left; x <= right; x++) {
      if (y === top && (x <= left + 1 || x >= right - 1)) continue;
      let color = b.color;
      if (b.windows && x > left + 1 && x < right - 1 && y > top + 1 && y < bottom - 1) {
        color = windowColor(cv, b, x - (left + 1), y - (top + 1), x, y, rand);
      }
      setPixel(cv, x, y, color);
    }
  }
}

/**
 * Inside the window area, every other pair of columns on every other row is a window of a random
 * gray (one rand() per pixel); its right pixel then copies the left one so a window is one color.
 */
function windowColor(cv: Canvas, b: Building, relX: number, relY: number, x: number, y: number, rand: Rand): number {
  if (Math.trunc(relX / 2) % 2 === 0 || relY % 2 === 0) return b.color;
  let color: number;
  do color = 1 + (rand() % 2); while (color === b.color);
  return relX % 2 !== 0 ? getPixel(cv, x - 1, y) : color;
}

/** Two passes of window-less background buildings (light gray first), then the black foreground. */
export function skyline(cols: number, rows: number, rand: Rand): Canvas {
  const cv = createCanvas(cols, rows, 3);
  const h = rows;
  for (const color of [2, 1]) {
    for (let offset = -10; offset < cols;) {
      offset += rand() % 8;
      const width = 10 + (rand() % 9);
      const height = Math.trunc(h / 2) + Math.trunc((rand() % h) / (color === 2 ? 2 : 3));
      drawBuilding(cv, { xoff: offset, width, height, windows: false, color }, rand);
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < cols;) {
    offset += rand() % 8;
    let width = 5 + (rand() % 14);
    if (width % 4 !== 0) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((rand() % h) / 2);
    drawBuilding(cv, { xoff: offset, width, height, windows: true, color: 0 }, rand);
    offset += width + 5;
  }
  return cv;
}

const GRAY_ESCAPES = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

/** One space per pixel, foreground and background set to the pixel's gray; rows joined by "\n". */
export function renderGrays(cv: Canvas): string {
  const lines: string[] = [];
  for (let y = 0; y < cv.height; y++) {
    let line = '';
    for (let x = 0; x < cv.width; x++) line += `\x1b[${GRAY_ESCAPES[getPixel(cv, x, y)] ?? GRAY_ESCAPES[0]!} \x1b[0m`;
    lines.push(line);
  }
  return lines.join('\n');
}

// -------------------------------------------------------------------------------------------------
// The command.

/**
 * The optional integer arguments of a version (argv[0] is the version number itself), each
 * clamped to [1, max]; null when one is not an integer.
 */
function sizeArgs(args: readonly string[], defaults: readonly number[], maxes: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < defaults.length; i++) {
    const text = args[i + 1];
    let v = defaults[i]!;
    if (text !== undefined) {
      const parsed = parseInt64(text);
      if (parsed === null) return null;
      v = Number(parsed);
    }
    out.push(v);
  }
  return out.map((v, i) => Math.min(Math.max(v, 1), maxes[i]!));
}

function lolwut5(args: readonly string[], rand: Rand, version: string): Reply {
  const sizes = sizeArgs(args, [66, 8, 12], [1000, 200, 200]);
  if (sizes === null) return ERR_NOT_INTEGER;
  const [cols, perRow, perCol] = sizes as [number, number, number];
  const art = renderBraille(schotter(cols, perRow, perCol, rand));
  return verbatim(`${art}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${version}\n`);
}

function lolwut6(args: readonly string[], rand: Rand, version: string): Reply {
  const sizes = sizeArgs(args, [80, 20], [1000, 1000]);
  if (sizes === null) return ERR_NOT_INTEGER;
  const [cols, rows] = sizes as [number, number];
  const art = renderGrays(skyline(cols, rows, rand));
  return verbatim(`${art}\nDedicated to the 8 bit game developers of past and present.\n` +
    `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${version}\n`);
}

/**
 * LOLWUT [VERSION v] [args...]. VERSION needs a value after it (with none, or with another first
 * word, the arguments are ignored); v is taken modulo 2^32 as Redis's unsigned cast does, so only
 * a value that is 5 or 6 modulo 2^32 selects an artwork.
 */
export function lolwut(argv: readonly string[], rand: Rand, version: string): Reply {
  if (argv.length >= 3 && argv[1]!.toLowerCase() === 'version') {
    const v = parseInt64(argv[2]!);
    if (v === null) return ERR_NOT_INTEGER;
    const chosen = Number(BigInt.asUintN(32, BigInt(v)));
    const args = argv.slice(2);
    if (chosen === 5) return lolwut5(args, rand, version);
    if (chosen === 6) return lolwut6(args, rand, version);
  }
  return verbatim(`Redis ver. ${version}\n`);
}

/** rand() over a uniform float source: floor(u * 2^31) for u in [0, 1) is in [0, RAND_MAX]. */
export function randFromUniform(uniform: () => number): Rand {
  return () => Math.floor(uniform() * (RAND_MAX + 1));
}

export const LOLWUT_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'lolwut', arity: -1, flags: ['readonly', 'fast'], acl: [],
    group: 'server', since: '5.0.0', summary: 'Display some computer art and the Redis version',
    args: [{ name: 'version', type: 'integer', token: 'VERSION', flags: ['optional'] }],
    handler: (c, argv) => lolwut(argv, randFromUniform(() => c.random()), REDIS_VERSION),
  },
];
