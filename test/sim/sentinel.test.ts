/**
 * Sentinel scenarios in the simulator (src/sim/scenarios/sentinel*.ts): real Garrison sentinels
 * and data nodes, one fault each, explicit assertions inside each scenario plus the safety checker
 * (one leader per epoch, one master per config epoch, epochs never going back). A failure prints
 * the seed and the end of the trace: replay with `npm run sim -- --scenario <name> --seed N --trace`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authAndManualFailoverScenario } from '../../src/sim/scenarios/sentinel-auth.js';
import { partitionMasterScenario } from '../../src/sim/scenarios/sentinel-partition.js';
import type { SentinelScenarioResult } from '../../src/sim/scenarios/sentinel-run.js';
import {
  killLeaderScenario, killMasterScenario, partitionSentinelScenario, priorityZeroScenario, twoMastersScenario,
} from '../../src/sim/scenarios/sentinel.js';

function ok(r: SentinelScenarioResult): void {
  assert.ok(r.ok, `${r.failures.join('\n')}\n${r.world.report(120)}`);
}

test('kill the master: one failover, the other replica follows, the old master rejoins as a replica', async () => {
  for (const seed of [1, 2]) {
    const r = await killMasterScenario({ seed });
    ok(r);
    // down-after 1 s: SDOWN, ODOWN, one election, promotion within a few seconds of the kill.
    assert.ok(r.metrics.failoverMs! < 5000, `failover took ${r.metrics.failoverMs}ms`);
    assert.equal(r.metrics.elections, 1, 'the first election wins (sentinels are desynchronized)');
  }
});

test('the same seed replays the same run', async () => {
  const a = await killMasterScenario({ seed: 5 });
  const b = await killMasterScenario({ seed: 5 });
  ok(a);
  assert.equal(a.world.trace.digest(), b.world.trace.digest());
  assert.equal(a.world.loop.executed, b.world.loop.executed);
});

test('partition the master: writes it accepts alone are discarded; min-replicas-to-write bounds them; WAIT-confirmed ones survive', async () => {
  const plain = await partitionMasterScenario({ seed: 3, minReplicas: false });
  const guarded = await partitionMasterScenario({ seed: 3, minReplicas: true });
  ok(plain);
  ok(guarded);
  assert.ok(plain.metrics.lostAcked! > 0 && plain.metrics.refused === 0, JSON.stringify(plain.metrics));
  assert.ok(guarded.metrics.refused! > 0, JSON.stringify(guarded.metrics));
  assert.ok(guarded.metrics.lostAcked! < plain.metrics.lostAcked!, `${guarded.metrics.lostAcked} vs ${plain.metrics.lostAcked}`);
  assert.equal(plain.metrics.lostConfirmed, 0);
  assert.equal(guarded.metrics.lostConfirmed, 0);
});

test('partition one sentinel (quorum 1): it reaches ODOWN alone but is never elected; nothing changes', async () => {
  ok(await partitionSentinelScenario({ seed: 1 }));
});

test('kill the leader during its failover (after election, after SLAVEOF NO ONE, after promotion): another completes it', async () => {
  for (const seed of [3, 4, 5]) {
    const r = await killLeaderScenario({ seed });
    ok(r);
    assert.equal(r.metrics.killPoint, seed % 3);
  }
});

test('a replica with replica-priority 0 is never promoted', async () => {
  ok(await priorityZeroScenario({ seed: 1 }));
});

test('two masters monitored by the same sentinels: one fails over, the other is untouched', async () => {
  ok(await twoMastersScenario({ seed: 1 }));
});

test('with requirepass / masterauth / sentinel auth-pass: failover, rejoin, then SENTINEL FAILOVER moves the master without a failure', async () => {
  ok(await authAndManualFailoverScenario({ seed: 1 }));
});
