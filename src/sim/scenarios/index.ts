/** Named scenarios for the CLI (`npm run sim -- --scenario name`) and the swarm. */
import { kvScenario, type ScenarioResult } from './kv.js';
import { migrateScenario } from './migrate.js';
import { replicationScenario, type ReplicationFault } from './replication.js';
import { SENTINEL_SCENARIOS } from './sentinel-index.js';

export type { ScenarioResult } from './kv.js';

export interface ScenarioRun {
  seed: number;
  durationMs?: number;
}

/** A hostile network: 2 KiB windows, up to 16 pieces per write, 0.01-20 ms latency, 3 clients a node. */
const HARSH = { windowBytes: 2048, splitProbability: 0.8, maxSegments: 16, latencyMs: [0.01, 20] as const };

const duration = (r: ScenarioRun): { durationMs?: number } => (r.durationMs === undefined ? {} : { durationMs: r.durationMs });

export const SCENARIOS: ReadonlyMap<string, (r: ScenarioRun) => Promise<ScenarioResult>> = new Map([
  ['kv', (r: ScenarioRun) => kvScenario({ seed: r.seed, ...duration(r) })],
  ['kv-calm', (r: ScenarioRun) => kvScenario({ seed: r.seed, faults: false, ...duration(r) })],
  ['kv-harsh', (r: ScenarioRun) => kvScenario({ seed: r.seed, clientsPerNode: 3, network: HARSH, ...duration(r) })],
  ['migrate', (r: ScenarioRun) => migrateScenario({ seed: r.seed, ...duration(r) })],
  ...(['partition', 'overflow', 'restart', 'crash', 'master-restart', 'promotion', 'planned-failover', 'swarm', 'swarm-master'] as const).map((fault: ReplicationFault) =>
    [`repl-${fault}`, (r: ScenarioRun) => replicationScenario({ seed: r.seed, fault, ...duration(r) })] as const),
  ...SENTINEL_SCENARIOS,
]);
