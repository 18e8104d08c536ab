/**
 * A node's replication module: its replication identity and offset, the backlog, the master half
 * (replicas attached here) and, when this node is a replica, the link to its master. It plugs into
 * the server's seams: a propagation sink (the stream), admission checks (READONLY, NOREPLICAS,
 * MASTERDOWN), the role provider (lazy expiry on replicas), the tick (a once-a-second cron) and
 * client cleanup. REPLICAOF moves the node between the two roles as Redis's replicationSetMaster
 * and replicationUnsetMaster do.
 */
import { error, type Reply } from '../protocol/reply.js';
import type { Client } from '../server/client.js';
import { clientInfoString } from '../server/commands/client.js';
import type { Server } from '../server/server.js';
import { Failover } from './failover.js';
import { ReplicationIds } from './ids.js';
import { MasterSide, type ReplicationCore } from './master.js';
import type { DatasetLoader, LoadedReplInfo, SnapshotProvider } from './ports.js';
import { MIN_BACKLOG_SIZE, ReplicationBacklog } from './backlog.js';
import { ReplicaLink } from './replica.js';
import { shutdownReplicas } from './shutdown-replicas.js';

export const READONLY_ERROR = "READONLY You can't write against a read only replica.";
export const NOREPLICAS_ERROR = 'NOREPLICAS Not enough good replicas to write.';
export const MASTERDOWN_ERROR = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

export class Replication implements ReplicationCore {
  readonly ids: ReplicationIds;
  offset = 0;
  backlog: ReplicationBacklog | null = null;
  readonly master: MasterSide;
  link: ReplicaLink | null = null;
  readonly failover: Failover;
  /** The offset after each client's last propagated write (Redis's c->woff), for WAIT. */
  readonly writeOffsets = new WeakMap<Client, number>();
  private lastCronMs = 0;
  /**
   * True while the node loads its data files at start: a replica connects to its master only
   * afterwards (Redis loads before its cron runs), so its first PSYNC can offer the loaded history.
   */
  startupLoading = false;
  private loader: DatasetLoader | null = null;

  constructor(readonly server: Server) {
    this.ids = new ReplicationIds(() => server.env.random.bytes(20).toString('hex'));
    this.master = new MasterSide(server, this);
    this.failover = new Failover(this);
    this.master.onAck = () => this.failover.update(server.env.clock.nowMs());
  }

  isReplica(): boolean {
    return this.link !== null;
  }

  /** Plugs in persistence: RDB images for full resyncs and loading received ones. */
  setPersistence(snapshot: SnapshotProvider, loader: DatasetLoader): void {
    this.master.snapshot = snapshot;
    this.loader = loader;
    if (this.link !== null) this.link.loader = loader;
  }

  install(): void {
    const server = this.server;
    server.propagationSinks.push({
      replication: true,
      propagate: (dbId, argv) => {
        // A replica's stream is its master's, forwarded verbatim by the link.
        if (this.link !== null) return;
        // WAIT's offset is only worth recording when there is a stream (nothing to wait for otherwise).
        if (!this.master.feedCommand(dbId, argv)) return;
        const c = server.current;
        if (c !== null) this.writeOffsets.set(c, this.offset);
      },
      active: () => this.link === null && this.master.hasStream(),
    });
    server.role = {
      isReplica: () => this.link !== null,
      isMasterClient: (c) => c !== null && this.link !== null && c === this.link.masterClient,
    };
    server.admissionChecks.push((c, cmd, argv) => this.admit(c, cmd.isWrite || this.execWrites(c, cmd.name), cmd.isStaleOk, argv));
    server.clientFreeHandlers.push((c) => this.master.detach(c));
    server.shutdown.replicas = shutdownReplicas(this);
    server.tickHandlers.push((now) => {
      this.failover.update(now);
      if (now - this.lastCronMs < 1000) return;
      this.lastCronMs = now;
      this.cron(now);
    });
    server.config.watchInt('repl-backlog-size', (n) => this.backlog?.resize(n));
    // CONFIG SET below the minimum stores the minimum (resizeReplicationBacklog); a start-up value
    // is kept as given, and reported so, as Redis does.
    server.config.onApply(['repl-backlog-size'], () => {
      if (server.config.int('repl-backlog-size') < MIN_BACKLOG_SIZE) server.config.setValue('repl-backlog-size', MIN_BACKLOG_SIZE);
      return null;
    });
    // The stream goes to the replicas' sockets before the replies that acknowledge its writes:
    // the server writes replies once per event-loop turn and runs this barrier first, so it costs
    // one write per replica per turn, the same as writing the stream on its own.
    server.replyBarriers.unshift(this.streamBarrier);
    // What admit() reads on every command, kept current instead of looked up by name each time.
    server.config.watchInt('min-replicas-max-lag', (n) => { this.minReplicasMaxLag = n; });
    server.config.watch('replica-read-only', (v) => { this.replicaReadOnly = v === true; });
    server.config.watch('replica-serve-stale-data', (v) => { this.replicaServeStaleData = v === true; });
    server.config.watchInt('min-replicas-to-write', (n) => { this.minReplicasToWrite = n; });
  }

  private readonly streamBarrier = (): void => this.master.flushPending();
  private minReplicasToWrite = 0;
  private minReplicasMaxLag = 0;
  private replicaReadOnly = true;
  private replicaServeStaleData = true;

