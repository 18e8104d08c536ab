/**
 * Random client byte streams against a real redis-server 7.0: each seed opens a number of
 * connection pairs (one to each server) and sends both the same bytes: valid multibulk and inline
 * commands, and corruptions of them (counts and bulk lengths that are negative, huge, empty,
 * signed, zero-padded or not numbers; a missing '$'; a bulk whose CRLF is something else; count
 * mismatches that make the next command's bytes arguments; a '*' where a bulk is expected; NUL
 * bytes in length lines and inline lines; quotes, escapes, tabs, \v, \f, lone LF, CR CR LF and
 * empty lines in inline commands; lines just under and over the 64 KB limits; arguments over the
 * unauthenticated limits and over proto-max-bulk-len; a bulk at client-query-buffer-limit; truncated
 * frames), pipelined in one write or split at random byte boundaries, sometimes with a quiet
 * point between parts. For each connection, everything the server sent back (until it closed the
 * connection or stayed quiet for QUIET_MS) must be the same bytes, and both must have closed it or
 * both kept it open.
 *
 * The commands used (PING, ECHO, SET, GET, APPEND, STRLEN, DEL, EXISTS, AUTH, QUIT, unknown
 * names, wrong arities) reply the same bytes on both servers whatever the time or client id, and
 * each connection uses keys of its own (connections run a few at a time). One thing is normalised:
 * a corruption can turn the value "hello" into an inline HELLO, whose reply carries the client
 * id, which differs between the servers (`normalised`).
 *
 * Both servers run with proto-max-bulk-len and client-query-buffer-limit at their minimum (1 MB)
 * and requirepass set, so that connections that do not AUTH first meet the unauthenticated limits
 * (10 arguments, 16 KB bulks) and NOAUTH.
 *
 * What the generator avoids, because redis-server's own answer would depend on how TCP cuts the
 * stream into reads or on timing, not on the bytes:
 * - anything after a line (inline, '*' count or '$' length) longer than 64 KB: Redis refuses it
 *   only if a read ends before its newline arrives (`tail`: such lines end the input, unended);
 *   lines just under the limit end with CRLF and are never preceded by a long partial line
 *   (`nearLimit`);
 * - anything after a bulk at client-query-buffer-limit, which also goes alone after a quiet point
 *   (`tail`, `plan`);
 * - big replies: a server that closes a connection with input still unread resets it, and the
 *   kernel drops reply bytes not yet transmitted (`command`);
 * - writes after the server closed: Node then destroys the socket before reading the replies in
 *   the kernel's buffer. Pieces are spaced so that this process reads in between, and a pair with
 *   a failed write is run again before a difference counts (`Outcome`).
 *
 * Seeds: PROTO_SEEDS=1,2,3 or 1..300 (default 1,2,3); PROTO_CONNS=<n> connections per seed
 * (default 60). Without a redis-server binary the suite skips with a visible message (a failure
 * under CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawConn } from '../helpers/raw-conn.js';
import { RespClient } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { escapeBytes } from './helpers/script.js';
import { rng } from './helpers/random-commands.js';

const skip = requireBinaries('redis-server');

function parseSeeds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const m = /^(\d+)\.\.(\d+)$/.exec(part.trim());
    if (m) for (let s = Number(m[1]); s <= Number(m[2]); s++) out.push(s);
    else if (part.trim() !== '') out.push(Number(part));
  }
  return out;
}

const SEEDS = parseSeeds(process.env['PROTO_SEEDS'] ?? '1,2,3');
const CONNS = Number(process.env['PROTO_CONNS'] ?? 60);
/** Connections in flight at once (each pair's keys are its own). */
const PARALLEL = 8;
/** A connection is done when the server closed it, or sent nothing for this long after the last write. */
const QUIET_MS = 150;
const PASSWORD = 'pw';
const INLINE_MAX = 64 * 1024;
const MB = 1024 * 1024;

type Rand = (n: number) => number;
const pick = <T>(r: Rand, a: readonly T[]): T => a[r(a.length)]!;
const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * A big value: around the unauthenticated 16 KB limit and PROTO_MBULK_BIG_ARG (32 KB, which
 * Garrison collects in one buffer). Only ever written (SET, APPEND), never read back: see BIG_KEY.
 */
function bigValue(r: Rand, authed: boolean): Buffer {
  const n = authed ? pick(r, [16384, 16385, 32766, 32767, 32768, 40000]) : pick(r, [16384, 16385]);
  return Buffer.alloc(n, 97 + r(26));
}

