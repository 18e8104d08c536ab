/**
 * The per-command latency histogram behind INFO latencystats and LATENCY HISTOGRAM: the bucket layout of the
 * hdr_histogram Redis 7.0 creates for every command (lowest trackable value 1 ns, highest 1 s,
 * 2 significant figures), so percentiles come out exactly as Redis prints them — e.g. one 35 µs
 * call reports p50=35.071, the highest value of its 256 ns wide bucket.
 *
 * Layout (hdr_histogram with unit magnitude 0 and 256 sub-buckets): values below 256 are counted
 * exactly; above, each power-of-two band [2^k, 2^(k+1)) is cut into 128 buckets of 2^(k-7) ns.
 * Counts live in one dense array indexed arithmetically (about 3,000 buckets up to 1 s), so
 * recording a call is an index computation and an increment.
 */

/** Redis clamps recorded values into this range (LATENCY_HISTOGRAM_{LOWEST,HIGHEST}_TRACKABLE_VALUE). */
export const HISTOGRAM_LOWEST_NS = 1;
export const HISTOGRAM_HIGHEST_NS = 1_000_000_000;

/** Width of the bucket holding `v` (a positive integer below 2^31). */
function bucketWidth(v: number): number {
  const bits = 32 - Math.clz32(v | 255);
  return 2 ** (bits - 8);
}

export function lowestEquivalent(v: number): number {
  const w = bucketWidth(v);
  return Math.floor(v / w) * w;
}

export function highestEquivalent(v: number): number {
  return lowestEquivalent(v) + bucketWidth(v) - 1;
}

/** Dense bucket index of a value in [1, 2^30): exact below 256, then 128 buckets per power of two. */
export function bucketIndex(v: number): number {
  if (v < 256) return v;
  const bits = 32 - Math.clz32(v);
  return 256 + (bits - 9) * 128 + (v >>> (bits - 8)) - 128; // v < 2^30: the shift is floor(v / 2^(bits-8))
}

/** Lowest value of bucket `i` (the inverse of bucketIndex). */
export function bucketLowest(i: number): number {
  if (i < 256) return i;
  const k = Math.floor((i - 256) / 128);
  return ((i - 256) % 128 + 128) * 2 ** (k + 1);
}

const BUCKETS = bucketIndex(HISTOGRAM_HIGHEST_NS) + 1;

export class HdrHistogram {
  totalCount = 0;
  /** Count per bucket (dense: about 3,000 buckets, 24 KB, allocated on a command's first call). */
  private readonly counts = new Float64Array(BUCKETS);

  /** Records one duration in nanoseconds (clamped like Redis's updateCommandLatencyHistogram). */
  record(ns: number): void {
    let v = Math.floor(ns);
    if (!(v >= HISTOGRAM_LOWEST_NS)) v = HISTOGRAM_LOWEST_NS;
    if (v > HISTOGRAM_HIGHEST_NS) v = HISTOGRAM_HIGHEST_NS;
    this.counts[bucketIndex(v)]!++;
    this.totalCount++;
  }

  /** Non-empty buckets in ascending order: [lowest value (ns), count]. */
  private buckets(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const c = this.counts;
    for (let i = 0; i < c.length; i++) if (c[i] !== 0) out.push([bucketLowest(i), c[i]!]);
    return out;
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM prints: for reporting levels 1024 ns * 2^k, the
   * level's highest equivalent value in µs and the number of samples at or below it; a level is
   * listed only when its cumulative count grew.
   */
  cumulative(): Array<[number, number]> {
    const buckets = this.buckets();
    const out: Array<[number, number]> = [];
    let cumulative = 0;
    let previous = 0;
    let i = 0;
    for (let level = 1024; cumulative < this.totalCount; level *= 2) {
      const hev = highestEquivalent(level);
      while (i < buckets.length && buckets[i]![0] <= hev) cumulative += buckets[i++]![1];
      if (cumulative > previous) out.push([Math.floor(hev / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }

  /**
   * hdr_value_at_percentile: the highest equivalent value of the bucket where the running count
   * reaches round(percentile% of the total) (at least 1); the lowest equivalent value for p0.
   */
  valueAtPercentile(percentile: number): number {
    if (this.totalCount === 0) return 0;
    const p = Math.min(percentile, 100);
    const target = Math.max(1, Math.floor((p / 100) * this.totalCount + 0.5));
    let running = 0;
    for (const [k, n] of this.buckets()) {
      running += n;
      if (running >= target) return percentile === 0 ? k : highestEquivalent(k);
    }
    return 0;
  }
}
