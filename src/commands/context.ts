/**
 * What a command handler can see and do. The server's client session implements this interface;
 * the command families in this folder depend only on it (never on server/), which keeps the
 * layering of DESIGN.md: commands/ sits below server/.
 */
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';

/** The configuration values data commands consult. Implemented by the server's live config. */
export interface CommandConfig {
  readonly protoMaxBulkLen: number;
}

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
   * Optional hooks (contexts without a server, e.g. unit tests, may omit them):
   * Every WATCHed key of `db` that exists in it right now counts as modified (Redis's
   * touchAllWatchedKeysInDb, called by FLUSHDB, FLUSHALL and SWAPDB before they change `db`).
   */
  touchAllWatchedKeysInDb?(db: Database): void;
  /** A configuration value as CONFIG GET prints it, or undefined when the parameter is unknown. */
  configValue?(name: string): string | undefined;
  /** Uniform random float in [0, 1) from the node's Random port (RANDOMKEY). */
  random?(): number;
}
