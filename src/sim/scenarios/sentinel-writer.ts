/**
 * A client that follows the master the sentinels agree on (as a Sentinel-aware client library
 * does: it asks, then reconnects when the answer changes or its connection drops) and writes
 * `SET sw:<i> <i>` then `WAIT <all replicas> 300`, one at a time. A write is *confirmed* when
 * WAIT answers every replica. With every data node on `appendfsync always`, a confirmed write
 * must survive any mix of kills, crashes, partitions and failovers: `missingOn(node)` lists the
 * confirmed writes a node does not have.
 */
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import { isError, showReply } from '../resp.js';
import type { SentinelGroup } from './sentinel-group.js';

const GAP_MS = 50;

export class FollowingWriter {
  readonly confirmed: number[] = [];
  acked = 0;
  private next = 0;
  private client: SimClient | null = null;
  private target: SimNode | null = null;
  private stopped = false;
  busy = false;

  constructor(private readonly g: SentinelGroup, private readonly replicas: number) {}

  start(): void {
    this.g.world.loop.after(0, null, () => this.step());
  }

  stop(): void {
    this.stopped = true;
  }

  get idle(): boolean {
    return !this.busy;
  }

  private later(): void {
    if (!this.stopped) this.g.world.loop.after(GAP_MS * 1000, null, () => this.step());
  }

  private step(): void {
    if (this.stopped) return;
    const m = this.g.agreedMaster() ?? this.target;
    if (m === null) return this.later();
    if (this.client === null || this.client.state === 'closed' || m !== this.target) {
      this.client?.close();
      this.target = m;
      this.client = this.g.world.client(m, { name: `writer.${this.next}` });
    }
    const c = this.client;
    const i = this.next++;
    this.busy = true;
    c.send(['SET', `sw:${i}`, String(i)], (r) => {
      if (r === null || isError(r)) {
        this.busy = false;
        return this.later();
      }
      this.acked++;
      c.send(['WAIT', String(this.replicas), '300'], (n) => {
        if (n === this.replicas) this.confirmed.push(i);
        this.busy = false;
        this.later();
      });
    });
  }

  /** The confirmed writes `node` lacks (read back in batches), or an error text. */
  async missingOn(node: SimNode): Promise<number[] | string> {
    const missing: number[] = [];
    for (let k = 0; k < this.confirmed.length; k += 500) {
      const batch = this.confirmed.slice(k, k + 500);
      const r = await this.g.call(node, 'MGET', ...batch.map((i) => `sw:${i}`));
      if (!Array.isArray(r) || r.length !== batch.length) return `MGET on ${node.name}: ${showReply(r).slice(0, 80)}`;
      batch.forEach((i, j) => { if (r[j] !== String(i)) missing.push(i); });
    }
    return missing;
  }
}
