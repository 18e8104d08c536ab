/**
 * The request parser against golden bytes (Redis 7.0's accept/reject decisions and error texts,
 * checked by hand against redis-server 7.0.15), and fuzzed with random chunking: any sequence of
 * commands, encoded as multibulk or inline and split at arbitrary points, parses to the same argv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, isProtocolError, PROTO_INLINE_MAX_SIZE, type ParseResult } from './parser.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function mbulk(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** Inline encoding that sdssplitargs turns back into argv: every byte as \xHH inside quotes. */
function inlineQuoted(argv: readonly string[]): string {
  return argv.map((a) => `"${[...a].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}"`).join(' ') + '\r\n';
}

/** Feeds all chunks, pulling commands after each one; returns argvs and the final error, if any. */
function drain(p: RequestParser, chunks: readonly Buffer[]): { cmds: string[][]; error: string | null } {
  const cmds: string[][] = [];
  for (const c of chunks) {
    p.feed(c);
    for (;;) {
      const r: ParseResult = p.next();
      if (r === null) break;
      if (isProtocolError(r)) return { cmds, error: r.protocolError };
      cmds.push(r);
    }
  }
  return { cmds, error: null };
}

const one = (input: string): { cmds: string[][]; error: string | null } => drain(new RequestParser(), [b(input)]);

test('multibulk: one and several commands, binary arguments, empty arguments', () => {
  assert.deepEqual(one('*1\r\n$4\r\nPING\r\n'), { cmds: [['PING']], error: null });
  assert.deepEqual(one('*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n\x00\r\n\xff\r\n*1\r\n$4\r\nPING\r\n'),
    { cmds: [['SET', '', '\x00\r\n\xff'], ['PING']], error: null });
});

test('multibulk: *0 and negative counts are skipped silently, like Redis', () => {
  assert.deepEqual(one('*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n'), { cmds: [['PING']], error: null });
});

test('multibulk: the two bytes after a bulk are skipped without being checked (Redis leniency)', () => {
  assert.deepEqual(one('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n'), { cmds: [['PING'], ['PING']], error: null });
});

test('truncated frames wait for more bytes, at every possible cut', () => {
  const full = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n';
  for (let cut = 0; cut < full.length; cut++) {
    const p = new RequestParser();
    p.feed(b(full.slice(0, cut)));
    assert.equal(p.next(), null, `cut at ${cut}`);
    p.feed(b(full.slice(cut)));
    assert.deepEqual(p.next(), ['SET', 'k', 'hello'], `cut at ${cut}`);
    assert.equal(p.next(), null);
    assert.ok(p.isIdle());
  }
});

