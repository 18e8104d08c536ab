/**
 * The composition root: builds a server node from a Config and an Environment, registers every
 * command family, applies what the configuration says about the command table (rename-command)
 * and the server (output-buffer limits), and binds its listeners: TCP on `bind`/`port`, plus
 * `unixsocket`. CONFIG SET port/bind rebind the TCP listeners like Redis's changeListenPort /
 * changeBindAddr: the new sockets are opened first, the old ones closed only on success.
 */
import { DATA_COMMANDS } from '../commands/index.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Environment, Listener, LogSink } from '../runtime/ports.js';
import type { Client } from '../server/client.js';
import { SERVER_COMMANDS } from '../server/commands/index.js';
import type { Config } from '../server/config/config.js';
import type { OutputLimits } from '../server/config/params.js';
import { Logger } from '../server/log.js';
import { CLUSTER_UNSUPPORTED, clusterRequested } from '../server/config/cluster-mode.js';
import { refuseTlsOnConfigSet, TLS_START_FAILURE, TLS_UNSUPPORTED, tlsRequested } from '../server/config/tls.js';
import { Server } from '../server/server.js';
import { installServerModules } from '../server/install.js';
import { installReplication } from '../replication/index.js';
import type { RdbCodec } from '../persistence/codec.js';
import { installPersistence } from '../server/persistence.js';
import { RDB_CODEC } from '../persistence/rdb-codec.js';
import { replAuxFields, snapshotProvider } from '../persistence/replication-ports.js';
import { replicaSyncLoader } from './replica-sync-load.js';
import { installAof } from '../server/aof.js';
import { installSentinel, sentinelCommandSpecs, type Sentinel } from '../sentinel/index.js';

export interface BuildOptions {
  env: Environment;
  config: Config;
  logSink: LogSink;
  /** What `port 0` means for this node's listeners (default: a free port). */
  portZero?: ListenModes['portZero'];
  /** The RDB codec persistence uses (default: Redis 7.0's format); null: no persistence. */
  rdbCodec?: RdbCodec | null;
}

/** Every command family, data and server. */
export function allCommandSpecs(): CommandSpec<Client>[] {
  return [...(DATA_COMMANDS as readonly CommandSpec<Client>[]), ...SERVER_COMMANDS];
}

export function buildServer(opts: BuildOptions): Server {
  const logger = new Logger(opts.env.clock, opts.env.pid, opts.logSink);
  const server = new Server({ env: opts.env, config: opts.config, logger, commands: allCommandSpecs() });
  installServerModules(server);
  const repl = installReplication(server);
  const codec = opts.rdbCodec === undefined ? RDB_CODEC : opts.rdbCodec;
  if (codec !== null) {
    const p = installPersistence(server, codec);
    // Full resyncs stream the slice-based snapshot; a replica loads (and keeps) what it receives;
    // the node's own saves name its replication history.
    repl.setPersistence(snapshotProvider(p), replicaSyncLoader(server, p));
    p.replSaveInfo = () => replAuxFields(repl.saveInfo());
  }
  // After the RDB persistence module: they share its snapshot runner (one write barrier) and codec.
  installAof(server, codec);
  for (const [from, to] of opts.config.directives.renameCommands) {
    if (!server.commands.rename(from, to)) throw new Error(`rename-command: no such command ${from}`);
  }
  opts.config.watch('client-output-buffer-limit', (v) => {
    const o = v as OutputLimits;
    server.outputLimits = {
      normal: { ...o.normal },
      replica: { ...o.replica },
      pubsub: { ...o.pubsub },
    };
  });
  const modes: ListenModes = { portZero: opts.portZero ?? 'ephemeral' };
  opts.config.onApply(['port'], () => rebindTcp(server, 'port', modes));
  opts.config.onApply(['bind'], () => rebindTcp(server, 'bind', modes));
  refuseTlsOnConfigSet(opts.config, (line) => logger.warning(line));
  // maxmemory is accepted (config files set it) but nothing enforces it yet: say so where an
  // operator looks, at start and on every CONFIG SET that sets a limit.
  opts.config.watch('maxmemory', (v) => {
    if (Number(v) !== 0) logger.warning(MAXMEMORY_NOT_ENFORCED(String(v)));
  });
  return server;
}

const MAXMEMORY_NOT_ENFORCED = (bytes: string): string =>
  `maxmemory is set to ${bytes} bytes, but Garrison does not enforce it yet: no key is evicted and no write is refused (maxmemory-policy has no effect).`;

/**
 * A sentinel node (redis-server --sentinel): a Server with the sentinel's command table (SENTINEL,
 * its INFO, ROLE and PUBLISH, plus the connection and pub/sub commands) and the sentinel module
 * on its tick. The `sentinel ...` directives of the config are applied (throws SentinelConfigError).
 */
export function buildSentinelServer(opts: BuildOptions): { server: Server; sentinel: Sentinel } {
  const logger = new Logger(opts.env.clock, opts.env.pid, opts.logSink);
  logger.role = 'X';
  const server = new Server({ env: opts.env, config: opts.config, logger, commands: sentinelCommandSpecs(allCommandSpecs()) });
  installServerModules(server);
  const sentinel = installSentinel(server);
  const modes: ListenModes = { portZero: opts.portZero ?? 'ephemeral' };
  opts.config.onApply(['port'], () => rebindTcp(server, 'port', modes));
  opts.config.onApply(['bind'], () => rebindTcp(server, 'bind', modes));
  refuseTlsOnConfigSet(opts.config, (line) => logger.warning(line));
  return { server, sentinel };
}

