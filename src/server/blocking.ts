/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK...) and on other events (WAIT).
 *
 * Redis semantics kept here:
 * - a client blocks on one or more keys of its database, with an absolute timeout (0 = forever);
 * - a key with blocked clients becomes "ready" when 7.0.15 signals it (see changed(): created,
 *   XADD, XGROUP DESTROY, its stream gone; SWAPDB's scan), not on every modification; after the
 *   command (and after a whole EXEC) the ready keys are served in the order they became ready,
 *   each to its clients in the order they blocked (FIFO per key);
 * - serving means running the client's command again, from the ready key alone (as Redis 7.2 does
 *   for every type; 7.0 did it per type with the same observable order): the handler either
 *   answers, or blocks again and then keeps its place in every queue and its original timeout;
 * - on timeout the client gets the command's timeout reply (null array for BLPOP, null for
 *   BLMOVE...); a blocked client's later pipelined commands wait in its parser until it is
 *   unblocked, then run on the next turn of the event loop.
 * Timeouts are stored deadlines; one timer is armed for the earliest of them.
 */
import type { Command } from '../commands/registry.js';
import type { Database } from '../keyspace/database.js';
import type { KeyWaiters } from '../keyspace/keyspace.js';
import { typeOf, type Value } from '../keyspace/value.js';
import { BLOCKED, error, type Reply } from '../protocol/reply.js';
import type { Client } from './client.js';
import { MAX_TIMER_MS } from '../runtime/ports.js';
import type { Server } from './server.js';


export interface BlockState {
  /** "dbId\0key" entries the client waits on (empty for WAIT-style blocks). */
  readonly keys: readonly string[];
  readonly dbId: number;
  /** Absolute ms; 0 = no timeout. */
  readonly timeoutAtMs: number;
  /** What the client gets on timeout or CLIENT UNBLOCK (a function when computed then: WAIT). */
  readonly timeoutReply: Reply | (() => Reply);
  readonly cmd: Command<Client>;
  readonly argv: string[];
  /**
   * Waiting for something outside the keyspace (MIGRATE's target, a durable save, a rebind):
   * commands Redis runs synchronously. Such a client is not in `clients` (blocked_clients, the
   * timeout table) and CLIENT UNBLOCK cannot release it.
   */
  readonly external?: true;
  /** Blocked in SHUTDOWN (shutdown.ts): only the shutdown's end releases it, not CLIENT UNBLOCK. */
  readonly shutdown?: true;
}

/** Whether a key holding `v` can serve a blocked client: a list, a sorted set or a stream. */
function canServe(v: Value | undefined): boolean {
  return v !== undefined && typeof v !== 'string' && (v.type === 'list' || v.type === 'zset' || v.type === 'stream');
}

/** Whether a key went from holding a stream to holding none (deleted, or another type). */
function streamGone(before: Value | undefined, after: Value | undefined): boolean {
  return before !== undefined && typeOf(before) === 'stream' && (after === undefined || typeOf(after) !== 'stream');
}

export class BlockedClients implements KeyWaiters {
  /** "dbId\0key" -> clients in the order they blocked. */
  private readonly byKey = new Map<string, Client[]>();
  /** Keys signalled since the last serve pass (insertion-ordered). */
  private readonly readyKeys = new Set<string>();
  readonly clients = new Set<Client>();
  private serving = false;
  private timerDeadline = 0;
  private cancelTimer: (() => void) | null = null;

  constructor(private readonly server: Server) {}

  /** Blocks `client` running `cmd argv` (called through Client.block from a handler). */
  block(client: Client, cmd: Command<Client>, argv: string[], keys: readonly string[], timeoutAtMs: number, timeoutReply: Reply | (() => Reply), kind?: 'shutdown'): Reply {
    if (client.reexecuting) return BLOCKED; // still waiting: keeps its place and first deadline
    const dbId = client.db.id;
    const composite = keys.map((k) => `${dbId}\0${k}`);
    const unique = [...new Set(composite)];
    client.blocked = kind === 'shutdown'
      ? { keys: unique, dbId, timeoutAtMs, timeoutReply, cmd, argv, shutdown: true }
      : { keys: unique, dbId, timeoutAtMs, timeoutReply, cmd, argv };
    this.clients.add(client);
    for (const k of unique) {
      let q = this.byKey.get(k);
      if (q === undefined) this.byKey.set(k, (q = []));
      q.push(client);
    }
    // While anyone waits on a key, the keyspace reports how keys change.
    this.server.ks.waiters = this;
    if (timeoutAtMs !== 0) this.armTimer(timeoutAtMs);
    return BLOCKED;
  }

