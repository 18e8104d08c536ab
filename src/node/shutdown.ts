/**
 * The final steps of a node run as a process (Redis's finishShutdown after its replica report),
 * run by server/shutdown.ts for SHUTDOWN and for SIGTERM/SIGINT with the flags of
 * `shutdown-on-sigterm` / `shutdown-on-sigint`:
 *   default - save if save points are configured; save - always; nosave - never;
 *   now - do not wait for lagging replicas; force - exit even if saving fails.
 * Log lines follow Redis's ("Removing the pid file.", ...), with Garrison's own wording for the
 * closing line. Saving is server/persistence.ts's saveForShutdown; process effects come in
 * through `ShutdownHost`.
 */
import type { Server } from '../server/server.js';
import { saveForShutdown } from '../server/persistence.js';
import { aofOf } from '../server/aof.js';
import type { ShutdownFlags } from '../server/shutdown.js';

export type { ShutdownFlags };

/** Parses a shutdown-on-sig* value ("default", "nosave now", ...). */
export function parseShutdownFlags(text: string): ShutdownFlags {
  const names = new Set(text.split(' '));
  return { save: names.has('save'), nosave: names.has('nosave'), now: names.has('now'), force: names.has('force') };
}

export interface ShutdownHost {
  removePidFile(): void;
}

/** Runs the shutdown; resolves false when it was refused (saving failed without `force`). */
export async function shutdownNode(server: Server, flags: ShutdownFlags, host: ShutdownHost): Promise<boolean> {
  const log = server.logger;
  const cfg = server.config;
  if (!(aofOf(server)?.prepareShutdown(flags.force) ?? true)) return false;
  if (!(await saveForShutdown(server, flags))) return false;
  if (cfg.str('pidfile') !== '') {
    log.notice('Removing the pid file.');
    host.removePidFile();
  }
  if (cfg.str('unixsocket') !== '') log.notice('Removing the unix socket file.');
  await server.close();
  log.warning('Garrison is now ready to exit, bye bye...');
  return true;
}
