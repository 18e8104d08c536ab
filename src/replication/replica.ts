/**
 * The replica half of replication (Redis's syncWithMaster / readSyncBulkPayload /
 * replicationCron for the master link): connect to the master, the handshake (PING, AUTH,
 * REPLCONF listening-port / ip-address / capa, PSYNC), a full resync (receive the RDB image as
 * `$<len>` or `$EOF:<mark>`, flush, load) or a partial one (+CONTINUE, with a replication id
 * change when the master was promoted), then the master client: the stream is applied as
 * commands, its bytes counted into the replication offset and forwarded verbatim to this node's
 * backlog and sub-replicas, and an ACK goes back every second and on GETACK.
 *
 * A lost link keeps the master's state cached (replid and offset) so the next connection tries
 * PSYNC from there; so does a former master that becomes a replica (it offers its own history).
 */
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { Connection } from '../runtime/ports.js';
import { ReplicationBacklog } from './backlog.js';
import { ByteQueue } from './byte-queue.js';
import type { ReplicationCore } from './master.js';
import type { MasterSide } from './master.js';
import type { DatasetLoader } from './ports.js';
import { encodeCommand } from '../protocol/command-encode.js';

export type LinkState =
  | 'connect' | 'connecting' | 'receive_pong' | 'receive_handshake' | 'receive_psync' | 'transfer' | 'loading' | 'connected';

/** ROLE's names for the link states. */
export function roleStateName(s: LinkState): string {
  switch (s) {
    case 'connect': return 'connect';
    case 'connecting': return 'connecting';
    case 'transfer':
    case 'loading': return 'sync';
    case 'connected': return 'connected';
    default: return 'handshake';
  }
}

/** The master history this replica can offer in PSYNC. */
export interface CachedMaster {
  replid: string;
  offset: number;
  /** The database the master's stream had selected (a partial resync continues without SELECT). */
  db: number;
}

export class ReplicaLink {
  state: LinkState = 'connect';
  conn: Connection | null = null;
  masterClient: Client | null = null;
  /** Master's replid and the offset of the full resync (FULLRESYNC reply). */
  private masterReplId = '';
  private initialOffset = -1;
  private cached: CachedMaster | null = null;
  private readonly in = new ByteQueue();
  /** Replies still expected from the pipelined handshake. */
  private handshakeReplies: Array<'auth' | 'port' | 'ip' | 'capa'> = [];
  /** Transfer: `$<len>` size (-1 for EOF mode), mark, bytes received. */
  private transferSize = -1;
  private eofMark: Buffer | null = null;
  private readonly payload: Buffer[] = [];
  transferRead = 0;
  transferLastIoMs = 0;
  lastIoMs = 0;
  /** When the link went down (0: never up yet, or up). */
  downSinceMs = 0;
  private connectStartedMs = 0;
  /** Bytes of the master stream received and not yet applied (kept to forward them). */
  private readonly raw = new ByteQueue();
  private fed = 0;
  private applied = 0;
  private lastAckMs = 0;
  private closed = false;
  loader: DatasetLoader | null = null;
  /** PSYNC with the FAILOVER flag (this node hands its master role to the target). */
  failoverPsync = false;
  /** Told whether the master accepted the PSYNC (a FAILOVER waits for it). */
  onPsyncResult: (accepted: boolean) => void = () => {};

  constructor(
    private readonly server: Server,
    private readonly core: ReplicationCore,
    private readonly master: MasterSide,
    readonly host: string,
    readonly port: number,
    /** The history to offer first: the node's own, when it was a master until now. */
    cached: CachedMaster | null,
  ) {
    this.cached = cached;
    this.downSinceMs = server.env.clock.nowMs();
  }

  private get log() {
    return this.server.logger;
  }

  /** master_repl_offset as the replica knows it (the offset of the applied stream). */
  get reploff(): number {
    return this.core.offset;
  }

  get linkUp(): boolean {
    return this.state === 'connected';
  }

  // -------------------------------------------------------------------------------------------
  // Connecting

