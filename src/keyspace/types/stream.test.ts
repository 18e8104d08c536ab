import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamValue, type TrimSpec } from './stream.js';
import { IdMap } from './id-map.js';
import { cmpId, decrId, formatId, incrId, MAX_ID, U64_MAX, ZERO_ID, type StreamId } from './stream-id.js';
import { raxNodeCount } from './stream-rax.js';
import { DigestBuilder } from '../digest.js';

type Op =
  | { k: 'add'; gap: number; fields: string[] }
  | { k: 'del'; pick: number }
  | { k: 'trim'; maxlen: number; approx: boolean; limit: number }
  | { k: 'minid'; pick: number; approx: boolean }
  | { k: 'range'; a: number; b: number; rev: boolean; count: number };

const fieldsArb = fc.array(fc.constantFrom('a', 'b', '1', '12345', 'x'.repeat(70), ''), { minLength: 1, maxLength: 3 })
  .map((fs) => fs.flatMap((f, i) => [f, String(i)]));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('add' as const), gap: fc.nat(3), fields: fieldsArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('del' as const), pick: fc.nat(60) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('trim' as const), maxlen: fc.nat(30), approx: fc.boolean(), limit: fc.constantFrom(0, 0, 3, 10) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('minid' as const), pick: fc.nat(60), approx: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('range' as const), a: fc.nat(60), b: fc.nat(60), rev: fc.boolean(), count: fc.nat(5) }) },
);

function idAt(model: readonly { id: StreamId }[], pick: number, last: StreamId): StreamId {
  if (model.length === 0 || pick % 5 === 4) return { ms: last.ms, seq: BigInt(pick) };
  return model[pick % model.length]!.id;
}

test('stream value: XADD/XDEL/XTRIM/XRANGE agree with a sorted-array model', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 120 }), fc.constantFrom(1, 3, 100), fc.constantFrom(0, 60, 4096), (ops, maxEntries, maxBytes) => {
    const s = new StreamValue();
    const limits = { maxEntries, maxBytes };
    let model: { id: StreamId; fields: string[] }[] = [];
    let last: StreamId = ZERO_ID;
    for (const op of ops) {
      if (op.k === 'add') {
        const id = op.gap === 0 ? incrId(last)! : { ms: last.ms + BigInt(op.gap), seq: 0n };
        s.append(id, op.fields, limits);
        model.push({ id, fields: op.fields });
        last = id;
      } else if (op.k === 'del') {
        const id = idAt(model, op.pick, last);
        const had = model.some((e) => cmpId(e.id, id) === 0);
        assert.equal(s.delete(id), had);
        model = model.filter((e) => cmpId(e.id, id) !== 0);
      } else if (op.k === 'trim' || op.k === 'minid') {
        const spec: TrimSpec = op.k === 'trim'
          ? { strategy: 'maxlen', maxlen: op.maxlen, approx: op.approx, limit: op.approx ? op.limit : 0 }
          : { strategy: 'minid', minid: idAt(model, op.pick, last), approx: op.approx, limit: 0 };
        const exact = spec.strategy === 'maxlen'
          ? Math.max(0, model.length - spec.maxlen)
          : model.filter((e) => cmpId(e.id, spec.minid) < 0).length;
        const removed = s.trim(spec);
        if (!spec.approx) assert.equal(removed, exact);
        else assert.ok(removed <= exact);
        model = model.slice(removed);
      } else {
        const a = idAt(model, op.a, last);
        const b = idAt(model, op.b, last);
        const [lo, hi] = cmpId(a, b) <= 0 ? [a, b] : [b, a];
        let want = model.filter((e) => cmpId(e.id, lo) >= 0 && cmpId(e.id, hi) <= 0);
        if (op.rev) want = want.reverse();
        if (op.count > 0) want = want.slice(0, op.count);
        assert.deepEqual(s.entries(lo, hi, op.rev, op.count).map((e) => [formatId(e.id), e.fields]), want.map((e) => [formatId(e.id), e.fields]));
      }
      assert.equal(s.length, model.length);
      assert.deepEqual(s.firstId(), model[0]?.id ?? ZERO_ID);
      assert.deepEqual([...s.all()].map((e) => formatId(e.id)), model.map((e) => formatId(e.id)));
      assert.ok(s.nodeCount <= model.length);
    }
    const copy = s.clone();
    assert.deepEqual([...copy.all()], [...s.all()]);
  }), { numRuns: 300 });
});

