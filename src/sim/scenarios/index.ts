/** Named scenarios for the CLI (`npm run sim -- --scenario name`) and the swarm. */
import { kvScenario, type ScenarioResult } from './kv.js';

export type { ScenarioResult } from './kv.js';

export interface ScenarioRun {
  seed: number;
  durationMs?: number;
}

export const SCENARIOS: ReadonlyMap<string, (r: ScenarioRun) => Promise<ScenarioResult>> = new Map([
  ['kv', (r: ScenarioRun) => kvScenario(r.durationMs === undefined ? { seed: r.seed } : { seed: r.seed, durationMs: r.durationMs })],
  ['kv-calm', (r: ScenarioRun) => kvScenario({ seed: r.seed, faults: false, ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }) })],
]);