  /**
   * Blocks `client` until its command completes through `completeWaiting` (commands/multi.ts):
   * its pipelined commands wait behind it, as they would behind Redis's synchronous command.
   */
  waitExternally(client: Client, cmd: Command<Client>, argv: string[]): Reply {
    client.blocked = { keys: [], dbId: client.db.id, timeoutAtMs: 0, timeoutReply: error('ERR'), cmd, argv, external: true };
    return BLOCKED;
  }

  /**
   * `key` can serve its waiters: they are served after the current command (Redis's
   * signalKeyAsReady, which a created key, an XADD and an XGROUP DESTROY raise). Only a key that
   * can serve anyone counts; Redis signals no other type, and re-running a client against one
   * could expire it lazily where Redis does not.
   */
  ready(db: Database, key: string): void {
    if (this.byKey.size === 0) return;
    const k = `${db.id}\0${key}`;
    if (this.byKey.has(k) && canServe(db.dict.get(key))) this.readyKeys.add(k);
  }

  /**
   * `key` changed from `before` (undefined: it was created). As in Redis 7.0.15, a key waiters
   * wait on becomes ready when it is created (dbAdd) or when the stream it held is deleted or
   * overwritten (signalDeletedKeyAsReady: a blocked XREADGROUP is then answered); any other change
   * to an existing key wakes nobody (its waiters wait for a key to be created: a list or sorted set
   * is deleted when emptied, and dbOverwrite signals nothing).
   */
  changed(db: Database, key: string, before: Value | undefined): void {
    if (before === undefined) {
      this.ready(db, key);
      return;
    }
    const k = `${db.id}\0${key}`;
    if (this.byKey.has(k) && streamGone(before, db.dict.get(key))) this.readyKeys.add(k);
  }

  /** Every key of `db` a client waits on that can serve it now becomes ready (after SWAPDB). */
  scanDatabaseForReadyKeys(db: Database): void {
    if (this.byKey.size === 0) return;
    const prefix = `${db.id}\0`;
    for (const k of this.byKey.keys()) {
      if (k.startsWith(prefix) && canServe(db.dict.get(k.slice(prefix.length)))) this.readyKeys.add(k);
    }
  }

  /**
   * Every key of `emptied` a client waits on whose stream goes away when it is flushed or swapped
   * with `replacedWith` becomes ready: a blocked XREADGROUP then gets its "stream key no longer
   * exists" error (Redis 7.0's scanDatabaseForDeletedStreams).
   */
  signalDeletedStreams(emptied: Database, replacedWith: Database | null): void {
    if (this.byKey.size === 0) return;
    const prefix = `${emptied.id}\0`;
    for (const k of this.byKey.keys()) {
      if (!k.startsWith(prefix)) continue;
      const key = k.slice(prefix.length);
      if (streamGone(emptied.dict.get(key), replacedWith?.dict.get(key))) this.readyKeys.add(k);
    }
  }

  hasReady(): boolean {
    return this.readyKeys.size !== 0;
  }

