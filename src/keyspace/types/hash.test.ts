import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HashValue, type HashLimits } from './hash.js';
import { lpAppend, lpFind, lpPack, lpRemove, lpReplaceValue, lpUnpack, lpUnpackCopies } from './hash-listpack.js';
import { DigestBuilder, mixValueDigest } from '../digest.js';

const DEFAULTS: HashLimits = { hashMaxListpackEntries: 512, hashMaxListpackValue: 64 };

function digestOf(h: HashValue): string {
  const d = new DigestBuilder();
  mixValueDigest(d, h, false);
  return d.hex();
}

test('packed listpack: entries of every length class round-trip, binary bytes included', () => {
  const items = ['', 'a', '\x00\xff', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(16384), '\x80\x81'.repeat(100), 'v'];
  const lp = lpPack(items);
  assert.deepEqual(lpUnpack(lp), items);
  assert.deepEqual(lpUnpackCopies(lp), items);
  // Length prefixes: 1 char below 128 bytes, 2 up to 16383, 3 beyond.
  assert.equal(lp.length, items.reduce((n, s) => n + s.length + (s.length < 128 ? 1 : s.length < 16384 ? 2 : 3), 0));
});

test('packed listpack: find, replace in place, append at the tail, remove anywhere', () => {
  let lp = lpPack(['f1', 'v1', 'f2', 'v2', 'f3', 'v3']);
  assert.equal(lpFind(lp, 'f'), null);
  assert.equal(lpFind(lp, 'v1'), null, 'values are not fields');
  lp = lpReplaceValue(lp, lpFind(lp, 'f2')!, 'x'.repeat(200));
  assert.deepEqual(lpUnpack(lp), ['f1', 'v1', 'f2', 'x'.repeat(200), 'f3', 'v3']);
  lp = lpAppend(lp, 'f4', '');
  lp = lpRemove(lp, lpFind(lp, 'f1')!);
  assert.deepEqual(lpUnpack(lp), ['f2', 'x'.repeat(200), 'f3', 'v3', 'f4', '']);
  lp = lpRemove(lp, lpFind(lp, 'f4')!);
  lp = lpRemove(lp, lpFind(lp, 'f3')!);
  assert.deepEqual(lpUnpack(lp), ['f2', 'x'.repeat(200)]);
  assert.equal(lpRemove(lp, lpFind(lp, 'f2')!), '');
});

test('listpack keeps Redis order: updates in place, new fields at the tail, deletions close the gap', () => {
  const h = HashValue.empty();
  assert.equal(h.setPairs(['k1', 'v1', 'k2', 'v2', 'k3', 'v3'], 0, DEFAULTS), 3);
  assert.equal(h.delete('k1'), true);
  assert.equal(h.setPairs(['x', 'x', 'k3', 'new', 'k1', 'back'], 2, DEFAULTS), 1);
  assert.equal(h.set('k0', 'tail', DEFAULTS), true);
  assert.equal(h.set('k2', 'upd', DEFAULTS), false);
  assert.deepEqual(h.pairs(), ['k2', 'upd', 'k3', 'new', 'k1', 'back', 'k0', 'tail']);
  assert.deepEqual(h.fields(), ['k2', 'k3', 'k1', 'k0']);
  assert.deepEqual(h.values(), ['upd', 'new', 'back', 'tail']);
  assert.equal(h.encoding(), 'listpack');
  assert.equal(h.size, 4);
});