/** Why the node could not start listening, with the lines Redis logs before exiting. */
export class ListenFailure extends Error {
  constructor(readonly logLines: readonly string[]) {
    super(logLines.join('\n'));
  }
}

export interface ListenModes {
  /**
   * What port 0 means: a free port chosen by the system (the library, tests), or no TCP listener
   * at all (redis-server's meaning, used by the process).
   */
  portZero: 'ephemeral' | 'none';
}

function hostOf(addr: string): string {
  return addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
}

function bindErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EADDRINUSE': return 'bind: Address already in use';
    case 'EADDRNOTAVAIL': return 'bind: Cannot assign requested address';
    case 'EACCES': return 'bind: Permission denied';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `Name or service not known`;
    default: return err.message;
  }
}

/** Redis's warning for a failed accept (acceptTcpHandler / acceptUnixHandler). */
function acceptErrorLogger(server: Server): (reason: string) => void {
  return (reason) => server.logger.warning(`Accepting client connection: accept: ${reason}`);
}

/** Opens the TCP listeners `bind` and `port` ask for; closes what it opened and throws on failure. */
async function openTcp(server: Server, modes: ListenModes): Promise<Listener[]> {
  const cfg = server.config;
  const port = cfg.int('port');
  if (port === 0 && modes.portZero === 'none') return [];
  const binds = [...(cfg.get('bind') as readonly string[])];
  const out: Listener[] = [];
  for (const raw of binds.length > 0 ? binds : ['*', '-::*']) {
    const optional = raw.startsWith('-');
    const addr = optional ? raw.slice(1) : raw;
    const first = out[0];
    const actualPort = port === 0 && first !== undefined && 'port' in first.address ? first.address.port : port;
    try {
      out.push(await server.env.transport.listen(
        { host: hostOf(addr), port: actualPort, backlog: cfg.int('tcp-backlog'), onAcceptError: acceptErrorLogger(server) },
        (c) => server.acceptConnection(c),
      ));
    } catch (e) {
      // An optional address (-::*) that this host cannot bind is skipped, as Redis does.
      if (optional) continue;
      await Promise.all(out.map((l) => l.close()));
      throw new ListenFailure([
        `Warning: Could not create server TCP listening socket ${addr}:${port}: ${bindErrorText(e)}`,
        `Failed listening on port ${port} (tcp), aborting.`,
      ]);
    }
  }
  return out;
}

/**
 * Binds the addresses of `bind` on `port`, then `unixsocket` when set (TCP listeners first in the
 * returned list). Throws ListenFailure with Redis's log lines; also when the configuration asks
 * for what Garrison does not have: cluster mode on a server (src/server/config/cluster-mode.ts)
 * or TLS (src/server/config/tls.ts).
 */
export async function listen(server: Server, modes: ListenModes = { portZero: 'ephemeral' }): Promise<Listener[]> {
  if (server.mode !== 'sentinel' && clusterRequested(server.config)) throw new ListenFailure([CLUSTER_UNSUPPORTED]);
  if (tlsRequested(server.config)) throw new ListenFailure([TLS_UNSUPPORTED, TLS_START_FAILURE]);
  const out = await openTcp(server, modes);
  const path = server.config.str('unixsocket');
  if (path !== '') {
    try {
      const perm = server.config.int('unixsocketperm');
      const base = { path, backlog: server.config.int('tcp-backlog'), onAcceptError: acceptErrorLogger(server) };
      const opts = perm !== 0 ? { ...base, permissions: perm } : base;
      out.push(await server.env.transport.listen(opts, (c) => server.acceptConnection(c)));
    } catch (e) {
      await Promise.all(out.map((l) => l.close()));
      throw new ListenFailure([`Failed opening Unix socket: ${bindErrorText(e)}`]);
    }
  }
  server.listeners.push(...out);
  noteEphemeralPort(server, out);
  return out;
}

/** With `port 0` meaning "any free port", CONFIG GET port (and INFO) report the port chosen. */
function noteEphemeralPort(server: Server, listeners: readonly Listener[]): void {
  const first = listeners[0];
  if (server.config.int('port') === 0 && first !== undefined && 'port' in first.address) {
    server.config.setValue('port', first.address.port);
  }
}

/**
 * CONFIG SET port: open the listeners on the new port, then close the old ones (Redis's
 * changeListenPort). CONFIG SET bind: close the old ones first, since the new addresses may share
 * the port, then open the new ones (changeBindAddr). On failure the caller restores the old
 * values and calls this again, which reopens the old listeners.
 */
async function rebindTcp(server: Server, what: 'port' | 'bind', modes: ListenModes): Promise<string | null> {
  const old = server.listeners.filter((l) => 'port' in l.address);
  // Closing a listener stops accepting at once, but Node reports it closed only when every
  // connection it accepted has ended: do not wait for that (clients stay connected, as in Redis).
  const dropOld = (): void => {
    for (const l of old) {
      const i = server.listeners.indexOf(l);
      if (i >= 0) server.listeners.splice(i, 1);
      void l.close();
    }
  };
  if (what === 'bind') dropOld();
  let fresh: Listener[];
  try {
    fresh = await openTcp(server, modes);
  } catch (e) {
    for (const line of e instanceof ListenFailure ? e.logLines.slice(0, 1) : [String(e)]) server.logger.warning(line);
    return what === 'port' ? 'Unable to listen on this port. Check server logs.' : 'Failed to bind to specified addresses.';
  }
  if (what === 'port') dropOld();
  server.listeners.unshift(...fresh);
  if (modes.portZero === 'ephemeral') noteEphemeralPort(server, fresh);
  return null;
}
