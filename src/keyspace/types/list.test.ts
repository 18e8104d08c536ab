import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ListValue, listpackEntryBytes } from './list.js';
import { DigestBuilder, mixValueDigest } from '../digest.js';

test('a list is always a quicklist in Redis 7.0', () => {
  assert.equal(new ListValue().encoding(), 'quicklist');
  assert.equal(ListValue.from(['a']).encoding(), 'quicklist');
  assert.equal(ListValue.from(Array.from({ length: 1000 }, (_, i) => String(i))).encoding(), 'quicklist');
});

test('push and pop at both ends, wrapping around the ring', () => {
  const l = new ListValue();
  for (let i = 0; i < 3; i++) l.pushTail(`t${i}`);
  for (let i = 0; i < 3; i++) l.pushHead(`h${i}`);
  assert.deepEqual(l.toArray(), ['h2', 'h1', 'h0', 't0', 't1', 't2']);
  assert.equal(l.popHead(), 'h2');
  assert.equal(l.popTail(), 't2');
  assert.equal(l.get(0), 'h1');
  assert.equal(l.get(-1), 't1');
  assert.equal(l.get(4), undefined);
  assert.equal(l.get(-5), undefined);
  assert.equal(l.length, 4);
  while (l.length > 0) l.popTail();
  assert.equal(l.popHead(), undefined);
  assert.equal(l.popTail(), undefined);
});

test('the buffer grows by doubling and shrinks when a quarter full', () => {
  const l = new ListValue();
  for (let i = 0; i < 1000; i++) l.pushTail(String(i));
  assert.equal(l.capacity, 1024);
  for (let i = 0; i < 990; i++) l.popHead();
  assert.ok(l.capacity <= 64, `capacity ${l.capacity} after popping`);
  assert.deepEqual(l.toArray(), ['990', '991', '992', '993', '994', '995', '996', '997', '998', '999']);
});

test('clone is deep', () => {
  const a = ListValue.from(['x', 'y']);
  const b = a.clone();
  b.pushTail('z');
  b.set(0, 'X');
  assert.deepEqual(a.toArray(), ['x', 'y']);
  assert.deepEqual(b.toArray(), ['X', 'y', 'z']);
  assert.equal(b.fill, a.fill);
});

test('digest: each element mixed head to tail (golden from redis-server 7.0.15 DEBUG DIGEST-VALUE)', () => {
  const d = new DigestBuilder();
  mixValueDigest(d, ListValue.from(['a', 'b', 'c']), false);
  assert.equal(d.hex(), '8bf72d812571eea9b927f3c11beb0c4165a6ff89');
});

test('listpack entry sizes: integers by range, strings by length class, plus back-length', () => {
  assert.equal(listpackEntryBytes('a'), 3); // 1 header + 1 byte + 1 backlen
  assert.equal(listpackEntryBytes('0'), 2); // 7-bit uint
  assert.equal(listpackEntryBytes('127'), 2);
  assert.equal(listpackEntryBytes('128'), 3); // 13-bit int
  assert.equal(listpackEntryBytes('-4096'), 3);
  assert.equal(listpackEntryBytes('4096'), 4); // 16-bit
  assert.equal(listpackEntryBytes('32768'), 5); // 24-bit
  assert.equal(listpackEntryBytes('8388608'), 6); // 32-bit
  assert.equal(listpackEntryBytes('2147483648'), 10); // 64-bit
  assert.equal(listpackEntryBytes('9223372036854775808'), 21); // beyond int64: a string
  assert.equal(listpackEntryBytes('01'), 4); // not canonical: a string
  assert.equal(listpackEntryBytes('x'.repeat(63)), 65);
  assert.equal(listpackEntryBytes('x'.repeat(64)), 67);
  assert.equal(listpackEntryBytes('x'.repeat(126)), 130); // 128-byte entry: 2-byte backlen
  assert.equal(listpackEntryBytes('x'.repeat(4096)), 4096 + 5 + 2);
});

test('MEMORY USAGE estimate follows the quicklist node layout (goldens from redis-server 7.0.15)', () => {
  // MEMORY USAGE = key (8 for a short key) + dictEntry (24) + robj (16) + memoryUsage().
  const usage = (l: ListValue): number => 8 + 24 + 16 + l.memoryUsage();
  assert.equal(usage(ListValue.from(['a', 'b', 'c'])), 144);
  assert.equal(usage(ListValue.from(Array.from({ length: 1000 }, (_, i) => String(i + 1)))), 3200);
  // Fill 4 (entries per node): 26 single letters -> 7 nodes, 5 sampled.
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const l = ListValue.from(letters, 4);
  assert.deepEqual(l.nodeLayout().map((n) => n.count), [4, 4, 4, 4, 4, 4, 2]);
  // Fill 0: one element per node.
  assert.deepEqual(ListValue.from(['a', 'b', 'c'], 0).nodeLayout().map((n) => n.count), [1, 1, 1]);
  // Fill -1: 4 KB nodes (redis-server 7.0.15 DEBUG OBJECT: ql_nodes:3 ql_uncompressed_size:10321).
  const big = ListValue.from(Array.from({ length: 100 }, () => 'x'.repeat(100)), -1);
  assert.deepEqual(big.nodeLayout().map((n) => n.count), [39, 39, 22]);
  assert.equal(big.nodeLayout().reduce((a, n) => a + n.bytes, 0), 10321);
  assert.equal(l.nodeLayout().reduce((a, n) => a + n.bytes, 0), 127);
});