test('conversion by entries happens after the insertion that passes the limit, mid-command', () => {
  const lim: HashLimits = { hashMaxListpackEntries: 3, hashMaxListpackValue: 64 };
  const h = HashValue.empty();
  h.setPairs(['a', '1', 'b', '2', 'c', '3', 'a', '10'], 0, lim);
  assert.equal(h.encoding(), 'listpack');
  assert.equal(h.setPairs(['d', '4', 'b', '20', 'e', '5'], 0, lim), 2);
  assert.equal(h.encoding(), 'hashtable');
  const asMap = (flat: string[]): Map<string, string> => new Map(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]));
  assert.deepEqual(asMap(h.pairs()), new Map([['a', '10'], ['b', '20'], ['c', '3'], ['d', '4'], ['e', '5']]));
  // Never back, even when it shrinks.
  for (const f of ['a', 'b', 'c', 'd']) h.delete(f);
  assert.equal(h.encoding(), 'hashtable');
  assert.deepEqual(h.pairs(), ['e', '5']);
});

test('conversion by length: HSET checks every argument first, set() the field and the new value', () => {
  const h = HashValue.empty();
  h.setPairs(['a', 'x'.repeat(64)], 0, DEFAULTS);
  assert.equal(h.encoding(), 'listpack');
  h.setPairs(['a', '1', 'b', 'y'.repeat(65)], 0, DEFAULTS);
  assert.equal(h.encoding(), 'hashtable');
  const g = HashValue.empty();
  g.set('f', '1', DEFAULTS);
  g.set('f'.repeat(65), '1', DEFAULTS);
  assert.equal(g.encoding(), 'hashtable');
  const z = HashValue.fromPairs(['a', '1'], { hashMaxListpackEntries: 0, hashMaxListpackValue: 64 });
  assert.equal(z.encoding(), 'hashtable');
});

test('converted strings do not keep the old packed string alive (independent copies)', () => {
  const h = HashValue.fromPairs(['field-with-a-long-name', 'value-with-a-long-text'], DEFAULTS);
  h.convert();
  assert.deepEqual(h.pairs(), ['field-with-a-long-name', 'value-with-a-long-text']);
});

test('clone is independent for both encodings', () => {
  for (const lim of [DEFAULTS, { hashMaxListpackEntries: 0, hashMaxListpackValue: 64 }]) {
    const a = HashValue.fromPairs(['f', 'v', 'g', 'w'], lim);
    const b = a.clone();
    b.set('f', 'changed', lim);
    b.delete('g');
    assert.deepEqual(a.pairs(), ['f', 'v', 'g', 'w']);
    assert.deepEqual(b.pairs(), ['f', 'changed']);
    assert.equal(b.encoding(), a.encoding());
  }
});

test('digest per Redis 7.0 (goldens from redis-server 7.0.15 DEBUG DIGEST-VALUE), same for both encodings', () => {
  const ab = HashValue.fromPairs(['a', '1', 'b', '2'], DEFAULTS);
  assert.equal(digestOf(ab), '6c8f22b3bf510fdcfd6122dd0f908a80e88243bf');
  const ba = HashValue.fromPairs(['b', '2', 'a', '1'], { hashMaxListpackEntries: 0, hashMaxListpackValue: 64 });
  assert.equal(ba.encoding(), 'hashtable');
  assert.equal(digestOf(ba), '6c8f22b3bf510fdcfd6122dd0f908a80e88243bf');
  const g3 = HashValue.fromPairs(['field:0', 'v'.repeat(32), 'f2', '-7', 'f3', '3000000000'], DEFAULTS);
  assert.equal(digestOf(g3), 'ed2be352945cf2d23c985d86393d1b78e012cf2e');
  const g4 = HashValue.fromPairs(['z'.repeat(70), '1', 'b', '2'], DEFAULTS);
  assert.equal(g4.encoding(), 'hashtable');
  assert.equal(digestOf(g4), '8c4ad140088b404c2e7da85425106c3154ac6559');
});

test('MEMORY USAGE of listpack hashes as redis-server 7.0.15 reports it (minus the robj)', () => {
  // key "g" sds (8) + dictEntry (24) + robj (16) + listpack.
  assert.equal(8 + 24 + 16 + HashValue.fromPairs(['a', '1', 'b', '2'], DEFAULTS).memoryUsage(), 80);
  const g3 = HashValue.fromPairs(['field:0', 'v'.repeat(32), 'f2', '-7', 'f3', '3000000000'], DEFAULTS);
  // key "g3" sds (8) + dictEntry (24) + robj (16) + listpack.
  assert.equal(8 + 24 + 16 + g3.memoryUsage(), 128);
});

