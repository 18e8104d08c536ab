/**
 * Plugs RDB persistence (persistence/rdb-persistence.ts) into a server: configuration
 * (`dir`, `dbfilename`, `rdbcompression`, `rdbchecksum`, `save`, `stop-writes-on-bgsave-error`),
 * save points on the tick, the admission checks Redis's processCommand makes for it (`-MISCONF`
 * after a failed background save, `-LOADING` while the dataset loads), FLUSHALL's save, and the
 * live INFO persistence fields. The module is found again through `persistenceOf(server)`.
 */
import type { RdbCodec } from '../persistence/codec.js';
import { RdbPersistence } from '../persistence/rdb-persistence.js';
import type { NodeFacilities } from '../persistence/rdb-file.js';
import { ERR_LOADING } from '../protocol/errors.js';
import { error, isError, type Reply } from '../protocol/reply.js';
import type { Client } from './client.js';
import { completeWaiting } from './commands/multi.js';
import type { SavePoints } from './config/params.js';
import { infoState, loadingProgressLines, REDIS_VERSION, usedMemory } from './info.js';
import type { Server } from './server.js';

/** Redis 7.0's shared.bgsaveerr. */
export const MISCONF_ERROR = error(
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
  'Commands that may modify the data set are disabled, because this instance is configured to report errors ' +
  'during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs ' +
  'for details about the RDB error.',
);

const MODULES = new WeakMap<Server, RdbPersistence>();

/** The persistence module of `server`, or null when it was built without one. */
export function persistenceOf(server: Server): RdbPersistence | null {
  return MODULES.get(server) ?? null;
}

/** What the node gives every persistence module (RDB and AOF). */
export function nodeFacilities(server: Server): NodeFacilities {
  return {
    ks: server.ks,
    clock: server.env.clock,
    scheduler: server.env.scheduler,
    fs: server.env.fs,
    pid: server.env.pid,
    tag: server.runId.slice(0, 8),
    log: server.logger,
  };
}

export function installPersistence(server: Server, codec: RdbCodec): RdbPersistence {
  const cfg = server.config;
  const p = new RdbPersistence({
    ...nodeFacilities(server),
    codec,
    settings: {
      dir: () => cfg.str('dir'),
      dbfilename: () => cfg.str('dbfilename'),
      compression: () => cfg.bool('rdbcompression'),
      checksum: () => cfg.bool('rdbchecksum'),
      savePoints: () => cfg.get('save') as SavePoints,
      stopWritesOnBgsaveError: () => cfg.bool('stop-writes-on-bgsave-error'),
    },
    usedMemory: () => usedMemory(server),
    redisVersion: REDIS_VERSION,
    isMaster: () => !server.role.isReplica(),
    decodeLimits: () => server.commandConfig,
  });
  MODULES.set(server, p);
  cfg.watchInt('rdb-key-save-delay', (n) => { p.runner.keyDelayUs = n; });
  cfg.watchInt('key-load-delay', (n) => { p.keyLoadDelayUs = n; });
  server.tickHandlers.push((now) => p.cron(now));
  server.loadingProbes.push(() => p.loading !== null);
  server.admissionChecks.push((client, cmd) => {
    if (p.loading !== null && !cmd.isLoadingOk) return ERR_LOADING;
    if (p.writesDenied() && !server.role.isMasterClient(client)) {
      const writes = cmd.isWrite || cmd.name === 'ping' ||
        (cmd.name === 'exec' && client.multi !== null && client.multi.queue.some((q) => q.cmd.isWrite));
      if (writes) return MISCONF_ERROR;
    }
    return null;
  });
  server.ks.onFlushAll = () => {
    p.killBgsave();
    if ((cfg.get('save') as SavePoints).length > 0) void p.saveNow();
  };
  infoState(server).rdbInfo = {
    lines: () => rdbInfoLines(server, p),
    loadingLines: () => loadingInfoLines(server, p),
  };
  return p;
}

function rdbInfoLines(server: Server, p: RdbPersistence): string[] {
  const now = server.env.clock.nowMs();
  const bg = p.bgsave;
  const snap = bg?.snap ?? null;
  return [
    `loading:${p.loading !== null ? 1 : 0}`,
    'async_loading:0',
    // No fork, so no copy-on-write pages: the barrier's copies are reported in rdb_last_cow_size.
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    `current_save_keys_processed:${snap !== null ? snap.keysProcessed : 0}`,
    `current_save_keys_total:${snap !== null ? snap.keysTotal : 0}`,
    `rdb_changes_since_last_save:${p.changesSinceSave()}`,
    `rdb_bgsave_in_progress:${bg !== null ? 1 : 0}`,
    `rdb_last_save_time:${Math.floor(p.lastSaveMs / 1000)}`,
    `rdb_last_bgsave_status:${p.lastBgsaveOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${p.lastBgsaveTimeSec}`,
    `rdb_current_bgsave_time_sec:${bg !== null ? Math.floor((now - bg.startedAtMs) / 1000) : -1}`,
    `rdb_saves:${p.saves}`,
    `rdb_last_cow_size:${p.lastCowSize}`,
    `rdb_last_load_keys_expired:${p.lastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${p.lastLoadKeysLoaded}`,
  ];
}

/** Redis appends these at the end of the section while loading. */
function loadingInfoLines(server: Server, p: RdbPersistence): string[] {
  const load = p.loading;
  return load === null ? [] : loadingProgressLines(server, load, Number(load.aux.get('used-mem') ?? 0));
}

export interface ShutdownSaveFlags {
  save: boolean;
  nosave: boolean;
  force: boolean;
}

/**
 * The persistence share of Redis's prepareForShutdown: a background save is stopped; the dataset
 * is saved when asked (SAVE) or when save points exist (unless NOSAVE). Resolves false when the
 * save failed and the shutdown must be refused (no FORCE).
 */
export async function saveForShutdown(server: Server, flags: ShutdownSaveFlags): Promise<boolean> {
  const log = server.logger;
  const p = persistenceOf(server);
  if (p !== null && p.bgsave !== null) {
    log.warning('There is a child saving an .rdb. Killing it!');
    p.killBgsave();
  }
  const savePoints = (server.config.get('save') as SavePoints).length > 0;
  if (flags.nosave || !(flags.save || savePoints)) return true;
  if (p === null) {
    log.warning('No persistence module in this build: the dataset is not saved before exiting.');
    return true;
  }
  log.notice('Saving the final RDB snapshot before exiting.');
  const err = await p.saveNow();
  if (err === null) return true;
  if (flags.force) {
    log.warning('Error trying to save the DB. Exit anyway.');
    return true;
  }
  log.warning("Error trying to save the DB, can't exit.");
  return false;
}

/**
 * Holds `c` (blocked, without keys) until `done` settles, then answers `reply(result)` and counts
 * the command once, as a served blocking command is counted (an error answer as a failed call).
 * SAVE and DEBUG RELOAD use it to answer only once their file is durable, CONFIG SET once its
 * listeners are rebound; the client's pipelined commands wait behind it.
 */
export function replyWhenDone<T>(c: Client, done: Promise<T>, reply: (result: T) => Reply): Reply {
  const cmd = c.runningCmd;
  const held = c.waitExternally();
  void done.then((result) => {
    if (c.blocked === null) return; // the client is gone
    completeWaiting(c, () => {
      const r = reply(result);
      if (cmd !== null) cmd.calls++;
      c.server.stats.totalCommandsProcessed++;
      if (isError(r)) {
        if (cmd !== null) cmd.failedCalls++;
        c.server.stats.countError(r.s);
      }
      return r;
    });
  });
  return held;
}