/** A random byte string: mostly short, sometimes binary (CR, LF, NUL, 0xff). */
function value(r: Rand): Buffer {
  const k = r(20);
  if (k === 0) return Buffer.alloc(0);
  if (k < 5) {
    const n = 1 + r(12);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = pick(r, [0, 13, 10, 255, 42, 36, 34, 32, 65 + r(26), r(256)]);
    return b;
  }
  return B(pick(r, ['a', 'hello', 'x y', '1', '-1', 'v'.repeat(1 + r(100)), 'PING', '*1', '$3']));
}

/**
 * A valid command (the arguments of a multibulk frame, or an inline line's arguments). Replies
 * stay small: when a server closes a connection with input still unread (after a protocol error
 * or QUIT), the kernel resets it and drops whatever reply bytes were not yet transmitted, which
 * for a reply of tens of KB depends on timing (seen with redis-server: a 64 KB reply cut short).
 * Big values therefore only go to `key(BIG_KEY)`, which nothing reads back.
 */
function command(r: Rand, key: (i: number) => Buffer, authed: boolean): Buffer[] {
  const k = () => key(r(4));
  switch (r(18)) {
    case 0: case 1: return [B(pick(r, ['PING', 'ping', 'PiNg']))];
    case 2: return [B('PING'), value(r)];
    case 3: case 4: return [B('ECHO'), value(r)];
    case 5: case 6: return [B('SET'), k(), value(r)];
    case 7: case 8: return [B('GET'), k()];
    case 9: return [B('APPEND'), k(), value(r)];
    case 10: return [B(pick(r, ['STRLEN', 'DEL', 'EXISTS'])), k(), k()];
    case 11: return [B(pick(r, ['NOSUCH', 'fOo', '', 'x\xffy'])), ...Array.from({ length: r(4) }, () => value(r))];
    case 12: return [B(pick(r, ['GET', 'ECHO', 'SET', 'PING']))].concat(r(2) === 0 ? [] : [k(), k(), k()]);
    case 13: return r(8) === 0 ? [B('QUIT')] : [B('PING')];
    case 14: return [B('AUTH'), B(pick(r, [PASSWORD, 'wrong']))];
    case 15: return [B(pick(r, ['SET', 'APPEND'])), key(BIG_KEY), bigValue(r, authed)];
    case 16:
      // Around the unauthenticated 10 arguments, and past the 1024 that Redis allocates up front.
      if (r(2) === 0) return [B('EXISTS'), ...Array.from({ length: pick(r, [8, 9, 10, 11, 1024, 1500]) }, () => k())];
      return [B('PING')];
    default: return [B('SET'), k(), value(r), ...(r(3) === 0 ? [B(pick(r, ['NX', 'XX', 'KEEPTTL', 'EX']))] : [])];
  }
}

/** The key big values are written to (never read: its replies would be big). */
const BIG_KEY = 9;

interface Arg { hdr: string; body: Buffer; term: string }

const BAD_COUNTS = ['0', '-1', '-5', '-0', '', '+1', '01', ' 1', '1 ', 'abc', '2147483647', '2147483648', '3000000000',
  '99999999999999999999999', '1048576', '\xff', '1.5', '0x1', '-2147483649'];
const BAD_LENS = ['0', '-1', '-2', '-0', '', '+3', '03', ' 3', 'abc', '1048577', '536870912', '536870913', '99999999999999999999',
  '16385', '1048576'];
const BAD_HDRS = ['3', 'x3', ':3', '*1', '+OK', '\r', ' $3', '\xff3'];
const BAD_TERMS = ['XY', '\n', '', '\r', '\r\r\n', '\n\r', 'X\n', '\r\r'];

