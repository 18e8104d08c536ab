/**
 * The library entry point: `startServer()` gives a running Garrison server in this process, on a
 * free port by default, with its address and `close()`. Many can run in one process.
 */
import { buildSentinelServer, buildServer, listen } from './node/build.js';
import { loadAtStart } from './node/load-at-start.js';
import { announceSentinel, type Sentinel } from './sentinel/index.js';
import { nodeEnvironment, nullSink, stdoutSink } from './runtime/node/index.js';
import { Config } from './server/config/config.js';
import type { RdbCodec } from './persistence/codec.js';
import type { Server } from './server/server.js';
import { replicationOf } from './replication/index.js';
import { aofOf } from './server/aof.js';
import { loadUsersAtStart } from './server/acl/file.js';
import * as proc from './runtime/node/process.js';

export interface StartServerOptions {
  /**
   * Configuration directives, as on the command line: { 'requirepass': 'x', 'save': '3600 1' }.
   * Unlike redis-server, `save` defaults to no save points and `rdb-del-sync-files` to yes (a
   * replica keeps the image its master sent only when it persists); `dir/dbfilename` is loaded
   * when present.
   */
  config?: Record<string, string | number | boolean>;
  /** Port to bind; default 0 (a free port). */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Write logs to stdout (default: discard). */
  log?: boolean;
  /** The RDB codec persistence uses (default: Redis 7.0's format; null: no persistence). */
  rdbCodec?: RdbCodec | null;
}

export interface RunningServer {
  readonly address: { host: string; port: number };
  readonly server: Server;
  close(): Promise<void>;
}

/** Port, bind and the directives of the options applied to `config` (throws on a bad one). */
function applyOptions(config: Config, opts: Pick<StartServerOptions, 'config' | 'port' | 'host'>): Config {
  config.set('port', [String(opts.port ?? 0)]);
  config.set('bind', [opts.host ?? '127.0.0.1']);
  // An embedded server saves only when asked to: no save points unless the caller sets `save`,
  // and a replica without persistence keeps no copy of the image its master sent.
  config.set('save', ['']);
  config.set('rdb-del-sync-files', ['yes']);
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    const text = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
    const err = config.set(k, [text]);
    if (err !== null) throw new Error(`config ${k}: ${err}`);
  }
  return config;
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const config = applyOptions(new Config(), opts);
  // Files the server reads and writes by name: the aclfile (ACL LOAD / ACL SAVE).
  config.store = { read: proc.readIfExists, writeAtomic: proc.writeFileAtomic, cwd: proc.cwd };
  const server = buildServer({
    env: nodeEnvironment(), config, logSink: opts.log ? stdoutSink : nullSink,
    ...(opts.rdbCodec !== undefined ? { rdbCodec: opts.rdbCodec } : {}),
  });
  // An aclfile is loaded before any client can connect; a bad one rejects, as redis-server exits.
  const aclFailure = loadUsersAtStart(server);
  if (aclFailure !== null) throw new Error(aclFailure.join('\n'));
  const listeners = await listen(server);
  server.startTicking();
  // The AOF (appendonly yes) or an RDB file in `dir` is loaded while the listeners answer
  // -LOADING; a corrupt one rejects.
  try {
    await loadAtStart(server);
  } catch (e) {
    await server.close();
    throw e;
  }
  const a = listeners[0]!.address;
  const address = 'port' in a ? { host: a.host, port: a.port } : { host: opts.host ?? '127.0.0.1', port: 0 };
  const close = async (): Promise<void> => {
    aofOf(server)?.close(true);
    await server.close();
  };
  return { address, server, close };
}

export interface ReplicationGroupOptions {
  /** Number of replicas (default 2). */
  replicas?: number;
  /** Directives for every node (the replicas also get `replicaof`). */
  config?: Record<string, string | number | boolean>;
  host?: string;
  log?: boolean;
}

export interface ReplicationGroup {
  readonly master: RunningServer;
  readonly replicas: readonly RunningServer[];
  /** Closes every node. */
  close(): Promise<void>;
}

/**
 * Starts a master and `replicas` replicas of it in this process, each on a free port, and resolves
 * once every replica has completed its first synchronization (its link is up).
 */
export async function startReplicationGroup(opts: ReplicationGroupOptions = {}): Promise<ReplicationGroup> {
  const host = opts.host ?? '127.0.0.1';
  const base = { 'repl-diskless-sync-delay': 0, ...opts.config };
  const common = opts.log === undefined ? { host } : { host, log: opts.log };
  const master = await startServer({ ...common, config: base });
  const replicas: RunningServer[] = [];
  const closeAll = async (): Promise<void> => {
    for (const r of replicas) await r.close();
    await master.close();
  };
  try {
    for (let i = 0; i < (opts.replicas ?? 2); i++) {
      replicas.push(await startServer({ ...common, config: { ...base, replicaof: `${master.address.host} ${master.address.port}` } }));
    }
    await Promise.all(replicas.map((r) => whenLinkUp(r.server)));
  } catch (e) {
    await closeAll();
    throw e;
  }
  return { master, replicas, close: closeAll };
}

/** Resolves when the replica's link to its master is up (polled on the server's own scheduler). */
function whenLinkUp(server: Server, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const cancel = server.env.scheduler.every(10, () => {
      if (replicationOf(server)?.link?.linkUp === true) {
        cancel();
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        cancel();
        reject(new Error('replica did not complete its first synchronization in time'));
      }
    });
  });
}

export interface StartSentinelOptions {
  /** `sentinel ...` directives without the keyword: ['monitor mymaster 127.0.0.1 6379 2', ...]. */
  sentinel?: string[];
  /** Other directives, as for startServer. */
  config?: Record<string, string | number | boolean>;
  /** Port to bind; default 0 (a free port). */
  port?: number;
  host?: string;
  log?: boolean;
}

export interface RunningSentinel extends RunningServer {
  readonly sentinel: Sentinel;
}

/** Starts a Garrison sentinel in this process (state is kept in memory: no config file). */
export async function startSentinel(opts: StartSentinelOptions = {}): Promise<RunningSentinel> {
  const config = applyOptions(new Config(undefined, { defaults: { 'protected-mode': 'no' } }), opts);
  (opts.sentinel ?? []).forEach((line, i) => {
    const args = line.trim().split(/\s+/);
    config.directives.sentinel.push({ args, line: i + 1, text: `sentinel ${line}` });
  });
  const { server, sentinel } = buildSentinelServer({ env: nodeEnvironment(), config, logSink: opts.log ? stdoutSink : nullSink });
  const listeners = await listen(server);
  announceSentinel(server, sentinel);
  server.startTicking();
  const a = listeners[0]!.address;
  const address = 'port' in a ? { host: a.host, port: a.port } : { host: opts.host ?? '127.0.0.1', port: 0 };
  return {
    address, server, sentinel,
    close: async () => {
      sentinel.close();
      await server.close();
    },
  };
}

export type { Server } from './server/server.js';
export { startSentinelGroup, type SentinelGroup, type SentinelGroupOptions } from './tools/sentinel-group.js';
