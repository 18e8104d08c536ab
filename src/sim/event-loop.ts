/**
 * The simulator's single event queue: virtual time in integer microseconds, events ordered by
 * (time, sequence) so that equal times run in the order they were scheduled. Each event may belong
 * to a process (a node incarnation or a client): a dead process's events are dropped, a paused
 * process's events are moved to the end of its pause (keeping their order). Nothing here reads the
 * host's clock.
 */

/** Something that owns events: a node incarnation or a simulated client. */
export class SimProcess {
  alive = true;
  /** Events of this process due before this time wait until it (SIGSTOP/SIGCONT). */
  pausedUntilUs = 0;
  constructor(readonly name: string) {}
}

interface SimEvent {
  atUs: number;
  seq: number;
  owner: SimProcess | null;
  fn: () => void;
  cancelled: boolean;
}

export class EventLoop {
  nowUs = 0;
  private seq = 0;
  private readonly heap: SimEvent[] = [];
  /** Events run so far (not counting dropped or deferred ones). */
  executed = 0;

  /** Schedules fn at absolute virtual time `atUs` (clamped to now); returns a cancel function. */
  at(atUs: number, owner: SimProcess | null, fn: () => void): () => void {
    const ev: SimEvent = { atUs: Math.max(this.nowUs, Math.round(atUs)), seq: this.seq++, owner, fn, cancelled: false };
    this.push(ev);
    return () => { ev.cancelled = true; };
  }

  after(delayUs: number, owner: SimProcess | null, fn: () => void): () => void {
    return this.at(this.nowUs + delayUs, owner, fn);
  }

  /** Time of the next live event, or null when the queue is empty. */
  peekUs(): number | null {
    this.dropCancelled();
    const top = this.heap[0];
    return top === undefined ? null : top.atUs;
  }

  size(): number {
    return this.heap.length;
  }

  /**
   * Runs the next event (advancing time to it). Returns false when nothing is queued. Deferred
   * events (paused owner) and dropped ones (dead owner) count as a step that ran nothing.
   */
  runOne(): boolean {
    this.dropCancelled();
    const ev = this.popTop();
    if (ev === undefined) return false;
    this.nowUs = ev.atUs;
    const owner = ev.owner;
    if (owner !== null) {
      if (!owner.alive) return true;
      if (owner.pausedUntilUs > ev.atUs) {
        ev.atUs = owner.pausedUntilUs;
        ev.seq = this.seq++;
        this.push(ev);
        return true;
      }
    }
    this.executed++;
    ev.fn();
    return true;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && (this.heap[0]!.cancelled || (this.heap[0]!.owner !== null && !this.heap[0]!.owner.alive))) this.popTop();
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    return a.atUs < b.atUs || (a.atUs === b.atUs && a.seq < b.seq);
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private popTop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
