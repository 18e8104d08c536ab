/**
 * Server-assisted client-side caching (Redis 7.0's tracking.c): CLIENT TRACKING state per client,
 * the table of keys each tracking client read, the prefix table of BCAST clients, and the
 * `invalidate` messages.
 *
 * Behaviour kept from redis-server 7.0.15:
 *  - default mode: after a readonly command, the keys it names are remembered for the client (OPTIN:
 *    only after CLIENT CACHING YES; OPTOUT: unless CLIENT CACHING NO). A modified key is sent once
 *    to every client that remembered it and then forgotten. The table holds client ids and is
 *    cleaned lazily: disabling tracking leaves the keys (and INFO's tracking_total_keys) in place.
 *  - an invalidation for the client running the command is held until its reply is out (Redis's
 *    tracking_pending_keys), so the reply comes first; NOLOOP skips the client's own changes.
 *  - BCAST: a modified key matching a prefix is collected per prefix and sent at the end of the
 *    turn (Redis's trackingBroadcastInvalidationMessages in beforeSleep; here in the server's
 *    write pass, before any queue is written), keys sorted bytewise as a radix tree yields them.
 *  - a flush sends a null instead of keys (the null of the tracking client's own protocol, even
 *    when the message goes to a redirect client speaking the other one, as Redis does).
 *  - RESP3 gets `>2 invalidate [keys]`; a RESP2 client only through REDIRECT to a client in pub/sub
 *    context, as a `message` on `__redis__:invalidate`; a missing redirect client marks the
 *    redirect broken and RESP3 clients get `tracking-redir-broken`.
 *  - tracking-table-max-keys: before each command (while anyone tracks) keys are evicted and
 *    invalidated until the table fits. Redis picks them by a random walk; Garrison takes the
 *    oldest first.
 *
 * Cost when nobody tracks: `clients` is tested before any work on the command path; the key
 * modification path tests whether the key and prefix tables are empty.
 */
import type { Command } from '../commands/registry.js';
import { push, type RawReply, type Reply } from '../protocol/reply.js';
import type { Client } from './client.js';
import { commandKeys } from './commands/command-table-info.js';
import type { Server } from './server.js';

/** A client's CLIENT TRACKING state (null on the client while tracking is off). */
export interface ClientTracking {
  /** Client id the messages go to; 0 = none. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES (OPTIN) / NO (OPTOUT) was given for the next command. */
  caching: boolean;
  /** The redirect client was found gone when a message was due (CLIENT LIST flag R). */
  brokenRedir: boolean;
  /** BCAST prefixes ('' = every key); empty otherwise. */
  readonly prefixes: Set<string>;
}

interface BcastState {
  /** Keys modified this turn, with the client that modified each one last (null: none). */
  keys: Map<string, Client | null>;
  readonly clients: Set<Client>;
}

