/**
 * One client session: the connection, its parser, the selected database, protocol version,
 * authentication, transaction and pub/sub state, and per-command propagation scratch. It is the
 * CommandContext the command families see.
 */
import type { AclUser } from './acl/user.js';
import type { CommandConfig, CommandContext } from '../commands/context.js';
import type { Command } from '../commands/registry.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { RequestParser } from '../protocol/parser.js';
import type { Reply } from '../protocol/reply.js';
import type { BlockState } from './blocking.js';
import type { Connection } from '../runtime/ports.js';
import type { Server } from './server.js';
import type { ClientTracking } from './tracking.js';

export type ClientClass = 'normal' | 'replica' | 'pubsub';
/**
 * CLIENT REPLY: 'skip-next' is set by CLIENT REPLY SKIP itself (its own reply is not sent), which
 * then becomes 'skip' for the next command's reply.
 */
export type ReplyMode = 'on' | 'off' | 'skip' | 'skip-next';

export interface MultiState {
  queue: Array<{ cmd: Command<Client>; argv: string[] }>;
  /** A command was rejected while queueing: EXEC answers EXECABORT. */
  aborted: boolean;
}

/** Client.propForced: the command propagates only if it changed the dataset. */
export const NOT_FORCED = 0;
/** Client.propForced: the command propagates to the AOF and replicas whatever it did. */
export const FORCED_EVERYWHERE = 1;
/** Client.propForced: the command propagates to replicas (not the AOF) whatever it did. */
export const FORCED_TO_REPLICAS = 2;

export class Client implements CommandContext {
  readonly parser = new RequestParser();
  readonly ks: Keyspace;
  db: Database;
  resp = 2;
  name = '';
  /** The ACL user it runs as; null for a client the server runs itself (no checks, "(superuser)"). */
  user: AclUser | null;
  authenticated: boolean;
  readonly createdMs: number;
  lastInteractionMs: number;
  lastCommand = 'NULL';
  /** Set when the client must be closed once its pending replies are written. */
  closeAfterReply = false;
  closed = false;
  replyMode: ReplyMode = 'on';
  multi: MultiState | null = null;
  /** WATCHed keys: "dbId\0key" -> true; invalidated flag set by the server. */
  watched: Set<string> | null = null;
  watchDirty = false;
  /** WATCHed keys that were already logically expired when WATCH ran (Redis's wk->expired). */
  watchedExpired: Set<string> | null = null;
  subscriptions: Set<string> | null = null;
  patterns: Set<string> | null = null;
  /** SSUBSCRIBE channels (counted apart from channels and patterns in confirmations). */
  shardSubscriptions: Set<string> | null = null;
  isMonitor = false;
  /** CLIENT TRACKING state; null while tracking is off (see tracking.ts). */
  tracking: ClientTracking | null = null;
  /**
   * The REDIRECT of the last CLIENT TRACKING ON (Redis's client_tracking_redirection, which
   * turning tracking off keeps): where an invalidation still held for this client goes.
   */
  trackingRedirect = 0;
  /** CLIENT NO-EVICT */
  noEvict = false;
  /** Soft output-buffer limit: when the limit was first exceeded (0 = not exceeded). */
  obufSoftSinceMs = 0;
  /** Peak output buffer bytes and totals for CLIENT LIST / INFO. */
  totalNetInput = 0;
  totalNetOutput = 0;
  /**
   * Output produced in this event-loop turn and not yet handed to the connection (the server
   * writes every client's queue once per turn, as Redis does in beforeSleep), and its size.
   */
  readonly outQueue: Buffer[] = [];
  outQueueBytes = 0;
  /** In the server's list of clients to write this turn. */
  outQueued = false;
  /** Propagation scratch for the running command. */
  propArgv: string[] | null = null;
  propExtra: string[][] | null = null;
  propSuppressed = false;
  /** Set by forcePropagation for the running command: NOT_FORCED, FORCED_EVERYWHERE or FORCED_TO_REPLICAS. */
  propForced = NOT_FORCED;
  /** Per-client flags as CLIENT LIST prints them (S replica, M master, ...), owned by subsystems. */
  roleFlags = '';
  /** Run after each command this client sends (the master link's offset accounting). */
  afterCommand: (() => void) | null = null;