test('protocol errors: exact texts of Redis 7.0', () => {
  const cases: Array<[string, string]> = [
    ['*3000000000\r\n', 'invalid multibulk length'],
    ['*2147483648\r\n', 'invalid multibulk length'],
    ['*99999999999999999999\r\n', 'invalid multibulk length'],
    ['*abc\r\n', 'invalid multibulk length'],
    ['*\r\n', 'invalid multibulk length'],
    ['* 1\r\n', 'invalid multibulk length'],
    ['*+1\r\n', 'invalid multibulk length'],
    ['*01\r\n', 'invalid multibulk length'],
    ['*-0\r\n', 'invalid multibulk length'],
    ['*1\n$4\r\nPING\r\n', 'invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$-0\r\n', 'invalid bulk length'],
    ['*1\r\n$abc\r\n', 'invalid bulk length'],
    ['*1\r\n$\r\n', 'invalid bulk length'],
    ['*1\r\n$+4\r\n', 'invalid bulk length'],
    ['*1\r\n$04\r\n', 'invalid bulk length'],
    ['*1\r\n$4\nPING\r\n', 'invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'invalid bulk length'],
    ['*1\r\nx3\r\n', "expected '$', got 'x'"],
    ['*1\r\n:3\r\n', "expected '$', got ':'"],
    // The offending byte is a CR: Redis's error reply shows it as a space.
    ['*1\r\n\r\n', "expected '$', got ' '"],
    ['SET "a b\r\n', 'unbalanced quotes in request'],
    ["SET 'a\r\n", 'unbalanced quotes in request'],
    ['SET "a"b c\r\n', 'unbalanced quotes in request'],
    ['ECHO ""x\r\n', 'unbalanced quotes in request'],
    ['ECHO "unterminated\\"\r\n', 'unbalanced quotes in request'],
  ];
  for (const [input, msg] of cases) {
    assert.deepEqual(one(input), { cmds: [], error: `Protocol error: ${msg}` }, JSON.stringify(input));
  }
});

test('largest accepted lengths wait for data instead of failing', () => {
  assert.deepEqual(one('*2147483647\r\n'), { cmds: [], error: null });
  assert.deepEqual(one('*1\r\n$536870912\r\n'), { cmds: [], error: null });
});

test('commands before a protocol error in the same chunk are returned first', () => {
  assert.deepEqual(one('PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n'), { cmds: [['PING'], ['ECHO']], error: 'Protocol error: invalid multibulk length' });
});

test('proto-max-bulk-len is the parser limit for bulk lengths', () => {
  const p = new RequestParser();
  p.maxBulkLen = 10;
  assert.deepEqual(drain(p, [b('*1\r\n$10\r\n0123456789\r\n*1\r\n$11\r\n')]), { cmds: [['0123456789']], error: 'Protocol error: invalid bulk length' });
});

test('unauthenticated clients: at most 10 arguments and 16 KB bulks', () => {
  const p = new RequestParser();
  p.authRequired = true;
  assert.deepEqual(drain(p, [b('*10\r\n')]), { cmds: [], error: null });
  const q = new RequestParser();
  q.authRequired = true;
  assert.deepEqual(drain(q, [b('*11\r\n')]), { cmds: [], error: 'Protocol error: unauthenticated multibulk length' });
  const r = new RequestParser();
  r.authRequired = true;
  assert.deepEqual(drain(r, [b('*1\r\n$16384\r\n')]), { cmds: [], error: null });
  const s = new RequestParser();
  s.authRequired = true;
  assert.deepEqual(drain(s, [b('*1\r\n$16385\r\n')]), { cmds: [], error: 'Protocol error: unauthenticated bulk length' });
});

test('inline commands: splitting, quotes, escapes, empty lines, bare LF', () => {
  assert.deepEqual(one('PING\r\n'), { cmds: [['PING']], error: null });
  assert.deepEqual(one('PING\n'), { cmds: [['PING']], error: null });
  assert.deepEqual(one('\r\n\r\n\n  \r\nPING\r\n'), { cmds: [['PING']], error: null });
  assert.deepEqual(one('  SET   k    v  \r\n'), { cmds: [['SET', 'k', 'v']], error: null });
  assert.deepEqual(one('SET "a b" \'c d\'\r\n'), { cmds: [['SET', 'a b', 'c d']], error: null });
  assert.deepEqual(one('ECHO "a\\x41\\n\\r\\t\\b\\a\\\\\\"z"\r\n'), { cmds: [['ECHO', 'aA\n\r\t\b\x07\\"z']], error: null });
  assert.deepEqual(one("ECHO 'it\\'s' 'a\\nb'\r\n"), { cmds: [['ECHO', "it's", 'a\\nb']], error: null });
  assert.deepEqual(one('ECHO "" \'\'\r\n'), { cmds: [['ECHO', '', '']], error: null });
  // A \x escape with bad hex digits is taken literally, minus the backslash.
  assert.deepEqual(one('ECHO "\\xZZ"\r\n'), { cmds: [['ECHO', 'xZZ']], error: null });
  // Binary bytes other than NUL pass through inline requests.
  assert.deepEqual(one('\xff\xfe garbage\r\nPING\r\n'), { cmds: [['\xff\xfe', 'garbage'], ['PING']], error: null });
  // "$4" is not a frame outside a multibulk: it is an inline command named "$4".
  assert.deepEqual(one('$4\r\nPING\r\n'), { cmds: [['$4'], ['PING']], error: null });
});

test('inline: a NUL before the newline hides it (strchr), so the request waits, then hits the limit', () => {
  const p = new RequestParser();
  assert.deepEqual(drain(p, [b('\xff\xfe\x00garbage\r\nPING\r\n')]), { cmds: [], error: null });
  assert.deepEqual(drain(p, [Buffer.alloc(PROTO_INLINE_MAX_SIZE, 'a')]), { cmds: [], error: 'Protocol error: too big inline request' });
});

test('count lines: a NUL before the CR hides it too (strchr), so the frame waits, then hits the limit', () => {
  for (const [head, msg] of [
    ['*1\x00\r\n', 'too big mbulk count string'],
    ['*\xff\xfe\x00\x01\r\n', 'too big mbulk count string'],
    ['*1\r\n$\x004\r\n', 'too big bulk count string'],
    ['*1\r\n\x00\r\n', 'too big bulk count string'],
    ['*1\r\nx\x00\r\n', 'too big bulk count string'],
  ] as const) {
    const p = new RequestParser();
    assert.deepEqual(drain(p, [b(head)]), { cmds: [], error: null }, JSON.stringify(head));
    assert.deepEqual(drain(p, [Buffer.alloc(PROTO_INLINE_MAX_SIZE, 'a')]), { cmds: [], error: `Protocol error: ${msg}` }, JSON.stringify(head));
  }
});

test('inline and count-string size limits (64 KB)', () => {
  assert.deepEqual(one('a'.repeat(PROTO_INLINE_MAX_SIZE)), { cmds: [], error: null });
  assert.deepEqual(one('a'.repeat(PROTO_INLINE_MAX_SIZE + 1)), { cmds: [], error: 'Protocol error: too big inline request' });
  assert.deepEqual(one(`*${'1'.repeat(70000)}`), { cmds: [], error: 'Protocol error: too big mbulk count string' });
  assert.deepEqual(one(`*1\r\n$${'1'.repeat(70000)}`), { cmds: [], error: 'Protocol error: too big bulk count string' });
  // A bulk of 1 byte, two bytes skipped, then the rest is one oversized inline request.
  assert.deepEqual(one(`*1\r\n$1\r\n${'a'.repeat(70000)}`), { cmds: [['a']], error: 'Protocol error: too big inline request' });
});

test('a big argument arriving in many chunks is assembled once', () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const frame = Buffer.concat([b(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n`), big, b('\r\n*1\r\n$4\r\nPING\r\n')]);
  const p = new RequestParser();
  const chunks: Buffer[] = [];
  for (let i = 0; i < frame.length; i += 1000) chunks.push(frame.subarray(i, i + 1000));
  const r = drain(p, chunks);
  assert.equal(r.error, null);
  assert.equal(r.cmds.length, 2);
  assert.deepEqual(r.cmds[0]!.slice(0, 2), ['SET', 'k']);
  assert.ok(Buffer.from(r.cmds[0]![2]!, 'latin1').equals(big));
  assert.deepEqual(r.cmds[1], ['PING']);
  assert.ok(p.isIdle());
});

test('pendingBytes counts what is buffered and not yet parsed; clear() drops it', () => {
  const p = new RequestParser();
  p.feed(b('*2\r\n$3\r\nGET\r\n$3\r\nab'));
  assert.equal(p.next(), null);
  assert.ok(p.pendingBytes() > 0);
  assert.ok(!p.isIdle());
  p.clear();
  assert.equal(p.pendingBytes(), 0);
  assert.ok(p.isIdle());
  p.feed(b('*1\r\n$4\r\nPING\r\n'));
  assert.deepEqual(p.next(), ['PING']);
});

const byteString = (maxLength: number): fc.Arbitrary<string> =>
  fc.uint8Array({ maxLength }).map((a) => Buffer.from(a).toString('latin1'));

const argvArb = fc.array(
  fc.oneof({ weight: 8, arbitrary: byteString(40) }, { weight: 1, arbitrary: byteString(40_000) }),
  { minLength: 1, maxLength: 6 },
);

const commandsArb = fc.array(fc.record({ argv: argvArb, inline: fc.boolean() }), { minLength: 1, maxLength: 20 });

test('fuzz: any command sequence, split at random points, parses to the same argv list', () => {
  fc.assert(
    fc.property(commandsArb, fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), (cmds, cuts, oneByte) => {
      // Inline requests cannot carry an empty first argument list; skip empty inline commands.
      const wire = Buffer.concat(cmds.map((c) => b(c.inline ? inlineQuoted(c.argv) : mbulk(c.argv))));
      const points = [...new Set(cuts.map((x) => x % (wire.length + 1)))].sort((x, y) => x - y);
      const chunks: Buffer[] = [];
      if (oneByte && wire.length < 2000) {
        for (let i = 0; i < wire.length; i++) chunks.push(wire.subarray(i, i + 1));
      } else {
        let prev = 0;
        for (const pt of points) {
          chunks.push(wire.subarray(prev, pt));
          prev = pt;
        }
        chunks.push(wire.subarray(prev));
      }
      const p = new RequestParser();
      const r = drain(p, chunks);
      assert.equal(r.error, null);
      assert.deepEqual(r.cmds, cmds.map((c) => c.argv));
      assert.ok(p.isIdle());
      assert.equal(p.pendingBytes(), 0);
    }),
    { numRuns: 300 },
  );
});

test('fuzz: random bytes never throw; the parser returns commands, waits, or reports an error', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (parts) => {
      const p = new RequestParser();
      for (const part of parts) {
        p.feed(Buffer.from(part));
        for (;;) {
          const r = p.next();
          if (r === null) break;
          if (isProtocolError(r)) {
            assert.match(r.protocolError, /^Protocol error: [^\r\n]+$/);
            return;
          }
          assert.ok(Array.isArray(r) && r.length > 0);
        }
      }
    }),
    { numRuns: 500 },
  );
});
