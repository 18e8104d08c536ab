/**
 * Plugs the append-only file (persistence/aof/aof.ts) into a server: its configuration, the
 * propagation sink and the reply barrier (the buffer is written, and with appendfsync always
 * fsynced, before any reply leaves), the tick, `-LOADING` while the AOF loads and `-MISCONF` after
 * a write error, CONFIG SET appendonly, INFO persistence's aof_* fields, the replay of loaded
 * commands through the command table with a fake client, and loading at start.
 *
 * The snapshot runner is shared with the RDB persistence module when one is installed (there is
 * one write barrier per keyspace), so install that module first.
 */
import type { Command } from '../commands/registry.js';
import { Aof, type FsyncPolicy } from '../persistence/aof/aof.js';
import type { AofLoad, AofReplayTarget, LoadStatus } from '../persistence/aof/loader.js';
import type { RdbCodec } from '../persistence/codec.js';
import { SnapshotRunner } from '../persistence/snapshot-runner.js';
import { ERR_LOADING } from '../protocol/errors.js';
import { error } from '../protocol/reply.js';
import type { Connection } from '../runtime/ports.js';
import { Client } from './client.js';
import { infoState } from './info.js';
import { nodeFacilities, persistenceOf } from './persistence.js';
import type { Server } from './server.js';

const MODULES = new WeakMap<Server, Aof>();

/** The AOF module of `server`, or null when it was built without one. */
export function aofOf(server: Server): Aof | null {
  return MODULES.get(server) ?? null;
}

/** Time one loading turn may take before clients are served again, in microseconds. */
const LOAD_TURN_US = 2000;

export function installAof(server: Server, codec: RdbCodec | null): Aof {
  const cfg = server.config;
  const rdb = persistenceOf(server);
  let runner = rdb?.runner;
  if (runner === undefined) {
    const own = new SnapshotRunner(server.ks, server.env.clock, server.env.scheduler);
    cfg.watchInt('rdb-key-save-delay', (n) => { own.keyDelayUs = n; });
    runner = own;
  }
  const aof = new Aof({
    ...nodeFacilities(server),
    codec,
    decodeLimits: () => server.commandConfig,
    rdbOptions: () => ({ compression: cfg.bool('rdbcompression'), checksum: cfg.bool('rdbchecksum') }),
    runner,
    settings: {
      dir: () => cfg.str('dir'),
      dirName: () => cfg.str('appenddirname'),
      fileName: () => cfg.str('appendfilename'),
      fsync: () => cfg.str('appendfsync') as FsyncPolicy,
      noFsyncOnRewrite: () => cfg.bool('no-appendfsync-on-rewrite'),
      useRdbPreamble: () => cfg.bool('aof-use-rdb-preamble'),
      timestamps: () => cfg.bool('aof-timestamp-enabled'),
      loadTruncated: () => cfg.bool('aof-load-truncated'),
      disableAutoGc: () => cfg.bool('aof-disable-auto-gc'),
      rewritePercentage: () => cfg.int('auto-aof-rewrite-percentage'),
      rewriteMinSize: () => cfg.int('auto-aof-rewrite-min-size'),
    },
    rdbAux: () => (rdb !== null ? rdb.auxFields() : []).map(([k, v]) => [k, k === 'aof-base' ? '1' : v] as const),
    otherJobActive: () => rdb !== null && rdb.isSaving(),
    fatal: (reason) => aofFatal(server, reason),
    isMaster: () => !server.role.isReplica(),
  });
  MODULES.set(server, aof);
  server.propagationSinks.push({ propagate: (db, argv) => aof.feed(db, argv), active: () => aof.feeding() });
  server.replyBarriers.push(() => aof.beforeReplyWrite());
  server.tickHandlers.push(() => {
    runner.kick();
    aof.cron();
  });
  server.loadingProbes.push(() => aof.loading !== null);
  server.admissionChecks.push((client, cmd) => {
    if (aof.loading !== null && !cmd.isLoadingOk) return ERR_LOADING;
    const err = aof.writeError();
    if (err !== null && !server.role.isMasterClient(client)) {
      const writes = cmd.isWrite || cmd.name === 'ping' ||
        (cmd.name === 'exec' && client.multi !== null && client.multi.queue.some((q) => q.cmd.isWrite));
      if (writes) return error(`MISCONF Errors writing to the AOF file: ${err}`);
    }
    return null;
  });
  cfg.onApply(['appendonly'], () => {
    const on = cfg.bool('appendonly');
    if (on && aof.state === 'off') {
      const inExec = server.current !== null && server.current.multi !== null;
      if (!aof.start(inExec)) return 'Unable to turn on AOF. Check server logs.';
    } else if (!on && aof.state !== 'off') {
      aof.stop();
    }
    return null;
  });
  infoState(server).aofInfo = {
    lines: () => aofInfoLines(aof, server),
    loading: () => aof.loading,
  };
  return aof;
}

/** Where a fatal AOF condition goes: `onFatal` when set (the process exits), else the server closes. */
export const FATAL_HANDLERS = new WeakMap<Server, (reason: string) => void>();

function aofFatal(server: Server, reason: string): void {
  const h = FATAL_HANDLERS.get(server);
  if (h !== undefined) h(reason);
  else void server.close();
}