const NULL_RESP2: RawReply = Object.freeze({ t: 'raw', bytes: Buffer.from('$-1\r\n') });
const NULL_RESP3: RawReply = Object.freeze({ t: 'raw', bytes: Buffer.from('_\r\n') });
export const TRACKING_CHANNEL = '__redis__:invalidate';

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Tracking {
  /** Clients with tracking on (INFO tracking_clients); the command path tests it first. */
  clients = 0;
  /** key -> ids of the clients that may cache it; null until tracking is first enabled. */
  private table: Map<string, Set<number>> | null = null;
  private totalItems = 0;
  readonly prefixTable = new Map<string, BcastState>();
  /** Some BCAST prefix collected a key this turn. */
  bcastPending = false;
  /** Invalidations for the client running the command, sent after its reply (null = a flush). */
  pending: Array<string | null> | null = null;
  private limitCounter = 0;

  constructor(private readonly server: Server) {}

  get totalKeys(): number {
    return this.table?.size ?? 0;
  }

  get totalItemsCount(): number {
    return this.totalItems;
  }

  // -------------------------------------------------------------------------------------------
  // Enabling and disabling

  enable(c: Client, redirect: number, opts: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean }, prefixes: readonly string[]): void {
    let t = c.tracking;
    if (t === null) {
      this.clients++;
      t = c.tracking = {
        redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedir: false,
        prefixes: new Set(),
      };
    }
    t.brokenRedir = false;
    t.bcast = false;
    t.optin = false;
    t.optout = false;
    t.noloop = false;
    t.redirect = redirect;
    c.trackingRedirect = redirect;
    this.table ??= new Map();
    if (opts.bcast) {
      t.bcast = true;
      if (prefixes.length === 0) this.enableBcastPrefix(c, t, '');
      for (const p of prefixes) this.enableBcastPrefix(c, t, p);
    }
    t.optin = opts.optin;
    t.optout = opts.optout;
    t.noloop = opts.noloop;
  }

  private enableBcastPrefix(c: Client, t: ClientTracking, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) this.prefixTable.set(prefix, (bs = { keys: new Map(), clients: new Set() }));
    if (!bs.clients.has(c)) {
      bs.clients.add(c);
      t.prefixes.add(prefix);
    }
  }

  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    if (t.bcast) {
      for (const p of t.prefixes) {
        const bs = this.prefixTable.get(p);
        if (bs === undefined) continue;
        bs.clients.delete(c);
        if (bs.clients.size === 0) this.prefixTable.delete(p);
      }
    }
    c.tracking = null;
    this.clients--;
  }

  /**
   * Redis's checkPrefixCollisionsOrReply: a new prefix may not be a prefix of, or have as prefix,
   * one the client has or another one given. Returns the error text, or null. `refused` is false
   * where 7.0.15 reports the error and still enables tracking (an overlap between two given
   * prefixes found after the first one: Redis returns the index as its success value).
   */
  prefixCollision(c: Client, prefixes: readonly string[]): { text: string; refused: boolean } | null {
    const overlap = (a: string, b: string): boolean => (a.length <= b.length ? b.startsWith(a) : a.startsWith(b));
    const existing = c.tracking === null ? [] : [...c.tracking.prefixes].sort(byteOrder);
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const e of existing) {
        if (overlap(e, p)) return { text: `ERR Prefix '${p}' overlaps with an existing prefix '${e}'. Prefixes for a single client must not overlap.`, refused: true };
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlap(p, prefixes[j]!)) {
          return { text: `ERR Prefix '${p}' overlaps with another provided prefix '${prefixes[j]!}'. Prefixes for a single client must not overlap.`, refused: i === 0 };
        }
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Remembering keys

  /** After a readonly command of `c` (Redis's trackingRememberKeys). */
  rememberKeys(c: Client, cmd: Command<Client>, argv: readonly string[]): void {
    const t = c.tracking;
    if (t === null || t.bcast || cmd.isPubsub) return;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    const keys = commandKeys(cmd.spec, argv);
    if (keys === null || keys.length === 0) return;
    const table = this.table!;
    for (const k of keys) {
      const key = argv[k.pos]!;
      let ids = table.get(key);
      if (ids === undefined) table.set(key, (ids = new Set()));
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Invalidation

  /** Whether a key modification has anything to do here. */
  get watching(): boolean {
    return (this.table !== null && this.table.size !== 0) || this.prefixTable.size !== 0;
  }

  /**
   * A key was modified (Redis's trackingInvalidateKey): sends it to the clients that remembered
   * it and forgets it; with `bcast`, collects it for the BCAST prefixes it matches.
   */
  invalidateKey(key: string, bcast: boolean): void {
    const table = this.table;
    if (table === null) return;
    const server = this.server;
    const current = server.current;
    if (bcast && this.prefixTable.size !== 0) {
      for (const [prefix, bs] of this.prefixTable) {
        if (prefix.length > key.length || !key.startsWith(prefix)) continue;
        bs.keys.set(key, current);
        if (!this.bcastPending) {
          this.bcastPending = true;
          server.scheduleWrites();
        }
      }
    }
    const ids = table.get(key);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = server.clients.get(id);
      const t = target?.tracking;
      if (target === undefined || t === null || t === undefined || t.bcast) continue;
      if (t.noloop && target === current) continue;
      if (target === current && server.isExecuting()) (this.pending ??= []).push(key);
      else this.send(target, [key]);
    }
    this.totalItems -= ids.size;
    table.delete(key);
  }

  /** One or all databases were flushed: every tracking client gets a null (trackingInvalidateKeysOnFlush). */
  invalidateOnFlush(): void {
    const server = this.server;
    if (this.clients !== 0) {
      for (const c of server.clients.values()) {
        if (c.tracking === null) continue;
        if (c === server.current) (this.pending ??= []).push(null);
        else this.send(c, c.resp === 2 ? NULL_RESP2 : NULL_RESP3);
      }
    }
    if (this.table !== null) {
      this.table = new Map();
      this.totalItems = 0;
    }
  }

  /** After each command of the client whose input runs (resetClient's CACHING rule, pending messages). */
  afterCommand(c: Client, argv: readonly string[]): void {
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      if (!c.closed) {
        for (const key of pending) this.send(c, key === null ? (c.resp === 2 ? NULL_RESP2 : NULL_RESP3) : [key]);
      }
    }
    const t = c.tracking;
    if (t !== null && t.caching && c.multi === null && !this.isClientCommand(argv)) t.caching = false;
  }

  /** Whether argv ran CLIENT (any of its subcommands): CLIENT CACHING then lasts one more command. */
  private isClientCommand(argv: readonly string[]): boolean {
    const cmd = this.server.commands.lookup(argv[0]!);
    if (cmd === undefined || cmd.name !== 'client') return false;
    return argv.length < 2 || cmd.subcommands!.has(argv[1]!.toLowerCase());
  }

  /** tracking-table-max-keys, before a command while anyone tracks (trackingLimitUsedSlots). */
  limitUsedSlots(): void {
    const table = this.table;
    if (table === null) return;
    const max = this.server.config.int('tracking-table-max-keys');
    if (max === 0) return;
    if (table.size <= max) {
      this.limitCounter = 0;
      return;
    }
    let effort = 100 * (this.limitCounter + 1);
    while (effort > 0) {
      effort--;
      const first = this.table!.keys().next();
      if (first.done === true) break;
      this.invalidateKey(first.value, false);
      if (this.table!.size <= max) {
        this.limitCounter = 0;
        return;
      }
    }
    this.limitCounter++;
  }

  /** The turn's BCAST messages (trackingBroadcastInvalidationMessages), before queues are written. */
  broadcast(): void {
    this.bcastPending = false;
    if (this.clients === 0) return;
    const prefixes = [...this.prefixTable.keys()].sort(byteOrder);
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const modified = bs.keys;
      bs.keys = new Map();
      const keys = [...modified.keys()].sort(byteOrder);
      for (const c of [...bs.clients]) {
        if (c.tracking?.noloop === true) {
          const own = keys.filter((k) => modified.get(k) !== c);
          if (own.length !== 0) this.send(c, own);
        } else {
          this.send(c, keys);
        }
      }
    }
  }

  /**
   * Sends one invalidation of `c` (Redis's sendTrackingMessage): to itself in RESP3, to its
   * redirect client in RESP3 or, when that one is in pub/sub context, as a RESP2 message.
   */
  private send(c: Client, payload: string[] | RawReply): void {
    const server = this.server;
    const t = c.tracking;
    let target = c;
    let redirected = false;
    // A message held for the reply of a client that has since turned tracking off still follows
    // the redirect it had (Redis keeps client_tracking_redirection).
    const redirect = t !== null ? t.redirect : c.trackingRedirect;
    if (redirect !== 0) {
      const r = server.clients.get(redirect);
      if (r === undefined) {
        if (t !== null) t.brokenRedir = true;
        if (c.resp > 2) server.send(c, push(['tracking-redir-broken', redirect]));
        return;
      }
      target = r;
      redirected = true;
    }
    const value: Reply = payload;
    if (target.resp > 2) server.send(target, push(['invalidate', value]));
    else if (redirected && target.subscriptionCount() > 0) server.send(target, push(['message', TRACKING_CHANNEL, value]));
  }
}
