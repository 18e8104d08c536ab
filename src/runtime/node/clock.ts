/**
 * Real clock. Wall time is Date.now(); durations use performance.now(), which is cheaper than
 * process.hrtime.bigint() (no BigInt per reading) and monotonic.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports.js';

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicUs: () => performance.now() * 1000,
};
