/** Real clock: Date.now for wall time, process.hrtime for durations. */
import type { Clock } from '../ports.js';

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicUs: () => Number(process.hrtime.bigint() / 1000n),
};