  connect(): void {
    if (this.closed || this.state !== 'connect') return;
    this.state = 'connecting';
    this.connectStartedMs = this.server.env.clock.nowMs();
    this.log.notice(`Connecting to MASTER ${this.host}:${this.port}`);
    this.log.notice('MASTER <-> REPLICA sync started');
    const timeoutMs = this.server.config.int('repl-timeout') * 1000;
    // bind-source-addr: the address this link connects from (connectWithMaster's connConnect).
    const source = this.server.config.str('bind-source-addr');
    const target = source === '' ? { host: this.host, port: this.port } : { host: this.host, port: this.port, localAddress: source };
    this.server.env.transport.connect(target, timeoutMs).then(
      (conn) => this.onConnected(conn),
      (err: Error) => {
        if (this.closed || this.state !== 'connecting') return;
        this.log.warning(`Unable to connect to MASTER: ${err.message}`);
        this.state = 'connect';
      },
    );
  }

  private onConnected(conn: Connection): void {
    if (this.closed || this.state !== 'connecting') {
      conn.destroy();
      return;
    }
    this.conn = conn;
    if (!this.server.config.bool('repl-disable-tcp-nodelay')) conn.setNoDelay(true);
    conn.onData = (chunk) => this.onData(chunk);
    conn.onClose = () => this.onLinkClosed();
    conn.onDrain = () => {};
    this.log.notice('Non blocking connect for SYNC fired the event.');
    this.lastIoMs = this.server.env.clock.nowMs();
    this.state = 'receive_pong';
    conn.write(encodeCommand(['PING']));
  }

  private send(argv: string[]): void {
    this.conn?.write(encodeCommand(argv));
  }

