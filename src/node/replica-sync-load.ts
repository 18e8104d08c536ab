/**
 * What persistence does around a replica's full resync, as Redis 7.0's readSyncBulkPayload: with
 * `repl-diskless-load disabled` (the default) the image received from the master becomes the
 * node's RDB file (so a restarted replica loads it and continues with PSYNC from the history its
 * aux fields name); a background save is stopped first (it would overwrite that file with the old
 * dataset) and so is the AOF, which is turned back on, with a rewrite, once the image is loaded.
 * With `rdb-del-sync-files yes` and no persistence (no save points, AOF off) no RDB file is kept.
 * Composed here because it joins the RDB module, the AOF module and replication's loader port.
 */
import { datasetLoader } from '../persistence/replication-ports.js';
import type { RdbPersistence } from '../persistence/rdb-persistence.js';
import type { DatasetLoader } from '../replication/index.js';
import { aofOf } from '../server/aof.js';
import type { SavePoints } from '../server/config/params.js';
import type { Server } from '../server/server.js';

export function replicaSyncLoader(server: Server, p: RdbPersistence): DatasetLoader {
  const base = datasetLoader(p);
  const log = server.logger;
  return {
    load: base.load,
    beforeLoad: (rdb) => {
      const aof = aofOf(server);
      if (aof !== null && aof.state !== 'off') aof.stop();
      const diskLoad = server.config.str('repl-diskless-load') === 'disabled';
      if (p.bgsave !== null) {
        if (diskLoad) {
          log.notice('Replica is about to load the RDB file received from the master, but there is a pending RDB child running. ' +
            'Killing process and removing its temp file to avoid any race');
        }
        p.killBgsave();
      }
      if (diskLoad && !deleteSyncFile(server)) {
        const file = server.config.str('dbfilename');
        void p.writeImage(rdb, null).then((err) => {
          if (err !== null) log.warning(`Failed trying to rename the temp DB into ${file} in MASTER <-> REPLICA synchronization: ${err}`);
        });
      }
      return null;
    },
    afterLoad: () => {
      if (server.config.str('repl-diskless-load') === 'disabled' && deleteSyncFile(server)) {
        // Redis renames the received file to dbfilename, loads it, then removes it; Garrison loads
        // from memory and leaves the same result: no RDB file.
        log.notice('Removing the RDB file obtained from the master. This replica has persistence disabled');
        try {
          server.env.fs.unlink(p.rdbPath());
        } catch {
          // Nothing there: nothing to remove.
        }
      }
      const aof = aofOf(server);
      if (aof === null || !server.config.bool('appendonly') || aof.state !== 'off') return;
      if (!aof.start(false)) log.warning('Failed enabling the AOF after successful master synchronization!');
    },
  };
}

/** Redis's `rdb_del_sync_files && allPersistenceDisabled()`. */
function deleteSyncFile(server: Server): boolean {
  const cfg = server.config;
  return cfg.bool('rdb-del-sync-files') && (cfg.get('save') as SavePoints).length === 0 && !cfg.bool('appendonly');
}
