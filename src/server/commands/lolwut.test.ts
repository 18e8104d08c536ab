/** LOLWUT without a server: reply shapes of the random art, goldens for fixed rand() sequences. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VerbatimReply } from '../../protocol/reply.js';
import { lolwut, RAND_MAX, randFromUniform, type Rand } from './lolwut.js';

const VERSION = '7.0.15';
const SCHOTTER = `Georg Nees - schotter, plotter on paper, 1968. Redis ver. ${VERSION}`;
const SKYLINE = ['Dedicated to the 8 bit game developers of past and present.',
  `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${VERSION}`];

/** A small LCG standing in for libc's rand(); counts its calls. */
function seeded(seed: number): Rand & { calls: number } {
  let s = seed >>> 0;
  const r = (() => {
    r.calls++;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 1;
  }) as Rand & { calls: number };
  r.calls = 0;
  return r;
}

function constant(v: number): Rand & { calls: number } {
  const r = (() => { r.calls++; return v; }) as Rand & { calls: number };
  r.calls = 0;
  return r;
}

/** The reply as text: a verbatim "txt" string whose latin1 bytes are UTF-8. */
function text(argv: string[], rand: Rand): string {
  const reply = lolwut(argv, rand, VERSION) as VerbatimReply;
  assert.equal(reply.t, 'verbatim');
  assert.equal(reply.format, 'txt');
  return Buffer.from(reply.s, 'latin1').toString('utf8');
}

const GRAYS = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];
/** Version 6's escapes back to gray digits 0-3, to compare a skyline with a picture. */
function grays(s: string): string {
  return GRAYS.reduce((acc, esc, i) => acc.split(`\x1b[${esc} \x1b[0m`).join(String(i)), s);
}

test('version 5 by default sizes: 49 lines of 66 braille characters, the caption, 480 rand() calls', () => {
  for (const seed of [1, 42, 20261206]) {
    const rand = seeded(seed);
    // 66 columns -> 132 pixels wide, margin 2, squares of 128/8 = 16 -> 16*12 + 4 = 196 pixels tall,
    // 49 rows of braille (each 4 pixels tall); rows 3..12 of squares draw 6 random numbers each.
    const lines = text(['lolwut', 'VERSION', '5'], rand).split('\n');
    assert.equal(lines.length, 49 + 3);
    for (const line of lines.slice(0, 49)) {
      const chars = [...line];
      assert.equal(chars.length, 66);
      for (const ch of chars) {
        const cp = ch.codePointAt(0)!;
        assert.ok(cp >= 0x2800 && cp <= 0x28ff, `U+${cp.toString(16)} is not braille`);
      }
    }
    assert.deepEqual(lines.slice(49), ['', SCHOTTER, '']);
    assert.equal(rand.calls, 6 * 8 * 10);
  }
});

test('version 5 sizes: columns, squares per row and per column, clamped to [1, 1000] and [1, 200]', () => {
  // 10 columns: 20 pixels, squares of 16/2 = 8, 8*5 + 4 = 44 pixels -> 11 braille rows of 10.
  const lines = text(['lolwut', 'version', '5', '10', '2', '5'], seeded(7)).split('\n');
  assert.equal(lines.length, 11 + 3);
  assert.ok(lines.slice(0, 11).every((l) => [...l].length === 10));
  // Below 1 counts as 1: one square of side 2 on a 2x2 canvas, corners (2,2) (2,0) (0,0) (0,2),
  // of which (0,0) (1,0) (0,1) are on the canvas: dots 1, 2 and 4 (U+280B). Pixel row 1 is not a
  // block's top row, so a newline follows.
  assert.equal(text(['lolwut', 'version', '5', '0', '-3', '0'], seeded(7)), `\u280b\n\n${SCHOTTER}\n`);
  assert.equal(text(['lolwut', 'version', '5', '99999', '1', '1'], constant(0)).split('\n')[0]!.length, 1000);
});

test('version 6 by default sizes: 20 rows of 80 gray cells and the two caption lines', () => {
  for (const seed of [3, 99]) {
    const lines = text(['lolwut', 'version', '6'], seeded(seed)).split('\n');
    assert.equal(lines.length, 20 + 3);
    const cell = `\\x1b\\[(?:${GRAYS.join('|')}) \\x1b\\[0m`;
    for (const line of lines.slice(0, 20)) assert.match(line, new RegExp(`^(?:${cell}){80}$`));
    assert.deepEqual(lines.slice(20), [...SKYLINE, '']);
    // The top row is always sky: no building is as tall as the canvas.
    assert.equal(grays(lines[0]!), '3'.repeat(80));
  }
});

