/**
 * Replication in the simulator (`npm test`): one run of each fault with a fixed seed, each
 * asserting convergence (digests and offsets) and the resynchronizations the fault calls for,
 * then a seeded swarm of random faults. A failure prints the seed and the end of the trace
 * (replay with `npm run sim -- --scenario repl-<fault> --seed N`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicationScenario, type ReplicationFault } from '../../src/sim/scenarios/replication.js';
import { runSwarm } from '../../src/sim/swarm.js';

const FAULT_TRACES: Record<Exclude<ReplicationFault, 'swarm' | 'swarm-master'>, string[]> = {
  partition: ['fault block master->replica1', 'MASTER timeout: no data nor PING received', 'Successful partial resynchronization with master.'],
  overflow: ['for lack of backlog', 'Full resync from master'],
  restart: ['fault kill replica1', 'Done loading RDB, keys loaded: 301', 'Successful partial resynchronization with master.'],
  crash: ['fault crash replica1', 'Done loading RDB, keys loaded: 301', 'Successful partial resynchronization with master.'],
  'master-restart': ['Saving the final RDB snapshot before exiting.', 'Master replication ID changed to', 'Successful partial resynchronization with master.'],
  promotion: ['Setting secondary replication ID to', 'Successful partial resynchronization with master.'],
  'planned-failover': ['Waiting for replicas before shutting down.', '2 of 2 replicas are in sync when shutting down.', 'MASTER MODE enabled'],
};

for (const [fault, marks] of Object.entries(FAULT_TRACES)) {
  test(`replication scenario ${fault}: replicas converge with the expected resyncs`, async () => {
    const r = await replicationScenario({ seed: 7, fault: fault as ReplicationFault });
    r.world.scenarioName = `repl-${fault}`;
    assert.ok(r.ok, `${r.failures.join('\n')}\n${r.world.report()}`);
    const trace = r.world.trace.entries().join('\n');
    for (const m of marks) assert.ok(trace.includes(m), `trace mentions "${m}"`);
  });
}

test('replication swarm: 20 seeds x 8s of resets, partitions, pauses, kills and crashes', async () => {
  const seeds = Array.from({ length: 20 }, (_, i) => 2000 + i);
  const r = await runSwarm('repl-swarm', seeds, 8000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
});

test('replication swarm with the master killed or crashed (AOF, appendfsync always): 10 seeds x 8s, no acknowledged RPUSH lost', async () => {
  const seeds = Array.from({ length: 10 }, (_, i) => 3000 + i);
  const r = await runSwarm('repl-swarm-master', seeds, 8000);
  assert.equal(r.failed.length, 0, r.failed.map((f) => `seed ${f.seed}:\n${f.failures.join('\n')}\n${f.report}`).join('\n\n'));
});
