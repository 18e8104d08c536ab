/**
 * Loading `dir/dbfilename` when a node starts (Redis's loadDataFromDisk): the listeners are
 * already open, so clients that connect meanwhile get -LOADING (server/persistence.ts), and the
 * image is decoded in slices on the scheduler, then the replication history its aux fields name is
 * restored (see Replication.restoreFromRdb). The log lines are Redis 7.0's; a missing file is
 * not an error; an unreadable or corrupt one rejects with the lines Redis logs before exiting
 * (the process exits non-zero, the library rejects).
 */
import type { Server } from '../server/server.js';
import { persistenceOf } from '../server/persistence.js';
import { startAof } from '../server/aof.js';
import { replInfoOf } from '../persistence/replication-ports.js';
import { replicationOf } from '../replication/index.js';

export class LoadFailure extends Error {
  constructor(readonly logLines: readonly string[]) {
    super(logLines.join('\n'));
  }
}

/**
 * Loads the dataset; resolves once it is in memory. With appendonly yes the AOF is loaded instead
 * of the RDB file (Redis's rule); the AOF manifest is read in either case (a bad one is fatal).
 */
export async function loadAtStart(server: Server): Promise<void> {
  const repl = replicationOf(server);
  if (repl !== undefined) repl.startupLoading = true;
  try {
    if (!server.config.bool('appendonly')) await loadRdbAtStart(server);
    // The AOF module logs its own fatal lines.
    if ((await startAof(server)) !== null) throw new LoadFailure([]);
  } finally {
    if (repl !== undefined) repl.startupLoading = false;
  }
}

/** Loads the RDB file if there is one. */
function loadRdbAtStart(server: Server): Promise<void> {
  const p = persistenceOf(server);
  if (p === null) return Promise.resolve();
  let bytes: Buffer | null;
  try {
    bytes = server.env.fs.readFile(p.rdbPath());
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return Promise.reject(new LoadFailure([`Fatal error loading the DB: ${why}. Exiting.`]));
  }
  if (bytes === null) return Promise.resolve();
  const clock = server.env.clock;
  const t0 = clock.monotonicUs();
  return new Promise((resolve, reject) => {
    p.loadInSlices(bytes, (err, load) => {
      if (err !== null && load === null) {
        // The header itself was refused (signature, version): Redis logs why, then errno's text.
        reject(new LoadFailure([err, 'Fatal error loading the DB: Invalid argument. Exiting.']));
        return;
      }
      if (err !== null) {
        reject(new LoadFailure([
          `Internal error in RDB reading offset ${load!.loadedBytes()} -> ${err}`,
          'Terminating server after rdb file reading failure.',
        ]));
        return;
      }
      server.logger.notice(`DB loaded from disk: ${((clock.monotonicUs() - t0) / 1e6).toFixed(3)} seconds`);
      // The history the file names lets replicas (or this replica) continue with a partial resync.
      replicationOf(server)?.restoreFromRdb(replInfoOf(load!.aux));
      resolve();
    });
  });
}
