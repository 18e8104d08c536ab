/**
 * The master half of replication: the replicas attached to this node, the stream fed to them and
 * to the backlog, PSYNC (partial continuation or full resync), the full-resync transfer of an RDB
 * image (diskless `$EOF:` streaming to every replica waiting, or a `$<len>` payload for replicas
 * without `capa eof`), REPLCONF ACK bookkeeping, WAIT, the good-replicas count behind
 * min-replicas-to-write, and the once-a-second cron (pings, timeouts, backlog TTL).
 *
 * Every replica is a server `Client` whose connection receives raw stream bytes. While a replica's
 * RDB image is being sent, the stream produced meanwhile is held for it; after a diskless transfer
 * it stays held until the replica's first ACK (the replica reads the image up to its end mark and
 * may swallow bytes that follow it in the same read), as Redis 7.0 does.
 */
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { ReplicationBacklog } from './backlog.js';
import type { ReplicationIds } from './ids.js';
import type { SnapshotProvider, SnapshotSink } from './ports.js';
import { decidePsync } from './psync.js';
import { encodeCommand } from '../protocol/command-encode.js';

export type ReplicaSyncState = 'wait_bgsave_start' | 'wait_bgsave_end' | 'online';

/** What REPLCONF told before PSYNC (Redis keeps it on the client). */
export interface ReplicaHandshake {
  listeningPort: number;
  announcedIp: string;
  capaEof: boolean;
  capaPsync2: boolean;
}

export class AttachedReplica {
  state: ReplicaSyncState = 'wait_bgsave_start';
  ackOffset = 0;
  ackTimeMs: number;
  /** The offset the replica's RDB image corresponds to (psync_initial_offset). */
  initialOffset = -1;
  /** Stream bytes held back (during the transfer, and until the first ACK after a diskless one). */
  held: Buffer[] | null = null;
  heldBytes = 0;
  waitFirstAck = false;
  /** Bytes queued for the next write (see MasterSide.write). */
  readonly out: Buffer[] = [];
  /** Old SYNC (no PSYNC): no +FULLRESYNC line, and no REPLCONF ACKs to expect. */
  oldSync = false;
  waitingSinceMs: number;

  constructor(readonly client: Client, readonly hs: ReplicaHandshake, nowMs: number) {
    this.ackTimeMs = nowMs;
    this.waitingSinceMs = nowMs;
  }

  /** replicationGetSlaveName: `ip:port` with the announced address and listening port. */
  name(): string {
    const ip = this.hs.announcedIp !== '' ? this.hs.announcedIp : this.client.conn.remoteAddress;
    if (ip === '') return `client id #${this.client.id}`;
    if (this.hs.listeningPort === 0) return `${ip}:<unknown-replica-port>`;
    return ip.includes(':') ? `[${ip}]:${this.hs.listeningPort}` : `${ip}:${this.hs.listeningPort}`;
  }

  /** The address INFO and ROLE report. */
  ip(): string {
    return this.hs.announcedIp !== '' ? this.hs.announcedIp : this.client.conn.remoteAddress;
  }
}

/** Replicas whose socket holds more than this are not fed more RDB bytes until it drains. */
const SNAPSHOT_BACKPRESSURE_BYTES = 4 * 1024 * 1024;

/** Shared replication state the master half reads and advances. */
export interface ReplicationCore {
  readonly ids: ReplicationIds;
  /** master_repl_offset */
  offset: number;
  backlog: ReplicationBacklog | null;
  isReplica(): boolean;
}

export class MasterSide {
  readonly replicas = new Map<Client, AttachedReplica>();
  readonly handshakes = new WeakMap<Client, ReplicaHandshake>();
  /** The database the stream last selected (-1: the next command is preceded by SELECT). */
  selectedDb = -1;
  goodReplicas = 0;
  private transfer: { replicas: AttachedReplica[]; abort: () => void; eof: boolean; mark: string } | null = null;
  private noReplicasSinceMs: number;
  private lastPingMs = 0;
  /** Clients in WAIT: the offset they wait for and how many replicas. */
  private readonly waiting = new Map<Client, { offset: number; numReplicas: number }>();
  private getAckScheduled = false;
  snapshot: SnapshotProvider | null = null;
  /** Called after every REPLCONF ACK (a FAILOVER in progress watches them). */
  onAck: () => void = () => {};

