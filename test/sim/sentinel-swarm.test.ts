/**
 * Short Sentinel swarms in `npm test`: random kills, crashes, partitions, pauses and resets over a
 * Sentinel-managed group for 30 s of virtual time per seed, with the safety checker throughout
 * and liveness after the last heal (see src/sim/scenarios/sentinel-swarm.ts). Longer sweeps:
 * `npm run sim -- --scenario sentinel-swarm --seed N --seeds 200 --duration 60000`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentinelSwarmScenario } from '../../src/sim/scenarios/sentinel-swarm.js';
import { runSwarm } from '../../src/sim/swarm.js';

test('sentinel swarm: 12 seeds x 30 s of faults, safety throughout, liveness after the heal; the faults bite', async () => {
  const seen = { tilt: 0, promotions: 0, aborts: 0 };
  for (let seed = 1; seed <= 12; seed++) {
    const r = await sentinelSwarmScenario({ seed, durationMs: 30_000 });
    assert.ok(r.ok, `seed ${seed}:\n${r.failures.join('\n')}\n${r.world.report(120)}`);
    const events = r.world.nodes().flatMap((n) => n.events);
    seen.tilt += events.filter((e) => e.type === '+tilt').length;
    seen.aborts += events.filter((e) => e.type.startsWith('-failover-abort')).length;
    seen.promotions += r.metrics.promotions ?? 0;
  }
  // The faults are not harmless noise: sentinels went into TILT, failovers happened and some aborted.
  assert.ok(seen.tilt > 0 && seen.promotions >= 6 && seen.aborts > 0, JSON.stringify(seen));
});

test('sentinel-swarm-harsh: 5 sentinels (quorum 3), 3 replicas, clock jumps, tiny windows and up to 20 ms latency, 3 seeds x 30 s', async () => {
  const r = await runSwarm('sentinel-swarm-harsh', [1, 2, 3], 30_000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
});

test('sentinel-swarm-writes: a client follows the agreed master; no write confirmed by WAIT on every replica is lost (appendfsync always), 4 seeds x 30 s', async () => {
  let confirmed = 0;
  for (const seed of [1, 2, 3, 4]) {
    const r = await sentinelSwarmScenario({ seed, durationMs: 30_000, writes: true });
    assert.ok(r.ok, `seed ${seed}:\n${r.failures.join('\n')}\n${r.world.report(120)}`);
    confirmed += r.metrics.confirmed ?? 0;
  }
  assert.ok(confirmed > 200, `confirmed ${confirmed}`);
});