type Op =
  | { k: 'set'; pairs: string[] }
  | { k: 'set1'; f: string; v: string }
  | { k: 'del'; fields: string[] };

test('property: any operation sequence behaves as a Map, across the listpack -> hashtable conversion', () => {
  const field = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', '', '\x00', 'long-field-name-xx');
  const value = fc.oneof(fc.constantFrom('', '1', '-7', '\xff'), fc.string({ maxLength: 12 }), fc.string({ minLength: 6, maxLength: 9 }));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 4 }).map((ps) => ({ k: 'set' as const, pairs: ps.flat() })),
    fc.tuple(field, value).map(([f, v]) => ({ k: 'set1' as const, f, v })),
    fc.array(field, { minLength: 1, maxLength: 3 }).map((fields) => ({ k: 'del' as const, fields })),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 2, max: 10 }), (ops, maxEntries, maxValue) => {
    const lim: HashLimits = { hashMaxListpackEntries: maxEntries, hashMaxListpackValue: maxValue };
    const h = HashValue.empty();
    const model = new Map<string, string>();
    let mustBeTable = false;
    for (const o of ops) {
      if (o.k === 'set') {
        const before = model.size;
        if (h.isListpack() && o.pairs.some((s) => s.length > maxValue)) mustBeTable = true;
        for (let i = 0; i < o.pairs.length; i += 2) model.set(o.pairs[i]!, o.pairs[i + 1]!);
        assert.equal(h.setPairs(o.pairs, 0, lim), model.size - before);
      } else if (o.k === 'set1') {
        if (o.f.length > maxValue || o.v.length > maxValue) mustBeTable = true;
        assert.equal(h.set(o.f, o.v, lim), !model.has(o.f));
        model.set(o.f, o.v);
      } else {
        let expected = 0;
        for (const f of o.fields) {
          if (model.delete(f)) expected++;
          if (model.size === 0) break;
        }
        assert.equal(h.deleteFields(o.fields, 0), expected);
      }
      if (model.size > maxEntries) mustBeTable = true;
      assert.equal(h.encoding(), mustBeTable ? 'hashtable' : 'listpack');
      assert.equal(h.size, model.size);
      // Both encodings iterate in insertion order here (a Map's order for the table).
      assert.deepEqual(h.pairs(), [...model].flat());
      for (const f of ['a', 'b', '', 'zz']) {
        assert.equal(h.get(f), model.get(f));
        assert.equal(h.has(f), model.has(f));
      }
    }
    const copy = HashValue.fromPairs([...model].flat(), { hashMaxListpackEntries: 1000, hashMaxListpackValue: 1000 });
    assert.equal(digestOf(copy), digestOf(h));
  }), { numRuns: 300 });
});

test('HSCAN over a hash table: every field present throughout is returned, with changes in between', () => {
  const lim: HashLimits = { hashMaxListpackEntries: 0, hashMaxListpackValue: 64 };
  const h = HashValue.fromPairs(Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat(), lim);
  const seen = new Set<string>();
  let cursor = 0n;
  let step = 0;
  do {
    cursor = h.scanStep(cursor, 7, 0, (f, v) => {
      assert.equal(v, f.startsWith('new') ? 'vnew' : `v${f.slice(1)}`);
      seen.add(f);
    });
    // Meanwhile: delete some fields that were already returned, add new ones.
    h.delete(`f${step}`);
    h.set(`new${step}`, `vnew`, lim);
    step++;
  } while (cursor !== 0n);
  assert.ok(step > 20);
  for (let i = step; i < 200; i++) assert.ok(seen.has(`f${i}`), `f${i} was never returned`);
});
