/**
 * Golden bytes for the reply encoder: every Reply shape in RESP2 and RESP3, including the RESP2
 * downgrades Redis 7.0 applies (maps -> flat arrays, sets/pushes -> arrays, doubles -> bulk
 * strings, null -> $-1 or *-1, booleans -> integers, verbatim/big numbers -> bulk strings).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeReply, ReplyWriter } from './writer.js';
import { bool, double, error, map, NULL_ARRAY, OK, push, set, status, verbatim, type Reply } from './reply.js';
import { parseReply } from '../../test/helpers/resp-client.js';

const enc = (r: Reply, resp = 2): string => encodeReply(r, resp).toString('latin1');

function both(r: Reply, resp2: string, resp3: string): void {
  assert.equal(enc(r, 2), resp2, `RESP2 of ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  assert.equal(enc(r, 3), resp3, `RESP3 of ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
}

test('bulk strings are binary safe and length-prefixed in bytes', () => {
  both('abc', '$3\r\nabc\r\n', '$3\r\nabc\r\n');
  both('', '$0\r\n\r\n', '$0\r\n\r\n');
  both('\x00\r\n\xff', '$4\r\n\x00\r\n\xff\r\n', '$4\r\n\x00\r\n\xff\r\n');
  const big = 'x'.repeat(100_000);
  assert.equal(enc(big), `$100000\r\n${big}\r\n`);
});

test('integers: small, negative, 2^53 and the int64 extremes as bigint', () => {
  both(0, ':0\r\n', ':0\r\n');
  both(-1, ':-1\r\n', ':-1\r\n');
  both(1234567, ':1234567\r\n', ':1234567\r\n');
  both(Number.MAX_SAFE_INTEGER, ':9007199254740991\r\n', ':9007199254740991\r\n');
  both(-Number.MAX_SAFE_INTEGER, ':-9007199254740991\r\n', ':-9007199254740991\r\n');
  both(9223372036854775807n, ':9223372036854775807\r\n', ':9223372036854775807\r\n');
  both(-9223372036854775808n, ':-9223372036854775808\r\n', ':-9223372036854775808\r\n');
});

test('null bulk and null array', () => {
  both(null, '$-1\r\n', '_\r\n');
  both(NULL_ARRAY, '*-1\r\n', '_\r\n');
});

test('status and error lines', () => {
  both(OK, '+OK\r\n', '+OK\r\n');
  both(status('QUEUED'), '+QUEUED\r\n', '+QUEUED\r\n');
  both(error('ERR syntax error'), '-ERR syntax error\r\n', '-ERR syntax error\r\n');
  both(error('WRONGTYPE Operation against a key holding the wrong kind of value'),
    '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

test('arrays, nested and empty', () => {
  both([], '*0\r\n', '*0\r\n');
  both(['a', 1, null, [OK, []]], '*4\r\n$1\r\na\r\n:1\r\n$-1\r\n*2\r\n+OK\r\n*0\r\n', '*4\r\n$1\r\na\r\n:1\r\n_\r\n*2\r\n+OK\r\n*0\r\n');
});

test('doubles: %.17g, as a bulk string in RESP2 and a double in RESP3, inf spelled as Redis does', () => {
  both(double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n');
  both(double(0.1), '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n');
  both(double(3), '$1\r\n3\r\n', ',3\r\n');
  both(double(-2.5e-10), '$23\r\n-2.5000000000000002e-10\r\n', ',-2.5000000000000002e-10\r\n');
  both(double(1e21), '$5\r\n1e+21\r\n', ',1e+21\r\n');
  both(double(Infinity), '$3\r\ninf\r\n', ',inf\r\n');
  both(double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n');
});

test('maps: flat arrays in RESP2, % with pair count in RESP3', () => {
  both(map([]), '*0\r\n', '%0\r\n');
  both(map(['a', 1, 'b', double(2.5)]), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$3\r\n2.5\r\n', '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n,2.5\r\n');
});

test('sets and pushes: arrays in RESP2, ~ and > in RESP3', () => {
  both(set(['x', 'y']), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n', '~2\r\n$1\r\nx\r\n$1\r\ny\r\n');
  both(push(['message', 'ch', 'hi']), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n');
});

test('verbatim strings, booleans and big numbers', () => {
  both(verbatim('hello'), '$5\r\nhello\r\n', '=9\r\ntxt:hello\r\n');
  both(verbatim('# x\r\n', 'txt'), '$5\r\n# x\r\n\r\n', '=9\r\ntxt:# x\r\n\r\n');
  both(bool(true), ':1\r\n', '#t\r\n');
  both(bool(false), ':0\r\n', '#f\r\n');
  both({ t: 'bignum', s: '123456789012345678901234567890' }, '$30\r\n123456789012345678901234567890\r\n', '(123456789012345678901234567890\r\n');
});

test('raw replies are copied as they are', () => {
  const bytes = Buffer.from('+PONG\r\n', 'latin1');
  both({ t: 'raw', bytes }, '+PONG\r\n', '+PONG\r\n');
});

test('the writer grows past its initial size and resets after take()', () => {
  const w = new ReplyWriter(16);
  const expected: string[] = [];
  for (let i = 0; i < 2000; i++) {
    w.write(i % 3 === 0 ? `value-${i}` : i, 2);
    expected.push(i % 3 === 0 ? `$${`value-${i}`.length}\r\nvalue-${i}\r\n` : `:${i}\r\n`);
  }
  assert.equal(w.take().toString('latin1'), expected.join(''));
  assert.equal(w.length, 0);
  w.write(OK, 2);
  assert.equal(w.take().toString('latin1'), '+OK\r\n');
});

const replyArb: fc.Arbitrary<Reply> = fc.letrec<{ r: Reply }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a).toString('latin1')),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.constant(null),
    fc.array(tie('r'), { maxLength: 4 }),
    fc.array(tie('r'), { maxLength: 3 }).map((items) => set(items)),
    fc.array(fc.tuple(tie('r'), tie('r')), { maxLength: 3 }).map((kv) => map(kv.flat())),
    fc.boolean().map((v) => bool(v)),
  ),
})).r;

test('property: every encoding is one complete, well-formed reply for RESP2 and RESP3', () => {
  fc.assert(
    fc.property(replyArb, fc.constantFrom(2, 3), (r, resp) => {
      const bytes = encodeReply(r, resp);
      const parsed = parseReply(bytes, 0);
      assert.ok(parsed !== null, 'incomplete encoding');
      assert.equal(parsed[1], bytes.length, 'trailing bytes after the reply');
      if (resp === 2) {
        const types = new Set<number>();
        collectTypeBytes(bytes, 0, types);
        for (const t of types) assert.ok('+-:$*'.includes(String.fromCharCode(t)), `RESP3 type byte ${String.fromCharCode(t)} in a RESP2 reply`);
      }
    }),
    { numRuns: 300 },
  );
});

/** Walks an encoded reply and records every type byte it contains. */
function collectTypeBytes(buf: Buffer, pos: number, out: Set<number>): number {
  const t = buf[pos]!;
  out.add(t);
  const cr = buf.indexOf('\r\n', pos);
  const n = Number(buf.toString('latin1', pos + 1, cr));
  let p = cr + 2;
  switch (String.fromCharCode(t)) {
    case '$': case '=': return n < 0 ? p : p + n + 2;
    case '*': case '~': case '>': case '%': {
      const items = t === 37 ? n * 2 : Math.max(n, 0);
      for (let i = 0; i < items; i++) p = collectTypeBytes(buf, p, out);
      return p;
    }
    default: return p;
  }
}

test('property: integers are written as their decimal digits, at every width', () => {
  const edges = [0, 9, 10, 99, 100, 999999999, 1000000000, 2147483647, 2147483648, 4294967295, 4294967296, 2 ** 53 - 1];
  for (const n of edges) {
    assert.equal(encodeReply(n).toString('latin1'), `:${n}\r\n`);
    assert.equal(encodeReply(-n).toString('latin1'), `:${-n === 0 ? 0 : -n}\r\n`);
  }
  fc.assert(fc.property(fc.oneof(fc.nat(), fc.integer(), fc.maxSafeInteger()), (n) => {
    assert.equal(encodeReply(n).toString('latin1'), `:${n}\r\n`);
    assert.equal(encodeReply(['x', n]).toString('latin1'), `*2\r\n$1\r\nx\r\n:${n}\r\n`);
  }));
});
