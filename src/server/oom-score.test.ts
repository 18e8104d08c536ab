import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OomScore, type OomScoreFile } from './oom-score.js';

function fakeFile(start: number, failWritesBelow: number | null = null): OomScoreFile & { value: number; writes: number[] } {
  const f = {
    value: start,
    writes: [] as number[],
    read: () => f.value,
    write: (v: number) => {
      if (failWritesBelow !== null && v < failWritesBelow) return 'Permission denied';
      f.writes.push(v);
      f.value = v;
      return null;
    },
  };
  return f;
}

test('relative adds the role value to the starting score; no restores it; absolute writes the value', () => {
  const f = fakeFile(100);
  const warnings: string[] = [];
  const oom = new OomScore(f, (l) => warnings.push(l));
  assert.equal(oom.apply(0, [0, 200, 800], 'master'), true);
  assert.deepEqual(f.writes, [], 'no: nothing written until Garrison takes control');
  assert.equal(oom.apply(1, [0, 200, 800], 'master'), true);
  assert.equal(f.value, 100);
  assert.equal(oom.apply(1, [0, 200, 800], 'replica'), true);
  assert.equal(f.value, 300, 'the base stays the starting score, not the last one written');
  assert.equal(oom.apply(2, [0, 2000, 800], 'replica'), true);
  assert.equal(f.value, 1000, 'clamped');
  assert.equal(oom.apply(1, [-2000, 0, 0], 'master'), true);
  assert.equal(f.value, -1000, 'clamped');
  assert.equal(oom.apply(0, [0, 200, 800], 'master'), true);
  assert.equal(f.value, 100, 'no gives the starting score back');
  assert.deepEqual(warnings, []);
});

test('a write the kernel refuses is logged with its reason and reported', () => {
  const f = fakeFile(0, 0);
  const warnings: string[] = [];
  const oom = new OomScore(f, (l) => warnings.push(l));
  assert.equal(oom.apply(2, [-100, 200, 800], 'master'), false);
  assert.deepEqual(warnings, ['Unable to write oom_score_adj: Permission denied']);
});
