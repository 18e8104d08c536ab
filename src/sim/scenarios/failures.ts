/**
 * How a scenario records what its checks found: each failure goes to the trace (so a replay shows
 * it among the events around it) and, up to 20, to the list the scenario returns with the time.
 */
import type { World } from '../world.js';

export function failureRecorder(world: World): { failures: string[]; fail: (msg: string) => void } {
  const failures: string[] = [];
  const fail = (msg: string): void => {
    world.trace.add(`check FAIL ${msg}`);
    if (failures.length < 20) failures.push(`${world.nowMs().toFixed(3)}ms ${msg}`);
  };
  return { failures, fail };
}
