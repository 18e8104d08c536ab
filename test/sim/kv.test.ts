/**
 * Simulator scenarios in `npm test`: three real Garrison nodes and pipelining clients doing
 * SET/GET/INCR/DEL under random latency and chunking, with pauses, partitions, resets and a crash
 * with restart, every reply checked against a model; then a short seeded swarm. A failure prints
 * the seed and the end of the trace (replay with `npm run sim -- --seed N`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvScenario } from '../../src/sim/scenarios/kv.js';
import { runSwarm } from '../../src/sim/swarm.js';

test('kv scenario: replies match the model through faults, and the faults did happen', async () => {
  const r = await kvScenario({ seed: 42, durationMs: 3000 });
  assert.ok(r.ok, `${r.failures.join('\n')}\n${r.world.report()}`);
  assert.ok(r.checked > 2000, `checked ${r.checked}`);
  const trace = r.world.trace.entries().join('\n');
  for (const what of ['fault crash', 'fault restart', 'fault pause', 'fault reset', 'fault block', 'Connection refused', '(incarnation 2)']) {
    assert.ok(trace.includes(what), `trace mentions ${what}`);
  }
});

test('kv swarm: 20 seeds x 2s of virtual time', async () => {
  const seeds = Array.from({ length: 20 }, (_, i) => 1000 + i);
  const r = await runSwarm('kv', seeds, 2000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
  assert.ok(r.checked > 20 * 1000, `checked ${r.checked}`);
});

test('kv-harsh swarm: 5 seeds x 2s with tiny windows, many pieces per write, up to 20ms latency', async () => {
  const r = await runSwarm('kv-harsh', [1, 2, 3, 4, 5], 2000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
});
