/**
 * The composition root: builds a server node from a Config and an Environment, registers every
 * command family, and binds its listeners. This is the only place that knows all the layers.
 */
import { DATA_COMMANDS } from '../commands/index.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Environment, Listener, LogSink } from '../runtime/ports.js';
import type { Client } from '../server/client.js';
import { SERVER_COMMANDS } from '../server/commands/index.js';
import { Config } from '../server/config/config.js';
import { Logger } from '../server/log.js';
import { Server } from '../server/server.js';
import { installServerModules } from '../server/install.js';

export interface BuildOptions {
  env: Environment;
  config: Config;
  logSink: LogSink;
}

export function buildServer(opts: BuildOptions): Server {
  const logger = new Logger(opts.env.clock, opts.env.pid, opts.logSink);
  const commands: CommandSpec<Client>[] = [...(DATA_COMMANDS as readonly CommandSpec<Client>[]), ...SERVER_COMMANDS];
  const server = new Server({ env: opts.env, config: opts.config, logger, commands });
  installServerModules(server);
  return server;
}

/** Binds the addresses of `bind` on `port` (and `unixsocket` when set). */
export async function listen(server: Server): Promise<Listener[]> {
  const cfg = server.config;
  const port = cfg.int('port');
  const binds = cfg.str('bind').split(/\s+/).filter((s) => s !== '');
  const out: Listener[] = [];
  if (port !== 0 || binds.length > 0) {
    for (const raw of binds.length > 0 ? binds : ['*']) {
      const optional = raw.startsWith('-');
      const addr = optional ? raw.slice(1) : raw;
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      try {
        const l = await server.env.transport.listen({ host, port: out.length > 0 && port === 0 ? listenerPort(out[0]!) : port, backlog: cfg.int('tcp-backlog') }, (c) => server.acceptConnection(c));
        out.push(l);
      } catch (e) {
        if (optional) continue;
        const err = e as NodeJS.ErrnoException;
        throw new Error(`Warning: Could not create server TCP listening socket ${addr}:${port}: ${err.code === 'EADDRINUSE' ? 'bind: Address already in use' : err.message}`);
      }
    }
  }
  server.listeners.push(...out);
  return out;
}

function listenerPort(l: Listener): number {
  return 'port' in l.address ? l.address.port : 0;
}
