/**
 * The command table's row type. One table (registry.ts) feeds dispatch, arity checks, COMMAND
 * introspection, ACL categories, key extraction for cluster routing, and the admission checks
 * (write commands on a read-only replica, commands allowed while loading or stale...).
 * Flag and category names are Redis 7.0's, as COMMAND INFO prints them.
 */
import type { Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys' | 'protected'
  | 'no_async_loading' | 'no_multi' | 'allow_busy';

export type AclCategory =
  | 'keyspace' | 'read' | 'write' | 'set' | 'sortedset' | 'list' | 'hash' | 'string' | 'bitmap'
  | 'hyperloglog' | 'geo' | 'stream' | 'pubsub' | 'admin' | 'fast' | 'slow' | 'blocking'
  | 'dangerous' | 'connection' | 'transaction' | 'scripting';

/** A key specification as COMMAND INFO / COMMAND DOCS report it (Redis 7.0 key-specs). */
export interface KeySpec {
  /** COMMAND INFO "notes" (e.g. why SET's key is RW and ACCESS). */
  readonly notes?: string;
  readonly flags: readonly string[];
  /** `unknown`: the keys cannot be found from argv alone (SORT's BY/GET patterns and STORE). */
  readonly beginSearch: { readonly index: number } | { readonly keyword: string; readonly startFrom: number } | { readonly unknown: true };
  readonly findKeys:
    | { readonly range: { readonly lastKey: number; readonly step: number; readonly limit: number } }
    | { readonly keynum: { readonly keyNumIdx: number; readonly firstKey: number; readonly step: number } }
    | { readonly unknown: true };
}

/** One argument as COMMAND DOCS describes it (Redis 7.0 fields; `args` for oneof/block). */
export interface CommandArg {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly flags?: readonly ('optional' | 'multiple' | 'multiple_token')[];
  readonly args?: readonly CommandArg[];
}

export type Handler<C extends CommandContext = CommandContext> = (ctx: C, argv: string[]) => Reply;

export interface CommandSpec<C extends CommandContext = CommandContext> {
  /** Lower-case name; for subcommands the part after the container, e.g. "list" of "client". */
  readonly name: string;
  /** Redis arity: positive = exact argc, negative = at least |arity| (argv includes the name). */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly acl: readonly AclCategory[];
  /** Legacy key positions (first, last, step) as COMMAND INFO reports them; last < 0 counts from the end. */
  readonly keys?: { readonly first: number; readonly last: number; readonly step: number };
  /** Key specs for COMMAND INFO/DOCS; derived from `keys` when absent. */
  readonly keySpecs?: readonly KeySpec[];
  /** Key positions for commands whose keys move (movablekeys), e.g. ZUNIONSTORE, EVAL. */
  readonly getKeys?: (argv: readonly string[]) => number[];
  /**
   * Keys with the flags of this call, for rows whose flags depend on the arguments (a
   * `variable_flags` or `incomplete` key spec: SET with or without GET, a read-only BITFIELD,
   * SORT's STORE), as Redis's getkeys procedure gives them to COMMAND GETKEYSANDFLAGS and ACL.
   */
  readonly getKeysAndFlags?: (argv: readonly string[]) => Array<{ pos: number; flags: readonly string[] }>;
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  /** COMMAND DOCS extras: arguments, history ([version, change]), doc flags, deprecation. */
  readonly args?: readonly CommandArg[];
  readonly history?: readonly (readonly [string, string])[];
  readonly docFlags?: readonly ('deprecated' | 'syscmd')[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  /** COMMAND INFO "tips" (request_policy, nondeterministic_output...). */
  readonly tips?: readonly string[];
  /** Required for leaf commands; containers (CLIENT, CONFIG...) dispatch to `subcommands`. */
  readonly handler?: Handler<C>;
  readonly subcommands?: readonly CommandSpec<C>[];
}
