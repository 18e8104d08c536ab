/**
 * The library entry point: `startServer()` gives a running Garrison server in this process, on a
 * free port by default, with its address and `close()`. Many can run in one process.
 */
import { buildServer, listen } from './node/build.js';
import { loadAtStart } from './node/load-at-start.js';
import { nodeEnvironment, nullSink, stdoutSink } from './runtime/node/index.js';
import { Config } from './server/config/config.js';
import type { RdbCodec } from './persistence/codec.js';
import type { Server } from './server/server.js';

export interface StartServerOptions {
  /**
   * Configuration directives, as on the command line: { 'requirepass': 'x', 'save': '3600 1' }.
   * Unlike redis-server, `save` defaults to no save points; `dir/dbfilename` is loaded when present.
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

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const config = new Config();
  config.set('port', [String(opts.port ?? 0)]);
  config.set('bind', [opts.host ?? '127.0.0.1']);
  // An embedded server saves only when asked to: no save points unless the caller sets `save`.
  config.set('save', ['']);
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    const text = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
    const err = config.set(k, [text]);
    if (err !== null) throw new Error(`config ${k}: ${err}`);
  }
  const server = buildServer({
    env: nodeEnvironment(), config, logSink: opts.log ? stdoutSink : nullSink,
    ...(opts.rdbCodec !== undefined ? { rdbCodec: opts.rdbCodec } : {}),
  });
  const listeners = await listen(server);
  server.startTicking();
  // An RDB file in `dir` is loaded while the listeners answer -LOADING; a corrupt one rejects.
  try {
    await loadAtStart(server);
  } catch (e) {
    await server.close();
    throw e;
  }
  const a = listeners[0]!.address;
  const address = 'port' in a ? { host: a.host, port: a.port } : { host: opts.host ?? '127.0.0.1', port: 0 };
  return { address, server, close: () => server.close() };
}

export type { Server } from './server/server.js';
