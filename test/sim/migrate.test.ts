/**
 * The MIGRATE scenario in `npm test` (src/sim/scenarios/migrate.ts): movers migrating their keys
 * from one Garrison node to another through partitions, resets, pauses and a crash of the target,
 * with bystanders incrementing a counter on the source. A failure prints the seed and the end of
 * the trace (replay with `npm run sim -- --scenario migrate --seed N`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateScenario } from '../../src/sim/scenarios/migrate.js';
import { runSwarm } from '../../src/sim/swarm.js';

test('migrate scenario: every reply fits the model, keys are never lost, the hold always ends', async () => {
  const r = await migrateScenario({ seed: 7, durationMs: 3000 });
  assert.ok(r.ok, `${r.failures.join('\n')}\n${r.world.report()}`);
  assert.ok(r.checked > 300, `checked ${r.checked}`);
  const trace = r.world.trace.entries().join('\n');
  for (const what of ['fault crash', 'fault pause', 'fault reset', 'migrate outcome {"status":"OK"}', 'migrate outcome {"status":"NOKEY"}', 'migrate outcome IOERR',
    'migrate outcome ERR Target instance replied with error: ']) {
    assert.ok(trace.includes(what), `trace mentions ${what}`);
  }
});

test('migrate swarm: 10 seeds x 2s of virtual time', async () => {
  const r = await runSwarm('migrate', Array.from({ length: 10 }, (_, i) => 500 + i), 2000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
});
