/** The Sentinel scenarios by name, for the CLI (`npm run sim -- --scenario sentinel-...`) and the swarm runner. */
import type { ScenarioRun } from './index.js';
import type { ScenarioResult } from './kv.js';
import { authAndManualFailoverScenario } from './sentinel-auth.js';
import { partitionMasterScenario } from './sentinel-partition.js';
import { sentinelSwarmScenario } from './sentinel-swarm.js';
import { killLeaderScenario, killMasterScenario, partitionSentinelScenario, priorityZeroScenario, twoMastersScenario } from './sentinel.js';

/** 5 sentinels (quorum 3), 3 replicas, wall-clock jumps, and a hostile network: 2 KiB windows, writes cut in up to 16 pieces, 0.01-20 ms latency. */
const HARSH_GROUP = {
  sentinels: 5, quorum: 3, replicas: 3, clockJumps: true,
  network: { windowBytes: 2048, splitProbability: 0.8, maxSegments: 16, latencyMs: [0.01, 20] as const },
};

export const SENTINEL_SCENARIOS: ReadonlyArray<[string, (r: ScenarioRun) => Promise<ScenarioResult>]> = [
  ['sentinel-kill-master', (r) => killMasterScenario({ seed: r.seed })],
  ['sentinel-partition-master', (r) => partitionMasterScenario({ seed: r.seed, minReplicas: false })],
  ['sentinel-partition-master-min-replicas', (r) => partitionMasterScenario({ seed: r.seed, minReplicas: true })],
  ['sentinel-partition-sentinel', (r) => partitionSentinelScenario({ seed: r.seed })],
  ['sentinel-kill-leader', (r) => killLeaderScenario({ seed: r.seed })],
  ['sentinel-priority-zero', (r) => priorityZeroScenario({ seed: r.seed })],
  ['sentinel-two-masters', (r) => twoMastersScenario({ seed: r.seed })],
  ['sentinel-auth-manual-failover', (r) => authAndManualFailoverScenario({ seed: r.seed })],
  ['sentinel-swarm', (r) => sentinelSwarmScenario(r.durationMs === undefined ? { seed: r.seed } : { seed: r.seed, durationMs: r.durationMs })],
  ['sentinel-swarm-writes', (r) => sentinelSwarmScenario({ seed: r.seed, writes: true, ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }) })],
  ['sentinel-swarm-harsh', (r) => sentinelSwarmScenario({ seed: r.seed, ...HARSH_GROUP, ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }) })],
];
