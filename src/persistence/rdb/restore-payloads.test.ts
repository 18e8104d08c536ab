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
  assert.equal(s.entriesAdded, 16138);
});
