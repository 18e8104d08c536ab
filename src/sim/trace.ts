/**
 * The simulation's trace: one line per network, fault and lifecycle event, stamped with virtual
 * time, kept in memory (bounded: the oldest lines go first) and printed when a scenario fails.
 * Two runs with the same seed produce the same lines; `digest()` compares them cheaply.
 */
import { createHash } from 'node:crypto';

export class Trace {
  private readonly lines: string[] = [];
  private dropped = 0;
  private readonly hash = createHash('sha256');
  total = 0;

  constructor(private readonly now: () => number, readonly limit = 200_000) {}

  add(what: string): void {
    const us = this.now();
    const line = `${(us / 1000).toFixed(3).padStart(10)}ms ${what}`;
    this.hash.update(line).update('\n');
    this.total++;
    this.lines.push(line);
    if (this.lines.length > this.limit) {
      this.lines.splice(0, this.lines.length - this.limit);
      this.dropped++;
    }
  }

  /** The kept lines (the most recent `limit`). */
  entries(): readonly string[] {
    return this.lines;
  }

  /** A hash over every line ever added (dropped ones included). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** The last `n` lines as text. */
  tail(n = 200): string {
    const from = Math.max(0, this.lines.length - n);
    const head = from > 0 || this.dropped > 0 ? `... ${this.total - (this.lines.length - from)} earlier lines\n` : '';
    return head + this.lines.slice(from).join('\n');
  }
}
