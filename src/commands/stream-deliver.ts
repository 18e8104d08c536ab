/**
 * Delivering entries to a consumer of a group (Redis 7.0's streamReplyWithRange with a group, and
 * streamReplyWithRangeFromConsumerPEL), shared by XREADGROUP (served at once or after blocking).
 *
 * - New entries (`>`): each entry past the group's last ID advances it and its entries-read
 *   counter; unless NOACK the entry enters the group and consumer PELs (taking it over from
 *   another consumer when already pending) with delivery count 1 and the command's time, and is
 *   propagated as `XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last`.
 *   With NOACK the group's new position is propagated as `XGROUP SETID ... ENTRIESREAD n` (and a
 *   consumer created by this read as `XGROUP CREATECONSUMER`), as 7.0.15 writes its AOF.
 * - History (any other ID): the consumer's own PEL from that ID; each pending entry still in the
 *   stream counts one more delivery, a deleted one is answered as [id, nil]. Nothing propagates.
 */
import { NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { lpUnpack } from '../keyspace/types/hash-listpack.js';
import { StreamNack, type StreamConsumer, type StreamGroup } from '../keyspace/types/stream-group.js';
import { cmpId, formatId, incrId, MAX_ID, type StreamId } from '../keyspace/types/stream-id.js';
import { advanceGroup } from '../keyspace/types/stream-lag.js';
import type { StreamValue } from '../keyspace/types/stream.js';
import type { CommandContext } from './context.js';

/**
 * The consumer `name` of `g`, created when missing as Redis's streamCreateConsumer does it: one
 * change and the xgroup-createconsumer event. Commands that refresh a consumer's seen-time
 * (XREADGROUP, XCLAIM, XAUTOCLAIM) do it themselves.
 */
export function consumerOf(c: CommandContext, g: StreamGroup, key: string, name: string): { consumer: StreamConsumer; created: boolean } {
  const made = g.consumer(name, c.ks.now);
  if (made.created) {
    c.ks.dirty++;
    c.ks.notify('t', 'xgroup-createconsumer', c.db, key);
  }
  return made;
}

export function xclaimPropagation(key: string, groupName: string, g: StreamGroup, id: StreamId, nack: StreamNack): string[] {
  return ['XCLAIM', key, groupName, nack.consumer.name, '0', formatId(id), 'TIME', String(nack.deliveryTime),
    'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId)];
}

export function setIdPropagation(key: string, groupName: string, g: StreamGroup): string[] {
  return ['XGROUP', 'SETID', key, groupName, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)];
}

/** New entries after `after` for `consumer` (at most count, 0 = all): the entries reply. */
export function deliverNew(
  c: CommandContext, s: StreamValue, key: string, groupName: string, g: StreamGroup, consumer: StreamConsumer,
  after: StreamId, count: number, noack: boolean,
): Reply[] {
  const out: Reply[] = [];
  const from = incrId(after);
  if (from === null) return out;
  let advanced = false;
  s.range(from, MAX_ID, false, (id, packed) => {
    if (cmpId(id, g.lastId) > 0) {
      advanceGroup(s, g, id);
      advanced = true;
    }
    out.push([formatId(id), lpUnpack(packed)]);
    if (!noack) {
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = new StreamNack(consumer, c.ks.now, 1n);
        g.pel.set(id, nack);
      } else {
        nack.consumer.pel.delete(id);
        nack.consumer = consumer;
        nack.deliveryTime = c.ks.now;
        nack.deliveryCount = 1n;
      }
      consumer.pel.set(id, nack);
      c.alsoPropagate(xclaimPropagation(key, groupName, g, id, nack));
    }
    return count === 0 || out.length < count;
  });
  if (advanced && noack) c.alsoPropagate(setIdPropagation(key, groupName, g));
  return out;
}

/** The consumer's pending entries from `from` on (at most count, 0 = all). */
export function deliverHistory(c: CommandContext, s: StreamValue, consumer: StreamConsumer, from: StreamId, count: number): Reply[] {
  const out: Reply[] = [];
  for (const [id, nack] of consumer.pel.from(from)) {
    if (count !== 0 && out.length >= count) break;
    const e = s.get(id);
    if (e === undefined) {
      out.push([formatId(id), NULL_ARRAY]);
    } else {
      nack.deliveryTime = c.ks.now;
      nack.deliveryCount = BigInt.asIntN(64, nack.deliveryCount + 1n);
      out.push([formatId(id), e.fields]);
    }
  }
  return out;
}
