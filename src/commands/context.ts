/**
 * What a command handler can see and do. The server's client session implements this interface;
 * the command families in this folder depend only on it (never on server/), which keeps the
 * layering of DESIGN.md: commands/ sits below server/.
 */
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Reply } from '../protocol/reply.js';

/** The configuration values data commands consult. Implemented by the server's live config. */
export interface CommandConfig {
  readonly protoMaxBulkLen: number;
  /** list-max-listpack-size (negative: size class -1..-5 = 4..64 KB per node; positive: entries per node). */
  readonly listMaxListpackSize: number;
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  /** hll-sparse-max-bytes: a sparse HyperLogLog that would grow past this becomes dense. */
  readonly hllSparseMaxBytes: number;
  /** stream-node-max-entries / stream-node-max-bytes: when a stream starts a new node (0 = no limit). */
  readonly streamNodeMaxEntries: number;
  readonly streamNodeMaxBytes: number;
}


/** Redis 7.0's defaults for CommandConfig (what a server starts with before its config is read). */
export const DEFAULT_COMMAND_CONFIG: CommandConfig = Object.freeze({
  protoMaxBulkLen: 512 * 1024 * 1024,
  listMaxListpackSize: -2,
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  hllSparseMaxBytes: 3000,
  streamNodeMaxEntries: 100,
  streamNodeMaxBytes: 4096,
});

export interface CommandContext {
  readonly ks: Keyspace;
  /** Currently selected database. */
  db: Database;
  /** Protocol version of this client: 2 or 3. */
  readonly resp: number;
  readonly cfg: CommandConfig;
  /**
   * Propagate `argv` to replicas and the AOF instead of the command as received (Redis's
   * rewriteClientCommandVector): SET EX -> SET PXAT, INCRBYFLOAT -> SET KEEPTTL, SPOP -> SREM.
   */
  rewriteArgv(argv: string[]): void;
  /** Propagate an extra command after this one (Redis's alsoPropagate). */
  alsoPropagate(argv: string[]): void;
  /** Do not propagate this command even though it changed the dataset. */
  preventPropagation(): void;
  /**
   * Propagate this command even if it changed nothing (Redis's forceCommandPropagation): to the
   * AOF and replicas, or with `replicasOnly` to replicas alone (PUBLISH).
   */
  forcePropagation(replicasOnly?: boolean): void;
  /**
   * True while the command runs inside MULTI/EXEC (or a script): blocking commands must not
   * block there and answer as if their timeout had passed, as Redis does.
   */
  readonly inTransaction: boolean;
  /**
   * Whether the client's ACL user may read any key with this command (Redis's
   * ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT's BY and GET patterns name keys no key
   * pattern can check. Absent: no ACL (every key readable).
   */
  readKeysUnrestricted?(argv: readonly string[]): boolean;
  /**
   * True while the server re-runs a blocked client's command because a key it waits on was
   * modified. Redis 7.0 serves a blocked BLPOP only from a key that now holds a list: a key of
   * another type is skipped (the client keeps waiting) instead of answering WRONGTYPE.
   */
  readonly reexecuting?: boolean;
  /** During a re-run: the key whose change serves the client (see keysToTry). */
  readonly readyKey?: string | undefined;
  /**
   * Blocks the client on `keys` (of the current db) until one is modified or the timeout passes
   * (`timeoutAtMs`: absolute ms; 0 = forever), then the server runs the same command again for this
   * client (FIFO per key, as Redis serves blocked clients). On timeout the client gets
   * `timeoutReply`. The handler must return what block() returns. When the command is re-run and
   * still cannot be served, calling block() again keeps the client's place and original timeout.
   */
  block(keys: readonly string[], timeoutAtMs: number, timeoutReply: Reply): Reply;
  /**
   * Optional hooks (contexts without a server, e.g. unit tests, may omit them):
   * Called before `emptied` is flushed (`replacedWith` null) or swapped with `replacedWith`:
   * WATCHed keys count as modified, blocked XREADGROUPs on streams it loses are answered (Redis's
   * touchAllWatchedKeysInDb and scanDatabaseForDeletedStreams; see Server.signalDbReplaced).
   */
  signalDbReplaced?(emptied: Database, replacedWith: Database | null): void;
  /** Clients blocked on keys `db` now holds are served after the command (SWAPDB). */
  scanDatabaseForReadyKeys?(db: Database): void;
  /** FLUSHDB / FLUSHALL emptied data, once per command (Redis's trackingInvalidateKeysOnFlush). */
  signalFlushed?(): void;
  /** A configuration value as CONFIG GET prints it, or undefined when the parameter is unknown. */
  configValue?(name: string): string | undefined;
  /** Uniform random float in [0, 1) from the node's Random port (RANDOMKEY). */
  random?(): number;
}

/**
 * The keys a blocking command tries: all of them, in argument order, when it runs; only the ready
 * key when the server re-runs it for a blocked client. Redis serves blocked clients key by key, in
 * the order the keys became ready, so a client waiting on `a b` is served from `b` when `b` was
 * written first, even if `a` has something by then (7.0's serveClientsBlockedOn*Key).
 */
export function keysToTry(c: CommandContext, keys: readonly string[]): readonly string[] {
  return c.reexecuting === true && c.readyKey !== undefined ? [c.readyKey] : keys;
}
