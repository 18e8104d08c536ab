/**
 * A Redis-compatible server node's core: accepts connections, pulls commands from each client's
 * parser, runs the admission checks of Redis's processCommand in Redis's order, calls handlers,
 * encodes replies, propagates writes, and does its periodic work on `tick()`.
 *
 * The hot path (DESIGN.md): bytes -> parser.next() -> table lookup -> checks -> handler -> encoder.
 * Replies of one read batch are encoded into the shared writer and leave in one write. Output for
 * other clients produced meanwhile (PUBLISH, keyspace events, unblocked clients) is encoded on
 * its own and written to that client's connection at once.
 *
 * Everything environmental comes from `env` (clock, randomness, sockets, timers): many servers
 * can live in one process, and the simulator can drive one.
 */
import { Acl } from './acl/acl.js';
import { Buffer } from 'node:buffer';
import { DEFAULT_COMMAND_CONFIG, type CommandConfig } from '../commands/context.js';
import { Command, CommandTable } from '../commands/registry.js';
import type { CommandSpec } from '../commands/spec.js';
import { Keyspace } from '../keyspace/keyspace.js';
import type { Database } from '../keyspace/database.js';
import * as E from '../protocol/errors.js';
import { isProtocolError, type ParseResult } from '../protocol/parser.js';
import { BLOCKED, error, isError, QUEUED, type Reply } from '../protocol/reply.js';
import { ReplyWriter } from '../protocol/writer.js';
import type { Connection, Environment, Listener } from '../runtime/ports.js';
import { ActiveExpire } from './active-expire.js';
import { BlockedClients } from './blocking.js';
import { Client, FORCED_TO_REPLICAS, NOT_FORCED } from './client.js';
import type { Config } from './config/config.js';
import type { AdmissionCheck, PropagationSink, RoleProvider } from './hooks.js';
import type { Logger } from './log.js';
import type { LatencyMonitor } from './latency.js';
import type { SlowLog } from './slowlog.js';
import { PubSub } from './pubsub.js';
import { ServerStats } from './stats.js';
import { Tracking } from './tracking.js';
import { MigrateLinks } from './migrate/links.js';
import { ShutdownSequence, type ShutdownFinisher } from './shutdown.js';

/** One command collected for propagation: its database, arguments, and whether only replicas take it. */
interface PropagatedOp {
  dbId: number;
  argv: readonly string[];
  replicasOnly: boolean;
}

/**
 * Commands that run immediately even inside MULTI (everything else is queued), by full name: CLUSTER
 * RESET is queued like any other subcommand.
 */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * A reply larger than this (bytes) breaks the chain of command timings (Server.chainUs): its
 * encoding, which runs after the command's clock stopped, is not charged to the next command.
 */
const CHAIN_MAX_REPLY_BYTES = 4096;

/** Commands allowed in RESP2 while subscribed, by full name (not CLUSTER RESET). */
const PUBSUB_ALLOWED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

export interface ServerOptions {
  env: Environment;
  config: Config;
  logger: Logger;
  /** Command families to register (data families from commands/, server families from server/). */
  commands: readonly CommandSpec<Client>[];
}

export class Server {
  readonly env: Environment;
  readonly config: Config;
  readonly logger: Logger;
  readonly ks: Keyspace;
  /** The active expiry cycle's slow (tick) and fast (write pass) runs. */
  private readonly activeExpire: ActiveExpire;
  readonly commands = new CommandTable<Client>();
  /** Users, authentication and permission checks (server/acl). */
  readonly acl: Acl;
  readonly clients = new Map<number, Client>();
  readonly stats = new ServerStats();
  readonly writer = new ReplyWriter();
  /** Encoder for output addressed to clients other than the one being served. */
  private readonly sideWriter = new ReplyWriter(4096);
  /** Config values data commands read on every call, kept current by config watches. */
  readonly commandConfig: { -readonly [K in keyof CommandConfig]: CommandConfig[K] } = { ...DEFAULT_COMMAND_CONFIG };
  readonly listeners: Listener[] = [];
  readonly runId: string;
  readonly admissionChecks: AdmissionCheck[] = [];
  /**
   * Decides whether a command flagged `protected` may run for this client (null) or answers its
   * refusal; checked right after the arity check. Neutral default: allowed. install.ts installs
   * the enable-debug-command / enable-module-command gate (commands/protected.ts).
   */
  protectedGate: (client: Client, cmd: Command<Client>) => Reply | null = () => null;
  /** Told whether a dataset is loading (an RDB at start or from a master, an AOF): one per loader module. */
  readonly loadingProbes: Array<() => boolean> = [];
  readonly propagationSinks: PropagationSink[] = [];
  role: RoleProvider = { isReplica: () => false, isMasterClient: () => false };
  /** redis_mode and HELLO's mode: `sentinel` once the sentinel module is installed. */
  mode: 'standalone' | 'sentinel' = 'standalone';
  /** How many call()s are running (EXEC and scripts nest them). */
  private callDepth = 0;
  /** client-query-buffer-limit, read on every received chunk (kept current by a config watch). */
  private queryBufferLimit = 0;
  /** The client whose input is being processed, its replies going to `writer` (null on the tick and timers). */
  current: Client | null = null;
  /** Client-side caching (CLIENT TRACKING): the key table, BCAST prefixes, invalidations. */
  readonly tracking: Tracking = new Tracking(this);
  /** WATCH index: "dbId\0key" -> watching clients. */
  readonly watchedKeys = new Map<string, Set<Client>>();
  /** Clients waiting in blocking commands (BLPOP...), and the keys they wait on. */
  readonly blocking = new BlockedClients(this);
  /** Clients to resume on the next turn (unblocked clients with pipelined input). */
  private readonly resumeQueue = new Set<Client>();
  private resumeScheduled = false;
  /** Clients that issued MONITOR. */
  readonly monitors = new Set<Client>();
  /** Channels, patterns and shard channels with their subscribers (pubsub.ts). */
  readonly pubsub = new PubSub((c, r) => this.send(c, r));
  /** Hook for keyspace notifications, set by the pub/sub module. */
  notifier: (type: string, event: string, db: Database, key: string) => void = () => {};
  private nextClientId = 1;
  private cancelTick: (() => void) | null = null;
  /** Set while EXEC runs its queue: propagation is wrapped in MULTI/EXEC. */
  /**
   * What the running top-level command has propagated so far (Redis 7.0's also_propagate array):
   * the first command in two fields (no allocation for the usual single command), the rest in a
   * list. `collecting` is true while a top-level command (or an EXEC) runs.
   */
  private collecting = false;
  private propFirstDb = 0;
  private propFirstArgv: readonly string[] | null = null;
  private propFirstReplicasOnly = false;
  private propMore: PropagatedOp[] | null = null;
  private closing = false;
  /** Propagation kept for the next call (deferPropagation), and whether the running call asked. */
  private deferredPropagation: { first: PropagatedOp; more: PropagatedOp[] | null } | null = null;
  private deferRequested = false;
  /** The client whose MIGRATE holds every other client (holdOthers), and those it held. */
  private holder: Client | null = null;
  private readonly heldClients = new Set<Client>();
  /** MIGRATE's cached connections to its targets (INFO migrate_cached_sockets). */
  readonly migrateLinks: MigrateLinks;
  /** CLIENT PAUSE: until when, and whether only writes are paused. */
  pauseUntilMs = 0;
  pauseWritesOnly = false;
  /** Writes held back while a FAILOVER hands the master role over (see setFailoverPause). */
  failoverPause = false;
  /** Writes held back while a shutdown waits for replicas to catch up (see setShutdownPause). */
  shutdownPause = false;
  /**
   * Commands held back by CLIENT PAUSE (Redis's postponed clients): each paused client's one parsed
   * command, re-run through processCommand when the pause ends; its later bytes wait in its parser.
   */
  private readonly postponed = new Map<Client, string[]>();
  /**
   * The final steps of a shutdown when set (main.ts: the process's sequence, then exit); it
   * resolves false when the shutdown was refused. Unset (library servers), SHUTDOWN saves as asked
   * and closes the server (commands/admin.ts).
   */
  onShutdown: ShutdownFinisher | null = null;
  /** SHUTDOWN, signals and the wait for lagging replicas (shutdown.ts). */
  readonly shutdown: ShutdownSequence = new ShutdownSequence(this);
  cronLoops = 0;
  /** DEBUG PAUSE-CRON */
  cronPaused = false;
  /**
   * DEBUG subcommands of modules layered above (replication's CHANGE-REPL-ID), by lowercase
   * name, with the argument count they take (DEBUG's own included): DEBUG answers its syntax
   * error for another count, as for a name nobody knows.
   */
  readonly debugSubcommands = new Map<string, { argc: number; run: (c: Client, argv: string[]) => Reply }>();
  /** Extra work run on every tick by modules layered above (replication, cluster...). */
  readonly tickHandlers: Array<(nowMs: number) => void> = [];
  /** SLOWLOG and LATENCY state, attached by install.ts (null only for a bare Server in unit tests). */
  slowlog: SlowLog | null = null;
  latency: LatencyMonitor | null = null;