test('golden Schotter: 3 columns, 1 square per row, 3 per column, rand() always RAND_MAX', () => {
  // Worked by hand (and matched against redis-server 7.0.15 with rand() preloaded to RAND_MAX):
  // the canvas is 6x10 pixels (margin 2, side 2, 2*3 + 4 tall); a side of 2 gives corners at
  // radius round(2/sqrt 2) = 1. Rows 0 and 1 are the straight boxes x 2..4, y 2..4 and y 4..6
  // (centres (3,3) and (3,5)). Row 2 draws 6 numbers: each jitter is 1/3*2 = 0.6667, and RAND_MAX
  // is odd so every sign is negative: the centre (3,7) moves by -0.444 to (2,6) after truncation,
  // and the square turned by -0.6667 rad has corners (2,7) (3,6) (2,5) (1,6), a small diamond.
  // Lit pixels: y2 {2,3,4}, y3 {2,4}, y4 {2,3,4}, y5 {2,4}, y6 {1,2,3,4}, y7 {2}. Braille blocks:
  // row 0: x0-1 empty, x2-3 dots 3,6,7 (0x64), x4-5 dots 3,7 (0x44); row 1: x0-1 dot 6 (0x20),
  // x2-3 dots 1,2,3,4,6,7 (0x6f), x4-5 dots 1,2,3 (0x07); row 2 (y 8,9) empty. The canvas's last
  // pixel row (9) is not a block's top row, so a newline follows the last braille row too.
  const rand = constant(RAND_MAX);
  const golden = '\u2800\u2864\u2844\n\u2820\u286f\u2807\n\u2800\u2800\u2800\n';
  assert.equal(text(['lolwut', 'version', '5', '3', '1', '3'], rand), `${golden}\n${SCHOTTER}\n`);
  assert.equal(rand.calls, 6);
});

test('golden skyline: 8 columns, 15 rows, rand() always 0', () => {
  // Worked by hand (and matched against redis-server 7.0.15 with rand() preloaded to 0): every
  // offset step is 0, background buildings are 10 wide and 15/2 = 7 tall (rows 8..14, the top row
  // 2 pixels narrower each side), foreground ones 5 -> 7 wide and 15/3 = 5 tall (rows 10..14).
  // Light gray at x -10, -5, 0, 5 (the last two fill row 8 from x 2); dark gray at x -10 and 1;
  // black at x -10 (off canvas) and 2, whose one window row (12) lights x 5-6 in gray 1 (1 + 0%2).
  // Calls: 3 per building (12 + 6 + 6) plus one per window pixel, off-canvas ones included (2 + 2).
  const rand = constant(0);
  const picture = [
    ...Array<string>(8).fill('33333333'),
    '22211111',
    '21111111',
    '21110001',
    '21000000',
    '21000110',
    '21000000',
    '21000000',
  ];
  assert.equal(grays(text(['lolwut', 'version', '6', '8', '15'], rand)), `${picture.join('\n')}\n${SKYLINE.join('\n')}\n`);
  assert.equal(rand.calls, 28);
});

test('one-row skylines and two-row Schotters draw no random art', () => {
  const rand = seeded(5);
  assert.equal(grays(text(['lolwut', 'version', '6', '12', '1'], rand)), `${'3'.repeat(12)}\n${SKYLINE.join('\n')}\n`);
  assert.equal(text(['lolwut', 'version', '5', '20', '4', '2'], seeded(1)), text(['lolwut', 'version', '5', '20', '4', '2'], seeded(2)));
});

test('dispatch: only 5 and 6 (modulo 2^32) draw; VERSION and the sizes must be integers', () => {
  const line = { t: 'verbatim', format: 'txt', s: `Redis ver. ${VERSION}\n` };
  const notInt = { t: 'error', s: 'ERR value is not an integer or out of range' };
  const r = constant(0);
  for (const argv of [['lolwut'], ['lolwut', 'version'], ['lolwut', 'VERSION', '7'], ['lolwut', 'version', '-1'],
    ['lolwut', 'version', '4294967296'], ['lolwut', '5', '1', '1'], ['lolwut', 'foo', '5']]) {
    assert.deepEqual(lolwut(argv, r, VERSION), line, argv.join(' '));
  }
  for (const argv of [['lolwut', 'version', 'x'], ['lolwut', 'version', '05'], ['lolwut', 'version', '9223372036854775808'],
    ['lolwut', 'version', '5', 'x'], ['lolwut', 'version', '5', '1', '1', '1.5'], ['lolwut', 'version', '6', '1', 'x']]) {
    assert.deepEqual(lolwut(argv, r, VERSION), notInt, argv.join(' '));
  }
  assert.deepEqual(lolwut(['lolwut', 'version', '4294967301', '4', '1', '1'], r, VERSION),
    lolwut(['lolwut', 'version', '5', '4', '1', '1'], r, VERSION));
  assert.deepEqual(lolwut(['lolwut', 'version', '-4294967290', '4', '1'], r, VERSION),
    lolwut(['lolwut', 'version', '6', '4', '1'], r, VERSION));
  // Only the two 4x1 skylines roll: 3 numbers for each of 3 light, 2 dark and 2 black buildings.
  assert.equal(r.calls, 2 * (9 + 6 + 6));
});

test('rand() from a uniform float covers [0, RAND_MAX]', () => {
  assert.equal(randFromUniform(() => 0)(), 0);
  assert.equal(randFromUniform(() => 1 - 2 ** -53)(), RAND_MAX);
  assert.equal(randFromUniform(() => 0.5)(), 2 ** 30);
});