  constructor(private readonly server: Server, private readonly core: ReplicationCore) {
    this.noReplicasSinceMs = server.env.clock.nowMs();
  }

  private get log() {
    return this.server.logger;
  }

  handshakeOf(c: Client): ReplicaHandshake {
    let h = this.handshakes.get(c);
    if (h === undefined) this.handshakes.set(c, (h = { listeningPort: 0, announcedIp: '', capaEof: false, capaPsync2: false }));
    return h;
  }

  // -------------------------------------------------------------------------------------------
  // The stream

  /** Whether there is a stream to feed: a backlog or replicas. */
  hasStream(): boolean {
    return this.core.backlog !== null || this.replicas.size > 0;
  }

  /**
   * A command propagated on this node (Redis's replicationFeedSlaves); dbId -1 for no SELECT.
   * False when there is no stream to feed (no backlog, no replica): the offset does not move.
   */
  feedCommand(dbId: number, argv: readonly string[]): boolean {
    if (!this.hasStream()) return false;
    if (dbId >= 0 && dbId !== this.selectedDb) {
      this.feedBytes(encodeCommand(['SELECT', String(dbId)]));
      this.selectedDb = dbId;
    }
    this.feedBytes(encodeCommand(argv));
    return true;
  }

  /** Raw stream bytes: the backlog, then every replica according to its state. */
  feedBytes(data: Buffer): void {
    const backlog = this.core.backlog;
    if (backlog !== null) {
      backlog.feed(data);
      this.core.offset = backlog.masterOffset;
    } else {
      this.core.offset += data.length;
    }
    for (const r of this.replicas.values()) {
      if (r.state === 'wait_bgsave_start') continue;
      if (r.held !== null) {
        r.held.push(data);
        r.heldBytes += data.length;
        this.checkHeldLimit(r);
      } else {
        this.write(r, data);
      }
    }
  }

  /**
   * Queues bytes for a replica; every replica's queue is written once per turn of the event loop
   * (one write per replica per batch of commands, not one per command).
   */
  private write(r: AttachedReplica, data: Buffer): void {
    if (r.client.closed) return;
    r.out.push(data);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.server.env.scheduler.soon(() => this.flushAll());
  }

  private flushAll(): void {
    this.flushScheduled = false;
    for (const r of this.replicas.values()) this.flush(r);
  }

  /**
   * Writes the replicas' queues now if anything waits (before a client's reply leaves: a reply
   * never announces a write whose stream is still only in this process, so a killed master's
   * acknowledged writes are in the kernel's buffers towards its replicas).
   */
  flushPending(): void {
    if (this.flushScheduled) this.flushAll();
  }

  /** Writes what is queued for `r` (also called before its connection is closed). */
  flush(r: AttachedReplica): void {
    const out = r.out;
    if (out.length === 0 || r.client.closed) return;
    const data = out.length === 1 ? out[0]! : Buffer.concat(out);
    out.length = 0;
    // Replies queued for this client this turn (PSYNC's batch) go first.
    this.server.writeQueued(r.client);
    r.client.conn.write(data);
    this.server.stats.netReplOutputBytes += data.length;
    this.server.stats.netOutputBytes += data.length;
    this.server.stats.totalWritesProcessed++;
    r.client.totalNetOutput += data.length;
    this.server.checkOutputLimits(r.client);
  }

  private flushScheduled = false;

