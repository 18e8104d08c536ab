/**
 * Drives the running snapshots of one keyspace: installs the keyspace's write barrier while at
 * least one runs (and removes it after, so the hot path pays one null check), and advances them
 * in slices on the event loop. Each turn runs slices until a time budget is spent, then yields
 * (Scheduler.soon) so that I/O is served between turns, as the active expiry cycle bounds itself.
 * A snapshot whose consumers are not ready waits; `kick()` (on the server tick) and a short
 * timer re-check. With `rdb-key-save-delay` set (a testing aid of Redis's: it keeps a save, an AOF
 * rewrite or a full sync running long enough to act on it), snapshots advance at that rate instead.
 */
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Clock, Scheduler } from '../runtime/ports.js';
import type { Snapshot } from './snapshot.js';

/** Time one turn may spend producing snapshot bytes, in microseconds. */
export const DEFAULT_TURN_BUDGET_US = 2000;
/** How long a snapshot waits for a slow consumer before asking again. */
const NOT_READY_RETRY_MS = 5;

/**
 * The pace of Redis's debugDelay(delay) per item (rdb-key-save-delay, key-load-delay) on an event
 * loop: how many items one turn of `budgetUs` covers, and how long to wait after them. A positive
 * delay is µs per item; a negative -n is one µs every n items.
 */
export function delayPacing(delayUs: number, budgetUs: number): { items: number; waitMs: number } {
  const perItemUs = delayUs > 0 ? delayUs : 1 / -delayUs;
  const items = Math.max(1, Math.floor(budgetUs / perItemUs));
  return { items, waitMs: Math.max(1, Math.round((items * perItemUs) / 1000)) };
}

export class SnapshotRunner {
  readonly active: Snapshot[] = [];
  private scheduled: (() => void) | null = null;
  turnBudgetUs = DEFAULT_TURN_BUDGET_US;
  /**
   * rdb-key-save-delay: what each saved key costs, in microseconds, as Redis's debugDelay() makes
   * its saving child sleep per key. Positive: that many µs per key; negative -n: one µs every n
   * keys on average. Redis sleeps in the child; here each turn advances the snapshots by the keys
   * its budget covers at that rate, then waits the time they "took", serving clients meanwhile.
   * 0 (the default): full speed.
   */
  keyDelayUs = 0;

  constructor(
    private readonly ks: Keyspace,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
  ) {}

  /** Starts driving `snap` (already created, with its consumers attached). */
  start(snap: Snapshot): void {
    this.active.push(snap);
    snap.onFinish = () => this.remove(snap);
    this.installBarrier();
    this.schedule(0);
  }

  /** Re-checks stalled snapshots (called on the server tick). */
  kick(): void {
    if (this.active.length !== 0 && this.scheduled === null) this.schedule(0);
  }

  private remove(snap: Snapshot): void {
    const i = this.active.indexOf(snap);
    if (i >= 0) this.active.splice(i, 1);
    this.installBarrier();
    if (this.active.length === 0 && this.scheduled !== null) {
      this.scheduled();
      this.scheduled = null;
    }
  }

  private installBarrier(): void {
    const list = this.active;
    if (list.length === 0) this.ks.writeBarrier = null;
    else if (list.length === 1) {
      const only = list[0]!;
      this.ks.writeBarrier = (db, key) => only.beforeWrite(db, key);
    } else {
      this.ks.writeBarrier = (db, key) => {
        for (const s of list) s.beforeWrite(db, key);
      };
    }
  }

  private schedule(delayMs: number): void {
    if (this.scheduled !== null) return;
    const run = (): void => {
      this.scheduled = null;
      this.turn();
    };
    this.scheduled = delayMs === 0 ? this.scheduler.soon(run) : this.scheduler.after(delayMs, run);
  }

  /** One turn: slices of every ready snapshot until the budget is spent. */
  private turn(): void {
    if (this.keyDelayUs !== 0) {
      this.throttledTurn();
      return;
    }
    const t0 = this.clock.monotonicUs();
    let waiting = false;
    for (;;) {
      const r = this.stepAll(Infinity);
      waiting ||= r.waiting;
      if (!r.stepped || this.active.length === 0) break;
      if (this.clock.monotonicUs() - t0 >= this.turnBudgetUs) break;
    }
    if (this.active.length === 0) return;
    const anyReady = this.active.some((s) => s.state === 'running' && s.isReady());
    if (anyReady) this.schedule(0);
    else if (waiting) this.schedule(NOT_READY_RETRY_MS);
  }

  /** A turn under rdb-key-save-delay: a bounded number of keys, then a wait of their cost. */
  private throttledTurn(): void {
    const { items, waitMs } = delayPacing(this.keyDelayUs, this.turnBudgetUs);
    const { stepped, waiting } = this.stepAll(items);
    if (this.active.length === 0) return;
    if (stepped) this.schedule(waitMs);
    else if (waiting) this.schedule(NOT_READY_RETRY_MS);
  }

  /** One slice of every running snapshot whose consumers are ready (at most `keyLimit` keys each). */
  private stepAll(keyLimit: number): { stepped: boolean; waiting: boolean } {
    let stepped = false;
    let waiting = false;
    for (const snap of [...this.active]) {
      if (snap.state !== 'running') continue;
      if (!snap.isReady()) {
        waiting = true;
        continue;
      }
      snap.step(keyLimit);
      stepped = true;
    }
    return { stepped, waiting };
  }
}
