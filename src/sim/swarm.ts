/**
 * Runs a scenario over many seeds and collects the failing ones with their reports, so that a
 * failure names the seed that replays it.
 */
import { SCENARIOS, type ScenarioRun } from './scenarios/index.js';

export interface SwarmFailure {
  seed: number;
  failures: string[];
  report: string;
}

export async function runSwarm(scenario: string, seeds: readonly number[], durationMs?: number): Promise<{ runs: number; checked: number; failed: SwarmFailure[] }> {
  const run = SCENARIOS.get(scenario);
  if (run === undefined) throw new Error(`sim: no scenario ${scenario}`);
  const failed: SwarmFailure[] = [];
  let checked = 0;
  for (const seed of seeds) {
    const args: ScenarioRun = durationMs === undefined ? { seed } : { seed, durationMs };
    const r = await run(args);
    checked += r.checked;
    r.world.scenarioName = scenario;
    if (!r.ok) failed.push({ seed, failures: r.failures, report: r.world.report(80) });
  }
  return { runs: seeds.length, checked, failed };
}