test('node layout: stream-node-max-entries counts tombstones; a node whose last entry goes is dropped', () => {
  const s = new StreamValue();
  const limits = { maxEntries: 2, maxBytes: 0 };
  for (let i = 1; i <= 5; i++) s.append({ ms: BigInt(i), seq: 0n }, ['f', 'v'], limits);
  assert.equal(s.nodeCount, 3);
  assert.deepEqual(s.nodeKeys().map(formatId), ['1-0', '3-0', '5-0']);
  s.delete({ ms: 5n, seq: 0n });
  assert.deepEqual(s.nodeKeys().map(formatId), ['1-0', '3-0']);
  // The tombstone-free last node is full (2 entries): the next entry opens a new one.
  s.append({ ms: 6n, seq: 0n }, ['f', 'v'], limits);
  assert.deepEqual(s.nodeKeys().map(formatId), ['1-0', '3-0', '6-0']);
  s.delete({ ms: 1n, seq: 0n });
  s.append({ ms: 7n, seq: 0n }, ['f', 'v'], limits);
  // MAXLEN ~ removes only whole nodes; exact trimming leaves a tombstone in the first node.
  assert.equal(s.trim({ strategy: 'maxlen', maxlen: 3, approx: true, limit: 0 }), 1);
  assert.deepEqual(s.nodeKeys().map(formatId), ['3-0', '6-0']);
  assert.equal(s.trim({ strategy: 'maxlen', maxlen: 3, approx: false, limit: 0 }), 1);
  assert.deepEqual(s.firstNodeId(), { ms: 3n, seq: 0n });
  assert.deepEqual(s.firstId(), { ms: 4n, seq: 0n });
});

test('node byte limit: a node closes when its listpack would reach stream-node-max-bytes', () => {
  const s = new StreamValue();
  const limits = { maxEntries: 0, maxBytes: 60 };
  // Listpack sizes as Redis computes them: header 7 + master (count, deleted, nfields, "field1", 0) ...
  s.append({ ms: 1n, seq: 1n }, ['field1', 'value1'], limits);
  s.append({ ms: 2n, seq: 1n }, ['field1', 'value2'], limits);
  s.append({ ms: 3n, seq: 1n }, ['field1', 'value3'], limits);
  s.append({ ms: 4n, seq: 1n }, ['other', 'valueeeeeeeeeeeeee'], limits);
  s.append({ ms: 5n, seq: 1n }, ['x', 'y'], limits);
  // The layout redis-server 7.0.15 builds for the same entries (XINFO radix-tree-keys 3, and
  // XTRIM MAXLEN ~ 4 / ~ 2 removing 0 then 3 entries).
  assert.deepEqual(s.nodeKeys().map(formatId), ['1-1', '3-1', '4-1']);
  assert.equal(s.trim({ strategy: 'maxlen', maxlen: 4, approx: true, limit: 0 }), 0);
  assert.equal(s.trim({ strategy: 'maxlen', maxlen: 2, approx: true, limit: 0 }), 3);
});

test('IdMap: ordered map operations agree with a sorted array', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(400), fc.nat(3)), { maxLength: 400 }), (ops) => {
    const m = new IdMap<number>();
    const model = new Map<string, { id: StreamId; v: number }>();
    for (const [add, ms, seq] of ops) {
      const id = { ms: BigInt(ms), seq: BigInt(seq) };
      const k = formatId(id);
      if (add) { m.set(id, ms); model.set(k, { id, v: ms }); } else assert.equal(m.delete(id), model.delete(k));
    }
    const sorted = [...model.values()].sort((a, b) => cmpId(a.id, b.id));
    assert.equal(m.size, sorted.length);
    assert.deepEqual([...m.entries()].map(([id]) => formatId(id)), sorted.map((e) => formatId(e.id)));
    const from = { ms: 200n, seq: 1n };
    assert.deepEqual([...m.from(from)].map(([id]) => formatId(id)), sorted.filter((e) => cmpId(e.id, from) >= 0).map((e) => formatId(e.id)));
    // Deleting while iterating visits every entry once.
    const seen: string[] = [];
    for (const [id] of m.from()) { seen.push(formatId(id)); m.delete(id); }
    assert.deepEqual(seen, sorted.map((e) => formatId(e.id)));
    assert.equal(m.size, 0);
  }), { numRuns: 200 });
});

test('stream IDs: increment and decrement across the 64-bit edges', () => {
  assert.deepEqual(incrId({ ms: 1n, seq: U64_MAX }), { ms: 2n, seq: 0n });
  assert.equal(incrId(MAX_ID), null);
  assert.deepEqual(decrId({ ms: 2n, seq: 0n }), { ms: 1n, seq: U64_MAX });
  assert.equal(decrId(ZERO_ID), null);
  assert.equal(formatId(MAX_ID), '18446744073709551615-18446744073709551615');
});

test('radix-tree-nodes: node counts of Redis rax shapes (values read off redis-server 7.0.15)', () => {
  assert.equal(raxNodeCount([]), 1);
  assert.equal(raxNodeCount([{ ms: 7n, seq: 1n }]), 2);
  // Three nodes keyed 1-1, 4-1, 7-1 (streams.redis with stream-node-max-entries 3): 8 nodes.
  assert.equal(raxNodeCount([{ ms: 1n, seq: 1n }, { ms: 4n, seq: 1n }, { ms: 7n, seq: 1n }]), 8);
  assert.equal(raxNodeCount([{ ms: 9n, seq: 1n }, { ms: 10n, seq: 1n }]), 6);
});

test('digest: per entry "ms.seq", then each field and value, in ID order', () => {
  const s = new StreamValue();
  s.append({ ms: 1n, seq: 1n }, ['f', 'v']);
  const d = new DigestBuilder();
  s.digestInto(d);
  const want = new DigestBuilder().mix('1.1').mix('f').mix('v');
  assert.equal(d.hex(), want.hex());
});
