import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SetValue } from './set.js';
import { Database } from '../database.js';
import { keyValueDigest } from '../digest.js';

function digestOf(s: SetValue, withExpire = false): string {
  const db = new Database(0);
  db.dict.set('k', s);
  if (withExpire) db.setExpire('k', 1_000_000);
  return keyValueDigest(db, 'k');
}

test('DEBUG DIGEST-VALUE of sets equals redis-server 7.0.15 (golden values)', () => {
  // Taken from redis-server 7.0.15: SADD i 1 2 3 -5 9223372036854775807; SADD h a b ""; SADD m 1 x;
  // SADD e 7 + EXPIRE e 100.
  assert.equal(digestOf(SetValue.of(['1', '2', '3', '-5', '9223372036854775807'], 512)), '1bc2165de715bc4147edb8c47cac9c3bf6a1c215');
  assert.equal(digestOf(SetValue.of(['a', 'b', ''], 512)), '07a0917e3da144121a8a952918f4a0bf768d06cf');
  assert.equal(digestOf(SetValue.of(['1', 'x'], 512)), '96257d5cc29f1c46ff96a88360b5c99de66ae13f');
  assert.equal(digestOf(SetValue.of(['7'], 512), true), 'c41794cb031757db98369d049924b52fee5827bf');
  // The encoding does not enter the digest: the same members as a hashtable digest the same.
  assert.equal(digestOf(SetValue.of(['1', '2', '3', '-5', '9223372036854775807'], 0)), '1bc2165de715bc4147edb8c47cac9c3bf6a1c215');
});

test('intset: canonical int64 members only, ascending order, exact beyond 2^53', () => {
  const s = SetValue.forMember('5');
  assert.equal(s.encoding(), 'intset');
  for (const m of ['5', '-1', '9223372036854775807', '-9223372036854775808', '9007199254740993', '9007199254740992', '0']) {
    assert.equal(s.add(m, 512), true, m);
  }
  assert.equal(s.add('9007199254740993', 512), false);
  assert.deepEqual(s.toArray(), ['-9223372036854775808', '-1', '0', '5', '9007199254740992', '9007199254740993', '9223372036854775807']);
  assert.equal(s.has('9007199254740993'), true);
  assert.equal(s.has('9007199254740994'), false);
  for (const m of ['05', '+5', ' 5', '5 ', '-0', '5.0', '']) assert.equal(s.has(m), false, m);
  assert.equal(s.remove('05'), false);
  assert.equal(s.encoding(), 'intset');
  assert.equal(s.add('-0', 512), true);
  assert.equal(s.encoding(), 'hashtable');
  assert.equal(s.has('-0'), true);
  assert.equal(s.has('0'), true);
  assert.equal(s.size, 8);
});

test('conversion happens past set-max-intset-entries, and never back', () => {
  const s = SetValue.forMember('1');
  for (let i = 1; i <= 3; i++) s.add(String(i), 3);
  assert.equal(s.encoding(), 'intset');
  s.add('3', 3);
  assert.equal(s.encoding(), 'intset');
  s.add('4', 3);
  assert.equal(s.encoding(), 'hashtable');
  s.remove('4');
  s.remove('3');
  assert.equal(s.encoding(), 'hashtable');
  assert.deepEqual(s.toArray().sort(), ['1', '2']);
  assert.equal(SetValue.forMember('x').encoding(), 'hashtable');
  assert.equal(SetValue.of(['1'], 0).encoding(), 'hashtable');
});

test('clone is deep and keeps the encoding', () => {
  const a = SetValue.of(['1', '2'], 512);
  const b = a.clone();
  b.add('x', 512);
  assert.equal(a.encoding(), 'intset');
  assert.equal(b.encoding(), 'hashtable');
  assert.deepEqual(a.toArray(), ['1', '2']);
  const c = b.clone();
  c.remove('x');
  assert.equal(b.has('x'), true);
  assert.equal(c.encoding(), 'hashtable');
});

test('randomMember picks by slot, so every member is reachable in both encodings', () => {
  for (const members of [['1', '2', '3'], ['a', 'b', 'c']]) {
    const s = SetValue.of(members, 512);
    const seen = new Set<string>();
    for (const r of [0, 0.34, 0.67, 0.9999999]) seen.add(s.randomMember(() => r));
    assert.deepEqual([...seen].sort(), members);
  }
});

test('SSCAN over a hashtable returns every member present throughout, despite changes', () => {
  const s = SetValue.of(Array.from({ length: 200 }, (_, i) => `m${i}`), 512);
  const seen = new Set<string>();
  let cursor = 0n;
  let round = 0;
  do {
    cursor = s.scanStep(cursor, 7, round, (m) => seen.add(m));
    // Churn: remove some members that were never stable, add new ones.
    s.add(`new${round}`, 512);
    if (round % 3 === 0) s.remove(`new${round}`);
    round++;
  } while (cursor !== 0n);
  for (let i = 0; i < 200; i++) assert.ok(seen.has(`m${i}`), `m${i}`);
});

type Op = { kind: 'add' | 'remove' | 'has'; m: string };

const memberArb = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '9007199254740993', '01', '-0', '+1', 'a', '', '\x00\xff'),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);

test('property: SetValue behaves as a JS Set across the intset -> hashtable conversion', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 8 }),
    fc.array(fc.record({ kind: fc.constantFrom<Op['kind']>('add', 'remove', 'has'), m: memberArb }), { maxLength: 80 }),
    (maxIntset, ops) => {
      const model = new Set<string>();
      let s: SetValue | null = null;
      let converted = false;
      for (const op of ops) {
        if (s === null) {
          if (op.kind !== 'add') continue;
          s = SetValue.forMember(op.m);
        }
        if (op.kind === 'add') assert.equal(s.add(op.m, maxIntset), !model.has(op.m));
        else if (op.kind === 'remove') assert.equal(s.remove(op.m), model.delete(op.m));
        else assert.equal(s.has(op.m), model.has(op.m));
        if (op.kind === 'add') model.add(op.m);
        assert.equal(s.size, model.size);
        // Encoding rule: intset iff never converted, all canonical ints and within the limit.
        if (s.encoding() === 'hashtable') converted = true;
        else {
          assert.equal(converted, false, 'converted back to intset');
          assert.ok(model.size <= maxIntset);
          const arr = s.toArray();
          const sorted = [...arr].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0));
          assert.deepEqual(arr, sorted);
          for (const m of arr) assert.equal(String(BigInt(m)), m);
        }
        assert.deepEqual([...s.toArray()].sort(), [...model].sort());
        assert.deepEqual([...s.members()], s.toArray());
      }
    },
  ), { numRuns: 300 });
});

test('MEMORY USAGE estimate equals redis-server 7.0.15 for intsets and hashtables (golden values)', () => {
  // keyMemoryUsage adds the key sds (8 for these names), a dictEntry (24) and the robj (16).
  const usage = (s: SetValue): number => 8 + 24 + 16 + s.memoryUsage();
  assert.equal(usage(SetValue.of(['1', '2', '3'], 512)), 64);
  assert.equal(usage(SetValue.of(['1', '70000'], 512)), 64);
  assert.equal(usage(SetValue.of(['1', '5000000000'], 512)), 80);
  assert.equal(usage(SetValue.of(['a', 'b', 'c'], 512)), 232);
  assert.equal(usage(SetValue.of([...Array.from({ length: 20 }, (_, i) => String(i + 1)), 'x'], 512)), 1032);
  assert.equal(usage(SetValue.of(['a'.repeat(41), 'b'], 512)), 240);
});
