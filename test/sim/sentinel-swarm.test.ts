/**
 * A short Sentinel swarm in `npm test`: random kills, crashes, partitions, pauses and resets over a
 * 3-sentinel, 1-master, 2-replica group for 30 s of virtual time per seed, with the safety checker
 * throughout and liveness after the last heal (see src/sim/scenarios/sentinel-swarm.ts). Longer
 * sweeps: `npm run sim -- --scenario sentinel-swarm --seed N --seeds 200 --duration 60000`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSwarm } from '../../src/sim/swarm.js';

test('sentinel swarm: 12 seeds x 30 s of faults, safety throughout, liveness after the heal', async () => {
  const seeds = Array.from({ length: 12 }, (_, i) => 1 + i);
  const r = await runSwarm('sentinel-swarm', seeds, 30_000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
  assert.ok(r.checked > 12 * 200, `checked ${r.checked}`);
});