  // -------------------------------------------------------------------------------------------
  // Bytes from the master before the master client exists

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastIoMs = this.server.env.clock.nowMs();
    this.server.stats.netReplInputBytes += chunk.length;
    this.in.push(chunk);
    try {
      this.advance();
    } catch (e) {
      this.log.warning(`Error condition on socket for SYNC: ${(e as Error).message}`);
      this.dropLink();
    }
  }

  private advance(): void {
    for (;;) {
      switch (this.state) {
        case 'receive_pong': {
          const line = this.in.readLine();
          if (line === null) return;
          if (line.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(line)) {
            this.log.warning(`Error reply to PING from master: '${line.slice(1)}'`);
            this.dropLink();
            return;
          }
          this.log.notice('Master replied to PING, replication can continue...');
          this.sendHandshake();
          break;
        }
        case 'receive_handshake': {
          const line = this.in.readLine();
          if (line === null) return;
          const what = this.handshakeReplies.shift()!;
          if (line.startsWith('-')) {
            const err = line.slice(1);
            if (what === 'auth') {
              this.log.warning(`Unable to AUTH to MASTER: ${err}`);
              this.dropLink();
              return;
            }
            if (what === 'port') this.log.notice(`(Non critical) Master does not understand REPLCONF listening-port: ${err}`);
            else if (what === 'ip') this.log.notice(`(Non critical) Master does not understand REPLCONF ip-address: ${err}`);
            else this.log.notice(`(Non critical) Master does not understand REPLCONF capa: ${err}`);
          }
          if (this.handshakeReplies.length === 0) this.sendPsync();
          break;
        }
        case 'receive_psync': {
          const line = this.in.readLine();
          if (line === null) return;
          if (line === '') continue; // keep-alive newline while the master prepares the transfer
          if (!this.onPsyncReply(line)) return;
          break;
        }
        case 'transfer':
          if (!this.readPayload()) return;
          break;
        default:
          return;
      }
    }
  }

  private sendHandshake(): void {
    const cfg = this.server.config;
    const pass = cfg.str('masterauth');
    this.handshakeReplies = [];
    if (pass !== '') {
      const user = cfg.str('masteruser');
      this.send(user !== '' ? ['AUTH', user, pass] : ['AUTH', pass]);
      this.handshakeReplies.push('auth');
    }
    const announcedPort = cfg.int('replica-announce-port');
    const port = announcedPort !== 0 ? announcedPort : cfg.int('port');
    this.send(['REPLCONF', 'listening-port', String(port)]);
    this.handshakeReplies.push('port');
    const ip = cfg.str('replica-announce-ip');
    if (ip !== '') {
      this.send(['REPLCONF', 'ip-address', ip]);
      this.handshakeReplies.push('ip');
    }
    this.send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    this.handshakeReplies.push('capa');
    this.state = 'receive_handshake';
  }

  private sendPsync(): void {
    const c = this.cached;
    if (c !== null) {
      const off = String(c.offset + 1);
      this.log.notice(`Trying a partial resynchronization (request ${c.replid}:${off}).`);
      this.send(this.failoverPsync ? ['PSYNC', c.replid, off, 'FAILOVER'] : ['PSYNC', c.replid, off]);
    } else {
      this.log.notice('Partial resynchronization not possible (no cached master)');
      this.send(['PSYNC', '?', '-1']);
    }
    this.state = 'receive_psync';
  }

  /** Handles the PSYNC reply; false when the link was dropped. */
  private onPsyncReply(line: string): boolean {
    if (line.startsWith('+FULLRESYNC')) {
      const parts = line.split(' ');
      const replid = parts[1] ?? '';
      const offset = Number(parts[2]);
      if (replid.length !== 40 || !Number.isSafeInteger(offset)) {
        this.log.warning('Master replied with wrong +FULLRESYNC syntax.');
        this.masterReplId = '';
        this.initialOffset = -1;
      } else {
        this.masterReplId = replid;
        this.initialOffset = offset;
        this.log.notice(`Full resync from master: ${replid}:${offset}`);
      }
      if (this.cached !== null) {
        this.log.notice('Discarding previously cached master state.');
        this.cached = null;
      }
      // The master may send an entirely different dataset: our own replicas must resync too, and
      // may not continue from our backlog.
      this.master.detachAll();
      this.core.backlog = null;
      this.state = 'transfer';
      this.onPsyncResult(true);
      this.transferSize = -1;
      this.eofMark = null;
      this.payload.length = 0;
      this.transferRead = 0;
      this.transferLastIoMs = this.server.env.clock.nowMs();
      return true;
    }
    if (line.startsWith('+CONTINUE')) {
      const newId = line.slice('+CONTINUE'.length).trim();
      this.log.notice('Successful partial resynchronization with master.');
      const cached = this.cached!;
      if (newId.length === 40 && newId !== cached.replid) {
        // The master's history changed name (it was promoted): keep ours as the secondary one.
        const ids = this.core.ids;
        ids.replid2 = cached.replid;
        ids.secondOffset = this.core.offset + 1;
        ids.replid = newId;
        this.log.notice(`Master replication ID changed to ${newId}`);
        this.master.detachAll();
      } else {
        this.core.ids.replid = cached.replid;
      }
      this.cached = null;
      this.log.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
      this.startStream(cached.db);
      this.onPsyncResult(true);
      return false; // the rest of the bytes belong to the master client
    }
    if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) {
      this.log.notice(`Master is currently unable to PSYNC but should be in the future: ${line.slice(1)}`);
    } else {
      this.log.warning(`Unexpected reply to PSYNC from master: ${line}`);
    }
    this.dropLink();
    this.onPsyncResult(false);
    return false;
  }

  /** Reads the RDB payload; true when it is complete (the state moved on). */
  private readPayload(): boolean {
    if (this.transferSize === -1 && this.eofMark === null) {
      const line = this.in.readLine();
      if (line === null) return false;
      if (line === '') return true; // keep-alive newline
      if (line.startsWith('-')) {
        this.log.warning(`MASTER aborted replication with an error: ${line.slice(1)}`);
        this.dropLink();
        return false;
      }
      if (!line.startsWith('$')) {
        this.log.warning(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`);
        this.dropLink();
        return false;
      }
      if (line.startsWith('$EOF:') && line.length === 5 + 40) {
        this.eofMark = Buffer.from(line.slice(5), 'latin1');
        this.log.notice('MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk');
      } else {
        this.transferSize = Number(line.slice(1));
        this.log.notice(`MASTER <-> REPLICA sync: receiving ${this.transferSize} bytes from master to disk`);
      }
      return true;
    }
    this.transferLastIoMs = this.server.env.clock.nowMs();
    if (this.eofMark === null) {
      const need = this.transferSize - this.transferRead;
      const got = this.in.take(need);
      if (got.length > 0) this.payload.push(got);
      this.transferRead += got.length;
      if (this.transferRead < this.transferSize) return false;
      this.finishTransfer(Buffer.concat(this.payload));
      return false;
    }
    // EOF mode: everything up to the mark. The master sends nothing after it before our ACK.
    const got = this.in.takeAll();
    if (got.length > 0) this.payload.push(got);
    this.transferRead += got.length;
    const mark = this.eofMark;
    if (this.transferRead < mark.length) return false;
    const tail = tailBytes(this.payload, mark.length);
    if (!tail.equals(mark)) return false;
    const all = Buffer.concat(this.payload);
    this.finishTransfer(all.subarray(0, all.length - mark.length));
    return false;
  }

  private finishTransfer(rdb: Buffer): void {
    this.payload.length = 0;
    this.state = 'loading';
    const prepared = this.loader?.beforeLoad?.(rdb) ?? null;
    if (prepared !== null) {
      this.log.warning(prepared);
      this.dropLink();
      return;
    }
    this.log.notice('MASTER <-> REPLICA sync: Flushing old data');
    // Redis's emptyData -> signalFlushedDb: the WATCHed keys the replica holds are touched (not
    // the ones only the new data set has), and blocked readers of streams that go away are
    // answered. Loading signals nothing (dbAddRDBLoad): waiters are served by the stream after it.
    for (const db of this.server.ks.dbs) {
      this.server.signalDbReplaced(db, null);
      db.clear();
    }
    this.server.tracking.invalidateOnFlush();
    this.log.notice('MASTER <-> REPLICA sync: Loading DB in memory');
    const loader = this.loader;
    if (loader === null) {
      this.log.warning('Failed trying to load the MASTER synchronization DB from disk: no RDB loader installed');
      this.dropLink();
      return;
    }
    loader.load(rdb, (err, info) => {
      if (this.closed || this.state !== 'loading') return;
      if (err !== null) {
        this.log.warning(`Failed trying to load the MASTER synchronization DB from disk, check server logs. ${err}`);
        this.dropLink();
        return;
      }
      const ids = this.core.ids;
      ids.replid = this.masterReplId;
      ids.clearSecond();
      this.core.offset = this.initialOffset;
      this.log.notice('MASTER <-> REPLICA sync: Finished with success');
      loader.afterLoad?.();
      this.startStream(info.replStreamDb ?? 0);
    });
  }

  // -------------------------------------------------------------------------------------------
  // The master client

  /** The link carries the command stream from now on: it becomes the master client. */
  private startStream(db: number): void {
    const conn = this.conn!;
    const client = this.server.adoptConnection(conn);
    client.db = this.server.ks.dbs[db] ?? this.server.ks.dbs[0]!;
    client.roleFlags = 'M';
    client.replyMode = 'off';
    client.parser.maxBulkLen = Infinity;
    this.masterClient = client;
    this.state = 'connected';
    this.downSinceMs = 0;
    this.fed = 0;
    this.applied = 0;
    if (this.core.backlog === null) {
      this.core.backlog = new ReplicationBacklog(this.server.config.int('repl-backlog-size'), this.core.offset);
    }
    client.afterCommand = () => this.accountApplied();
    conn.onData = (chunk) => {
      if (client.closed) return;
      this.lastIoMs = this.server.env.clock.nowMs();
      this.server.stats.netReplInputBytes += chunk.length;
      this.server.stats.netInputBytes += chunk.length;
      this.server.stats.totalReadsProcessed++;
      client.totalNetInput += chunk.length;
      this.feedMasterClient(client, chunk);
    };
    conn.onClose = () => {
      this.server.freeClient(client, false);
      this.onLinkClosed();
    };
    this.sendAck();
    const rest = this.in.takeAll();
    if (rest.length > 0) this.feedMasterClient(client, rest);
  }

  private feedMasterClient(client: Client, chunk: Buffer): void {
    this.fed += chunk.length;
    this.raw.push(chunk);
    client.parser.feed(chunk);
    this.server.processInput(client);
  }

  /** After each applied command: its bytes advance the offset and go to our backlog/replicas. */
  private accountApplied(): void {
    const client = this.masterClient;
    if (client === null) return;
    const upTo = this.fed - client.parser.pendingBytes();
    const n = upTo - this.applied;
    if (n <= 0) return;
    this.applied = upTo;
    this.master.feedBytes(this.raw.take(n));
  }

  sendAck(): void {
    if (this.masterClient === null || this.conn === null) return;
    this.lastAckMs = this.server.env.clock.nowMs();
    this.conn.write(encodeCommand(['REPLCONF', 'ACK', String(this.core.offset)]));
  }

  // -------------------------------------------------------------------------------------------
  // Link loss, cron, shutdown

  private onLinkClosed(): void {
    if (this.closed) return;
    if (this.state === 'connected') {
      this.log.notice('Connection with master lost.');
      this.log.notice('Caching the disconnected master state.');
      this.cached = this.currentState();
    } else if (this.state !== 'connect' && this.state !== 'connecting') {
      this.log.notice(`Connection with master lost.`);
    }
    this.resetLink();
  }

  /** Closes the link (after an error) and waits for the cron to reconnect. */
  private dropLink(): void {
    const wasConnected = this.state === 'connected';
    if (wasConnected) this.cached = this.currentState();
    const conn = this.conn;
    const mc = this.masterClient;
    this.resetLink();
    if (mc !== null) this.server.freeClient(mc, false);
    conn?.destroy();
  }

  private resetLink(): void {
    const mc = this.masterClient;
    this.masterClient = null;
    if (mc !== null && !mc.closed) this.server.freeClient(mc, false);
    if (this.state === 'connected' || this.downSinceMs === 0) this.downSinceMs = this.server.env.clock.nowMs();
    this.conn = null;
    this.state = 'connect';
    this.in.takeAll();
    this.raw.takeAll();
    this.payload.length = 0;
    this.handshakeReplies = [];
  }

  /** Once per second: reconnects, timeouts, the ACK. */
  cron(nowMs: number): void {
    if (this.closed) return;
    const timeoutMs = this.server.config.int('repl-timeout') * 1000;
    if ((this.state === 'connecting' || this.state.startsWith('receive')) && nowMs - this.connectStartedMs > timeoutMs) {
      this.log.warning('Timeout connecting to the MASTER...');
      this.dropLink();
    } else if (this.state === 'transfer' && nowMs - this.transferLastIoMs > timeoutMs) {
      this.log.warning("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
      this.dropLink();
    } else if (this.state === 'connected' && nowMs - this.lastIoMs > timeoutMs) {
      this.log.warning('MASTER timeout: no data nor PING received...');
      this.dropLink();
    }
    if (this.state === 'connect') {
      this.connect();
      return;
    }
    if (this.state === 'connected' && nowMs - this.lastAckMs >= 1000) this.sendAck();
  }

  /** REPLICAOF NO ONE / another master / shutdown: the link goes away for good. */
  close(): void {
    const conn = this.conn;
    const mc = this.masterClient;
    this.closed = true;
    this.masterClient = null;
    this.conn = null;
    if (mc !== null) this.server.freeClient(mc, false);
    conn?.destroy();
  }

  /**
   * Offers `state` in the next PSYNC (Redis's replicationCacheMasterUsingMyself at start, from
   * the replication aux fields of the RDB file loaded): only before the first connection.
   */
  restoreCached(state: CachedMaster): void {
    if (this.state === 'connect' && this.masterClient === null) this.cached = state;
  }

  /** The history this link would offer in PSYNC now (its master's, when it had one). */
  cachedState(): CachedMaster | null {
    if (this.state === 'connected') return this.currentState();
    return this.cached;
  }

  private currentState(): CachedMaster {
    return { replid: this.core.ids.replid, offset: this.core.offset, db: this.masterClient?.db.id ?? 0 };
  }

  /** INFO's master_sync_* figures while a transfer runs. */
  syncProgress(): { total: number; read: number } {
    return { total: this.transferSize, read: this.transferRead };
  }
}

/** The last `n` bytes across a list of chunks. */
function tailBytes(chunks: readonly Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  let left = n;
  for (let i = chunks.length - 1; i >= 0 && left > 0; i--) {
    const c = chunks[i]!;
    if (c.length >= left) {
      out.unshift(c.subarray(c.length - left));
      left = 0;
    } else {
      out.unshift(c);
      left -= c.length;
    }
  }
  return Buffer.concat(out);
}
