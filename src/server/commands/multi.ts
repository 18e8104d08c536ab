/**
 * Transactions (Redis 7.0 multi.c): MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * Queueing happens in Server.processCommand: after MULTI every command except EXEC, DISCARD,
 * MULTI, WATCH, QUIT and RESET is checked (arity, no_multi, admission hooks, ...) and queued; a
 * rejected one marks the transaction aborted and EXEC answers EXECABORT. A rejected EXEC itself
 * discards the transaction ("EXECABORT Transaction discarded because of: ...", Server.reject).
 *
 * EXEC aborts with a null array when a WATCHed key was modified (client.watchDirty, set by the
 * server's WATCH index) or has expired since WATCH (keys already expired when watched are
 * ignored, as in 7.0). Otherwise it unwatches, then runs each queued command through
 * Server.call() inside withPropagationTransaction (replicas and AOF see MULTI ... EXEC around
 * the writes). Runtime errors are elements of the reply array.
 *
 * Output: EXEC writes its array header and each command's reply itself, in order, so replies a
 * command writes on its own (SUBSCRIBE confirmations) land inside the array where Redis puts
 * them, and each reply is encoded in the protocol in force when it is produced (HELLO 3 inside a
 * transaction). `client.multi` stays set while the queue runs: handlers that must not block
 * (BLPOP...) or that Redis refuses inside EXEC (SSUBSCRIBE) test `c.multi !== null`.
 */
import type { CommandSpec } from '../../commands/spec.js';
import {
  ERR_DISCARD_WITHOUT_MULTI, ERR_EXEC_WITHOUT_MULTI, ERR_EXECABORT, ERR_MULTI_NESTED, ERR_WATCH_IN_MULTI,
} from '../../protocol/errors.js';
import { BLOCKED, error, NULL_ARRAY, OK, type RawReply, type Reply } from '../../protocol/reply.js';
import type { Command } from '../../commands/registry.js';
import type { Client } from '../client.js';
import { NO_REPLY } from '../pubsub.js';

/** Leaves MULTI state and forgets WATCHed keys (Redis's discardTransaction). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.server.unwatchAll(c);
}

/** True when a WATCHed key (not already expired at WATCH time) has logically expired since. */
function isWatchedKeyExpired(c: Client): boolean {
  if (c.watched === null) return false;
  const ks = c.ks;
  for (const k of c.watched) {
    if (c.watchedExpired !== null && c.watchedExpired.has(k)) continue;
    const sep = k.indexOf('\0');
    const db = ks.dbs[Number(k.slice(0, sep))];
    if (db === undefined) continue;
    if (ks.isExpired(db, k.slice(sep + 1))) return true;
  }
  return false;
}

function multi(c: Client): Reply {
  if (c.multi !== null) return ERR_MULTI_NESTED;
  c.multi = { queue: [], aborted: false };
  return OK;
}

/**
 * An EXEC that stopped at a queued command which waits for something outside the keyspace
 * (MIGRATE for its target's answer, DEBUG RELOAD for its file, CONFIG SET for a rebind): the
 * command blocked the client; when it completes (completeWaiting), the server runs EXEC again
 * (client.reexecuting), which takes that command's reply and goes on with the queue after it. Its array header and the replies before were already
 * written, and what it propagated so far is kept for the second run (Server.deferPropagation), so
 * replicas and the AOF still get one MULTI ... EXEC.
 */
interface StoppedExec {
  /** EXEC itself, to run again. */
  readonly exec: { readonly cmd: Command<Client>; readonly argv: string[] };
  readonly queue: ReadonlyArray<{ cmd: Command<Client>; argv: string[] }>;
  /** The queued command that is waiting, and where the queue goes on after it. */
  readonly waiting: number;
  readonly silenced: boolean;
}

const stopped = new WeakMap<Client, StoppedExec>();

/** What finishes the command an EXEC stopped at, during the EXEC's second run (completeWaiting). */
const finishers = new WeakMap<Client, () => Reply | undefined>();

/**
 * Completes a client's command that waited for something outside the keyspace (MIGRATE's target,
 * a durable save, a rebind): `finish` does what the command still has to do and gives its reply.
 * If an EXEC stopped at that command, the EXEC runs again, writes that reply in its array and
 * goes on with its queue; true when it stopped again at another such command. Otherwise the reply
 * is sent. Then the client's pending input resumes. A client that left still gets `finish` run.
 */
export function completeWaiting(c: Client, finish: () => Reply | undefined): boolean {
  const server = c.server;
  server.blocking.remove(c);
  const st = stopped.get(c);
  let reply: Reply | undefined;
  if (st !== undefined) {
    finishers.set(c, finish);
    const prev = c.reexecuting;
    c.reexecuting = true;
    try {
      reply = server.call(c, st.exec.cmd, st.exec.argv);
    } finally {
      c.reexecuting = prev;
      finishers.delete(c);
    }
    if (reply === BLOCKED) return true;
  } else {
    reply = finish();
  }
  if (c.closed) return false;
  if (reply !== undefined) server.emit(c, reply);
  server.resumeLater(c);
  return false;
}

