import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processMemory } from './process-stats.js';

test('processMemory: when the process cannot read its memory (EMFILE on /proc), the last reading stands', () => {
  const first = processMemory();
  assert.ok(first.rss > 0 && first.heapUsed > 0);
  const real = process.memoryUsage;
  const failing = (): never => {
    throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
  };
  process.memoryUsage = Object.assign(failing, { rss: failing }) as unknown as typeof process.memoryUsage;
  try {
    assert.deepEqual(processMemory(), first);
  } finally {
    process.memoryUsage = real;
  }
  assert.ok(processMemory().rss > 0);
});
