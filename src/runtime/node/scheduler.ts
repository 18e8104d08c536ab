/** Real scheduler on Node's timers. Interval timers are unref'd so they never keep a process alive. */
import type { Scheduler } from '../ports.js';

export const systemScheduler: Scheduler = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
  soon(fn) {
    const t = setImmediate(fn);
    return () => clearImmediate(t);
  },
};