  /** Held stream bytes count against the replica output-buffer limit, as Redis's buffers do. */
  private checkHeldLimit(r: AttachedReplica): void {
    const limits = this.server.outputLimits.replica;
    const total = r.heldBytes + r.client.outputPending();
    if (limits.hard > 0 && total >= limits.hard) {
      this.log.warning(`Client ${this.server.describeClient(r.client)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.server.stats.clientOutputBufferLimitDisconnections++;
      this.server.freeClient(r.client, true);
    }
  }

  private releaseHeld(r: AttachedReplica): void {
    const held = r.held;
    r.held = null;
    r.heldBytes = 0;
    r.waitFirstAck = false;
    if (held !== null && held.length > 0) this.write(r, held.length === 1 ? held[0]! : Buffer.concat(held));
  }

  // -------------------------------------------------------------------------------------------
  // PSYNC / SYNC

  /** Creates the backlog when the first replica attaches (with a new replication id, as Redis). */
  private ensureBacklog(): void {
    if (this.core.backlog !== null) return;
    this.core.ids.change();
    this.core.ids.clearSecond();
    this.core.backlog = new ReplicationBacklog(this.server.config.int('repl-backlog-size'), this.core.offset);
    this.log.notice(`Replication backlog created, my new replication IDs are '${this.core.ids.replid}' and '${this.core.ids.replid2}'`);
  }

  /**
   * PSYNC replid offset (or SYNC when `req` is null). Writes the reply itself: +CONTINUE with the
   * backlog's tail, or (later, when the transfer starts) +FULLRESYNC and the RDB image.
   */
  sync(c: Client, req: { replid: string; offset: string } | null): void {
    const hs = this.handshakeOf(c);
    const probe = new AttachedReplica(c, hs, this.server.env.clock.nowMs());
    this.log.notice(`Replica ${probe.name()} asks for synchronization`);
    if (req !== null) {
      const d = decidePsync(this.core.ids, this.core.backlog, this.core.offset, req.replid, req.offset, probe.name());
      if (d.kind === 'continue') {
        this.attach(probe);
        probe.state = 'online';
        probe.ackOffset = d.from - 1;
        const line = hs.capaPsync2 ? `+CONTINUE ${this.core.ids.replid}\r\n` : '+CONTINUE\r\n';
        this.write(probe, Buffer.from(line, 'latin1'));
        const tail = this.core.backlog!.from(d.from);
        if (tail.length > 0) this.write(probe, tail);
        this.log.notice(d.log);
        this.server.stats.syncPartialOk++;
        this.refreshGoodReplicas();
        return;
      }
      for (const l of d.log) this.log.notice(l);
      if (d.countsAsPartialError) this.server.stats.syncPartialErr++;
    } else {
      probe.oldSync = true;
    }
    this.server.stats.syncFull++;
    this.attach(probe);
    this.ensureBacklog();
    if (this.transfer !== null) {
      this.log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
    } else if (this.useDiskless([probe])) {
      this.log.notice('Delay next BGSAVE for diskless SYNC');
    }
    this.maybeStartTransfer(this.server.env.clock.nowMs());
  }

  private attach(r: AttachedReplica): void {
    const c = r.client;
    if (!c.roleFlags.includes('S')) c.roleFlags += 'S';
    c.replyMode = 'on';
    this.replicas.set(c, r);
    c.parser.maxBulkLen = Infinity;
  }

  private useDiskless(rs: readonly AttachedReplica[]): boolean {
    return this.server.config.bool('repl-diskless-sync') && rs.every((r) => r.hs.capaEof);
  }

  /** Starts the full-resync transfer for the replicas waiting, when its delay has passed. */
  maybeStartTransfer(nowMs: number): void {
    if (this.transfer !== null || this.snapshot === null) return;
    const waiting = [...this.replicas.values()].filter((r) => r.state === 'wait_bgsave_start' && !r.client.closed);
    if (waiting.length === 0) return;
    const diskless = this.useDiskless(waiting);
    if (diskless) {
      const delayMs = this.server.config.int('repl-diskless-sync-delay') * 1000;
      const max = this.server.config.int('repl-diskless-sync-max-replicas');
      const oldest = Math.min(...waiting.map((r) => r.waitingSinceMs));
      if (nowMs - oldest < delayMs && (max === 0 || waiting.length < max)) return;
    }
    this.startTransfer(waiting, diskless);
  }

  private startTransfer(group: AttachedReplica[], eof: boolean): void {
    const ids = this.core.ids;
    const offset = this.core.offset;
    const replStreamDb = this.selectedDb < 0 ? 0 : this.selectedDb;
    const mark = eof ? this.server.env.random.bytes(20).toString('hex') : '';
    this.log.notice(`Starting BGSAVE for SYNC with target: ${eof ? 'replicas sockets' : 'disk'}`);
    for (const r of group) {
      r.state = 'wait_bgsave_end';
      r.initialOffset = offset;
      r.held = [];
      r.heldBytes = 0;
      if (!r.oldSync) this.write(r, Buffer.from(`+FULLRESYNC ${ids.replid} ${offset}\r\n`, 'latin1'));
      if (eof) this.write(r, Buffer.from(`$EOF:${mark}\r\n`, 'latin1'));
    }
    // The next propagated command re-selects its database (the image says nothing of it).
    this.selectedDb = -1;
    const chunks: Buffer[] = [];
    let size = 0;
    const live = (): AttachedReplica[] => group.filter((r) => !r.client.closed && this.replicas.get(r.client) === r);
    const sink: SnapshotSink = {
      write: (chunk) => {
        if (eof) for (const r of live()) this.write(r, chunk);
        else {
          chunks.push(chunk);
          size += chunk.length;
        }
      },
      ready: () => live().every((r) => {
        this.flush(r);
        return r.client.outputPending() < SNAPSHOT_BACKPRESSURE_BYTES;
      }),
      end: () => {
        this.transfer = null;
        this.log.notice('Background RDB transfer terminated with success');
        for (const r of live()) {
          if (eof) {
            this.write(r, Buffer.from(mark, 'latin1'));
            r.state = 'online';
            r.waitFirstAck = true;
            this.log.notice(`Streamed RDB transfer with replica ${r.name()} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`);
          } else {
            this.write(r, Buffer.from(`$${size}\r\n`, 'latin1'));
            for (const ch of chunks) this.write(r, ch);
            r.state = 'online';
            this.releaseHeld(r);
            this.log.notice(`Synchronization with replica ${r.name()} succeeded`);
          }
          r.ackTimeMs = this.server.env.clock.nowMs();
        }
        this.refreshGoodReplicas();
        this.maybeStartTransfer(this.server.env.clock.nowMs());
      },
      fail: (reason) => {
        this.transfer = null;
        this.log.warning(`Background transfer error: ${reason}`);
        for (const r of live()) {
          this.log.warning(`SYNC failed. BGSAVE child returned an error`);
          this.server.freeClient(r.client, true);
        }
      },
    };
    const abort = this.snapshot!.start(sink, { replId: ids.replid, replOffset: offset, replStreamDb });
    if (this.transfer === null && group.some((r) => r.state === 'wait_bgsave_end')) {
      this.transfer = { replicas: group, abort, eof, mark };
    }
  }

  // -------------------------------------------------------------------------------------------
  // ACKs, WAIT, good replicas

  ack(c: Client, offset: number): void {
    const r = this.replicas.get(c);
    if (r === undefined) return;
    if (offset > r.ackOffset) r.ackOffset = offset;
    r.ackTimeMs = this.server.env.clock.nowMs();
    if (r.waitFirstAck && r.state === 'online') {
      this.releaseHeld(r);
      this.log.notice(`Synchronization with replica ${r.name()} succeeded`);
    }
    this.checkWaiting();
    this.onAck();
  }

  /** Replicas whose acknowledged offset reached `offset`. */
  replicasAcked(offset: number): number {
    let n = 0;
    for (const r of this.replicas.values()) if (r.state === 'online' && !r.waitFirstAck && r.ackOffset >= offset) n++;
    return n;
  }

  /** WAIT: registers a blocked client; it is answered by checkWaiting() or its timeout. */
  addWaiting(c: Client, offset: number, numReplicas: number): void {
    this.waiting.set(c, { offset, numReplicas });
    this.requestAcks();
  }

  removeWaiting(c: Client): void {
    this.waiting.delete(c);
  }

  /** Asks every replica for an ACK once the current batch of commands has run (REPLCONF GETACK *). */
  requestAcks(): void {
    if (this.getAckScheduled) return;
    this.getAckScheduled = true;
    this.server.env.scheduler.soon(() => {
      this.getAckScheduled = false;
      if (this.replicas.size > 0) this.feedCommand(-1, ['REPLCONF', 'GETACK', '*']);
    });
  }

  private checkWaiting(): void {
    for (const [c, w] of [...this.waiting]) {
      const n = this.replicasAcked(w.offset);
      if (n >= w.numReplicas) {
        this.waiting.delete(c);
        this.server.blocking.complete(c, n);
      }
    }
  }

  refreshGoodReplicas(): void {
    const maxLagMs = this.server.config.int('min-replicas-max-lag') * 1000;
    const now = this.server.env.clock.nowMs();
    let good = 0;
    for (const r of this.replicas.values()) {
      if (r.state === 'online' && now - r.ackTimeMs <= maxLagMs) good++;
    }
    this.goodReplicas = good;
  }

  // -------------------------------------------------------------------------------------------
  // Detach and cron

  /** A replica client went away (disconnect, CLIENT KILL, output limits). */
  detach(c: Client): void {
    const r = this.replicas.get(c);
    this.waiting.delete(c);
    if (r === undefined) return;
    this.replicas.delete(c);
    this.log.notice(`Connection with replica ${r.name()} lost.`);
    if (this.replicas.size === 0) this.noReplicasSinceMs = this.server.env.clock.nowMs();
    const t = this.transfer;
    if (t !== null && t.replicas.every((x) => x.client.closed || this.replicas.get(x.client) !== x)) {
      this.transfer = null;
      t.abort();
      this.log.warning('Diskless rdb transfer, last replica dropped, killing fork child.');
    }
    this.refreshGoodReplicas();
  }

  /** The backlog's time to live counts from now (a promotion: replicas have yet to reconnect). */
  resetNoReplicasSince(): void {
    this.noReplicasSinceMs = this.server.env.clock.nowMs();
  }

  /** Drops every replica (this node becomes a replica itself, or shuts down). */
  detachAll(): void {
    for (const c of [...this.replicas.keys()]) this.server.freeClient(c, true);
  }

  /** Once per second: pings, newline keep-alives, timeouts, the backlog's TTL, delayed transfers. */
  cron(nowMs: number): void {
    const period = this.server.config.int('repl-ping-replica-period') * 1000;
    if (this.replicas.size > 0 && !this.core.isReplica() && nowMs - this.lastPingMs >= period) {
      this.lastPingMs = nowMs;
      this.feedCommand(-1, ['PING']);
    }
    const nl = Buffer.from('\n');
    for (const r of this.replicas.values()) {
      if (r.state === 'wait_bgsave_start' || (r.state === 'wait_bgsave_end' && this.transfer?.eof === false)) this.write(r, nl);
    }
    const timeoutMs = this.server.config.int('repl-timeout') * 1000;
    for (const r of [...this.replicas.values()]) {
      if (r.state !== 'online' || r.oldSync) continue;
      if (nowMs - r.ackTimeMs > timeoutMs) {
        this.log.warning(`Disconnecting timedout replica (streaming sync): ${r.name()}`);
        this.server.freeClient(r.client, true);
      }
    }
    const ttl = this.server.config.int('repl-backlog-ttl') * 1000;
    if (this.replicas.size === 0 && ttl > 0 && this.core.backlog !== null && !this.core.isReplica() &&
        nowMs - this.noReplicasSinceMs > ttl) {
      this.core.ids.change();
      this.core.ids.clearSecond();
      this.core.backlog = null;
      this.log.notice(`Replication backlog freed after ${ttl / 1000} seconds without connected replicas.`);
    }
    this.maybeStartTransfer(nowMs);
    this.refreshGoodReplicas();
  }
}
