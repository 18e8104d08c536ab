import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pqsort } from './pqsort.js';

const byKey = (a: [number, number], b: [number, number]): number => (a[0] > b[0] ? 1 : a[0] < b[0] ? -1 : 0);

test('pqsort puts ranks lrange..rrange where a full sort puts them, and keeps every element', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300 }),
    fc.nat(), fc.nat(),
    (keys, x, y) => {
      const v: Array<[number, number]> = keys.map((k, i) => [k, i]);
      const sorted = [...v].sort(byKey);
      if (v.length === 0) return;
      const lo = x % v.length, hi = lo + (y % (v.length - lo));
      pqsort(v, byKey, lo, hi);
      for (let i = lo; i <= hi; i++) assert.equal(v[i]![0], sorted[i]![0], `rank ${i}`);
      assert.deepEqual([...v].sort((a, b) => a[1] - b[1]), [...sorted].sort((a, b) => a[1] - b[1]));
    },
  ), { numRuns: 500 });
});

test('pqsort over the whole range sorts; ties come out in the order of its steps, not the input order', () => {
  // 12 equal keys: the median-of-three pivot and the swaps of equal elements reorder them.
  const v: Array<[number, number]> = Array.from({ length: 12 }, (_, i) => [0, i]);
  pqsort(v, byKey, 0, 11);
  assert.notDeepEqual(v.map((e) => e[1]), Array.from({ length: 12 }, (_, i) => i));
  assert.deepEqual([...v.map((e) => e[1])].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  // Below 7 elements it is an insertion sort, which is stable.
  const w: Array<[number, number]> = [[1, 0], [0, 1], [1, 2], [0, 3], [1, 4], [0, 5]];
  pqsort(w, byKey, 0, 5);
  assert.deepEqual(w, [[0, 1], [0, 3], [0, 5], [1, 0], [1, 2], [1, 4]]);
});
