/**
 * Real clock. Wall time is Date.now(); durations use performance.now(), which is cheaper than
 * process.hrtime.bigint() (no BigInt per reading) and monotonic.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports.js';

/**
 * Wall-clock microseconds: Date.now() gives milliseconds only, so the sub-millisecond part comes
 * from performance.now() plus an offset, re-anchored whenever it strays from Date.now() by a
 * millisecond or more (the system clock was stepped).
 */
function wallMicros(): () => number {
  const anchor = { offsetUs: Date.now() * 1000 - performance.now() * 1000 };
  return () => {
    const ms = Date.now();
    const perfUs = performance.now() * 1000;
    let us = perfUs + anchor.offsetUs;
    if (Math.abs(us - ms * 1000) >= 1000) {
      anchor.offsetUs = ms * 1000 - perfUs;
      us = ms * 1000;
    }
    return Math.floor(us);
  };
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicUs: () => performance.now() * 1000,
  nowUs: wallMicros(),
};
