import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScanCursor, ScanCursors } from './scan.js';

test('parseScanCursor follows strtoul base 10 as Redis uses it', () => {
  assert.equal(parseScanCursor('0'), 0n);
  assert.equal(parseScanCursor(''), 0n);
  assert.equal(parseScanCursor('+0'), 0n);
  assert.equal(parseScanCursor('-0'), 0n);
  assert.equal(parseScanCursor('123'), 123n);
  assert.equal(parseScanCursor('007'), 7n);
  assert.equal(parseScanCursor('18446744073709551615'), 18446744073709551615n);
  assert.equal(parseScanCursor('-1'), 18446744073709551615n);
  assert.equal(parseScanCursor('18446744073709551616'), null);
  assert.equal(parseScanCursor(' 0'), null);
  assert.equal(parseScanCursor('\t1'), null);
  assert.equal(parseScanCursor('0 '), null);
  assert.equal(parseScanCursor('1.5'), null);
  assert.equal(parseScanCursor('0x10'), null);
  assert.equal(parseScanCursor('+'), null);
  assert.equal(parseScanCursor('-'), null);
  assert.equal(parseScanCursor('abc'), null);
});

/** Runs a whole scan, calling `between` after every step; returns every key visited. */
function fullScan(cur: ScanCursors, dict: Map<string, unknown>, count: number, between: (step: number) => void, maxSteps = 100000): string[] {
  const seen: string[] = [];
  let cursor = 0n;
  let steps = 0;
  do {
    cursor = cur.step(dict, cursor, count, 0, (k) => seen.push(k));
    between(steps++);
    assert.ok(steps < maxSteps, 'scan did not terminate');
  } while (cursor !== 0n);
  return seen;
}

test('a scan over a static dict returns every key exactly once and ends with cursor 0', () => {
  const dict = new Map<string, unknown>();
  for (let i = 0; i < 95; i++) dict.set(`k${i}`, i);
  const cur = new ScanCursors();
  const seen = fullScan(cur, dict, 10, () => {});
  assert.equal(seen.length, 95);
  assert.equal(new Set(seen).size, 95);
  assert.equal(cur.size, 0, 'finished scans free their iterator');
});

test('a scan that consumes the last key answers 0 at once (read-ahead)', () => {
  const dict = new Map<string, unknown>([['a', 1], ['b', 2]]);
  const cur = new ScanCursors();
  const keys: string[] = [];
  assert.equal(cur.step(dict, 0n, 2, 0, (k) => keys.push(k)), 0n);
  assert.deepEqual(keys, ['a', 'b']);
  assert.equal(cur.step(new Map(), 0n, 10, 0, () => assert.fail('empty')), 0n);
});

test('property: random inserts/deletes during a scan never miss a key present throughout', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 300 }) }),
    fc.record({ kind: fc.constant('del' as const), key: fc.integer({ min: 0, max: 300 }) }),
  );
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }),
    fc.array(fc.array(op, { maxLength: 15 }), { maxLength: 60 }),
    fc.integer({ min: 1, max: 25 }),
    (initial, batches, count) => {
      const dict = new Map<string, unknown>();
      for (const k of initial) dict.set(`k${k}`, 1);
      const everDeleted = new Set<string>();
      const start = new Set(dict.keys());
      const cur = new ScanCursors();
      const seen = new Set(fullScan(cur, dict, count, (step) => {
        for (const o of batches[step] ?? []) {
          const key = `k${o.key}`;
          if (o.kind === 'add') dict.set(key, 1);
          else if (dict.delete(key)) everDeleted.add(key);
        }
      }));
      for (const k of start) {
        if (everDeleted.has(k)) continue; // not present throughout
        assert.ok(seen.has(k), `missed ${k}`);
      }
      // Nothing is invented: every returned key was in the dict at some point.
      for (const k of seen) assert.ok(k.startsWith('k'));
    },
  ), { numRuns: 300 });
});