  /** Serves clients blocked on ready keys, until no key is ready (Redis's handleClientsBlockedOnKeys). */
  serveReady(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      while (this.readyKeys.size !== 0) {
        const keys = [...this.readyKeys];
        this.readyKeys.clear();
        for (const k of keys) {
          const queue = this.byKey.get(k);
          if (queue === undefined) continue;
          const key = k.slice(k.indexOf('\0') + 1);
          for (const client of [...queue]) {
            if (client.blocked !== null && !client.closed) this.reexecute(client, key);
          }
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Runs a blocked client's command again, to be served from `key` (which became ready). */
  private reexecute(client: Client, key: string): void {
    const b = client.blocked!;
    const db = this.server.ks.dbs[b.dbId]!;
    client.db = db;
    client.reexecuting = true;
    client.readyKey = key;
    let reply: Reply | undefined;
    try {
      reply = this.server.call(client, b.cmd, b.argv);
    } finally {
      client.reexecuting = false;
      client.readyKey = undefined;
    }
    if (reply === BLOCKED) return;
    this.unblock(client, reply);
  }

  /** Unblocks a client: removes it from every queue, sends `reply` (if any), resumes its input. */
  unblock(client: Client, reply: Reply | undefined): void {
    const b = client.blocked;
    if (b === null) return;
    this.remove(client);
    if (reply !== undefined) this.server.emit(client, reply);
    this.server.resumeLater(client);
  }

  /** Forgets a client (disconnect, unblock). */
  remove(client: Client): void {
    const b = client.blocked;
    if (b === null) return;
    client.blocked = null;
    this.clients.delete(client);
    for (const k of b.keys) {
      const q = this.byKey.get(k);
      if (q === undefined) continue;
      const i = q.indexOf(client);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.byKey.delete(k);
    }
    if (this.byKey.size === 0) this.server.ks.waiters = null;
  }

  /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: true when the client was blocked. */
  unblockByRequest(client: Client, asError: boolean): boolean {
    const b = client.blocked;
    // Redis 7.0.15 crashes on a client blocked in SHUTDOWN ("Unknown btype"); 7.2 answers 0.
    if (b === null || b.external === true || b.shutdown === true) return false;
    // Redis 7.0.15 counts the unblocked command as one failed call either way (measured), and
    // the UNBLOCKED error in errorstats.
    b.cmd.calls++;
    b.cmd.failedCalls++;
    this.server.stats.totalCommandsProcessed++;
    if (asError) {
      const e = error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
      this.server.stats.countError(e.s);
      this.unblock(client, e);
    } else {
      this.unblock(client, timeoutReplyOf(b));
    }
    return true;
  }

  /**
   * Answers a client blocked on an event (not on keys) now that the event happened (WAIT's
   * replicas acknowledged); the command counts one call, as on timeout.
   */
  complete(client: Client, reply: Reply): void {
    const b = client.blocked;
    if (b === null) return;
    b.cmd.calls++;
    this.server.stats.totalCommandsProcessed++;
    this.unblock(client, reply);
  }

  /** Answers the timeout reply; like Redis's updateStatsOnUnblock, the command counts one call. */
  private timeOut(client: Client, b: BlockState): void {
    b.cmd.calls++;
    this.server.stats.totalCommandsProcessed++;
    this.unblock(client, timeoutReplyOf(b));
  }

  /** Answers every client whose deadline has passed with its timeout reply. */
  checkTimeouts(nowMs: number): void {
    // While MIGRATE holds the server nothing times out; releaseHold checks again.
    if (this.clients.size === 0 || this.server.holding) return;
    let next = 0;
    for (const c of [...this.clients]) {
      const b = c.blocked;
      if (b === null || b.timeoutAtMs === 0) continue;
      if (b.timeoutAtMs <= nowMs) this.timeOut(c, b);
      else if (next === 0 || b.timeoutAtMs < next) next = b.timeoutAtMs;
    }
    if (next !== 0) this.armTimer(next);
  }

  /** Keeps one timer armed for the earliest deadline (the tick also checks, as a backstop). */
  private armTimer(deadlineMs: number): void {
    if (this.cancelTimer !== null && this.timerDeadline <= deadlineMs) return;
    this.cancelTimer?.();
    this.timerDeadline = deadlineMs;
    // Node timers fire at once beyond 2^31-1 ms: wait at most that long, then re-arm.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadlineMs - this.server.env.clock.nowMs()) + 1);
    this.cancelTimer = this.server.env.scheduler.after(delay, () => {
      this.cancelTimer = null;
      this.timerDeadline = 0;
      this.checkTimeouts(this.server.env.clock.nowMs());
    });
  }

  /** Cancels the timer (server close). */
  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}

function timeoutReplyOf(b: BlockState): Reply {
  return typeof b.timeoutReply === 'function' ? b.timeoutReply() : b.timeoutReply;
}