/** A multibulk frame of `args`, corrupted or not. */
function multibulk(r: Rand, args: Buffer[]): Buffer {
  let count = String(args.length);
  let countEnd = '\r\n';
  const parts: Arg[] = args.map((a) => ({ hdr: `$${a.length}`, body: a, term: '\r\n' }));
  // Big values stay aligned (see nearLimit).
  if (r(3) === 0 && args.every((a) => a.length < 1000)) {
    const n = 1 + r(2);
    for (let i = 0; i < n; i++) {
      const a = parts.length > 0 ? parts[r(parts.length)]! : null;
      switch (r(12)) {
        case 0: count = pick(r, BAD_COUNTS); break;
        case 1: count = String(Math.max(0, args.length + pick(r, [-2, -1, 1, 2]))); break;
        case 2: countEnd = pick(r, ['\n', '\rX', '\r', ' \r\n', '\0\r\n']); break;
        case 3: if (a) a.hdr = `$${pick(r, BAD_LENS)}`; break;
        case 4: if (a) a.hdr = `$${Math.max(0, a.body.length + pick(r, [-2, -1, 1, 2, 3]))}`; break;
        case 5: if (a) a.hdr = pick(r, BAD_HDRS); break;
        case 6: case 7: if (a) a.term = pick(r, BAD_TERMS); break;
        case 8: if (a) a.hdr = `$${a.body.length}${pick(r, ['\n', '\0', ' ', 'x'])}`; break;
        case 9: if (a) a.hdr = `$\0${a.body.length}`; break;
        case 10: count = `${count}\0`; break;
        default: parts.splice(r(parts.length + 1), 0, { hdr: '*1', body: Buffer.alloc(0), term: '' });
      }
    }
  }
  const out: Buffer[] = [B(`*${count}${countEnd}`)];
  for (const p of parts) out.push(B(`${p.hdr}\r\n`), p.body, B(p.term));
  return Buffer.concat(out);
}