test('property: interleaved concurrent scans each keep the guarantee', () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 7 }), (nScans, count) => {
    const dict = new Map<string, unknown>();
    for (let i = 0; i < 60; i++) dict.set(`k${i}`, 1);
    const cur = new ScanCursors();
    const cursors: bigint[] = new Array<bigint>(nScans).fill(0n);
    const seen = cursors.map(() => new Set<string>());
    const done = cursors.map(() => false);
    let next = 1000;
    let rounds = 0;
    while (done.includes(false)) {
      for (let s = 0; s < nScans; s++) {
        if (done[s]) continue;
        cursors[s] = cur.step(dict, cursors[s]!, count, 0, (k) => seen[s]!.add(k));
        if (cursors[s] === 0n) done[s] = true;
        dict.set(`n${next++}`, 1); // churn that must not disturb the others
        dict.delete(`n${next - 2}`);
      }
      assert.ok(++rounds < 10000);
    }
    for (const s of seen) for (let i = 0; i < 60; i++) assert.ok(s.has(`k${i}`));
  }), { numRuns: 100 });
});

test('the table of live scans is bounded: the oldest is evicted and resumes degraded', () => {
  const dict = new Map<string, unknown>();
  for (let i = 0; i < 50; i++) dict.set(`k${i}`, 1);
  const cur = new ScanCursors(4, 1_000_000);
  const first: string[] = [];
  const c1 = cur.step(dict, 0n, 10, 0, (k) => first.push(k));
  assert.notEqual(c1, 0n);
  for (let i = 0; i < 4; i++) cur.step(dict, 0n, 5, 0, () => {});
  assert.equal(cur.size, 4);
  // c1's iterator was evicted; resuming skips the 10 keys already walked.
  const rest = new Set<string>();
  let c = c1;
  while (c !== 0n) c = cur.step(dict, c, 10, 0, (k) => rest.add(k));
  for (let i = 0; i < 50; i++) assert.ok(first.includes(`k${i}`) || rest.has(`k${i}`), `missed k${i}`);
  assert.equal(first.length + rest.size, 50, 'no duplicates without deletions');
});

test('degraded resume documents its weakness: deletions before the position can skip keys', () => {
  const dict = new Map<string, unknown>();
  for (let i = 0; i < 20; i++) dict.set(`k${i}`, 1);
  const cur = new ScanCursors(1, 1_000_000);
  const first: string[] = [];
  const c1 = cur.step(dict, 0n, 10, 0, (k) => first.push(k));
  cur.step(dict, 0n, 1, 0, () => {}); // evicts c1's iterator
  dict.delete('k0');
  const rest: string[] = [];
  let c = c1;
  while (c !== 0n) c = cur.step(dict, c, 10, 0, (k) => rest.push(k));
  assert.equal(rest.includes('k10'), false, 'k10 skipped: one key shifted by the deletion');
  assert.equal(rest.length, 9);
});

test('an idle scan is dropped after idleMs; a stale or replayed cursor resumes degraded', () => {
  const dict = new Map<string, unknown>();
  for (let i = 0; i < 30; i++) dict.set(`k${i}`, 1);
  const cur = new ScanCursors(16, 1000);
  const c1 = cur.step(dict, 0n, 10, 0, () => {});
  assert.equal(cur.size, 1);
  cur.step(dict, 0n, 1, 5000, () => {}); // another scan at t=5000 evicts the idle one
  assert.equal(cur.size, 1);
  const got: string[] = [];
  const c2 = cur.step(dict, c1, 10, 5000, (k) => got.push(k));
  assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `k${i + 10}`));
  // Replaying c1 (same id, older position) does not disturb the live scan behind c2.
  const replay: string[] = [];
  cur.step(dict, c1, 10, 5000, (k) => replay.push(k));
  assert.deepEqual(replay, got);
  const after: string[] = [];
  assert.equal(cur.step(dict, c2, 100, 5000, (k) => after.push(k)), 0n);
  assert.deepEqual(after, Array.from({ length: 10 }, (_, i) => `k${i + 20}`));
});

test('a cursor into a replaced dict (FLUSHDB/SWAPDB) resumes over the new one', () => {
  const a = new Map<string, unknown>([['x', 1], ['y', 2], ['z', 3]]);
  const cur = new ScanCursors();
  const c = cur.step(a, 0n, 1, 0, () => {});
  const b = new Map<string, unknown>([['p', 1], ['q', 2], ['r', 3]]);
  const got: string[] = [];
  assert.equal(cur.step(b, c, 10, 0, (k) => got.push(k)), 0n);
  assert.deepEqual(got, ['q', 'r']);
});

test('huge or garbage cursors end the scan instead of looping', () => {
  const dict = new Map<string, unknown>([['a', 1]]);
  const cur = new ScanCursors();
  assert.equal(cur.step(dict, 18446744073709551615n, 10, 0, () => assert.fail('beyond the end')), 0n);
});