function aofInfoLines(aof: Aof, server: Server): string[] {
  const lines = [
    `aof_enabled:${aof.state !== 'off' ? 1 : 0}`,
    `aof_rewrite_in_progress:${aof.rewrite !== null ? 1 : 0}`,
    `aof_rewrite_scheduled:${aof.rewriteScheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${aof.lastRewriteTimeSec}`,
    `aof_current_rewrite_time_sec:${aof.currentRewriteSeconds()}`,
    `aof_last_bgrewrite_status:${aof.lastBgrewriteOk ? 'ok' : 'err'}`,
    `aof_rewrites:${aof.rewrites}`,
    `aof_rewrites_consecutive_failures:${aof.consecutiveFailures}`,
    `aof_last_write_status:${aof.lastWriteStatusOk() ? 'ok' : 'err'}`,
    `aof_last_cow_size:${aof.lastCowSize}`,
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
  void server;
  if (aof.state !== 'off') {
    lines.push(
      `aof_current_size:${aof.currentSize}`,
      `aof_base_size:${aof.rewriteBaseSize}`,
      `aof_pending_rewrite:${aof.rewriteScheduled ? 1 : 0}`,
      `aof_buffer_length:${aof.bufLen}`,
      `aof_pending_bio_fsync:${aof.fsyncsInFlight}`,
      `aof_delayed_fsync:${aof.delayedFsync}`,
    );
  }
  return lines;
}

// ------------------------------------------------------------------------------------------------
// Replaying commands (the AOF client)

function nullConnection(): Connection {
  return {
    remoteAddress: '', remotePort: 0, localAddress: '', localPort: 0, isUnixSocket: false,
    write() {}, pendingWriteBytes: () => 0, setNoDelay() {}, setKeepAlive() {}, pauseReading() {}, resumeReading() {}, end() {}, destroy() {},
    lendsChunks: false, onData: () => {}, onClose: () => {}, onDrain: () => {},
  };
}

/**
 * A replay target running commands the way Redis runs them for its AOF client: looked up in the
 * command table and handed straight to the handler (no admission checks, no reply, no
 * propagation, no statistics). The client is not listed among the server's clients.
 */
export function replayTarget(server: Server): AofReplayTarget {
  const client = new Client(-1, nullConnection(), server, server.env.clock.nowMs());
  client.authenticated = true;
  client.name = 'AOF-loading-client';
  return {
    knows: (name) => server.commands.lookup(name) !== undefined,
    run: (argv) => {
      let cmd: Command<Client> | undefined = server.commands.lookup(argv[0]!);
      if (cmd === undefined) return;
      if (cmd.subcommands !== undefined && argv.length >= 2) {
        const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
        if (sub === undefined) return;
        cmd = sub;
      }
      if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity || cmd.handler === undefined) return;
      server.ks.now = server.env.clock.nowMs();
      client.runningCmd = cmd;
      client.runningArgv = argv;
      client.propArgv = null;
      client.propExtra = null;
      cmd.handler(client, argv);
      client.runningCmd = null;
    },
  };
}

/** Runs a load to its end at once (DEBUG LOADAOF: the command blocks, as in Redis). */
export function loadAofNow(server: Server, aof: Aof): LoadStatus {
  const load = aof.beginLoad(replayTarget(server));
  if (typeof load === 'string') return load;
  try {
    while (!load.step()) { /* next slice */ }
  } finally {
    aof.endLoad(load);
  }
  persistenceOf(server)?.resetChanges();
  return load.status;
}

/**
 * Loading at start (Redis's loadDataFromDisk for appendonly yes, then aofOpenIfNeededOnServerStart).
 * The manifest is read in any case, so that turning AOF on later continues its numbering. With
 * appendonly yes the files are replayed in slices on the scheduler (clients get -LOADING), then
 * the last incr file is opened. Resolves with null, or the reason the server must not start
 * (already logged).
 */
export function startAof(server: Server): Promise<string | null> {
  const aof = aofOf(server);
  if (aof === null) return Promise.resolve(null);
  const log = server.logger;
  const manifestErr = aof.loadManifestFromDisk();
  if (manifestErr !== null) {
    for (const l of manifestErr) log.warning(l);
    return Promise.resolve('bad manifest');
  }
  if (!server.config.bool('appendonly')) return Promise.resolve(null);
  const t0 = server.env.clock.monotonicUs();
  const begun = aof.beginLoad(replayTarget(server));
  const finish = (status: LoadStatus): string | null => {
    if (status === 'failed' || status === 'open_err') return 'AOF loading failed';
    if (status !== 'not_exist') {
      log.notice(`DB loaded from append only file: ${((server.env.clock.monotonicUs() - t0) / 1e6).toFixed(3)} seconds`);
    }
    persistenceOf(server)?.resetChanges();
    return aof.openOnServerStart() ? null : 'AOF could not be opened';
  };
  if (typeof begun === 'string') return Promise.resolve(finish(begun));
  const load: AofLoad = begun;
  return new Promise((resolve) => {
    const turn = (): void => {
      const start = server.env.clock.monotonicUs();
      while (!load.step()) {
        if (server.env.clock.monotonicUs() - start >= LOAD_TURN_US) {
          server.env.scheduler.soon(turn);
          return;
        }
      }
      aof.endLoad(load);
      resolve(finish(load.status));
    };
    server.env.scheduler.soon(turn);
  });
}
