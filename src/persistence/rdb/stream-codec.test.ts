import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_COMMAND_CONFIG } from '../../commands/context.js';
import { StreamValue } from '../../keyspace/types/stream.js';
import { StreamNack } from '../../keyspace/types/stream-group.js';
import { StreamGroup } from '../../keyspace/types/stream-group.js';
import { formatId } from '../../keyspace/types/stream-id.js';
import { createDumpPayload, decodeDumpPayload } from './dump-payload.js';
import { RdbError } from './errors.js';

/** DUMP of a stream made on redis-server 7.0.15: entries 1-1, 2-1 (deleted), 3-1; group g (PEL 1-1 and 3-1 owned by alice, consumer bob) and g2 (entries-read unknown). */
const REDIS_PAYLOAD = Buffer.from('13011000000000000000010000000000000001c32f35073500000016000201400007816102000102010020010401010401032005400f0004600540130781620203010601ff0203010101020103020167030103020000000000000001000000000000000173657746a2010000010000000000000003000000000000000173657746a2010000010205616c69636573657746a201000002000000000000000100000000000000010000000000000003000000000000000103626f627b657746a201000000026732030181ffffffffffffffff00000a007cf8d632508e90b3', 'hex');

function shape(s: StreamValue): unknown {
  return {
    nodes: s.listpackNodes().map((n) => [formatId(n.key), n.items]),
    length: s.length, last: formatId(s.lastId), maxDeleted: formatId(s.maxDeletedId), added: s.entriesAdded,
    groups: [...s.groups].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, g]) => [name, formatId(g.lastId), g.entriesRead,
      [...g.pel.entries()].map(([id, n]) => [formatId(id), n.consumer.name, n.deliveryTime, n.deliveryCount]),
      g.sortedConsumers().map((c) => [c.name, c.seenTime, [...c.pel.entries()].map(([id]) => formatId(id))])]),
  };
}

test('a redis-server 7.0.15 stream DUMP loads and re-encodes to the same bytes', () => {
  const v = decodeDumpPayload(REDIS_PAYLOAD, DEFAULT_COMMAND_CONFIG);
  assert.ok(v instanceof StreamValue);
  assert.equal(v.length, 2);
  assert.deepEqual([...v.all()].map((e) => [formatId(e.id), e.fields]), [['1-1', ['a', '1']], ['3-1', ['b', '3']]]);
  assert.equal(formatId(v.maxDeletedId), '2-1');
  assert.equal(v.groups.get('g2')!.entriesRead, -1n);
  assert.deepEqual([...v.groups.get('g')!.consumers.keys()].sort(), ['alice', 'bob']);
  assert.ok(createDumpPayload(v).equals(REDIS_PAYLOAD));
});

test('stream RDB round trip: random streams with tombstones, groups and PELs', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(3), fc.array(fc.constantFrom('a', 'b', '7', 'x'.repeat(30)), { minLength: 1, maxLength: 3 })), { maxLength: 60 }),
    fc.array(fc.nat(80), { maxLength: 20 }), fc.constantFrom(2, 5, 100),
    (adds, dels, maxEntries) => {
      const s = new StreamValue();
      let ms = 1n;
      for (const [gap, fs] of adds) {
        ms += BigInt(gap);
        const id = { ms, seq: BigInt(s.length) };
        if (s.length > 0 && id.ms === s.lastId.ms && id.seq <= s.lastId.seq) continue;
        s.append(id, fs.flatMap((f, i) => [f, String(i)]), { maxEntries, maxBytes: 4096 });
      }
      const ids = [...s.all()].map((e) => e.id);
      for (const d of dels) { const id = ids[d % Math.max(1, ids.length)]; if (id !== undefined && s.delete(id)) s.maxDeletedId = id; }
      const g = new StreamGroup(s.lastId, s.entriesAdded);
      s.groups.set('grp', g);
      const alice = g.consumer('alice', 1234).consumer;
      for (const e of [...s.all()].slice(0, 5)) { const n = new StreamNack(alice, 99, 2n); g.pel.set(e.id, n); alice.pel.set(e.id, n); }
      s.groups.set('12', new StreamGroup(s.lastId, -1n));
      const p = createDumpPayload(s);
      const back = decodeDumpPayload(p, DEFAULT_COMMAND_CONFIG) as StreamValue;
      assert.deepEqual(shape(back), shape(s));
      assert.ok(createDumpPayload(back).equals(p));
    }), { numRuns: 150 });
});

test('corrupt stream payloads are refused: a PEL entry without an owner, a node key of the wrong size', () => {
  const s = new StreamValue();
  s.append({ ms: 1n, seq: 1n }, ['a', '1']);
  const g = new StreamGroup(s.lastId, 1n);
  s.groups.set('g', g);
  const ghost = g.consumer('ghost', 1).consumer;
  g.pel.set({ ms: 1n, seq: 1n }, new StreamNack(ghost, 5, 1n));
  // ghost's own PEL is empty: the group PEL entry has no owner on load.
  assert.throws(() => decodeDumpPayload(createDumpPayload(s), DEFAULT_COMMAND_CONFIG), (e: unknown) => e instanceof RdbError && /without consumer/.test(e.message));
  const bad = Buffer.from(REDIS_PAYLOAD);
  bad[2] = 0x0f; // node key length 15
  assert.throws(() => decodeDumpPayload(bad, DEFAULT_COMMAND_CONFIG), RdbError);
});
