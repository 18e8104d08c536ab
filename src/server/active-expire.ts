/**
 * When, and for how long, the active expiry cycle runs (Redis 7.0's activeExpireCycle, expire.c).
 * The walk itself (which keys, batches per database, when a database gets another batch) is
 * Keyspace.activeExpireCycle; this file owns the two callers and their limits:
 *
 * - the **slow cycle**, once per tick (serverCron), for at most `slowTimePerc` percent of the tick
 *   period;
 * - the **fast cycle**, from the write pass of a busy event loop (Redis's beforeSleep), for at
 *   most `fastDurationUs`, at most once per two of those, and only when the previous cycle stopped
 *   at its time limit. Redis 7.0 also starts it while `stat_expired_stale_perc` is below the
 *   acceptable percentage, but compares a fraction (0..1) with a percentage (1..10), so that
 *   condition never starts a cycle; Garrison keeps 7.0's behaviour.
 *
 * `active-expire-effort` (1-10) scales every limit as Redis does. Each cycle that runs updates
 * `expired_stale_perc` once (5% weight), adds its duration to `expire_cycle_cpu_milliseconds` and,
 * when it stops at its limit, counts `expired_time_cap_reached_count`.
 */
import type { Clock } from '../runtime/ports.js';
import type { Keyspace } from '../keyspace/keyspace.js';

/** Redis's tuning of the cycle for one `active-expire-effort` value. */
export interface ExpireTuning {
  /** Keys per batch: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP (20) + 5 per effort step. */
  readonly keysPerLoop: number;
  /** The fast cycle's time limit in µs: 1000 + 250 per effort step. */
  readonly fastDurationUs: number;
  /** The slow cycle's share of the tick period, percent: 25 + 2 per effort step. */
  readonly slowTimePerc: number;
  /** Work goes on while more than this percentage of a batch had expired: 10 - 1 per effort step. */
  readonly acceptableStale: number;
}

export function expireTuning(effort: number): ExpireTuning {
  const e = Math.min(10, Math.max(1, effort)) - 1;
  return { keysPerLoop: 20 + 5 * e, fastDurationUs: 1000 + 250 * e, slowTimePerc: 25 + 2 * e, acceptableStale: 10 - e };
}

/** Batches per slice: Redis checks its time limit every 16 batches. */
const BATCHES_PER_SLICE = 16;

export class ActiveExpire {
  /** The last cycle stopped at its time limit (Redis's timelimit_exit): only then may a fast cycle run. */
  timelimitExit = false;
  private lastFastUs = -Infinity;

  constructor(
    private readonly ks: Keyspace,
    private readonly clock: Clock,
    /** Duration of each cycle that ran, in ms (the `expire-cycle` latency event). */
    private readonly onCycle: (ms: number) => void,
  ) {}

  /** The tick's cycle: at most slowTimePerc percent of 1/hz seconds. */
  slow(hz: number, effort: number): void {
    const t = expireTuning(effort);
    const limitUs = Math.max(1, Math.floor((t.slowTimePerc * 1_000_000) / Math.max(1, hz) / 100));
    this.run(t, limitUs, this.clock.monotonicUs());
  }

  /** The write pass's cycle; does nothing unless the previous cycle ran out of time (see the file comment). */
  fast(effort: number): void {
    if (!this.timelimitExit) return;
    const t = expireTuning(effort);
    const start = this.clock.monotonicUs();
    if (start < this.lastFastUs + t.fastDurationUs * 2) return;
    this.lastFastUs = start;
    this.run(t, t.fastDurationUs, start);
  }

  private run(t: ExpireTuning, limitUs: number, start: number): void {
    const ks = this.ks;
    if (!ks.activeExpireRuns()) return;
    this.timelimitExit = false;
    let sampled = 0;
    let expired = 0;
    for (;;) {
      const e = ks.activeExpireCycle(t.keysPerLoop * BATCHES_PER_SLICE, t.keysPerLoop, t.acceptableStale);
      const checked = ks.lastCycleChecked;
      sampled += checked;
      expired += e;
      if (checked === 0 || Math.floor((e * 100) / checked) <= t.acceptableStale) break;
      if (this.clock.monotonicUs() - start > limitUs) {
        this.timelimitExit = true;
        ks.stats.expiredTimeCapReachedCount++;
        break;
      }
    }
    const perc = sampled === 0 ? 0 : expired / sampled;
    ks.stats.expiredStalePerc = perc * 0.05 + ks.stats.expiredStalePerc * 0.95;
    const ms = (this.clock.monotonicUs() - start) / 1000;
    ks.stats.expireCycleCpuMs += ms;
    this.onCycle(ms);
  }
}
