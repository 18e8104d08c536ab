/**
 * A client that follows the master as a Sentinel-aware client library does: it asks a sentinel
 * (`SENTINEL get-master-addr-by-name`, the next sentinel when one does not answer), connects to
 * the address, and asks again when its connection drops or a write is refused; it writes
 * `SET sw:<i> <i>` then `WAIT <all replicas> 300`, one at a time. A write is *confirmed* when
 * WAIT answers every replica. With every data node on `appendfsync always`, a confirmed write
 * must survive any mix of kills, crashes, partitions and failovers: `missingOn(node)` lists the
 * confirmed writes a node does not have.
 */
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import { isError, showReply } from '../resp.js';
import { DATA_PORT, type SentinelGroup } from './sentinel-group.js';

const GAP_MS = 50;

export class FollowingWriter {
  readonly confirmed: number[] = [];
  acked = 0;
  private next = 0;
  private client: SimClient | null = null;
  /** The address the sentinels gave; null: ask. */
  private target: SimNode | null = null;
  private readonly sentinelClients = new Map<SimNode, SimClient>();
  private asked = 0;
  /** Answers of SENTINEL get-master-addr-by-name that named no data node of the group. */
  strangeAnswers = 0;
  private stopped = false;

  constructor(private readonly g: SentinelGroup, private readonly replicas: number) {}

  start(): void {
    this.g.world.loop.after(0, null, () => this.step());
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.sentinelClients.values()) c.close();
  }

  private later(): void {
    if (!this.stopped) this.g.world.loop.after(GAP_MS * 1000, null, () => this.step());
  }

  private step(): void {
    if (this.stopped) return;
    if (this.target === null) return this.ask();
    if (this.client === null || this.client.state === 'closed') {
      this.client = this.g.world.client(this.target, { name: `writer.${this.next}` });
    }
    const c = this.client;
    const i = this.next++;
    c.send(['SET', `sw:${i}`, String(i)], (r) => {
      if (r === null || isError(r)) {
        // Lost link, READONLY, LOADING...: ask the sentinels again.
        this.forget();
        return this.later();
      }
      this.acked++;
      c.send(['WAIT', String(this.replicas), '300'], (n) => {
        if (n === this.replicas) this.confirmed.push(i);
        this.later();
      });
    });
  }

  private forget(): void {
    this.client?.close();
    this.client = null;
    this.target = null;
  }

  /** Asks the next sentinel in turn where the master is. */
  private ask(): void {
    const sentinels = this.g.sentinels;
    const s = sentinels[this.asked++ % sentinels.length]!;
    let sc = this.sentinelClients.get(s);
    if (sc === undefined || sc.state === 'closed') {
      sc = this.g.world.client(s, { name: `writer-asks-${s.name}.${this.asked}` });
      this.sentinelClients.set(s, sc);
    }
    sc.send(['SENTINEL', 'get-master-addr-by-name', 'mymaster'], (r) => {
      if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && typeof r[1] === 'string') {
        const node = Number(r[1]) === DATA_PORT ? this.g.nodeAt(r[0]) : undefined;
        if (node === undefined) this.strangeAnswers++;
        else this.target = node;
      }
      this.later();
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
