/**
 * DUMP payloads that redis-server 7.0.15 (sanitize-dump-payload yes) treats in a particular way,
 * found by test/interop/restore-random.test.ts. The bytes are redis-server's DUMP output, damaged
 * as the test damaged them, with the footer (version 10, CRC-64) recomputed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_COMMAND_CONFIG } from '../../commands/context.js';
import { ListValue } from '../../keyspace/types/list.js';
import { StreamValue } from '../../keyspace/types/stream.js';
import { decodeDumpPayload, verifyDumpPayload } from './dump-payload.js';
import { RdbError } from './errors.js';

const CFG = DEFAULT_COMMAND_CONFIG;
const payload = (hex: string): Buffer => {
  const p = Buffer.from(hex, 'hex');
  assert.ok(verifyDumpPayload(p), 'footer');
  return p;
};

test('an encoded-string prefix where a count belongs reads as its low 6 bits (rdbLoadLen(rdb, NULL))', () => {
  // DUMP of RPUSH l a b (rdbcompression no): 12 01 02 <listpack>; the node count 01 became c1 and
  // the container 02 became c2. Redis: RESTORE answers OK, LRANGE gives a, b.
  const v = decodeDumpPayload(payload('12c1c20d0d0000000200816102816202ff0a00e1e87fe60bb3c558'), CFG);
  assert.ok(v instanceof ListValue);
  assert.deepEqual(v.toArray(), ['a', 'b']);
  // An empty stream's max-deleted-entry-id seq is ff (63): Redis restores it as 1-63, with
  // entries-added 16138 read from 7f and the footer's version byte (0a), no groups (00).
  const s = decodeDumpPayload(payload('1300000505000001ff7f0a00221e48b8d543f177'), CFG);
  assert.ok(s instanceof StreamValue);
  assert.deepEqual(s.maxDeletedId, { ms: 1n, seq: 63n });
  assert.equal(s.entriesAdded, 16138n);
});

test('an LZF string whose uncompressed length is 0 is the empty string (liblzf answers 0 on any error)', () => {
  // DUMP of SET s abcabc... (30 bytes, LZF) with the uncompressed length 1e made 00: Redis OK, GET "".
  assert.equal(decodeDumpPayload(payload('00c30b000361626361e00f020162630a003c5b28dd538db16c'), CFG), '');
});

/** DUMP of XADD s 5-1 a 1, XADD s 5-2 a 2 (rdbcompression no), with one byte changed. */
const stream = (hex: string): StreamValue => {
  const v = decodeDumpPayload(payload(hex), CFG);
  assert.ok(v instanceof StreamValue);
  return v;
};
const id = (ms: number | bigint, seq: number | bigint): { ms: bigint; seq: bigint } => ({ ms: BigInt(ms), seq: BigInt(seq) });

test("a stream's first_id is kept as the payload has it and changes where Redis changes it", () => {
  // first_id 5-1 made 5-7. Redis: recorded-first-entry-id 5-7, still 5-7 after XDEL 5-1 and an
  // XADD, 0-0 once XDEL empties the stream, 7-1 after XADD 7-1 to the empty stream.
  const s = stream('1301100000000000000005000000000000000126260000000f0002010001010181610200010201000100010101040102010001010102010401ff0205020507000002000a0052fbf01dbe54e6ec');
  assert.deepEqual(s.firstId(), id(5, 7));
  assert.ok(s.delete(id(5, 1)));
  assert.deepEqual(s.firstId(), id(5, 7));
  s.append(id(6, 1), ['a', '3']);
  assert.deepEqual(s.firstId(), id(5, 7));
  assert.ok(s.delete(id(5, 2)) && s.delete(id(6, 1)));
  assert.deepEqual(s.firstId(), id(0, 0));
  s.append(id(7, 1), ['a', '3']);
  assert.deepEqual(s.firstId(), id(7, 1));
  // Type 15 (no first_id field) without entries: streamGetEdgeID answers the largest ID.
  const empty = decodeDumpPayload(payload('0f00000505000a00649733d475af8191'), CFG);
  assert.ok(empty instanceof StreamValue);
  const max = 0xffffffffffffffffn;
  assert.deepEqual(empty.firstId(), id(max, max));
});

test('stream metadata: an unknown length form reads as 2^64-1; the node listpack count is not checked; lp-count is', () => {
  // last_id's seq 02 made 82: Redis OK, last-generated-id 5-18446744073709551615.
  assert.deepEqual(stream('1301100000000000000005000000000000000126260000000f0002010001010181610200010201000100010101040102010001010102010401ff0205820501000002000a0037aadeebb13e4694').lastId,
    id(5, 0xffffffffffffffffn));
  // The listpack header's count 0f made 2f: Redis OK, both entries.
  assert.equal(stream('1301100000000000000005000000000000000126260000002f0002010001010181610200010201000100010101040102010001010102010401ff0205020501000002000a00de0b1d6a8163c9f9').length, 2);
  // The second entry's lp-count 04 made 05: Redis "Bad data format".
  assert.throws(() => decodeDumpPayload(payload('1301100000000000000005000000000000000126260000000f0002010001010181610200010201000100010101040102010001010102010501ff0205020501000002000a002cbd86139a4fc0d3'), CFG), RdbError);
});

test('a listpack sorted set out of (score, member) order or with a score that is no number is refused', () => {
  // Redis 7.0 keeps both (ZRANGE b 2 a 1, and a 0 b 2 reading "x" with strtod): Garrison refuses
  // them rather than hold a sorted set that is not sorted (restore-random.test.ts allows this).
  assert.throws(() => decodeDumpPayload(payload('111111000000040081620202018161020101ff0a00f65f389f48f0c947'), CFG), RdbError);
  assert.throws(() => decodeDumpPayload(payload('11121200000004008161028178028162020201ff0a0041d7a7204e721b2e'), CFG), RdbError);
});

test("a stream node listpack ends at an EOF byte where an entry would start; nodes are taken in their IDs' order", () => {
  // The listpack of the stream above with 61 62 ff after its EOF byte (size 0x29): Redis OK,
  // XRANGE 5-1 5-2 (its XREVRANGE then asserts in lpPrev and crashes the server).
  assert.equal(stream('1301100000000000000005000000000000000129290000000f0002010001010181610200010201000100010101040102010001010102010401ff6162ff0205020501000002000a00b505c704ecac17fb').length, 2);
  // Two nodes (stream-node-max-entries 1) in the payload as 5-2's, then 5-1's: Redis OK, XRANGE
  // 5-1 5-2.
  const s = stream('130210000000000000000500000000000000021c1c0000000a00010100010101816102000102010001000102010401ff10000000000000000500000000000000011c1c0000000a00010100010101816102000102010001000101010401ff0205020501000002000a000e743c28275b7275');
  assert.deepEqual(s.entries(id(0, 0), id(9, 9), false, 0).map((e) => e.id), [id(5, 1), id(5, 2)]);
});

test("a listpack entry's back-length is read as lpDecodeBacklen reads it, into the entry's own bytes", () => {
  // DUMP of RPUSH l 0 x with the back-length 01 of the entry 0 made 81: read backwards it is
  // 1 (top bit set) and then the entry's byte 00 (0 << 7, top bit clear): 1, the entry's size.
  // Redis OK, LRANGE 0 x.
  const v = decodeDumpPayload(payload('1201020c0c00000002000081817802ff0a00e6d6ffe1aecb1291'), CFG);
  assert.ok(v instanceof ListValue);
  assert.deepEqual(v.toArray(), ['0', 'x']);
});