  constructor(
    readonly id: number,
    readonly conn: Connection,
    readonly server: Server,
    nowMs: number,
  ) {
    this.ks = server.ks;
    this.db = server.ks.dbs[0]!;
    this.createdMs = nowMs;
    this.lastInteractionMs = nowMs;
    this.user = server.acl.defaultUser;
    this.authenticated = !server.authRequired();
  }

  /** Output bytes not yet taken by the peer: queued this turn plus held by the connection. */
  outputPending(): number {
    return this.outQueueBytes + this.conn.pendingWriteBytes();
  }

  get cfg(): CommandConfig {
    return this.server.commandConfig;
  }

  /** The address as Redis prints it: ip:port, or path:0 for unix sockets. */
  get addr(): string {
    return this.conn.isUnixSocket ? `${this.conn.localAddress}:0` : formatAddr(this.conn.remoteAddress, this.conn.remotePort);
  }

  get laddr(): string {
    return this.conn.isUnixSocket ? `${this.conn.localAddress}:0` : formatAddr(this.conn.localAddress, this.conn.localPort);
  }

  get clientClass(): ClientClass {
    if (this.roleFlags.includes('S')) return 'replica';
    if (this.subscriptionCount() > 0) return 'pubsub';
    return 'normal';
  }

  /** Every pub/sub subscription (channels, patterns, shard channels): Redis's CLIENT_PUBSUB context. */
  subscriptionCount(): number {
    return (this.subscriptions?.size ?? 0) + (this.patterns?.size ?? 0) + (this.shardSubscriptions?.size ?? 0);
  }

  rewriteArgv(argv: string[]): void {
    this.propArgv = argv;
  }

  alsoPropagate(argv: string[]): void {
    (this.propExtra ??= []).push(argv);
  }

  preventPropagation(): void {
    this.propSuppressed = true;
  }

  forcePropagation(replicasOnly = false): void {
    this.propForced = replicasOnly ? FORCED_TO_REPLICAS : FORCED_EVERYWHERE;
  }

  /** Waiting on keys (or an event) since a blocking command: see blocking.ts. */
  blocked: BlockState | null = null;
  /** True while the server re-runs this client's blocked command. */
  reexecuting = false;
  /** The ready key a re-run serves (BlockedClients.reexecute). */
  readyKey: string | undefined = undefined;
  /** The command call() is running for this client (what block() records). */
  runningCmd: Command<Client> | null = null;
  runningArgv: string[] = [];

  readKeysUnrestricted(argv: readonly string[]): boolean {
    const user = this.user;
    if (user === null || user.unrestricted) return true;
    const cmd = this.runningCmd;
    return cmd === null || this.server.acl.readsAllKeys(user, cmd, argv);
  }

  get inTransaction(): boolean {
    return this.multi !== null;
  }

  block(keys: readonly string[], timeoutAtMs: number, timeoutReply: Reply): Reply {
    return this.server.blocking.block(this, this.runningCmd!, this.runningArgv, keys, timeoutAtMs, timeoutReply);
  }

  /** Waits for the running command to complete outside the keyspace (BlockedClients.waitExternally). */
  waitExternally(): Reply {
    return this.server.blocking.waitExternally(this, this.runningCmd!, this.runningArgv);
  }

  signalDbReplaced(emptied: Database, replacedWith: Database | null): void {
    this.server.signalDbReplaced(emptied, replacedWith);
  }

  signalFlushed(): void {
    this.server.tracking.invalidateOnFlush();
  }

  scanDatabaseForReadyKeys(db: Database): void {
    this.server.blocking.scanDatabaseForReadyKeys(db);
  }

  configValue(name: string): string | undefined {
    const cfg = this.server.config;
    return cfg.def(name) === undefined ? undefined : cfg.format(name);
  }

  random(): number {
    return this.server.env.random.float();
  }
}

/** Redis's anetFormatAddr: IPv6 addresses in brackets, "[::1]:6379". */
function formatAddr(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
