/**
 * Keyspace notifications (Redis's notify.c): every `ks.notify(type, event, db, key)` from a
 * command or from expiry is published, when `notify-keyspace-events` selects its class, as
 *   __keyspace@<db>__:<key>    with the event name as message   (K)
 *   __keyevent@<db>__:<event>  with the key as message          (E)
 * The class letters, their bits and the canonical CONFIG GET form live in config/notify.ts (the
 * config table parses the directive); this module only reads the mask. Keyspace events are not
 * propagated to replicas or the cluster (replicas generate their own), unlike PUBLISH.
 */
import type { Database } from '../keyspace/database.js';
import { NOTIFY, parseNotifyKeyspaceEvents } from './config/notify.js';
import type { Server } from './server.js';

/** The class bit of each type letter handlers pass to `ks.notify` ('g', '$', 'l', ...). */
const CLASS_BITS: Readonly<Record<string, number>> = {
  g: NOTIFY.GENERIC, $: NOTIFY.STRING, l: NOTIFY.LIST, s: NOTIFY.SET, h: NOTIFY.HASH, z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED, e: NOTIFY.EVICTED, t: NOTIFY.STREAM, m: NOTIFY.KEY_MISS, n: NOTIFY.NEW, d: NOTIFY.MODULE,
};

/** The mask from the config value (a parsed mask, or the raw letters if the table stores text). */
export function notifyMask(v: unknown): number {
  if (typeof v === 'number') return v;
  return parseNotifyKeyspaceEvents(String(v)) ?? 0;
}

/** Builds the notifier for a mask: publishes through `publish`, or does nothing for a zero mask. */
export function keyspaceNotifier(
  mask: number,
  publish: (channel: string, message: string) => void,
): (type: string, event: string, db: Database, key: string) => void {
  const wantsKeyspace = (mask & NOTIFY.KEYSPACE) !== 0;
  const wantsKeyevent = (mask & NOTIFY.KEYEVENT) !== 0;
  if (!wantsKeyspace && !wantsKeyevent) return () => {};
  return (type, event, db, key) => {
    const bit = CLASS_BITS[type];
    if (bit === undefined || (mask & bit) === 0) return;
    if (wantsKeyspace) publish(`__keyspace@${db.id}__:${key}`, event);
    if (wantsKeyevent) publish(`__keyevent@${db.id}__:${event}`, key);
  };
}

/** Installs `server.notifier`, rebuilt whenever `notify-keyspace-events` changes. */
export function installKeyspaceNotifications(server: Server): void {
  const publish = (channel: string, message: string): void => {
    server.pubsub.publish(channel, message);
  };
  server.config.watch('notify-keyspace-events', (v) => {
    server.notifier = keyspaceNotifier(notifyMask(v), publish);
  });
}
