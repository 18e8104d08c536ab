/**
 * `oom-score-adj` and `oom-score-adj-values` (Redis 7.0's setOOMScoreAdj): the kernel's OOM-killer
 * score of the process follows its role. `yes`/`relative` add the role's value (master, replica)
 * to the score the process had when Garrison first took control; `absolute` writes the value
 * itself; `no` gives back the score it started with. Values are clamped to -1000..1000. The
 * process entry drives it (main.ts: at start, on CONFIG SET, when the role changes); a library
 * server never changes its host's score. Garrison forks no children, so the third value (Redis's
 * background child) is accepted and unused.
 */

/** /proc/self/oom_score_adj, read and written by the process host; errors are strerror texts. */
export interface OomScoreFile {
  read(): number | { error: string };
  write(value: number): string | null;
}

export class OomScore {
  /** The score before Garrison first changed it; null while it has not. */
  private base: number | null = null;

  constructor(private readonly file: OomScoreFile, private readonly warn: (line: string) => void) {}

  /**
   * Sets the score for `role` under `mode` (the oom-score-adj value: 0 no, 1 relative, 2 absolute)
   * and `values` ([master, replica, child]); false when /proc could not be read or written.
   */
  apply(mode: number, values: readonly number[], role: 'master' | 'replica'): boolean {
    let val: number;
    if (mode !== 0) {
      if (this.base === null) {
        const r = this.file.read();
        if (typeof r !== 'number') {
          this.warn(`Unable to read oom_score_adj: ${r.error}`);
          return false;
        }
        this.base = r;
      }
      val = values[role === 'master' ? 0 : 1]!;
      if (mode === 1) val += this.base;
      val = Math.max(-1000, Math.min(1000, val));
    } else if (this.base !== null) {
      val = this.base;
      this.base = null;
    } else {
      return true;
    }
    const err = this.file.write(val);
    if (err !== null) {
      this.warn(`Unable to write oom_score_adj: ${err}`);
      return false;
    }
    return true;
  }
}
