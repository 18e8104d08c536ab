/**
 * Pub/sub state of one server (Redis's server.pubsub_channels / pubsub_patterns /
 * pubsub_shardchannels and pubsub.c's publish): which clients listen to which channels, patterns
 * and shard channels, and the delivery of `message` / `pmessage` / `smessage` to them.
 *
 * Invariants: a client is in `channels.get(ch)` exactly when `ch` is in its `subscriptions` (same
 * for patterns and shard channels); empty sets are removed, so the map sizes are the numbers of
 * active channels/patterns. Messages are pushes (RESP3 `>`, RESP2 `*`), encoded once per protocol
 * version per publish and delivered through `deliver` (Server.send), which ignores CLIENT REPLY
 * OFF/SKIP as Redis 7.0.15 does for pub/sub traffic. Delivery order: channel subscribers first,
 * then pattern subscribers, in subscription order (Redis walks its dicts in hash order).
 */
import { globMatch } from '../lib/glob.js';
import { push, type RawReply, type Reply } from '../protocol/reply.js';
import { encodeReply } from '../protocol/writer.js';
import type { Client } from './client.js';

export type Deliver = (client: Client, reply: Reply) => void;

/** Called for every PUBLISH / SPUBLISH (not keyspace events): replication and cluster forward it. */
export type PublishListener = (channel: string, message: string, shard: boolean) => void;

/** What a handler returns when it wrote its output itself (SUBSCRIBE confirmations, EXEC). */
export const NO_REPLY: RawReply = Object.freeze({ t: 'raw', bytes: Buffer.alloc(0) });

export class PubSub {
  /** channel -> subscribed clients */
  readonly channels = new Map<string, Set<Client>>();
  /** pattern -> subscribed clients */
  readonly patterns = new Map<string, Set<Client>>();
  /** shard channel -> subscribed clients */
  readonly shardChannels = new Map<string, Set<Client>>();
  readonly publishListeners: PublishListener[] = [];

  constructor(private readonly deliver: Deliver) {}

  // ---------------------------------------------------------------------------------------------
  // Subscriptions. Each returns true when the state changed.

  subscribe(c: Client, channel: string): boolean {
    const mine = (c.subscriptions ??= new Set());
    if (mine.has(channel)) return false;
    mine.add(channel);
    addTo(this.channels, channel, c);
    return true;
  }

  unsubscribe(c: Client, channel: string): boolean {
    if (c.subscriptions === null || !c.subscriptions.delete(channel)) return false;
    removeFrom(this.channels, channel, c);
    return true;
  }

  psubscribe(c: Client, pattern: string): boolean {
    const mine = (c.patterns ??= new Set());
    if (mine.has(pattern)) return false;
    mine.add(pattern);
    addTo(this.patterns, pattern, c);
    return true;
  }

  punsubscribe(c: Client, pattern: string): boolean {
    if (c.patterns === null || !c.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, c);
    return true;
  }

  ssubscribe(c: Client, channel: string): boolean {
    const mine = (c.shardSubscriptions ??= new Set());
    if (mine.has(channel)) return false;
    mine.add(channel);
    addTo(this.shardChannels, channel, c);
    return true;
  }

  sunsubscribe(c: Client, channel: string): boolean {
    if (c.shardSubscriptions === null || !c.shardSubscriptions.delete(channel)) return false;
    removeFrom(this.shardChannels, channel, c);
    return true;
  }

  /** Channels + patterns: the count SUBSCRIBE/UNSUBSCRIBE/(P)... confirmations report. */
  static count(c: Client): number {
    return (c.subscriptions?.size ?? 0) + (c.patterns?.size ?? 0);
  }

  /** Shard channels only: the count SSUBSCRIBE/SUNSUBSCRIBE confirmations report. */
  static shardCount(c: Client): number {
    return c.shardSubscriptions?.size ?? 0;
  }

  /** Drops every subscription of a client without telling it (disconnect, RESET). */
  removeClient(c: Client): void {
    if (c.subscriptions !== null) for (const ch of c.subscriptions) removeFrom(this.channels, ch, c);
    if (c.patterns !== null) for (const p of c.patterns) removeFrom(this.patterns, p, c);
    if (c.shardSubscriptions !== null) for (const ch of c.shardSubscriptions) removeFrom(this.shardChannels, ch, c);
    c.subscriptions = null;
    c.patterns = null;
    c.shardSubscriptions = null;
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  /** PUBLISH and keyspace events: delivers to channel and pattern subscribers; returns receivers. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      const msg = new Encoded(push(['message', channel, message]));
      for (const c of subs) {
        this.deliver(c, msg.for(c.resp));
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        const msg = new Encoded(push(['pmessage', pattern, channel, message]));
        for (const c of clients) {
          this.deliver(c, msg.for(c.resp));
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    const msg = new Encoded(push(['smessage', channel, message]));
    let receivers = 0;
    for (const c of subs) {
      this.deliver(c, msg.for(c.resp));
      receivers++;
    }
    return receivers;
  }

  notifyPublished(channel: string, message: string, shard: boolean): void {
    for (const l of this.publishListeners) l(channel, message, shard);
  }
}

/** One message encoded at most once per protocol version, however many receive it. */
class Encoded {
  private r2: RawReply | null = null;
  private r3: RawReply | null = null;
  constructor(private readonly reply: Reply) {}
  for(resp: number): RawReply {
    if (resp === 3) return (this.r3 ??= { t: 'raw', bytes: encodeReply(this.reply, 3) });
    return (this.r2 ??= { t: 'raw', bytes: encodeReply(this.reply, 2) });
  }
}

function addTo(map: Map<string, Set<Client>>, name: string, c: Client): void {
  let set = map.get(name);
  if (set === undefined) map.set(name, (set = new Set()));
  set.add(c);
}

function removeFrom(map: Map<string, Set<Client>>, name: string, c: Client): void {
  const set = map.get(name);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) map.delete(name);
}
