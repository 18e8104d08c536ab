import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lexPreds, scorePreds, ZSet, type ZsetLimits } from './zset.js';

function entries(z: ZSet): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  z.forEach((m, s) => out.push([m, s]));
  return out;
}

const small: ZsetLimits = { zsetMaxListpackEntries: 4, zsetMaxListpackValue: 3 };

test('zset: converts to skiplist past the entry and value limits, never back', () => {
  const z = new ZSet();
  for (const [s, m] of [[3, 'c'], [1, 'a'], [2, 'b'], [2, 'aa']] as const) z.insert(s, m, small);
  assert.equal(z.encoding(), 'listpack');
  assert.deepEqual(entries(z), [['a', 1], ['aa', 2], ['b', 2], ['c', 3]]);
  z.insert(4, 'd', small);
  assert.equal(z.encoding(), 'skiplist');
  z.remove('d');
  z.remove('c');
  assert.equal(z.encoding(), 'skiplist');
  const y = new ZSet();
  y.insert(1, 'long', small);
  assert.equal(y.encoding(), 'skiplist');
  assert.equal(ZSet.fromEntries(['a', 'b'], [2, 1], small).encoding(), 'listpack');
  assert.equal(ZSet.fromEntries(['a', 'b', 'c', 'd', 'e'], [1, 1, 1, 1, 1], small).encoding(), 'skiplist');
});

test('zset: a listpack stores a zero score without its sign, a skiplist keeps it', () => {
  const z = new ZSet();
  z.insert(-0, 'a', small);
  assert.ok(Object.is(z.score('a'), 0));
  const y = new ZSet();
  y.insert(-0, 'long', small);
  assert.ok(Object.is(y.score('long'), -0));
});

const TRICKY_SCORES = [
  5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE,
  Infinity, -Infinity, 0.1, 0.30000000000000004, 1 / 3, -2 / 3, 1e21, 1e-7, 123456789012345, 1234567890123456,
  9007199254740993, -9007199254740991, 1e15 + 0.5, -42, 7, 1e300,
];

test('zset: listpack scores round-trip bit-exactly (denormals, infinities, long integers)', () => {
  const big: ZsetLimits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
  const members = TRICKY_SCORES.map((_, i) => `m${i}`);
  const sorted = TRICKY_SCORES.map((s, i): [string, number] => [members[i]!, s]).sort(cmp);
  const z = new ZSet();
  TRICKY_SCORES.forEach((s, i) => z.insert(s, members[i]!, big));
  const f = ZSet.fromEntries(members, TRICKY_SCORES, big);
  for (const y of [z, f, f.clone()]) {
    assert.equal(y.encoding(), 'listpack');
    assert.deepEqual(entries(y), sorted);
    TRICKY_SCORES.forEach((s, i) => assert.ok(Object.is(y.score(members[i]!), s), `score of ${s}`));
    sorted.forEach(([m, s], r) => { assert.equal(y.memberAt(r), m); assert.ok(Object.is(y.scoreAt(r), s)); });
    const rev: Array<[string, number]> = [];
    y.walk(sorted.length - 1, true, (m, s) => { rev.push([m, s]); return true; });
    assert.deepEqual(rev, sorted.slice().reverse());
  }
  // Updates move a member to its new place, keeping every score exact.
  z.update('m0', 5e-324, -Infinity, big);
  z.update('m6', Infinity, -0, big);
  assert.equal(z.memberAt(0), 'm0');
  assert.ok(Object.is(z.score('m6'), 0));
  assert.ok(Object.is(z.score('m2'), 2.2250738585072014e-308));
});

test('zset: an update under lowered limits converts the listpack, as remove + insert', () => {
  const big: ZsetLimits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
  const z = ZSet.fromEntries(['a', 'b', 'c'], [1, 2, 3], big);
  z.update('a', 1, 4, { zsetMaxListpackEntries: 2, zsetMaxListpackValue: 64 });
  assert.equal(z.encoding(), 'skiplist');
  assert.deepEqual(entries(z), [['b', 2], ['c', 3], ['a', 4]]);
});

type Op =
  | { k: 'add'; m: string; s: number }
  | { k: 'rem'; m: string }
  | { k: 'remrank'; a: number; b: number }
  | { k: 'remscore'; min: number; max: number; minex: boolean; maxex: boolean };

const memberArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'ab', 'ba', '\x00', '\xff', 'xyz1');
const scoreArb = fc.constantFrom(-Infinity, -2, -1, 0, 0.5, 1, 1, 2, 3, Infinity, 5e-324, 0.1, 1e21, 123456789012345680000, -1e-300);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('add' as const), m: memberArb, s: scoreArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('rem' as const), m: memberArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remrank' as const), a: fc.nat(12), b: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remscore' as const), min: scoreArb, max: scoreArb, minex: fc.boolean(), maxex: fc.boolean() }) },
);

