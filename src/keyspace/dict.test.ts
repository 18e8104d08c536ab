import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dict, hashKey } from './dict.js';

type Op =
  | { t: 'set'; k: number; v: number }
  | { t: 'del'; k: number }
  | { t: 'get'; k: number };

/**
 * Mostly sets and deletes over a key space small enough to grow, purge and shrink often. (No
 * clear: a database replaces its Dict on FLUSHDB, since a snapshot may hold the old one.)
 */
const opArb = (keys: number): fc.Arbitrary<Op> => fc.oneof(
  { weight: 600, arbitrary: fc.record({ t: fc.constant('set' as const), k: fc.nat(keys - 1), v: fc.nat() }) },
  { weight: 500, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.nat(keys - 1) }) },
  { weight: 300, arbitrary: fc.record({ t: fc.constant('get' as const), k: fc.nat(keys - 1) }) },
);

function sameContents(d: Dict<number>, m: Map<string, number>): void {
  assert.equal(d.size, m.size);
  const seen = new Map<string, number>();
  for (const [k, v] of d) {
    assert.ok(!seen.has(k), `iteration yields ${k} twice`);
    seen.set(k, v);
  }
  assert.deepEqual([...seen].sort(), [...m].sort());
}

test('Dict behaves as a Map under random sets and deletes, across rehashes', () => {
  let runsWithRehash = 0;
  fc.assert(fc.property(fc.array(opArb(3000), { minLength: 2000, maxLength: 8000 }), (ops) => {
    const d = new Dict<number>(7, 0); // every rehash incremental, however small the table
    const m = new Map<string, number>();
    let rehashSeen = false;
    for (const op of ops) {
      const key = `k:${op.k}`;
      switch (op.t) {
        case 'set': d.set(key, op.v); m.set(key, op.v); break;
        case 'del': assert.equal(d.delete(key), m.delete(key)); break;
        case 'get': assert.equal(d.get(key), m.get(key)); assert.equal(d.has(key), m.has(key)); break;
      }
      assert.equal(d.size, m.size);
      rehashSeen ||= d.rehashing;
    }
    sameContents(d, m);
    for (const k of m.keys()) assert.equal(d.get(k), m.get(k));
    if (rehashSeen) runsWithRehash++;
  }), { numRuns: 25 });
  // The generator is meant to exercise rehashes: operations ran during one in most runs.
  assert.ok(runsWithRehash >= 20, `runs with operations during a rehash: ${runsWithRehash}`);
});

test('a table grows past 3/4 full and shrinks under 1/8, moving entries a few at a time', () => {
  const d = new Dict<number>();
  const n = 200_000;
  let maxStepRehashing = 0;
  for (let i = 0; i < n; i++) {
    d.set(`key:${i}`, i);
    if (d.rehashing) maxStepRehashing++;
  }
  // Growth from 2^17 to 2^19 slots happened incrementally: some operations ran during a rehash.
  assert.ok(maxStepRehashing > 1000, `operations during rehashes: ${maxStepRehashing}`);
  assert.ok(d.capacity >= n * 4 / 3 && d.capacity <= n * 4, `capacity ${d.capacity}`);
  for (let i = 0; i < n; i += 1) assert.equal(d.get(`key:${i}`), i);
  for (let i = 0; i < n - 100; i++) assert.equal(d.delete(`key:${i}`), true);
  while (d.rehashing) d.delete('x');
  assert.equal(d.size, 100);
  assert.ok(d.capacity <= 1024, `shrunk to ${d.capacity}`);
  for (let i = n - 100; i < n; i++) assert.equal(d.get(`key:${i}`), i);
  assert.equal(d.get('key:0'), undefined);
});

test('rehashFor migrates within its budget and finishes the rehash', () => {
  const d = new Dict<number>();
  let i = 0;
  while (!d.rehashing || d.capacity < 1 << 16) d.set(`key:${i++}`, i);
  let ticks = 0;
  let clock = 0;
  // A clock that advances 0.1 ms per reading: a 1 ms budget is about ten steps of 100 entries.
  while (d.rehashFor(1, () => (clock += 0.1))) ticks++;
  assert.equal(d.rehashing, false);
  assert.ok(ticks > 1, `finished in ${ticks} ticks: the budget bounds each call`);
  for (let j = 0; j < i; j++) assert.equal(d.get(`key:${j}`), j + 1);
});

test('an iteration during a rehash yields every entry once, even with lookups as it goes', () => {
  const d = new Dict<number>(3, 0);
  let i = 0;
  while (!d.rehashing || d.capacity < 1 << 12) d.set(`key:${i++}`, i);
  const seen = new Set<string>();
  for (const [k, v] of d) {
    assert.ok(!seen.has(k), `${k} twice`);
    seen.add(k);
    assert.equal(d.get(k), v); // a read moves no entry under the iterator
    assert.equal(d.has(`missing:${k}`), false);
  }
  assert.equal(d.rehashing, true);
  assert.equal(seen.size, i);
});

test('warm touches keys without changing anything, whatever the keys and the table state', () => {
  const d = new Dict<number>(5, 0);
  const m = new Map<string, number>();
  for (let i = 0; i < 3000 || !d.rehashing; i++) {
    d.set(`k${i}`, i);
    m.set(`k${i}`, i);
  }
  assert.equal(d.rehashing, true); // keys in both tables
  const argv = ['MSET'];
  for (let i = 0; i < 200; i++) argv.push(`k${i * 7}`, 'v', `absent${i}`, 'v');
  assert.equal(typeof d.warm(argv, 1, 2), 'number');
  assert.equal(typeof d.warm(argv, 1, 1), 'number');
  assert.equal(typeof new Dict<number>().warm(['MGET', 'a', 'b'], 1, 1), 'number');
  assert.equal(d.warm(['GET', 'k1'], 1, 1), 0, 'a single key is not worth it');
  assert.equal(d.warm(['MGET'], 1, 1), 0);
  sameContents(d, m);
  assert.equal(d.rehashing, true, 'warm moves no entry');
});

