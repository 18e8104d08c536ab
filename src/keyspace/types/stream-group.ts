/**
 * Consumer groups of a stream (Redis's streamCG, streamConsumer, streamNACK): the group's last
 * delivered ID and logical read counter (entries-read, -1 when unknown), its pending-entries list
 * (PEL) and its consumers, each with its own PEL sharing the same NACK objects. A NACK records its
 * owner, the last delivery time and the delivery count; times are the injected clock's ms.
 */
import { IdMap } from './id-map.js';
import type { StreamId } from './stream-id.js';

/** SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_INVALID = -1n;

export class StreamNack {
  /** deliveryCount: Redis's uint64 delivery_count as the signed long long its replies show, exact (bigint). */
  constructor(public consumer: StreamConsumer, public deliveryTime: number, public deliveryCount: bigint) {}
}

export class StreamConsumer {
  readonly pel = new IdMap<StreamNack>();
  constructor(readonly name: string, public seenTime: number) {}
}

export class StreamGroup {
  readonly pel = new IdMap<StreamNack>();
  /** Consumers by name; introspection sorts names bytewise, as Redis's rax orders them. */
  readonly consumers = new Map<string, StreamConsumer>();

  /** Redis's entries_read, a long long: a bigint, exact beyond 2^53 (XGROUP ... ENTRIESREAD, RESTORE). */
  constructor(public lastId: StreamId, public entriesRead: bigint) {}

  /** The consumer named `name`, created (seen now) when missing; `created` tells which. */
  consumer(name: string, nowMs: number): { consumer: StreamConsumer; created: boolean } {
    const c = this.consumers.get(name);
    if (c !== undefined) return { consumer: c, created: false };
    const fresh = new StreamConsumer(name, nowMs);
    this.consumers.set(name, fresh);
    return { consumer: fresh, created: true };
  }

  /** Deletes a consumer and its pending entries from the group; returns how many were pending. */
  deleteConsumer(name: string): number {
    const c = this.consumers.get(name);
    if (c === undefined) return -1;
    const pending = c.pel.size;
    for (const [id] of c.pel.entries()) this.pel.delete(id);
    this.consumers.delete(name);
    return pending;
  }

  sortedConsumers(): StreamConsumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  clone(): StreamGroup {
    const g = new StreamGroup(this.lastId, this.entriesRead);
    const byOld = new Map<StreamConsumer, StreamConsumer>();
    for (const c of this.consumers.values()) {
      const nc = new StreamConsumer(c.name, c.seenTime);
      g.consumers.set(c.name, nc);
      byOld.set(c, nc);
    }
    for (const [id, n] of this.pel.entries()) {
      const owner = byOld.get(n.consumer)!;
      const nn = new StreamNack(owner, n.deliveryTime, n.deliveryCount);
      g.pel.set(id, nn);
      owner.pel.set(id, nn);
    }
    return g;
  }
}