function cmp(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

test('zset: random operations agree with a sorted-array model across the conversion', () => {
  fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (ops, maxEntries) => {
    const limits: ZsetLimits = { zsetMaxListpackEntries: maxEntries, zsetMaxListpackValue: 3 };
    const z = new ZSet();
    let model: Array<[string, number]> = [];
    for (const op of ops) {
      if (op.k === 'add') {
        const cur = z.score(op.m);
        if (cur === undefined) z.insert(op.s, op.m, limits);
        else z.update(op.m, cur, op.s, limits);
        model = model.filter(([m]) => m !== op.m);
        model.push([op.m, op.s]);
      } else if (op.k === 'rem') {
        assert.equal(z.remove(op.m), model.some(([m]) => m === op.m));
        model = model.filter(([m]) => m !== op.m);
      } else if (op.k === 'remrank') {
        const a = Math.min(op.a, op.b), b = Math.max(op.a, op.b);
        if (a < model.length) {
          const e = Math.min(b, model.length - 1);
          assert.equal(z.removeRankRange(a, e), e - a + 1);
          model.sort(cmp);
          model.splice(a, e - a + 1);
        }
      } else {
        const r = { min: op.min, max: op.max, minex: op.minex, maxex: op.maxex };
        const inR = ([, s]: [string, number]): boolean => (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
        model.sort(cmp);
        const expected = model.filter(inR).map(([m]) => m);
        assert.deepEqual(z.removeRange(scorePreds(r)), expected);
        model = model.filter((e) => !inR(e));
      }
      model.sort(cmp);
      // Compare everything observable.
      assert.equal(z.length, model.length);
      assert.deepEqual(entries(z).map(([m, s]) => [m, s === 0 ? 0 : s]), model.map(([m, s]) => [m, s === 0 ? 0 : s]));
      model.forEach(([m], i) => {
        assert.equal(z.rank(m), i);
        assert.equal(z.memberAt(i), m);
      });
      if (model.length > maxEntries || model.some(([m]) => m.length > 3)) assert.equal(z.encoding(), 'skiplist');
    }
    // Range queries on the final state.
    const r = { min: -1, max: 2, minex: true, maxex: false };
    const inR = model.filter(([, s]) => s > -1 && s <= 2);
    assert.equal(z.countInRange(scorePreds(r)), inR.length);
    if (inR.length > 0) {
      assert.equal(z.firstInRange(scorePreds(r)), model.indexOf(inR[0]!));
      assert.equal(z.lastInRange(scorePreds(r)), model.indexOf(inR[inR.length - 1]!));
    } else {
      assert.equal(z.firstInRange(scorePreds(r)), -1);
    }
    assert.deepEqual(entries(z.clone()), entries(z));
  }), { numRuns: 400 });
});

test('zset: lex ranges over equal scores in both encodings', () => {
  for (const maxEntries of [128, 0]) {
    const z = new ZSet();
    for (const m of ['a', 'b', 'c', 'd', 'e']) z.insert(0, m, { zsetMaxListpackEntries: maxEntries, zsetMaxListpackValue: 64 });
    const r = lexPreds({ min: 'b', minex: false, max: 'd', maxex: true });
    assert.equal(z.countInRange(r), 2);
    assert.equal(z.firstInRange(r), 1);
    assert.equal(z.lastInRange(r), 2);
    assert.equal(z.countInRange(lexPreds({ min: -1, minex: true, max: 1, maxex: true })), 5);
    assert.equal(z.countInRange(lexPreds({ min: 1, minex: true, max: -1, maxex: true })), 0);
    assert.deepEqual(z.removeRange(lexPreds({ min: 'c', minex: true, max: 1, maxex: true })), ['d', 'e']);
    assert.equal(z.length, 3);
  }
});

test('zset: fromEntries of a big set, in ascending, descending or no order, holds the same elements', () => {
  const limits: ZsetLimits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i < 5000; i++) pairs.push([`m${i}`, (i * 37) % 101 - 50]);
  const sorted = pairs.slice().sort((a, b) => (a[1] - b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shuffled = pairs.slice().sort((a, b) => ((a[1] * 7919 + a[0].length) % 13) - ((b[1] * 7919 + b[0].length) % 13));
  for (const input of [sorted, sorted.slice().reverse(), shuffled, pairs]) {
    const z = ZSet.fromEntries(input.map(([m]) => m), input.map(([, s]) => s), limits);
    assert.equal(z.encoding(), 'skiplist');
    assert.deepEqual(entries(z), sorted);
    assert.equal(z.rank('m4999'), sorted.findIndex(([m]) => m === 'm4999'));
    assert.equal(z.score('m17'), (17 * 37) % 101 - 50);
    assert.deepEqual(entries(z.clone()), sorted);
  }
});