/** Full SCAN with `between(step)` after every call; returns every key emitted. */
function fullScan(d: Dict<number>, count: number, between: (step: number) => void): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let steps = 0;
  do {
    let n = 0;
    do {
      cursor = d.scanStep(cursor, (k) => { seen.push(k); n++; });
    } while (cursor !== 0 && n < count);
    between(steps++);
    assert.ok(steps < 1_000_000, 'scan did not terminate');
  } while (cursor !== 0);
  return seen;
}

test('SCAN over a static table returns every key exactly once', () => {
  for (const n of [0, 1, 7, 100, 5000, 40_000]) {
    const d = new Dict<number>();
    for (let i = 0; i < n; i++) d.set(`key:${i}`, i);
    while (d.rehashing) d.delete('x');
    const seen = fullScan(d, 10, () => {});
    assert.equal(seen.length, n);
    assert.equal(new Set(seen).size, n);
  }
});

test('SCAN returns every key present throughout, while keys are added and removed and the table grows and shrinks', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 50 }), (seed, count) => {
    let s = seed;
    const rnd = (): number => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5 | 0) >>> 0) / 2 ** 32;
    const d = new Dict<number>(7, 0);
    const stable = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      d.set(`stable:${i}`, i);
      stable.add(`stable:${i}`);
    }
    let churn = 0;
    // Phases: grow (add many), shrink (remove them), grow again; stable keys stay throughout.
    const seen = new Set(fullScan(d, count, (step) => {
      const phase = Math.floor(step / 40) % 3;
      for (let j = 0; j < 60; j++) {
        if (phase !== 1) d.set(`churn:${churn++}`, 0);
        else if (churn > 0) d.delete(`churn:${Math.floor(rnd() * churn)}`);
      }
      if (phase === 1 && rnd() < 0.3) for (let j = 0; j < churn; j++) d.delete(`churn:${j}`);
    }));
    for (const k of stable) assert.ok(seen.has(k), `${k} missed`);
  }), { numRuns: 12 });
});

test('SCAN cursors follow Redis reverse-binary order and ignore bits above the table', () => {
  const d = new Dict<number>();
  for (let i = 0; i < 7; i++) d.set(`k${i}`, i); // 7 of 8 slots: past 3/4, grows to 16
  while (d.rehashing) d.delete('x');
  assert.equal(d.capacity, 16);
  // 0 -> 8 -> 4 -> 12 -> 2 ... over a 16-slot table (Redis's cursor sequence for size 16).
  const order: number[] = [];
  let c = 0;
  do {
    order.push(c);
    c = d.scanStep(c, () => {});
  } while (c !== 0);
  assert.deepEqual(order, [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15]);
  // High bits of a client's cursor are cleared by the increment, as in Redis.
  assert.equal(d.scanStep(0xffff0000 | 8, () => {}), 4);
});

test('randomKey is uniform over keys, including during a rehash', () => {
  const d = new Dict<number>();
  const n = 50;
  for (let i = 0; i < n; i++) d.set(`k${i}`, i);
  for (let i = 0; i < 40; i++) d.delete(`k${i}`); // 10 left, and tombstones
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
  const counts = new Map<string, number>();
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const k = d.randomKey(rnd)!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.equal(counts.size, 10);
  for (const [k, c] of counts) assert.ok(Math.abs(c - draws / 10) < draws / 10 * 0.15, `${k}: ${c}`);
  assert.equal(new Dict<number>().randomKey(rnd), null);
  // A constant `random` (a context without a random source) still ends, on some key.
  assert.ok(d.has(d.randomKey(() => 0)!));
  assert.ok(d.has(d.randomKey(() => 0.999999)!));
  // During a rehash both tables are drawn from.
  const big = new Dict<number>();
  let i = 0;
  while (!big.rehashing || big.capacity < 1 << 15) big.set(`b${i++}`, i);
  const picked = new Set<string>();
  for (let j = 0; j < 5000; j++) picked.add(big.randomKey(rnd)!);
  assert.ok(picked.size > 4000, `distinct picks ${picked.size}`);
  for (const k of picked) assert.ok(big.has(k));
});

test('hashKey: 30-bit, byte-sensitive, and long keys hash their edges and length', () => {
  const a = 'x'.repeat(10_000);
  const b = `${'x'.repeat(5000)}y${'x'.repeat(4999)}`; // differs in the middle only
  assert.equal(hashKey(a, 1), hashKey(b, 1));
  assert.notEqual(hashKey(a, 1), hashKey(`${a}x`, 1));
  assert.notEqual(hashKey('key:1', 1), hashKey('key:2', 1));
  for (const k of ['', 'a', '\u00ff\u0000', a]) {
    const h = hashKey(k, 1);
    assert.notEqual(h, hashKey(`${k}?`, 1));
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30);
  }
  // The seed changes every hash.
  assert.notEqual(hashKey('key:1', 1), hashKey('key:1', 2));
  // Keys differing in the middle still work as keys (they collide, and compare).
  const d = new Dict<number>();
  d.set(a, 1);
  d.set(b, 2);
  assert.equal(d.get(a), 1);
  assert.equal(d.get(b), 2);
});
