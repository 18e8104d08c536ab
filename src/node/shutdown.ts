/**
 * The orderly shutdown of a node run as a process (Redis's prepareForShutdown/finishShutdown),
 * used for SIGTERM/SIGINT with the flags of `shutdown-on-sigterm` / `shutdown-on-sigint`:
 *   default - save if save points are configured; save - always; nosave - never;
 *   now - do not wait for lagging replicas; force - exit even if saving fails.
 * Log lines follow Redis's ("User requested shutdown...", "Removing the pid file.", ...), with
 * Garrison's own wording for the closing line. Process effects come in through `ShutdownHost`.
 */
import type { Server } from '../server/server.js';
import type { SavePoints } from '../server/config/params.js';

export interface ShutdownFlags {
  save: boolean;
  nosave: boolean;
  now: boolean;
  force: boolean;
}

/** Parses a shutdown-on-sig* value ("default", "nosave now", ...). */
export function parseShutdownFlags(text: string): ShutdownFlags {
  const names = new Set(text.split(' '));
  return { save: names.has('save'), nosave: names.has('nosave'), now: names.has('now'), force: names.has('force') };
}

export interface ShutdownHost {
  /** Saves the dataset (the persistence module); null when there is none to call. Returns an error text or null. */
  save: (() => string | null) | null;
  removePidFile(): void;
}

/** Runs the shutdown; resolves false when it was refused (saving failed without `force`). */
export async function shutdownNode(server: Server, flags: ShutdownFlags, host: ShutdownHost): Promise<boolean> {
  const log = server.logger;
  const cfg = server.config;
  log.warning('User requested shutdown...');
  const savePoints = cfg.get('save') as SavePoints;
  const wantSave = !flags.nosave && (flags.save || savePoints.length > 0);
  if (wantSave) {
    if (host.save === null) {
      log.warning('No persistence module in this build: the dataset is not saved before exiting.');
    } else {
      log.notice('Saving the final RDB snapshot before exiting.');
      const err = host.save();
      if (err !== null) {
        if (!flags.force) {
          log.warning("Error trying to save the DB, can't exit.");
          return false;
        }
        log.warning('Error trying to save the DB, exiting anyway (force).');
      } else {
        log.notice('DB saved on disk');
      }
    }
  }
  if (cfg.str('pidfile') !== '') {
    log.notice('Removing the pid file.');
    host.removePidFile();
  }
  if (cfg.str('unixsocket') !== '') log.notice('Removing the unix socket file.');
  await server.close();
  log.warning('Garrison is now ready to exit, bye bye...');
  return true;
}
