import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeReply } from '../protocol/writer.js';
import { bool, double, error, map, NULL_ARRAY, push, set, status, verbatim, type Reply } from '../protocol/reply.js';
import { ReplyParser, ReplyProtocolError } from './reply-parser.js';

function parseAll(bytes: Buffer, chunks: number[] = []): Reply[] {
  const p = new ReplyParser();
  const out: Reply[] = [];
  let at = 0;
  for (const n of [...chunks, bytes.length]) {
    const end = Math.min(bytes.length, at + n);
    p.feed(bytes.subarray(at, end));
    at = end;
    for (let r = p.next(); r !== undefined; r = p.next()) out.push(r);
    if (at >= bytes.length) break;
  }
  assert.equal(p.pendingBytes(), 0);
  return out;
}

test('golden bytes: every RESP2 and RESP3 reply type', () => {
  const wire = Buffer.from(
    '+PONG\r\n-ERR no\r\n:42\r\n:-9223372036854775808\r\n$3\r\na\x00b\r\n$-1\r\n*-1\r\n*2\r\n$1\r\nx\r\n:1\r\n' +
    '_\r\n,1.5\r\n,inf\r\n#t\r\n(123456789012345678901234\r\n!5\r\nERR e\r\n=7\r\ntxt:abc\r\n' +
    '%1\r\n+k\r\n:2\r\n~1\r\n+m\r\n>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\np\r\n|1\r\n+a\r\n+b\r\n+after-attr\r\n',
    'latin1');
  assert.deepEqual(parseAll(wire), [
    status('PONG'), error('ERR no'), 42, -9223372036854775808n, 'a\x00b', null, NULL_ARRAY, ['x', 1],
    null, double(1.5), double(Infinity), bool(true), { t: 'bignum', s: '123456789012345678901234' }, error('ERR e'),
    verbatim('abc', 'txt'), map([status('k'), 2]), set([status('m')]), push(['message', 'c', 'p']), status('after-attr'),
  ]);
});

test('malformed frames throw a protocol error', () => {
  const p = new ReplyParser();
  p.feed(Buffer.from('?oops\r\n'));
  assert.throws(() => p.next(), ReplyProtocolError);
  const q = new ReplyParser();
  q.feed(Buffer.from('$3\r\nabcXY'));
  assert.throws(() => q.next(), ReplyProtocolError);
});

const replyArb = fc.letrec<{ leaf: Reply; node: Reply }>((tie) => ({
  leaf: fc.oneof(
    fc.string({ unit: 'binary-ascii' }),
    fc.integer(),
    fc.constant(null),
    fc.stringMatching(/^[A-Za-z ]{0,12}$/).map((s) => status(s)),
    fc.stringMatching(/^ERR [a-z ]{0,12}$/).map((s) => error(s)),
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 })),
})).node;

test('property: replies encoded in RESP2 parse back equal under any chunking', () => {
  fc.assert(fc.property(fc.array(replyArb, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 40 }), (replies, chunks) => {
    const bytes = Buffer.concat(replies.map((r) => encodeReply(r, 2)));
    assert.deepEqual(parseAll(bytes, chunks), replies);
  }));
});