type Op =
  | { k: 'pushHead' | 'pushTail'; v: string }
  | { k: 'popHead' | 'popTail' }
  | { k: 'insert'; pos: number; v: string }
  | { k: 'removeRange'; start: number; count: number }
  | { k: 'set'; index: number; v: string }
  | { k: 'removeMatching'; v: string; limit: number; fromTail: boolean }
  | { k: 'bulkPush'; n: number };

const value = fc.constantFrom('a', 'b', 'c', '', '\x00\xff', '1');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constantFrom('pushHead' as const, 'pushTail' as const), v: value }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('popHead' as const, 'popTail' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), pos: fc.integer({ min: -2, max: 40 }), v: value }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('removeRange' as const), start: fc.integer({ min: 0, max: 40 }), count: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), index: fc.integer({ min: -45, max: 45 }), v: value }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('removeMatching' as const), v: value, limit: fc.integer({ min: 0, max: 4 }), fromTail: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('bulkPush' as const), n: fc.integer({ min: 1, max: 70 }) }) },
);

function applyModel(m: string[], o: Op, counter: { n: number }): unknown {
  switch (o.k) {
    case 'pushHead': m.unshift(o.v); return m.length;
    case 'pushTail': m.push(o.v); return m.length;
    case 'popHead': return m.shift();
    case 'popTail': return m.pop();
    case 'insert': m.splice(Math.max(0, Math.min(o.pos, m.length)), 0, o.v); return m.length;
    case 'removeRange': {
      const start = Math.min(o.start, m.length);
      const count = Math.min(o.count, m.length - start);
      m.splice(start, count);
      return m.length;
    }
    case 'set': {
      const i = o.index < 0 ? m.length + o.index : o.index;
      if (i < 0 || i >= m.length) return false;
      m[i] = o.v;
      return true;
    }
    case 'removeMatching': {
      let removed = 0;
      const idx = m.map((_, i) => i);
      if (o.fromTail) idx.reverse();
      const drop = new Set<number>();
      for (const i of idx) {
        if (m[i] === o.v && (o.limit === 0 || removed < o.limit)) { drop.add(i); removed++; }
      }
      const kept = m.filter((_, i) => !drop.has(i));
      m.length = 0;
      m.push(...kept);
      return removed;
    }
    case 'bulkPush':
      for (let i = 0; i < o.n; i++) m.push(`e${counter.n++}`);
      return m.length;
  }
}

function applyList(l: ListValue, o: Op, counter: { n: number }): unknown {
  switch (o.k) {
    case 'pushHead': l.pushHead(o.v); return l.length;
    case 'pushTail': l.pushTail(o.v); return l.length;
    case 'popHead': return l.popHead();
    case 'popTail': return l.popTail();
    case 'insert': l.insertAt(o.pos, o.v); return l.length;
    case 'removeRange': {
      const start = Math.min(o.start, l.length);
      l.removeRange(start, Math.min(o.count, l.length - start));
      return l.length;
    }
    case 'set': return l.set(o.index, o.v);
    case 'removeMatching': return l.removeMatching(o.v, o.limit, o.fromTail);
    case 'bulkPush':
      for (let i = 0; i < o.n; i++) l.pushTail(`e${counter.n++}`);
      return l.length;
  }
}

test('property: random operation sequences behave like a JS array (growth, wrap-around, shrink)', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const model: string[] = [];
      const list = new ListValue();
      const cm = { n: 0 };
      const cl = { n: 0 };
      for (const o of ops) {
        assert.deepEqual(applyList(list, o, cl), applyModel(model, o, cm), JSON.stringify(o));
        assert.equal(list.length, model.length);
        const cap = list.capacity;
        assert.ok(cap >= list.length && (cap & (cap - 1)) === 0, `capacity ${cap} for ${list.length}`);
      }
      assert.deepEqual(list.toArray(), model);
      for (let i = 0; i < model.length; i++) assert.equal(list.at(i), model[i]);
      if (model.length > 0) {
        assert.deepEqual(list.rangeReversed(0, model.length - 1), [...model].reverse());
        assert.equal(list.indexOf(model[model.length - 1]!), model.indexOf(model[model.length - 1]!));
      }
      assert.deepEqual(list.clone().toArray(), model);
    }),
    { numRuns: 400 },
  );
});