  constructor(opts: ServerOptions) {
    this.env = opts.env;
    this.config = opts.config;
    this.logger = opts.logger;
    this.runId = opts.env.random.bytes(20).toString('hex');
    this.migrateLinks = new MigrateLinks(opts.env.transport, opts.env.scheduler, opts.env.random);
    this.ks = new Keyspace(this.config.int('databases'), {
      onExpired: (db, key) => this.propagate(db.id, ['DEL', key]),
      onKeyModified: (db, key) => {
        this.touchWatchedKey(db, key);
        if (this.tracking.watching) this.tracking.invalidateKey(key, true);
      },
      notify: (type, event, db, key) => this.notifier(type, event, db, key),
      // A paused master keeps its dataset still (Redis 7.0's checkClientPauseTimeoutAndReturnIfPaused
      // in expireIfNeeded and activeExpireCycle): expired keys read as missing, nothing is deleted.
      expiryMode: () => (this.role.isReplica()
        ? (this.role.isMasterClient(this.current) ? 'keep' : 'hide')
        : (this.clientsPaused(this.ks.now) ? 'hide' : 'delete')),
    // The key tables' hash seed: from the run id's random bytes (no extra draw from the port, so
    // a simulated node's random sequence is the same as before the seed existed).
    }, Number.parseInt(this.runId.slice(0, 8), 16) | 0);
    this.activeExpire = new ActiveExpire(this.ks, this.env.clock, (ms) => {
      if (this.latency !== null && this.latency.thresholdMs !== 0) this.latency.addSampleIfNeeded('expire-cycle', ms);
    });
    this.syncWallClock();
    this.ks.now = this.env.clock.nowMs();
    this.config.onApplyFailure = (name) => {
      this.logger.warning(`Failed applying new configuration. Possibly related to new ${name} setting. Restoring previous settings.`);
    };
    this.commands.register(opts.commands);
    this.acl = new Acl(this);
    this.config.watchInt('client-query-buffer-limit', (n) => { this.queryBufferLimit = n; });
    this.config.watchInt('proto-max-bulk-len', (n) => {
      this.commandConfig.protoMaxBulkLen = n;
      for (const c of this.clients.values()) c.parser.maxBulkLen = n;
    });
    const numeric = (name: string, field: Exclude<keyof CommandConfig, 'protoMaxBulkLen'>): void =>
      this.config.watch(name, (v) => { this.commandConfig[field] = Number(v); });
    numeric('list-max-listpack-size', 'listMaxListpackSize');
    numeric('hash-max-listpack-entries', 'hashMaxListpackEntries');
    numeric('hash-max-listpack-value', 'hashMaxListpackValue');
    numeric('set-max-intset-entries', 'setMaxIntsetEntries');
    numeric('zset-max-listpack-entries', 'zsetMaxListpackEntries');
    numeric('zset-max-listpack-value', 'zsetMaxListpackValue');
    numeric('hll-sparse-max-bytes', 'hllSparseMaxBytes');
    numeric('stream-node-max-entries', 'streamNodeMaxEntries');
    numeric('stream-node-max-bytes', 'streamNodeMaxBytes');
    this.config.watch('loglevel', (v) => { this.logger.level = v as typeof this.logger.level; });
    this.stats.startMs = this.env.clock.nowMs();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts the periodic tick at `hz` (re-armed when hz changes; see setTickHz). */
  startTicking(): void {
    this.config.watchInt('hz', (n) => this.setTickHz(n));
  }

  /**
   * Re-arms the tick at `hz` from now on, without changing the `hz` parameter (Redis's server.hz
   * versus config_hz): a sentinel draws a new rate after every run so that sentinels started
   * together do not stay in lockstep.
   */
  setTickHz(hz: number): void {
    if (this.closing) return;
    this.cancelTick?.();
    const period = Math.max(1, Math.floor(1000 / Math.max(1, Math.min(500, hz))));
    this.cancelTick = this.env.scheduler.every(period, () => this.tick(this.env.clock.nowMs()));
  }

  /** Whether a new connection starts unauthenticated (the default user needs a password or is off). */
  authRequired(): boolean {
    return this.acl.authRequired();
  }

  /** Closes listeners and every client. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelTick?.();
    this.cancelTick = null;
    this.blocking.close();
    this.migrateLinks.closeAll();
    for (const c of [...this.clients.values()]) this.freeClient(c, true);
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners.length = 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  acceptConnection(conn: Connection): void {
    const now = this.env.clock.nowMs();
    this.stats.totalConnectionsReceived++;
    if (this.closing) {
      conn.destroy();
      return;
    }
    if (this.clients.size >= this.config.int('maxclients')) {
      this.stats.rejectedConnections++;
      conn.write(Buffer.from('-ERR max number of clients reached\r\n'));
      conn.end();
      return;
    }
    if (this.config.bool('protected-mode') && this.acl.defaultUser.nopass && !conn.isUnixSocket && !isLoopback(conn.remoteAddress)) {
      this.stats.rejectedConnections++;
      conn.write(Buffer.from(PROTECTED_MODE_DENIED));
      conn.end();
      return;
    }
    this.keepAlive(conn);
    const client = new Client(this.nextClientId++, conn, this, now);
    client.parser.maxBulkLen = this.commandConfig.protoMaxBulkLen;
    client.parser.authRequired = !client.authenticated;
    this.clients.set(client.id, client);
    conn.onData = (chunk) => this.onClientData(client, chunk);
    conn.onClose = () => this.freeClient(client, false);
    conn.onDrain = () => this.checkOutputLimits(client);
  }

  /**
   * Registers a connection this node opened itself as a client (the replica's link to its master,
   * whose stream is applied as commands). The caller installs `conn.onData`.
   */
  adoptConnection(conn: Connection): Client {
    this.keepAlive(conn);
    const client = new Client(this.nextClientId++, conn, this, this.env.clock.nowMs());
    client.user = null;
    client.authenticated = true;
    this.clients.set(client.id, client);
    conn.onClose = () => this.freeClient(client, false);
    conn.onDrain = () => this.checkOutputLimits(client);
    return client;
  }

  /**
   * Redis's createClient: keepalive probes (`tcp-keepalive` idle seconds) on every TCP connection
   * that becomes a client, accepted or this node's own link to its master, so that a peer gone
   * without a FIN is found.
   */
  private keepAlive(conn: Connection): void {
    const seconds = this.config.int('tcp-keepalive');
    if (seconds > 0 && !conn.isUnixSocket) conn.setKeepAlive(seconds);
  }

  /** Removes a client; `closeSocket` also closes its connection (without flushing). */
  freeClient(client: Client, closeSocket: boolean): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client.id);
    this.postponed.delete(client);
    this.unwatchAll(client);
    this.monitors.delete(client);
    this.blocking.remove(client);
    this.resumeQueue.delete(client);
    if (client.tracking !== null) this.tracking.disable(client);
    for (const fn of this.clientFreeHandlers) fn(client);
    client.parser.clear();
    if (closeSocket) client.conn.destroy();
  }

  /** Callbacks run by RESET for per-client state kept by other modules (tracking, READONLY...). */
  readonly clientResetHandlers: Array<(c: Client) => void> = [];

  /** Cleanup callbacks of modules that keep per-client state (pub/sub, blocking, replication). */
  readonly clientFreeHandlers: Array<(c: Client) => void> = [];

  /** Closes a client once what was already queued is written. */
  closeClientAfterReply(client: Client): void {
    if (client.closed) return;
    this.flushClient(client);
    this.writeQueued(client);
    this.freeClient(client, false);
    client.conn.end();
  }

  private onClientData(client: Client, chunk: Buffer): void {
    if (client.closed) return;
    this.stats.netInputBytes += chunk.length;
    this.stats.totalReadsProcessed++;
    client.totalNetInput += chunk.length;
    if (client.parser.feed(chunk) > this.queryBufferLimit) {
      this.logger.warning(`Closing client that reached max query buffer length: ${this.describeClient(client)} (qbuf initial bytes: ${JSON.stringify(chunk.subarray(0, 64).toString('latin1'))})`);
      this.stats.clientQueryBufferLimitDisconnections++;
      this.freeClient(client, true);
      return;
    }
    this.processInput(client);
    if (client.conn.lendsChunks) client.parser.ownRemainder();
  }

  /** Runs as many complete commands as the client has buffered (unless it is paused). */
  processInput(client: Client): void {
    if (this.holder !== null && this.holder !== client) {
      this.heldClients.add(client);
      return;
    }
    const parser = client.parser;
    const mono = this.syncWallClock();
    // Per read batch, as Redis sets lastinteraction per read (CLIENT LIST idle, `timeout`).
    client.lastInteractionMs = this.ks.now = Math.floor(this.wallOffsetMs + mono / 1000);
    const outerChain = this.chainUs, outerInBatch = this.inBatch;
    this.chainUs = mono;
    this.inBatch = true;
    this.current = client;
    try {
      // A blocked client's further commands wait in its parser until it is served or times out.
      while (!client.closed && !client.closeAfterReply && client.blocked === null) {
        let r: ParseResult = this.postponed.size === 0 ? null : this.postponed.get(client) ?? null;
        if (r !== null) {
          if (this.clientsPaused(this.env.clock.nowMs())) break;
          this.postponed.delete(client);
        } else {
          r = parser.next();
          if (r === null) break;
        }
        if (isProtocolError(r)) {
          this.emit(client, error(`ERR ${r.protocolError}`));
          this.logger.verbose(`${r.protocolError} from client: ${this.describeClient(client)}`);
          client.closeAfterReply = true;
          break;
        }
        this.chainRan = false;
        this.processCommand(client, r);
        // Client-side caching: invalidations held for this client's reply, CLIENT CACHING's reach
        // (a command postponed by CLIENT PAUSE has not run yet: its CACHING still applies).
        if ((this.tracking.clients !== 0 || this.tracking.pending !== null) && !this.postponed.has(client)) {
          this.tracking.afterCommand(client, r);
        }
        // Nothing ran (refused, queued in MULTI, postponed): the next command reads its own start.
        if (!this.chainRan) this.chainUs = -1;
        if (client.afterCommand !== null) client.afterCommand();
        if (this.blocking.hasReady()) this.blocking.serveReady();
        if (this.postponed.has(client) || client.blocked !== null) break;
      }
    } finally {
      this.current = null;
      this.chainUs = outerChain;
      this.inBatch = outerInBatch;
    }
    this.flushClient(client);
    if (client.closeAfterReply && !client.closed) this.closeClientAfterReply(client);
  }

  /**
   * CLIENT PAUSE (Redis 7.0's check at the end of processCommand): while paused, every command
   * (ALL) or only those that may write or replicate (WRITE; EXEC counts its queue) waits.
   * Replicas and MONITOR clients (Redis's CLIENT_SLAVE) are never paused.
   */
  private mustPostpone(client: Client, cmd: Command<Client>): boolean {
    const now = this.env.clock.nowMs();
    if (this.pauseUntilMs !== 0 && now >= this.pauseUntilMs) this.unpauseClients();
    if (!this.clientsPaused(now)) return false;
    if (client.roleFlags.includes('S') || client.isMonitor) return false;
    const clientPauseAll = this.pauseUntilMs !== 0 && !this.pauseWritesOnly;
    if (clientPauseAll) return true;
    if (cmd.isWrite || cmd.isMayReplicate) return true;
    return cmd.name === 'exec' && client.multi !== null && client.multi.queue.some((q) => q.cmd.isWrite || q.cmd.isMayReplicate);
  }

  /** True while the client's command waits for a CLIENT PAUSE to end (CLIENT LIST flag b). */
  isPostponed(client: Client): boolean {
    return this.postponed.has(client);
  }

  /** True while a CLIENT PAUSE, a FAILOVER's or a shutdown's pause holds commands back (areClientsPaused). */
  clientsPaused(nowMs: number): boolean {
    return this.failoverPause || this.shutdownPause || (this.pauseUntilMs !== 0 && nowMs < this.pauseUntilMs);
  }

  /**
   * FAILOVER's own pause of writes (Redis's PAUSE_DURING_FAILOVER): no deadline, independent of
   * CLIENT PAUSE / UNPAUSE; the failover ends it.
   */
  setFailoverPause(on: boolean): void {
    this.failoverPause = on;
    if (!on) this.resumePostponed();
  }

  /** A shutdown's pause of writes (Redis's PAUSE_DURING_SHUTDOWN), ended when it is cancelled. */
  setShutdownPause(on: boolean): void {
    this.shutdownPause = on;
    if (!on) this.resumePostponed();
  }

  /** Clients whose command waits for a pause to end (counted in blocked_clients, as Redis's BLOCKED_POSTPONE). */
  get postponedCount(): number {
    return this.postponed.size;
  }

  /** Ends a pause; the postponed clients resume after the current I/O batch, outside any command. */
  unpauseClients(): void {
    this.pauseUntilMs = 0;
    this.pauseWritesOnly = false;
    this.resumePostponed();
  }

  private resumePostponed(): void {
    if (this.postponed.size === 0 || this.clientsPaused(this.env.clock.nowMs())) return;
    const list = [...this.postponed.keys()];
    this.env.scheduler.soon(() => {
      for (const c of list) if (!c.closed) this.processInput(c);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch (Redis's processCommand)

  /** Looks up argv's command, runs the admission checks and executes or queues it. */
  processCommand(client: Client, argv: string[]): void {
    const name = argv[0]!;
    let cmd = this.commands.lookup(name);
    if (cmd === undefined) {
      return this.reject(client, E.errUnknownCommand(name, argv.slice(1)));
    }
    if (cmd.subcommands !== undefined && argv.length >= 2) {
      const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) return this.reject(client, E.errUnknownSubcommand(argv[1]!, name));
      cmd = sub;
    }
    if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity) {
      return this.reject(client, E.errWrongArity(cmd.fullName), cmd);
    }
    client.lastCommand = cmd.fullName;
    // Protected commands (DEBUG, MODULE LOAD...) are checked before authentication, as in Redis.
    if (cmd.isProtected) {
      const refused = this.protectedGate(client, cmd);
      if (refused !== null) return this.reject(client, refused, cmd);
    }
    if (!client.authenticated && !cmd.isNoAuth) return this.reject(client, E.ERR_NOAUTH, cmd);
    if (client.multi !== null && cmd.isNoMulti) {
      return this.reject(client, error('ERR Command not allowed inside a transaction'));
    }
    const user = client.user;
    if (user !== null && !user.unrestricted) {
      const denied = this.acl.check(user, cmd, argv);
      if (denied !== null) {
        this.acl.logDenial(client, denied, cmd, argv, client.multi !== null ? 'multi' : 'toplevel');
        return this.reject(client, this.acl.denialReply(denied, cmd), cmd);
      }
    }
    for (const check of this.admissionChecks) {
      const r = check(client, cmd, argv);
      if (r !== null) return this.reject(client, r, cmd);
    }
    if (client.resp === 2 && client.subscriptionCount() > 0 && !PUBSUB_ALLOWED.has(cmd.fullName)) {
      return this.reject(client, error(`ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`), cmd);
    }
    // Keep the tracking table within tracking-table-max-keys (Redis's trackingLimitUsedSlots).
    if (this.tracking.clients !== 0) this.tracking.limitUsedSlots();
    if ((this.pauseUntilMs !== 0 || this.failoverPause || this.shutdownPause) && this.mustPostpone(client, cmd)) {
      this.postponed.set(client, argv);
      return;
    }
    if (client.multi !== null && !MULTI_IMMEDIATE.has(cmd.fullName)) {
      client.multi.queue.push({ cmd, argv });
      this.emit(client, QUEUED);
      return;
    }
    const reply = this.call(client, cmd, argv);
    if (reply !== undefined && reply !== BLOCKED) {
      const before = this.writer.length;
      this.emit(client, reply);
      // Encoding runs after the command's clock stopped: after a large reply the next command
      // reads its own start instead of being charged with the encoding (see callCommand).
      if (this.writer.length - before > CHAIN_MAX_REPLY_BYTES) this.chainUs = -1;
    }
  }

  /** Runs a client's pending input on the next turn (after it was unblocked or resumed). */
  resumeLater(client: Client): void {
    if (client.closed) return;
    this.resumeQueue.add(client);
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    this.env.scheduler.soon(() => {
      this.resumeScheduled = false;
      const list = [...this.resumeQueue];
      this.resumeQueue.clear();
      for (const c of list) if (!c.closed && c.blocked === null) this.processInput(c);
    });
  }

  /**
   * MIGRATE holds the server while it waits for its target, as Redis blocks its event loop for
   * that time (commands/migrate.ts): every other client's input waits in its parser and the
   * active expiry cycle pauses, so the keys being moved cannot change. Blocked clients' deadlines
   * are not acted on either (Redis's timeouts wait for its event loop as well). Replies,
   * replication and timers keep running. `releaseHold` resumes the held clients on the next turn.
   */
  holdOthers(holder: Client): void {
    this.holder = holder;
  }

  /** True while MIGRATE holds the server (holdOthers): blocked clients' deadlines wait too. */
  get holding(): boolean {
    return this.holder !== null;
  }

  releaseHold(): void {
    this.holder = null;
    for (const c of this.heldClients) this.resumeLater(c);
    this.heldClients.clear();
    // Deadlines that passed during the hold are answered now, after the holder's reply, as Redis
    // answers them in the beforeSleep that follows its blocking MIGRATE.
    this.blocking.checkTimeouts(this.env.clock.nowMs());
  }

  /** True once close() started. */
  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Rejects a command before execution; inside MULTI this also dooms the transaction. A rejected
   * EXEC discards the transaction and answers "EXECABORT Transaction discarded because of: <why>"
   * (Redis's execCommandAbort; a leading "ERR " is dropped from the reason).
   */
  private reject(client: Client, r: Reply, cmd?: Command<Client>): void {
    if (cmd !== undefined && cmd.name === 'exec' && isError(r)) {
      client.multi = null;
      this.unwatchAll(client);
      const why = r.s.startsWith('ERR ') ? r.s.slice(4) : r.s;
      r = error(`EXECABORT Transaction discarded because of: ${why}`);
    } else if (client.multi !== null) {
      client.multi.aborted = true;
    }
    if (cmd !== undefined) cmd.rejectedCalls++;
    if (isError(r)) this.stats.countError(r.s);
    this.emit(client, r);
  }

  /**
   * Executes a command (Redis's call()): times it, counts it, propagates its effect, feeds
   * MONITOR and SLOWLOG. Returns the reply, or undefined when the handler replied by itself
   * (blocking commands reply later).
   */
  call(client: Client, cmd: Command<Client>, argv: string[]): Reply | undefined {
    // Redis 7.0's propagatePendingCommands: everything one top-level command propagates leaves
    // together, wrapped in MULTI/EXEC when it is more than one command (SPOP with a count, EXEC).
    // With no sink active (no AOF, no replication stream) there is nothing to collect, except
    // for EXEC: a command in it can activate a sink (CONFIG SET appendonly yes), and the whole
    // transaction then goes to it at the end, as in Redis.
    if (this.callDepth !== 0 || this.collecting || (!this.propagationActive() && cmd.name !== 'exec' && this.deferredPropagation === null)) {
      return this.callCommand(client, cmd, argv);
    }
    this.collecting = true;
    const deferred = this.deferredPropagation;
    if (deferred !== null) {
      this.deferredPropagation = null;
      this.propFirstDb = deferred.first.dbId;
      this.propFirstArgv = deferred.first.argv;
      this.propFirstReplicasOnly = deferred.first.replicasOnly;
      this.propMore = deferred.more;
    }
    try {
      return this.callCommand(client, cmd, argv);
    } finally {
      this.collecting = false;
      if (this.deferRequested) {
        this.deferRequested = false;
        if (this.propFirstArgv !== null) {
          const first = { dbId: this.propFirstDb, argv: this.propFirstArgv, replicasOnly: this.propFirstReplicasOnly };
          this.deferredPropagation = { first, more: this.propMore };
          this.propFirstArgv = null;
          this.propMore = null;
        }
      } else if (this.propFirstArgv !== null) {
        this.flushPropagation();
      }
    }
  }

  /**
   * Keeps what the running command propagated so far for the next top-level call, which emits it
   * with its own as one unit: MIGRATE's first run (a key expired by its lookup) and its second
   * run (the DEL of the moved keys) are one command in Redis, whose stream wraps both in
   * MULTI/EXEC. The server holds every other client in between, so no other command's
   * propagation can come between them.
   */
  deferPropagation(): void {
    if (this.collecting) this.deferRequested = true;
  }

  private callCommand(client: Client, cmd: Command<Client>, argv: string[]): Reply | undefined {
    const ks = this.ks;
    const clock = this.env.clock;
    // Whole microseconds, as Redis's ustime(): a duration is then a small integer (a Smi), which
    // the observers receive without a heap number being allocated per command, and a sub-µs
    // command counts 0 or 1 µs with the right mean, as in Redis's commandstats.
    // Commands of one input batch run back to back: the reading that ended the previous one
    // starts the next (one clock read per command instead of two; a reading costs 45-60 ns in
    // a VM, and the two were about a tenth of a pipelined SET's in-process cost). The duration
    // then includes the command's parsing and dispatch checks, about 0.1 µs that Redis does not
    // count. See docs/architecture.md, "Time on the hot path", for what breaks the chain.
    const top = this.callDepth === 0 && this.inBatch;
    const t0 = top && this.chainUs >= 0 ? this.chainUs : Math.floor(clock.monotonicUs());
    // Wall time derived from the monotonic reading: one clock read per command instead of two.
    // Commands nested in EXEC (or a script) keep the outer command's time, as Redis 7.0 does.
    if (this.callDepth === 0) ks.now = Math.floor(this.wallOffsetMs + t0 / 1000);
    const dirtyBefore = ks.dirty;
    client.propArgv = null;
    client.propExtra = null;
    client.propSuppressed = false;
    client.propForced = NOT_FORCED;
    const dbId = client.db.id;
    let reply: Reply | undefined;
    const prevCmd = client.runningCmd;
    const prevArgv = client.runningArgv;
    client.runningCmd = cmd;
    client.runningArgv = argv;
    this.callDepth++;
    try {
      reply = cmd.handler!(client, argv);
    } finally {
      this.callDepth--;
      client.runningCmd = prevCmd;
      client.runningArgv = prevArgv;
    }
    const t1 = Math.floor(clock.monotonicUs());
    const us = t1 - t0;
    // What follows (propagation, observers, the reply's encoding) is charged to the next command
    // of the chain; propagating can cost in proportion to the arguments, so it breaks the chain.
    if (top) {
      this.chainUs = t1;
      this.chainRan = true;
    }
    // A blocking command counts once (calls, total_commands_processed), when it is served (re-run)
    // or times out (blocking.ts), as Redis 7.0 counts it on unblocking; re-runs do not feed
    // MONITOR/SLOWLOG/LATENCY again.
    const reexecuting = client.reexecuting;
    if (reply !== BLOCKED) {
      cmd.calls++;
      cmd.usec += us;
      this.stats.totalCommandsProcessed++;
    }
    // Client-side caching: the keys a readonly command read are remembered for a tracking client.
    if (cmd.isReadonly && this.tracking.clients !== 0) this.tracking.rememberKeys(client, cmd, argv);
    if (reply !== undefined && isError(reply)) {
      cmd.failedCalls++;
      this.stats.countError(reply.s);
    }
    const changed = ks.dirty !== dirtyBefore;
    const forced = client.propForced;
    if ((changed || forced !== NOT_FORCED) && !client.propSuppressed) {
      // A change goes everywhere; a forced command that changed nothing where it was forced to.
      this.propagate(dbId, client.propArgv ?? argv, !changed && forced === FORCED_TO_REPLICAS);
    }
    // The handler may have queued extra propagation (TS cannot see that through the call).
    const extras = client.propExtra as string[][] | null;
    if (extras !== null) for (const extra of extras) this.propagate(client.db.id, extra);
    if (top && (changed || forced !== NOT_FORCED || extras !== null) && this.propagationActive()) this.chainUs = -1;
    if (!reexecuting) for (const h of this.callObservers) h(client, cmd, argv, us);
    return reply;
  }

  /** Observers of every executed command (SLOWLOG, LATENCY, MONITOR feed, commandstats extras). */
  readonly callObservers: Array<(client: Client, cmd: Command<Client>, argv: readonly string[], us: number) => void> = [];

  // ---------------------------------------------------------------------------------------------
  // Propagation

  /** Whether some sink would take a propagated command now (see PropagationSink.active). */
  propagationActive(): boolean {
    const sinks = this.propagationSinks;
    for (let i = 0; i < sinks.length; i++) {
      const s = sinks[i]!;
      if (s.active === undefined || s.active()) return true;
    }
    return false;
  }

  propagate(dbId: number, argv: readonly string[], replicasOnly = false): void {
    // Collected even when no sink is active yet: what a transaction propagates is handed to the
    // sinks at its end, to those active then (as Redis's propagatePendingCommands decides).
    if (this.propagationSinks.length === 0) return;
    if (this.collecting) {
      if (this.propFirstArgv === null) {
        this.propFirstDb = dbId;
        this.propFirstArgv = argv;
        this.propFirstReplicasOnly = replicasOnly;
      } else {
        (this.propMore ??= []).push({ dbId, argv, replicasOnly });
      }
      return;
    }
    this.emitPropagated(dbId, argv, replicasOnly);
  }

  /** Hands one propagated command to the sinks that take it. */
  private emitPropagated(dbId: number, argv: readonly string[], replicasOnly: boolean): void {
    for (const s of this.propagationSinks) if (!replicasOnly || s.replication === true) s.propagate(dbId, argv);
  }

  /**
   * Emits what the finished top-level command propagated, as Redis 7.0's propagatePendingCommands
   * does: two or more commands are wrapped in MULTI (with the first command's db) ... EXEC (with
   * the last one's, so no SELECT precedes it); a single command goes out unwrapped. The wrapper
   * goes to every sink, even where all the commands inside are for replicas only (Redis does the
   * same: its AOF then gets an empty MULTI/EXEC).
   */
  private flushPropagation(): void {
    const first = this.propFirstArgv!;
    const firstDb = this.propFirstDb;
    const firstReplicasOnly = this.propFirstReplicasOnly;
    const more = this.propMore;
    this.propFirstArgv = null;
    this.propMore = null;
    if (more === null) {
      this.emitPropagated(firstDb, first, firstReplicasOnly);
      return;
    }
    this.emitPropagated(firstDb, ['MULTI'], false);
    this.emitPropagated(firstDb, first, firstReplicasOnly);
    for (const op of more) this.emitPropagated(op.dbId, op.argv, op.replicasOnly);
    const lastDb = more[more.length - 1]!.dbId;
    this.emitPropagated(lastDb, ['EXEC'], false);
  }

  /**
   * Runs fn collecting what it propagates, emitted afterwards as one unit (see flushPropagation).
   * `dbId` is kept for callers; the databases come from the propagated commands.
   */
  withPropagationTransaction<T>(dbId: number, fn: () => T): T {
    void dbId;
    if (this.collecting) return fn();
    this.collecting = true;
    try {
      return fn();
    } finally {
      this.collecting = false;
      if (this.propFirstArgv !== null) this.flushPropagation();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // WATCH bookkeeping (used by MULTI/EXEC and invalidated by every key modification)

  watchKey(client: Client, db: Database, key: string): void {
    const k = `${db.id}\0${key}`;
    client.watched ??= new Set();
    if (client.watched.has(k)) return;
    client.watched.add(k);
    // A key already expired (but not yet deleted) when watched: deleting it later is no change.
    if (this.ks.isExpired(db, key)) (client.watchedExpired ??= new Set()).add(k);
    let set = this.watchedKeys.get(k);
    if (set === undefined) this.watchedKeys.set(k, (set = new Set()));
    set.add(client);
  }

  unwatchAll(client: Client): void {
    if (client.watched !== null) {
      for (const k of client.watched) {
        const set = this.watchedKeys.get(k);
        if (set === undefined) continue;
        set.delete(client);
        if (set.size === 0) this.watchedKeys.delete(k);
      }
      client.watched = null;
    }
    client.watchedExpired = null;
    client.watchDirty = false;
  }

  /** True while a loader module is loading a dataset (Redis's server.loading). */
  isLoading(): boolean {
    for (const probe of this.loadingProbes) if (probe()) return true;
    return false;
  }

  touchWatchedKey(db: Database, key: string): void {
    if (this.watchedKeys.size === 0) return;
    const k = `${db.id}\0${key}`;
    const set = this.watchedKeys.get(k);
    if (set === undefined) return;
    for (const c of set) {
      if (c.watchedExpired !== null && c.watchedExpired.delete(k) && !db.dict.has(key)) continue;
      c.watchDirty = true;
    }
  }

  /**
   * Redis's touchAllWatchedKeysInDb(emptied, replaced_with), called before `emptied` loses its
   * contents (FLUSHDB, FLUSHALL, DEBUG RELOAD: `replacedWith` null) or exchanges them with
   * `replacedWith` (SWAPDB, once for each side, before the swap). A watched key of `emptied` is
   * modified when it exists there or in `replacedWith`, except:
   * - a key already expired when watched that goes away, or is replaced by another expired key,
   *   is no logical change (going away clears its expired mark);
   * - a missing key replaced by an expired one is no change either, but is marked expired.
   */
  private touchAllWatchedKeysInDb(emptied: Database, replacedWith: Database | null): void {
    if (this.watchedKeys.size === 0) return;
    const prefix = `${emptied.id}\0`;
    for (const [k, set] of this.watchedKeys) {
      if (!k.startsWith(prefix)) continue;
      const key = k.slice(prefix.length);
      const inEmptied = emptied.dict.has(key);
      const inReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!inEmptied && !inReplacement) continue;
      for (const c of set) {
        if (c.watchedExpired !== null && c.watchedExpired.has(k)) {
          if (!inReplacement) {
            c.watchedExpired.delete(k);
            continue;
          }
          if (this.ks.isExpired(replacedWith!, key)) continue;
        } else if (!inEmptied && this.ks.isExpired(replacedWith!, key)) {
          (c.watchedExpired ??= new Set()).add(k);
          continue;
        }
        c.watchDirty = true;
      }
    }
  }

  /**
   * Before `emptied` loses its contents (flushed, or emptied for a replica's full sync:
   * `replacedWith` null) or exchanges them with
   * `replacedWith` (SWAPDB, once for each side): WATCHed keys are touched
   * (touchAllWatchedKeysInDb), and clients blocked on a stream `emptied` loses are woken, so that
   * a blocked XREADGROUP is answered (Redis's scanDatabaseForDeletedStreams).
   */
  signalDbReplaced(emptied: Database, replacedWith: Database | null): void {
    this.touchAllWatchedKeysInDb(emptied, replacedWith);
    this.blocking.signalDeletedStreams(emptied, replacedWith);
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** Sends a reply to a client, honouring CLIENT REPLY OFF/SKIP. */
  emit(client: Client, reply: Reply): void {
    if (client.replyMode !== 'on') {
      if (client.replyMode === 'skip') client.replyMode = 'on';
      else if (client.replyMode === 'skip-next') client.replyMode = 'skip';
      return;
    }
    this.send(client, reply);
  }

  /** Sends regardless of reply mode (pub/sub messages, MONITOR lines, push data). */
  send(client: Client, reply: Reply): void {
    if (client.closed) return;
    if (client === this.current) {
      this.writer.write(reply, client.resp);
      return;
    }
    const w = this.sideWriter;
    w.write(reply, client.resp);
    const bytes = w.take();
    this.writeToClient(client, bytes);
  }

  /**
   * Run, in order, before queued output is handed to connections (once per turn's write pass, and
   * before a single client's queue is written early): replication writes the stream to the
   * replicas, so an acknowledged write is in the kernel towards them first; the AOF writes its
   * buffer (and fsyncs it with appendfsync always) so a reply never announces a write that is
   * not logged.
   */
  readonly replyBarriers: Array<() => void> = [];

  /**
   * Queues output for `client`. Every client's queue is written once per event-loop turn, after
   * all the input of that turn was processed (`flushPendingWrites`), as Redis writes its clients'
   * buffers in beforeSleep: the writes of one turn then reach the peers together, and a peer
   * woken by the first finds the others already there. With many pipelining clients that is
   * 10-20% less CPU per request than writing after each client's batch (bench/server-cost.mjs).
   */
  private writeToClient(client: Client, bytes: Buffer): void {
    if (!client.outQueued) {
      client.outQueued = true;
      this.pendingWrites.push(client);
    }
    client.outQueue.push(bytes);
    client.outQueueBytes += bytes.length;
    if (!this.writesScheduled) {
      this.writesScheduled = true;
      this.env.scheduler.soon(this.flushPendingWrites);
    }
  }

  /** Makes sure the turn's write pass runs (work for it was queued without output yet). */
  scheduleWrites(): void {
    if (this.writesScheduled) return;
    this.writesScheduled = true;
    this.env.scheduler.soon(this.flushPendingWrites);
  }

  /** True while a command runs (Redis's CLIENT_EXECUTING_COMMAND of the current client). */
  isExecuting(): boolean {
    return this.callDepth !== 0;
  }

  /** Clients with queued output, in the order they got it. */
  private readonly pendingWrites: Client[] = [];
  private writesScheduled = false;

  /** The turn's writes: the reply barriers once (AOF, replication stream), then every queue. */
  private readonly flushPendingWrites = (): void => {
    this.writesScheduled = false;
    // Redis's beforeSleep starts with the fast expiry cycle; it runs only after a cycle that hit
    // its time limit, and its DELs then go out with this pass's replication stream.
    if (this.activeExpire.timelimitExit && this.holder === null) this.activeExpire.fast(this.config.int('active-expire-effort'));
    // BCAST invalidations collected this turn go out with it (Redis's beforeSleep sends them).
    if (this.tracking.bcastPending) this.tracking.broadcast();
    const list = this.pendingWrites;
    if (list.length === 0) return;
    this.runReplyBarriers();
    // A write can close a client (output limits) and queue nothing new; entries added meanwhile
    // are written in this pass too.
    for (let i = 0; i < list.length; i++) this.writeQueuedAfterBarriers(list[i]!);
    list.length = 0;
  };

  private runReplyBarriers(): void {
    const barriers = this.replyBarriers;
    for (let i = 0; i < barriers.length; i++) barriers[i]!();
  }

  /**
   * Writes `client`'s queued output now: before something else is written straight to its
   * connection (the replication stream) and before it is closed after a reply.
   */
  writeQueued(client: Client): void {
    if (client.outQueue.length === 0) return;
    this.runReplyBarriers();
    this.writeQueuedAfterBarriers(client);
  }

  private writeQueuedAfterBarriers(client: Client): void {
    client.outQueued = false;
    const q = client.outQueue;
    if (q.length === 0) return;
    const n = client.outQueueBytes;
    const data = q.length === 1 ? q[0]! : Buffer.concat(q, n);
    q.length = 0;
    client.outQueueBytes = 0;
    if (client.closed) return;
    client.conn.write(data);
    this.stats.netOutputBytes += n;
    this.stats.totalWritesProcessed++;
    client.totalNetOutput += n;
    this.checkOutputLimits(client);
  }

  /** Queues what the current batch encoded for `client`. */
  flushClient(client: Client): void {
    if (this.writer.length === 0 || client.closed) {
      this.writer.reset();
      return;
    }
    this.writeToClient(client, this.writer.take());
  }

  /**
   * Enforces client-output-buffer-limit for the client's class: over the hard limit, or over the
   * soft limit for longer than its seconds, the client is closed (as Redis does, asynchronously).
   */
  checkOutputLimits(client: Client): void {
    if (client.closed) return;
    const pending = client.outputPending();
    const limits = this.outputLimits[client.clientClass];
    let over = false;
    if (limits.hard > 0 && pending >= limits.hard) over = true;
    if (limits.soft > 0 && pending >= limits.soft) {
      // The clock is read only over the soft limit: this runs after every write.
      const now = this.env.clock.nowMs();
      if (client.obufSoftSinceMs === 0) client.obufSoftSinceMs = now;
      else if (now - client.obufSoftSinceMs >= limits.softSeconds * 1000) over = true;
    } else {
      client.obufSoftSinceMs = 0;
    }
    if (over) {
      this.logger.warning(`Client ${this.describeClient(client)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.stats.clientOutputBufferLimitDisconnections++;
      this.freeClient(client, true);
    }
  }

  /** client-output-buffer-limit per class, in bytes and seconds (set by the config module). */
  outputLimits: Record<'normal' | 'replica' | 'pubsub', { hard: number; soft: number; softSeconds: number }> = {
    normal: { hard: 0, soft: 0, softSeconds: 0 },
    replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
    pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
  };

  describeClient(client: Client): string {
    return `id=${client.id} addr=${client.addr} laddr=${client.laddr} name=${client.name} cmd=${client.lastCommand}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Periodic work (Redis's serverCron + activeExpireCycle), driven by tick().

  /**
   * Re-reads the wall clock and stores its offset from the monotonic clock; call() derives each
   * command's time from one monotonic reading plus this offset. Refreshed per input batch and per
   * tick, so a wall-clock step is seen within one batch. Returns the monotonic reading, in whole
   * µs as every command's reading (callCommand): an offset taken against an unrounded reading put
   * the time derived from a rounded one a millisecond early after Math.floor.
   */
  syncWallClock(): number {
    const mono = Math.floor(this.env.clock.monotonicUs());
    this.wallOffsetMs = this.env.clock.nowMs() - mono / 1000;
    return mono;
  }

  private wallOffsetMs = 0;
  private readonly monotonicMs = (): number => this.env.clock.monotonicUs() / 1000;

  /**
   * While an input batch runs (processInput, `inBatch`), the monotonic reading (whole µs) that
   * starts the next top-level command's duration: the batch's first reading, then the reading
   * that ended the previous command. -1 when the next command must read its own start (what came
   * before did not run, or its reply or propagation took time after its clock stopped).
   */
  private chainUs = -1;
  private inBatch = false;
  /** Set by a top-level command of the batch that ran (callCommand), cleared before each one. */
  private chainRan = false;

  tick(nowMs: number): void {
    this.syncWallClock();
    if (this.cronPaused) return;
    this.cronLoops++;
    this.ks.now = nowMs;
    this.stats.opsSampler.sample(this.stats.totalCommandsProcessed, nowMs);
    this.stats.inputSampler.sample(this.stats.netInputBytes, nowMs);
    this.stats.outputSampler.sample(this.stats.netOutputBytes, nowMs);
    this.stats.replInputSampler.sample(this.stats.netReplInputBytes, nowMs);
    this.stats.replOutputSampler.sample(this.stats.netReplOutputBytes, nowMs);
    if (this.holder === null) this.activeExpire.slow(this.config.int('hz'), this.config.int('active-expire-effort'));
    if (this.config.bool('activerehashing')) this.ks.activeRehash(1, this.monotonicMs);
    this.migrateLinks.closeIdle(Math.floor(nowMs / 1000));
    if (this.pauseUntilMs !== 0 && nowMs >= this.pauseUntilMs) this.unpauseClients();
    this.blocking.checkTimeouts(nowMs);
    if (this.blocking.hasReady()) this.blocking.serveReady();
    this.clientsCron(nowMs);
    for (const h of this.tickHandlers) h(nowMs);
    this.shutdown.tick(nowMs);
  }

  /** Idle timeouts (`timeout`) and soft output-limit checks. */
  private clientsCron(nowMs: number): void {
    const timeoutS = this.config.int('timeout');
    for (const c of this.clients.values()) {
      if (timeoutS > 0 && !c.roleFlags.includes('S') && !c.roleFlags.includes('M') && c.subscriptionCount() === 0 &&
          !c.isMonitor && nowMs - c.lastInteractionMs > timeoutS * 1000) {
        this.logger.verbose('Closing idle client');
        this.freeClient(c, true);
        continue;
      }
      if (c.obufSoftSinceMs !== 0) this.checkOutputLimits(c);
    }
  }
}

/**
 * Redis 7.0.15's protected-mode test in acceptCommonHandler: the peer is exactly 127.0.0.1 or ::1
 * (measured: a peer at 127.0.0.2 is denied; 7.2 accepts all of 127.x). The IPv4-mapped form is
 * what a dual-stack Node socket reports for 127.0.0.1.
 */
export function isLoopback(addr: string): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr === '';
}

/** Redis 7.0.15's text, byte for byte (including its "Setup a an"). */
export const PROTECTED_MODE_DENIED =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
  'In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you ' +
  'may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the ' +
  'loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible ' +
  'from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode ' +
  'by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you ' +
  'started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a an authentication ' +
  'password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections ' +
  'from the outside.\r\n';

export { Command };
