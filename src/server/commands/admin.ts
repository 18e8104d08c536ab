/**
 * MONITOR, TIME, ROLE and SHUTDOWN (Redis 7.0).
 *
 * SHUTDOWN parses Redis's flags (NOSAVE SAVE NOW FORCE ABORT, with its syntax errors) and starts
 * the shutdown sequence (server/shutdown.ts: the wait for lagging replicas, ABORT), whose final
 * steps are `server.onShutdown` when the process entry set it (main.ts: save, pid file, close,
 * exit). A library server has no such hook: it logs Redis's lines and closes. Core code never
 * exits the process. The client gets no reply when the shutdown goes ahead (its connection
 * closes), and "Errors trying to SHUTDOWN. Check logs." when it is aborted or refused.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { ERR_SYNTAX } from '../../protocol/errors.js';
import { error, OK, type RawReply, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { infoState } from '../info.js';
import { startMonitoring } from '../monitor.js';
import type { Server } from '../server.js';
import { saveForShutdown } from '../persistence.js';
import type { ShutdownFlags } from '../shutdown.js';

type Spec = CommandSpec<Client>;

/** A handler's "no reply". */
const NOTHING: RawReply = Object.freeze({ t: 'raw', bytes: Buffer.alloc(0) });

/**
 * The final steps of a server without a process around it (Redis's finishShutdown, minus what only
 * a process does): saves as asked or per save points (server/persistence.ts), then closes.
 * Resolves false when saving failed without FORCE: the server stays up.
 */
export async function closeForShutdown(server: Server, flags: ShutdownFlags): Promise<boolean> {
  const log = server.logger;
  if (!(await saveForShutdown(server, flags))) return false;
  const unix = server.config.def('unixsocket') !== undefined ? server.config.get('unixsocket') : null;
  if (typeof unix === 'string' && unix !== '') log.notice('Removing the unix socket file.');
  log.warning('Redis is now ready to exit, bye bye...');
  void server.close();
  return true;
}

function shutdown(c: Client, argv: string[]): Reply {
  const flags: ShutdownFlags = { save: false, nosave: false, now: false, force: false };
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'nosave') flags.nosave = true;
    else if (a === 'save') flags.save = true;
    else if (a === 'now') flags.now = true;
    else if (a === 'force') flags.force = true;
    else if (a === 'abort') abort = true;
    else return ERR_SYNTAX;
  }
  const anyFlag = flags.save || flags.nosave || flags.now || flags.force;
  if ((abort && anyFlag) || (flags.save && flags.nosave)) return ERR_SYNTAX;
  const server = c.server;
  const cmd = c.runningCmd!;
  if (abort) return server.shutdown.abort(() => { cmd.failedCalls++; }) ? OK : error('ERR No shutdown in progress.');
  // The caller stays blocked: no reply when the server goes (its connection closes), the error
  // when the shutdown is aborted or refused (server/shutdown.ts).
  server.shutdown.request(c, flags, server.onShutdown ?? ((f) => closeForShutdown(server, f)));
  return NOTHING;
}

function monitor(c: Client): Reply {
  // EXEC runs its queue with the client still in MULTI: Redis denies blocking there.
  if (c.multi !== null) return error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  // Already a monitor (or a replica): Redis ignores the command without replying.
  if (c.isMonitor || c.roleFlags.includes('S')) return NOTHING;
  startMonitoring(c.server, c);
  return OK;
}

function time(c: Client): Reply {
  const us = c.server.env.clock.nowUs();
  return [String(Math.floor(us / 1_000_000)), String(us % 1_000_000)];
}

function role(c: Client): Reply {
  const provided = infoState(c.server).roleReply;
  return provided !== null ? provided() : ['master', 0, []];
}

export const ADMIN_COMMANDS: readonly Spec[] = [
  {
    name: 'monitor', arity: 1, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['admin', 'slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Listen for all requests received by the server in real time', handler: monitor,
  },
  {
    name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['fast'],
    group: 'server', since: '2.6.0', summary: 'Return the current server time', complexity: 'O(1)',
    tips: ['nondeterministic_output'], handler: time,
  },
  {
    name: 'role', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast'], acl: ['admin', 'fast', 'dangerous'],
    group: 'server', since: '2.8.12', summary: 'Return the role of the instance in the context of replication',
    complexity: 'O(1)', handler: role,
  },
  {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    acl: ['admin', 'slow', 'dangerous'], group: 'server', since: '1.0.0',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: shutdown,
  },
];