/** An inline token: a word, a quoted string with escapes, sometimes an unbalanced one. */
function token(r: Rand, a: Buffer): string {
  const s = a.toString('latin1');
  switch (r(10)) {
    case 0: return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 1: return `'${s.replace(/'/g, "\\'")}'`;
    case 2: return `"${pick(r, ['\\x41', '\\x4', '\\xZZ', '\\x4g', '\\n\\r\\t\\b\\a', '\\"', '\\\\', '\\q', '\\x00', '\\xff', ''])}${s}"`;
    case 3: return pick(r, ['"abc', "'abc", '"a"b', "'a'b", 'a"b"', '"a\\"', "'it\\'s'", '""', "''", '"a" ', 'x"y']);
    default: return /^[^\s"'\0]+$/.test(s) ? s : `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\0\r\n]/g, (c) => `\\x0${c.charCodeAt(0).toString(16)}`)}"`;
  }
}

/** An inline command line with its line ending (CRLF or LF), or an empty or blank line. */
function inline(r: Rand, args: Buffer[]): Buffer {
  const k = r(12);
  if (k === 0) return B(pick(r, ['\r\n', '\n', ' \r\n', '\t\n', '\r\r\n', '\x0b\x0c\r\n']));
  let line = args.map((a) => token(r, a)).join(pick(r, [' ', '  ', '\t', ' \t ', '\x0b', '\x0c']));
  if (k === 1) line = pick(r, [' ', '\t', '']) + line + pick(r, [' ', '\t', '\r']);
  if (k === 2) line = line.replace(/ /, '\0');
  if (k === 3) line = line.replace(/ /, '\r');
  // A line starting with '*' would be a multibulk frame: keep the inline ones inline.
  if (line.startsWith('*')) line = ' ' + line;
  return B(line + pick(r, ['\r\n', '\r\n', '\n']));
}

/**
 * A case that must end its connection's input: something whose outcome depends on how the
 * stream is cut into reads unless nothing follows it (see the header), or a truncated frame.
 */
function tail(r: Rand, args: Buffer[], authed: boolean): Buffer {
  switch (r(7)) {
    case 0: return B('PING ' + 'a'.repeat(INLINE_MAX + r(3)));
    case 1: return B('*' + '1'.repeat(INLINE_MAX + r(3)));
    case 2: return B('*1\r\n$' + '1'.repeat(INLINE_MAX + r(3)));
    case 3: {
      // A bulk past client-query-buffer-limit; unauthenticated, one past 16 KB, refused at its header.
      if (!authed) return B(`*2\r\n$4\r\nECHO\r\n$${16385 + r(3)}\r\n`);
      const n = pick(r, [MB - 2, MB - 1, MB]);
      return Buffer.concat([B(`*2\r\n$4\r\nECHO\r\n$${n}\r\n`), Buffer.alloc(n + 2 + r(100), 120)]);
    }
    case 4: return B('PING' + '\0' + 'a'.repeat(INLINE_MAX));
    default: {
      const f = r(2) === 0 ? multibulk(r, args) : inline(r, args);
      return f.subarray(0, r(f.length));
    }
  }
}

/**
 * A line just under the 64 KB limits, ended by CRLF: the server never holds more than 64 KB of it
 * without its CR, even when a corruption before it left a partial line (at most a few hundred
 * bytes: big values are never corrupted) that it then extends. Bare LF would let a count or bulk
 * length line run on into what follows.
 */
function nearLimit(key: Buffer): Buffer {
  const line = `SET ${key.toString('latin1')} `;
  return B(line + 'b'.repeat(INLINE_MAX - 1024 - line.length) + '\r\n');
}

interface ConnPlan {
  /** Byte runs written one after the other; each run is written in pieces, then both sides must go quiet. */
  segments: Buffer[][];
  what: string;
}

function plan(r: Rand, seed: number, conn: number): ConnPlan {
  const key = (i: number): Buffer => B(`s${seed}c${conn}:k${i}`);
  const authed = r(4) !== 0;
  const segments: Buffer[][] = [];
  let seg: Buffer[] = [];
  if (authed) seg.push(B(r(2) === 0 ? `*2\r\n$4\r\nAUTH\r\n$${PASSWORD.length}\r\n${PASSWORD}\r\n` : `AUTH ${PASSWORD}\r\n`));
  const n = 1 + r(8);
  for (let i = 0; i < n; i++) {
    const args = command(r, key, authed);
    const k = r(20);
    if (k < 9) seg.push(multibulk(r, args));
    else if (k < 17) seg.push(inline(r, args));
    else if (k < 18) seg.push(nearLimit(key(BIG_KEY)));
    else if (k < 19 && seg.length > 0) { segments.push(seg); seg = []; }
    else {
      const t = tail(r, args, authed);
      // A bulk past client-query-buffer-limit goes alone after a quiet point: the server closes
      // the connection while this process still writes it, and the write error destroys the
      // socket before it reads replies to what came before in the same write.
      if (t.length > MB && seg.length > 0) { segments.push(seg); seg = []; }
      seg.push(t);
      break;
    }
  }
  segments.push(seg);
  return { segments, what: `conn ${conn} (${authed ? 'authenticated' : 'unauthenticated'})` };
}

/** Cuts `data` into pieces at random byte boundaries (or none). */
function pieces(r: Rand, data: Buffer): Buffer[] {
  if (data.length === 0 || r(3) === 0) return [data];
  const cuts = new Set<number>();
  const n = 1 + r(6);
  for (let i = 0; i < n; i++) cuts.add(1 + r(data.length));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let p = 0;
  for (const c of sorted) { out.push(data.subarray(p, c)); p = c; }
  if (p < data.length) out.push(data.subarray(p));
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Waits until each connection is closed or was quiet for QUIET_MS since `since` and its last byte. */
async function settle(conns: RawConn[], since: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let quietFrom = since;
  let last = Date.now();
  for (;;) {
    const now = Date.now();
    // The event loop was held up (a GC pause, or the in-process Garrison busy): timers run before
    // the poll phase that reads what arrived meanwhile, so the quiet period starts again.
    if (now - last > 50) quietFrom = now;
    last = now;
    if (conns.every((c) => c.closed || now - Math.max(quietFrom, c.lastDataMs) >= QUIET_MS)) return;
    if (now > deadline) return;
    await sleep(10);
  }
}

/**
 * Writes `data` unless the server closed the connection; resolves once the kernel took it, or
 * with true when the write failed.
 */
function writeWhileOpen(c: RawConn, data: Buffer): Promise<boolean> {
  if (c.closed || c.socket.destroyed) return Promise.resolve(false);
  return new Promise((res) => { c.socket.write(data, (e) => res(e !== undefined && e !== null)); });
}

/**
 * `writeFailed`: a write met a connection the server had already closed. Node then destroys the
 * socket, and reply bytes still in the kernel's receive buffer may never be read: such an outcome
 * may be short (the connection pair is run again before a difference counts).
 */
interface Outcome { bytes: Buffer; closed: boolean; writeFailed: boolean }

async function runConn(r: Rand, p: ConnPlan, redisPort: number, garrisonPort: number): Promise<[Outcome, Outcome]> {
  const rc = await RawConn.connect(redisPort);
  const gc = await RawConn.connect(garrisonPort);
  const failed = [false, false];
  try {
    for (const seg of p.segments) {
      const data = Buffer.concat(seg);
      for (const piece of pieces(r, data)) {
        const f = await Promise.all([rc, gc].map((c) => writeWhileOpen(c, piece)));
        f.forEach((x, i) => { if (x) failed[i] = true; });
        // Let both servers handle the piece, and this process read what they answered (in the
        // event loop's poll phase, before setImmediate's), before the next write: see Outcome.
        await sleep(1 + r(3));
        await new Promise((res) => setImmediate(res));
      }
      await settle([rc, gc], Date.now());
    }
    return [{ bytes: rc.received, closed: rc.closed, writeFailed: failed[0]! }, { bytes: gc.received, closed: gc.closed, writeFailed: failed[1]! }];
  } finally {
    rc.close();
    gc.close();
  }
}

/** Bytes for a failure message, with runs of one byte shortened (the 64 KB lines). */
function show(b: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i < b.length) {
    let j = i;
    while (j < b.length && b[j] === b[i]) j++;
    if (j - i > 16) {
      parts.push(`<${escapeBytes(b.subarray(i, i + 1))} x ${j - i}>`);
      i = j;
    } else {
      let k = i + 1;
      // Up to the next long run.
      for (; k < b.length; k++) {
        let m = k;
        while (m < b.length && b[m] === b[k] && m - k <= 16) m++;
        if (m - k > 16) break;
      }
      parts.push(escapeBytes(b.subarray(i, k), 1500));
      i = k;
    }
  }
  return parts.join(' ');
}

/** What may differ: the client id in HELLO's reply (an inline "hello" can come out of a corruption). */
function normalised(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:<id>\r\n'), 'latin1');
}

function same([a, b]: [Outcome, Outcome]): boolean {
  return normalised(a.bytes).equals(normalised(b.bytes)) && a.closed === b.closed;
}

function showInput(p: ConnPlan): string {
  return p.segments.map((s) => show(Buffer.concat(s))).join('\n    <quiet>\n    ');
}

describe('random protocol input: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess | undefined;
  let garrison: GarrisonHandle | undefined;
  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ save: '', appendonly: 'no' });
    for (const port of [redis.port, garrison.port]) {
      const c = await RespClient.connect(port);
      try {
        for (const [k, v] of [['proto-max-bulk-len', '1mb'], ['client-query-buffer-limit', '1mb'], ['requirepass', PASSWORD]]) {
          assert.deepEqual(await c.call('CONFIG', 'SET', k!, v!), { status: 'OK' }, `CONFIG SET ${k} ${v} on port ${port}`);
        }
      } finally {
        c.close();
      }
    }
  });
  after(async () => {
    await garrison?.close();
    await redis?.stop();
  });

  for (const seed of SEEDS) {
    test(`seed ${seed}`, { timeout: 120_000 }, async (t) => {
      const r = rng(seed * 7919 + 1);
      const plans = Array.from({ length: CONNS }, (_, i) => plan(r, seed, i));
      // One generator per connection for its write pattern, so that parallel runs stay seeded.
      const failures: string[] = [];
      let closed = 0, reruns = 0, received = 0;
      for (let i = 0; i < plans.length; i += PARALLEL) {
        const batch = plans.slice(i, i + PARALLEL);
        const results = await Promise.all(batch.map(async (p, j) => {
          const writes = rng(seed * 1000 + i + j + 1);
          let out = await runConn(writes, p, redis!.port, garrison!.port);
          for (let again = 0; again < 2 && !same(out) && (out[0].writeFailed || out[1].writeFailed); again++) {
            reruns++;
            out = await runConn(rng(seed * 1000 + i + j + 1), p, redis!.port, garrison!.port);
          }
          if (out[0].closed) closed++;
          received += out[0].bytes.length;
          return out;
        }));
        results.forEach((out, j) => {
          const p = batch[j]!;
          const [ro, go] = out;
          if (same(out)) return;
          failures.push(`seed ${seed} ${p.what}:\n  input:    ${showInput(p)}\n` +
            `  redis:    ${show(ro.bytes)} ${ro.closed ? '(closed)' : '(open)'}${ro.writeFailed ? ' (a write failed)' : ''}\n` +
            `  garrison: ${show(go.bytes)} ${go.closed ? '(closed)' : '(open)'}${go.writeFailed ? ' (a write failed)' : ''}`);
        });
      }
      // Drop the seed's keys (big values add up to gigabytes over hundreds of seeds).
      for (const port of [redis!.port, garrison!.port]) {
        const c = await RespClient.connect(port);
        try {
          assert.deepEqual(await c.call('AUTH', PASSWORD), { status: 'OK' });
          assert.deepEqual(await c.call('FLUSHALL'), { status: 'OK' });
        } finally {
          c.close();
        }
      }
      t.diagnostic(`${plans.length} connections, ${closed} closed by redis-server, ${received} bytes of replies, ${reruns} run again`);
      assert.equal(failures.length, 0, `${failures.length} of ${plans.length} connections differ:\n${failures.slice(0, 5).join('\n')}`);
    });
  }
});