  private execWrites(c: Client, name: string): boolean {
    return name === 'exec' && c.multi !== null && c.multi.queue.some((q) => q.cmd.isWrite);
  }

  /** READONLY / NOREPLICAS / MASTERDOWN, in Redis's processCommand order. */
  private admit(c: Client, isWrite: boolean, staleOk: boolean, argv: readonly string[]): Reply | null {
    void argv;
    const link = this.link;
    if (link === null) {
      if (isWrite) {
        const minReplicas = this.minReplicasToWrite;
        if (minReplicas > 0 && this.minReplicasMaxLag > 0 && this.master.goodReplicas < minReplicas) {
          return error(NOREPLICAS_ERROR);
        }
      }
      return null;
    }
    if (c === link.masterClient) return null;
    if (isWrite && this.replicaReadOnly) return error(READONLY_ERROR);
    if (!link.linkUp && !this.replicaServeStaleData && !staleOk) return error(MASTERDOWN_ERROR);
    return null;
  }

  private cron(nowMs: number): void {
    if (!this.startupLoading) this.link?.cron(nowMs);
    this.master.cron(nowMs);
  }

  // -------------------------------------------------------------------------------------------
  // The replication history in RDB files

  /**
   * The replication aux fields a save writes (Redis's rdbPopulateSaveInfo), or null when this node
   * is in no replication chain: a master with a backlog names its own history and the database its
   * stream has selected; a replica names its master's history and the database of the master
   * client (connected or cached).
   */
  saveInfo(): { replId: string; replOffset: number; replStreamDb: number } | null {
    const link = this.link;
    let db: number;
    if (link === null) {
      if (this.backlog === null) return null;
      db = this.master.selectedDb < 0 ? 0 : this.master.selectedDb;
    } else {
      const cached = link.cachedState();
      if (cached === null) return null;
      db = cached.db;
    }
    return { replId: this.ids.replid, replOffset: this.offset, replStreamDb: db };
  }

  /**
   * Restores the history named by the RDB file loaded at start, as Redis's loadDataFromDisk does:
   * a replica offers it in its first PSYNC (so a restarted replica continues partially); a master
   * keeps it as its secondary id with a backlog starting after it (so its replicas continue
   * partially after the master restarts). Incomplete fields (or repl-stream-db -1) are ignored.
   */
  restoreFromRdb(info: LoadedReplInfo): void {
    const { replId, replOffset, replStreamDb } = info;
    if (replId === null || replId.length !== 40 || replOffset === null || replOffset < 0) return;
    if (replStreamDb === null || replStreamDb < 0) return;
    const link = this.link;
    if (link !== null) {
      this.ids.replid = replId;
      this.offset = replOffset;
      link.restoreCached({ replid: replId, offset: replOffset, db: replStreamDb });
      return;
    }
    this.ids.replid2 = replId;
    this.ids.secondOffset = replOffset + 1;
    this.offset += replOffset;
    this.backlog = new ReplicationBacklog(this.server.config.int('repl-backlog-size'), this.offset);
    this.master.resetNoReplicasSince();
  }

  // -------------------------------------------------------------------------------------------
  // Role changes

  /**
   * REPLICAOF host port (replicationSetMaster); the cron connects when `connectNow` is false.
   * `failoverPsync`: the link asks the target to take over (PSYNC ... FAILOVER).
   */
  setMaster(host: string, port: number, connectNow = true, failoverPsync = false): void {
    const wasMaster = this.link === null;
    const old = this.link;
    if (old !== null) old.close();
    // Blocked clients cannot stay blocked on a dataset that now follows another node.
    for (const c of [...this.server.blocking.clients]) {
      this.server.blocking.unblock(c, error('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)'));
    }
    // A former master offers its own history, so it can continue partially with the new master
    // (not at startup: a node that loaded nothing has no history to offer).
    const cached = !connectNow ? null : wasMaster ? { replid: this.ids.replid, offset: this.offset, db: 0 } : old!.cachedState();
    // Our own replicas resync with us (partially, normally): they must learn of the change.
    this.master.detachAll();
    this.link = new ReplicaLink(this.server, this, this.master, host, port, cached);
    this.link.loader = this.loader;
    if (failoverPsync) {
      this.link.failoverPsync = true;
      this.link.onPsyncResult = (accepted) => this.failover.psyncResult(accepted);
    }
    this.server.logger.role = 'S';
    // CONFIG GET/REWRITE replicaof report the current master, as Redis's reads server.masterhost.
    this.server.config.setValue('replicaof', { host, port });
    if (connectNow) this.link.connect();
  }

  /** REPLICAOF NO ONE (replicationUnsetMaster). */
  unsetMaster(): void {
    const link = this.link;
    if (link === null) return;
    link.close();
    this.link = null;
    this.server.logger.role = 'M';
    this.server.config.setValue('replicaof', { none: true });
    this.ids.shift(this.offset);
    this.server.logger.notice(`Setting secondary replication ID to ${this.ids.replid2}, valid up to offset: ${this.ids.secondOffset}. New replication ID is ${this.ids.replid}`);
    this.master.detachAll();
    this.master.selectedDb = -1;
    this.master.resetNoReplicasSince();
  }

  /** The user-request text of REPLICAOF's log lines (Redis's catClientInfoString). */
  describe(c: Client): string {
    return clientInfoString(this.server, c, this.server.env.clock.nowMs(), c.runningArgv);
  }
}