function exec(c: Client): Reply {
  const resumed = c.reexecuting ? stopped.get(c) : undefined;
  if (resumed !== undefined) {
    const finish = finishers.get(c);
    if (finish === undefined) throw new Error('EXEC resumed without the finisher of the command it stopped at');
    stopped.delete(c);
    const r = finish();
    if (r !== undefined) outputOf(c, resumed.silenced)(r);
    c.reexecuting = false;
    try {
      return runQueue(c, resumed.exec, resumed.queue, resumed.waiting + 1, resumed.silenced);
    } finally {
      c.reexecuting = true;
    }
  }
  const m = c.multi;
  if (m === null) return ERR_EXEC_WITHOUT_MULTI;
  if (!m.aborted && !c.watchDirty && isWatchedKeyExpired(c)) c.watchDirty = true;
  if (m.aborted || c.watchDirty) {
    const r = m.aborted ? ERR_EXECABORT : NULL_ARRAY;
    discardTransaction(c);
    return r;
  }
  c.server.unwatchAll(c);
  // A CLIENT REPLY SKIP before EXEC silences the whole transaction's output.
  let silenced = false;
  if (c.replyMode === 'skip') {
    silenced = true;
    c.replyMode = 'on';
  }
  outputOf(c, silenced)(arrayHeader(m.queue.length));
  return runQueue(c, { cmd: c.runningCmd!, argv: c.runningArgv }, m.queue, 0, silenced);
}

/** Writes one element of EXEC's reply, honouring CLIENT REPLY as Redis does inside EXEC. */
function outputOf(c: Client, silenced: boolean): (r: Reply) => void {
  return (r) => {
    if (silenced) return;
    if (c.replyMode === 'on') c.server.send(c, r);
    else if (c.replyMode === 'skip') c.replyMode = 'on';
  };
}

/** Runs the queue from `from`; BLOCKED when a command waits (see StoppedExec). */
function runQueue(c: Client, self: StoppedExec['exec'], queue: StoppedExec['queue'], from: number, silenced: boolean): Reply {
  const server = c.server;
  const out = outputOf(c, silenced);
  const waiting = server.withPropagationTransaction(c.db.id, () => {
    for (let i = from; i < queue.length; i++) {
      const { cmd, argv } = queue[i]!;
      // Permissions are checked again: the rules may have changed since the command was queued.
      const user = c.user;
      const denied = user !== null && !user.unrestricted ? server.acl.check(user, cmd, argv) : null;
      if (denied !== null) {
        server.acl.logDenial(c, denied, cmd, argv, 'multi');
        const r = error(`NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${EXEC_DENIAL_REASONS[denied.code] ?? 'no permission'}`);
        server.stats.countError(r.s);
        out(r);
        continue;
      }
      const r = server.call(c, cmd, argv);
      if (r === BLOCKED) return i;
      if (r !== undefined) out(r);
    }
    return -1;
  });
  // Everything was propagated by the nested calls; EXEC itself adds nothing.
  c.propArgv = null;
  c.propExtra = null;
  c.preventPropagation();
  if (waiting >= 0) {
    stopped.set(c, { exec: self, queue, waiting, silenced });
    server.deferPropagation();
    return BLOCKED;
  }
  c.multi = null;
  return NO_REPLY;
}

/** Why EXEC refuses a queued command whose permission was revoked, by ACL_DENIED_* code. */
const EXEC_DENIAL_REASONS: Readonly<Record<number, string>> = {
  1: 'no permission to execute the command or subcommand',
  2: 'no permission to touch the specified keys',
  4: 'no permission to access one of the channels used as arguments',
};

function arrayHeader(n: number): RawReply {
  return { t: 'raw', bytes: Buffer.from(`*${n}\r\n`, 'latin1') };
}

function discard(c: Client): Reply {
  if (c.multi === null) return ERR_DISCARD_WITHOUT_MULTI;
  discardTransaction(c);
  return OK;
}

function watch(c: Client, argv: string[]): Reply {
  if (c.multi !== null) return ERR_WATCH_IN_MULTI;
  for (let i = 1; i < argv.length; i++) c.server.watchKey(c, c.db, argv[i]!);
  return OK;
}

function unwatch(c: Client): Reply {
  c.server.unwatchAll(c);
  return OK;
}

export const MULTI_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'multi', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], acl: ['fast', 'transaction'],
    group: 'transactions', since: '1.2.0', summary: 'Mark the start of a transaction block', complexity: 'O(1)', handler: multi,
  },
  {
    name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], acl: ['slow', 'transaction'],
    group: 'transactions', since: '1.2.0', summary: 'Execute all commands issued after MULTI',
    complexity: 'Depends on commands in the transaction', handler: exec,
  },
  {
    name: 'discard', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], acl: ['fast', 'transaction'],
    group: 'transactions', since: '2.0.0', summary: 'Discard all commands issued after MULTI',
    complexity: 'O(N), when N is the number of queued commands', handler: discard,
  },
  {
    name: 'watch', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], acl: ['fast', 'transaction'],
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: -1, step: 1, limit: 0 } } }],
    group: 'transactions', since: '2.2.0', summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    complexity: 'O(1) for every key.', handler: watch,
  },
  {
    name: 'unwatch', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], acl: ['fast', 'transaction'],
    group: 'transactions', since: '2.2.0', summary: 'Forget about all watched keys', complexity: 'O(1)', handler: unwatch,
  },
];
