/**
 * The typed table of every Redis 7.0.15 configuration parameter: name, aliases (old names such as
 * `slaveof`, `hash-max-ziplist-entries`), type with Redis's bounds, default (as CONFIG GET prints
 * it), and the flags that decide CONFIG SET's answers (immutable, protected) and CONFIG GET's
 * (hidden parameters answer only to their exact name). This table is the single source for the
 * config-file parser, the command line, CONFIG GET/SET and CONFIG REWRITE.
 *
 * `inert: true` marks parameters Garrison accepts and reports but does not act on yet; they are
 * listed in docs/compatibility.md. A subsystem that starts honouring one removes the flag.
 */
import { formatNotifyKeyspaceEvents, NOTIFY_CLASS_ERROR, parseNotifyKeyspaceEvents } from './notify.js';
import {
  formatMemoryForRewrite, formatPercentile, INT_MAX, INT_MIN, LLONG_MAX, LONG_MAX, memtoull, repr, strtollStrict,
  ULLONG_MAX, UINT_MAX,
} from './values.js';
import { string2d } from '../../lib/strtod.js';
import { validProcTitleTemplate } from '../proc-title.js';

export type ConfigValue = boolean | number | bigint | string | object;

/** One `name value...` line CONFIG REWRITE wants, and whether it must be written when the file lacks it. */
export interface RewriteLine {
  readonly line: string;
  readonly force: boolean;
}

export type ParamType =
  | { readonly kind: 'bool' }
  /** Integers (string2ll syntax, or octal for `unixsocketperm`); `unsigned` = C unsigned type (boundary check on the unsigned view). */
  | { readonly kind: 'int'; readonly min: bigint; readonly max: bigint; readonly unsigned?: boolean; readonly octal?: boolean }
  /** Byte counts with units; `percent` also takes "N%" (stored negative, like Redis). */
  | { readonly kind: 'memory'; readonly min: bigint; readonly max: bigint; readonly unsigned?: boolean; readonly percent?: boolean }
  /**
   * Names with values, matched case-insensitively. Several names may share a value (the first one
   * is printed). `multi`: bit flags, several names may be given and are OR-ed (shutdown-on-sig*).
   */
  | { readonly kind: 'enum'; readonly values: readonly (readonly [string, number])[]; readonly multi?: boolean }
  /** `emptyIsNull`: "" means unset (CONFIG REWRITE then removes the directive). */
  | { readonly kind: 'string'; readonly emptyIsNull?: boolean }
  | {
    readonly kind: 'special';
    /** Parses the arguments; `prev` is the current value (client-output-buffer-limit keeps unnamed classes). */
    readonly parse: (args: readonly string[], prev: ConfigValue | undefined) => ConfigValue | { error: string };
    readonly format: (v: ConfigValue) => string;
    /** Lines for CONFIG REWRITE, or null to drop every line of this directive from the file. */
    readonly rewrite: (v: ConfigValue, name: string) => readonly RewriteLine[] | null;
    /** The directive takes any number of arguments (CONFIG SET splits its value at spaces). */
    readonly multiArg: boolean;
  };

export interface ParamDef {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type: ParamType;
  /** Default as text, exactly as CONFIG GET prints it; parsed through the type at startup. */
  readonly default: string;
  /** False for parameters only settable at startup (CONFIG SET replies "can't set immutable config"). */
  readonly mutable: boolean;
  /** CONFIG SET needs enable-protected-configs (dir, dbfilename). */
  readonly protected?: boolean;
  /** Not matched by CONFIG GET patterns, only by its exact name (Redis's debugging knobs). */
  readonly hidden?: boolean;
  /** Its value is redacted from SLOWLOG/MONITOR (passwords). */
  readonly sensitive?: boolean;
  /** CONFIG SET answers -LOADING while a dataset is loading (Redis's DENY_LOADING_CONFIG: appendonly, dir). */
  readonly denyLoading?: boolean;
  /** Accepted and reported, but Garrison has no behaviour attached (yet): listed in docs/compatibility.md. */
  readonly inert?: boolean;
  /** Extra validation after type parsing; returns an error text or null. */
  readonly validate?: (v: ConfigValue) => string | null;
  /** The default as a value, when its text cannot be parsed back (replicaof's "" means "no one"). */
  readonly initial?: ConfigValue;
  /** Config-file only: a repeated directive adds to the first one's value instead of replacing it (`save`). */
  readonly accumulate?: boolean;
}

/** Optional flags of a row. */
type Extra = Partial<Pick<ParamDef, 'aliases' | 'protected' | 'hidden' | 'sensitive' | 'denyLoading' | 'inert' | 'validate' | 'accumulate' | 'initial'>>;
/** isValidActiveDefrag's refusal in a redis-server built without defragmentation support. */
const ERR_NO_DEFRAG = 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution';
const IMM = false;
const MUT = true;

const bool = (name: string, def: 'yes' | 'no', mutable: boolean, extra: Extra = {}): ParamDef =>
  ({ name, type: { kind: 'bool' }, default: def, mutable, ...extra });
const int = (name: string, def: number, min: bigint, max: bigint, mutable: boolean, extra: Extra = {}, unsigned = false): ParamDef =>
  ({ name, type: { kind: 'int', min, max, unsigned }, default: String(def), mutable, ...extra });
const uint = (name: string, def: number, min: bigint, max: bigint, mutable: boolean, extra: Extra = {}): ParamDef =>
  int(name, def, min, max, mutable, extra, true);
const mem = (name: string, def: bigint | number, min: bigint, max: bigint, mutable: boolean, extra: Extra = {}, unsigned = false): ParamDef =>
  ({ name, type: { kind: 'memory', min, max, unsigned }, default: String(def), mutable, ...extra });
const umem = (name: string, def: bigint | number, min: bigint, max: bigint, mutable: boolean, extra: Extra = {}): ParamDef =>
  mem(name, def, min, max, mutable, extra, true);
const str = (name: string, def: string, mutable: boolean, extra: Extra = {}, emptyIsNull = false): ParamDef =>
  ({ name, type: { kind: 'string', emptyIsNull }, default: def, mutable, ...extra });
const nstr = (name: string, mutable: boolean, extra: Extra = {}): ParamDef => str(name, '', mutable, extra, true);
const enm = (name: string, def: string, values: readonly (readonly [string, number])[], mutable: boolean, extra: Extra = {}, multi = false): ParamDef =>
  ({ name, type: { kind: 'enum', values, multi }, default: def, mutable, ...extra });
const seq = (...names: string[]): Array<[string, number]> => names.map((n, i) => [n, i]);

const PROTECTED_ACTION = seq('no', 'yes', 'local');
const SHUTDOWN_ON_SIG: Array<[string, number]> = [['default', 0], ['save', 1], ['nosave', 2], ['now', 4], ['force', 8]];

// ------------------------------------------------------------------------------------------------
// Special parameters

/** `save <seconds> <changes> ...` as pairs; "" alone means no save points. */
export type SavePoints = ReadonlyArray<readonly [number, number]>;

function parseSave(args: readonly string[]): ConfigValue | { error: string } {
  const a = args.length === 1 && args[0] === '' ? [] : args;
  if (a.length % 2 !== 0) return { error: 'Invalid save parameters' };
  const out: Array<readonly [number, number]> = [];
  for (let j = 0; j < a.length; j += 2) {
    const s = strtollStrict(a[j]!);
    const c = strtollStrict(a[j + 1]!);
    if (s === null || c === null || s < 1n || c < 0n) return { error: 'Invalid save parameters' };
    out.push([Number(s), Number(BigInt.asIntN(32, c))]);
  }
  return out as SavePoints;
}

export interface OutputLimit { readonly hard: number; readonly soft: number; readonly softSeconds: number }
export interface OutputLimits { readonly normal: OutputLimit; readonly replica: OutputLimit; readonly pubsub: OutputLimit }
const OBUF_CLASSES = ['normal', 'replica', 'pubsub'] as const;
const OBUF_DEFAULTS: OutputLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
  pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
};

function obufClass(name: string): 'normal' | 'replica' | 'pubsub' | null {
  const l = name.toLowerCase();
  if (l === 'normal') return 'normal';
  if (l === 'slave' || l === 'replica') return 'replica';
  if (l === 'pubsub') return 'pubsub';
  return null; // "master" is a client class too, but not a valid one here
}

function parseOutputLimits(args: readonly string[], prev: ConfigValue | undefined): ConfigValue | { error: string } {
  if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const next: Record<string, OutputLimit> = { ...((prev as OutputLimits | undefined) ?? OBUF_DEFAULTS) };
  for (let j = 0; j < args.length; j += 4) {
    const cls = obufClass(args[j]!);
    if (cls === null) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = memtoull(args[j + 1]!);
    const soft = memtoull(args[j + 2]!);
    const secs = strtollStrict(args[j + 3]!);
    if (hard === null || soft === null || secs === null || BigInt.asIntN(32, secs) < 0n) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    next[cls] = { hard: Number(hard), soft: Number(soft), softSeconds: Number(BigInt.asIntN(32, secs)) };
  }
  return next as unknown as OutputLimits;
}

function formatOutputLimits(v: ConfigValue): string {
  const o = v as OutputLimits;
  return OBUF_CLASSES.map((c) => `${c === 'replica' ? 'slave' : c} ${o[c].hard} ${o[c].soft} ${o[c].softSeconds}`).join(' ');
}

export type ReplicaOf = { readonly host: string; readonly port: number } | null;

function parseReplicaOf(args: readonly string[]): ConfigValue | { error: string } {
  if (args.length !== 2) return { error: 'wrong number of arguments' };
  if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') return { none: true };
  const p = strtollStrict(args[1]!);
  if (p === null || p < 0n || p > 65535n) return { error: 'Invalid master port' };
  return { host: args[0]!, port: Number(p) };
}

/** The `replicaof` value as { host, port } or null. */
export function replicaOf(v: ConfigValue): ReplicaOf {
  const o = v as { host?: string; port?: number };
  return o.host === undefined ? null : { host: o.host, port: o.port ?? 0 };
}

const CONFIG_BINDADDR_MAX = 16;

const SPECIALS = {
  save: {
    kind: 'special', multiArg: true,
    parse: parseSave,
    format: (v) => (v as SavePoints).map(([s, c]) => `${s} ${c}`).join(' '),
    rewrite: (v, name) => {
      const pts = v as SavePoints;
      if (pts.length === 0) return [{ line: `${name} ""`, force: true }];
      return pts.map(([s, c]) => ({ line: `${name} ${s} ${c}`, force: true }));
    },
  },
  obuf: {
    kind: 'special', multiArg: true,
    parse: parseOutputLimits,
    format: formatOutputLimits,
    rewrite: (v, name) => OBUF_CLASSES.map((c) => {
      const cur = (v as OutputLimits)[c];
      const def = OBUF_DEFAULTS[c];
      const force = cur.hard !== def.hard || cur.soft !== def.soft || cur.softSeconds !== def.softSeconds;
      return { line: `${name} ${c} ${formatMemoryForRewrite(cur.hard)} ${formatMemoryForRewrite(cur.soft)} ${cur.softSeconds}`, force };
    }),
  },
  oomValues: {
    kind: 'special', multiArg: true,
    parse: (args) => {
      if (args.length !== 3) return { error: 'wrong number of arguments' };
      const out: number[] = [];
      for (const a of args) {
        const n = strtollStrict(a);
        if (n === null || n < -2000n || n > 2000n) return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
        out.push(Number(n));
      }
      return out;
    },
    format: (v) => (v as number[]).join(' '),
    rewrite: (v, name) => [{ line: `${name} ${(v as number[]).join(' ')}`, force: (v as number[]).join(' ') !== '0 200 800' }],
  },
  notify: {
    kind: 'special', multiArg: false,
    parse: (args) => {
      if (args.length !== 1) return { error: 'wrong number of arguments' };
      const f = parseNotifyKeyspaceEvents(args[0]!);
      return f === null ? { error: NOTIFY_CLASS_ERROR } : f;
    },
    format: (v) => formatNotifyKeyspaceEvents(v as number),
    rewrite: (v, name) => [{ line: `${name} ${repr(formatNotifyKeyspaceEvents(v as number))}`, force: (v as number) !== 0 }],
  },
  bind: {
    kind: 'special', multiArg: true,
    parse: (args) => {
      if (args.length > CONFIG_BINDADDR_MAX) return { error: 'Too many bind addresses specified.' };
      if (args.length === 1 && args[0] === '') return [];
      return [...args];
    },
    format: (v) => (v as string[]).join(' '),
    rewrite: (v, name) => {
      const a = v as string[];
      if (a.join(' ') === '* -::*' && a.length === 2) return null;
      return [{ line: `${name} ${a.length > 0 ? a.join(' ') : '""'}`, force: true }];
    },
  },
  replicaof: {
    kind: 'special', multiArg: true,
    parse: parseReplicaOf,
    format: (v) => {
      const r = replicaOf(v);
      return r === null ? '' : `${r.host} ${r.port}`;
    },
    rewrite: (v, name) => {
      const r = replicaOf(v);
      return r === null ? null : [{ line: `${name} ${r.host} ${r.port}`, force: true }];
    },
  },
  percentiles: {
    kind: 'special', multiArg: true,
    parse: (args) => {
      if (args.length === 1 && args[0] === '') return [];
      const out: number[] = [];
      for (const a of args) {
        const d = string2d(a);
        if (d === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
        if (d > 100 || d < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
        out.push(d);
      }
      return out;
    },
    format: (v) => (v as number[]).map(formatPercentile).join(' '),
    rewrite: (v, name) => {
      const a = v as number[];
      return [{ line: a.length === 0 ? `${name} ""` : `${name} ${a.map(formatPercentile).join(' ')}`, force: true }];
    },
  },
  dir: {
    kind: 'special', multiArg: false,
    parse: (args) => (args.length !== 1 ? { error: 'wrong number of arguments' } : args[0]!),
    format: (v) => v as string,
    rewrite: (v, name) => [{ line: `${name} ${repr(v as string)}`, force: true }],
  },
} satisfies Record<string, ParamType>;

const special = (name: string, type: ParamType, def: string, mutable: boolean, extra: Extra = {}): ParamDef =>
  ({ name, type, default: def, mutable, ...extra });

const inert: Extra = { inert: true };

function shutdownFlagsValid(v: ConfigValue): string | null {
  const names = String(v).split(' ');
  return names.includes('save') && names.includes('nosave') ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
}

// ------------------------------------------------------------------------------------------------
// The table, in the order of Redis's config.c (bool, string, sds, enum, numeric, TLS, special).

export const ALL_PARAMS: readonly ParamDef[] = [
  // Bool
  bool('rdbchecksum', 'yes', IMM),
  bool('daemonize', 'no', IMM, inert),
  bool('io-threads-do-reads', 'no', IMM, inert),
  bool('always-show-logo', 'no', IMM),
  bool('protected-mode', 'yes', MUT),
  bool('rdbcompression', 'yes', MUT),
  bool('rdb-del-sync-files', 'no', MUT),
  bool('activerehashing', 'yes', MUT),
  bool('stop-writes-on-bgsave-error', 'yes', MUT),
  bool('set-proc-title', 'yes', IMM),
  bool('dynamic-hz', 'yes', MUT, inert),
  bool('lazyfree-lazy-eviction', 'no', MUT, inert),
  bool('lazyfree-lazy-expire', 'no', MUT),
  bool('lazyfree-lazy-server-del', 'no', MUT, inert),
  bool('lazyfree-lazy-user-del', 'no', MUT),
  bool('lazyfree-lazy-user-flush', 'no', MUT, inert),
  bool('repl-disable-tcp-nodelay', 'no', MUT),
  bool('repl-diskless-sync', 'yes', MUT),
  bool('aof-rewrite-incremental-fsync', 'yes', MUT, inert),
  bool('no-appendfsync-on-rewrite', 'no', MUT),
  bool('cluster-require-full-coverage', 'yes', MUT, inert),
  bool('rdb-save-incremental-fsync', 'yes', MUT, inert),
  bool('aof-load-truncated', 'yes', MUT),
  bool('aof-use-rdb-preamble', 'yes', MUT),
  bool('aof-timestamp-enabled', 'no', MUT),
  bool('cluster-replica-no-failover', 'no', MUT, { aliases: ['cluster-slave-no-failover'], inert: true }),
  bool('replica-lazy-flush', 'no', MUT, { aliases: ['slave-lazy-flush'], inert: true }),
  bool('replica-serve-stale-data', 'yes', MUT, { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', 'yes', MUT, { aliases: ['slave-read-only'] }),
  bool('replica-ignore-maxmemory', 'yes', MUT, { aliases: ['slave-ignore-maxmemory'], inert: true }),
  bool('jemalloc-bg-thread', 'yes', MUT, inert),
  // Garrison has no active defragmentation: 'yes' is refused as by a redis-server built without it.
  bool('activedefrag', 'no', MUT, { validate: (v) => (v === true ? ERR_NO_DEFRAG : null) }),
  bool('syslog-enabled', 'no', IMM, inert),
  bool('cluster-enabled', 'no', IMM),
  bool('appendonly', 'no', MUT, { denyLoading: true }),
  bool('cluster-allow-reads-when-down', 'no', MUT, inert),
  bool('cluster-allow-pubsubshard-when-down', 'yes', MUT, inert),
  bool('crash-log-enabled', 'yes', MUT),
  bool('crash-memcheck-enabled', 'yes', MUT, inert),
  bool('use-exit-on-panic', 'no', MUT, { hidden: true, inert: true }),
  bool('disable-thp', 'yes', IMM, inert),
  bool('cluster-allow-replica-migration', 'yes', MUT, inert),
  bool('replica-announced', 'yes', MUT),
  bool('latency-tracking', 'yes', MUT),
  bool('aof-disable-auto-gc', 'no', MUT),
  bool('replica-ignore-disk-write-errors', 'no', MUT, inert),

  // String
  str('aclfile', '', IMM),
  nstr('unixsocket', IMM),
  nstr('pidfile', IMM),
  nstr('replica-announce-ip', MUT, { aliases: ['slave-announce-ip'] }),
  nstr('masteruser', MUT, { sensitive: true }),
  nstr('cluster-announce-ip', MUT, inert),
  str('cluster-config-file', 'nodes.conf', IMM, inert),
  nstr('cluster-announce-hostname', MUT, { inert: true, validate: validateHostname }),
  str('syslog-ident', 'redis', IMM, inert),
  str('dbfilename', 'dump.rdb', MUT, { protected: true, validate: (v) => (isBaseName(String(v)) ? null : "dbfilename can't be a path, just a filename") }),
  str('appendfilename', 'appendonly.aof', IMM, { validate: (v) => (v === '' ? "appendfilename can't be empty" : isBaseName(String(v)) ? null : "appendfilename can't be a path, just a filename") }),
  str('appenddirname', 'appendonlydir', IMM, { validate: (v) => (v === '' ? "appenddirname can't be empty" : isBaseName(String(v)) ? null : "appenddirname can't be a path, just a dirname") }),
  nstr('server_cpulist', IMM, inert),
  nstr('bio_cpulist', IMM, inert),
  nstr('aof_rewrite_cpulist', IMM, inert),
  nstr('bgsave_cpulist', IMM, inert),
  str('ignore-warnings', '', MUT, inert),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', MUT, { validate: validateProcTitle }),
  nstr('bind-source-addr', MUT),
  str('logfile', '', IMM),
  // SDS
  nstr('masterauth', MUT, { sensitive: true }),
  nstr('requirepass', MUT, { sensitive: true }),

  // Enum
  enm('supervised', 'no', [['upstart', 1], ['systemd', 2], ['auto', 3], ['no', 0]], IMM, inert),
  enm('syslog-facility', 'local0', seq('user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'), IMM, inert),
  enm('repl-diskless-load', 'disabled', seq('disabled', 'on-empty-db', 'swapdb'), MUT),
  enm('loglevel', 'notice', seq('debug', 'verbose', 'notice', 'warning'), MUT),
  enm('maxmemory-policy', 'noeviction', seq('volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'), MUT, inert),
  enm('appendfsync', 'everysec', [['everysec', 2], ['always', 1], ['no', 0]], MUT),
  enm('oom-score-adj', 'no', [['no', 0], ['yes', 1], ['relative', 1], ['absolute', 2]], MUT),
  enm('acl-pubsub-default', 'resetchannels', [['allchannels', 1], ['resetchannels', 0]], MUT),
  enm('sanitize-dump-payload', 'no', seq('no', 'yes', 'clients'), MUT, inert),
  enm('enable-protected-configs', 'no', PROTECTED_ACTION, IMM),
  enm('enable-debug-command', 'no', PROTECTED_ACTION, IMM),
  enm('enable-module-command', 'no', PROTECTED_ACTION, IMM),
  enm('cluster-preferred-endpoint-type', 'ip', seq('ip', 'hostname', 'unknown-endpoint'), MUT, inert),
  enm('propagation-error-behavior', 'ignore', seq('ignore', 'panic', 'panic-on-replicas'), MUT, inert),
  enm('shutdown-on-sigint', 'default', SHUTDOWN_ON_SIG, MUT, { validate: shutdownFlagsValid }, true),
  enm('shutdown-on-sigterm', 'default', SHUTDOWN_ON_SIG, MUT, { validate: shutdownFlagsValid }, true),

  // Integer
  int('databases', 16, 1n, INT_MAX, IMM),
  int('port', 6379, 0n, 65535n, MUT),
  int('io-threads', 1, 1n, 128n, IMM, inert),
  int('auto-aof-rewrite-percentage', 100, 0n, INT_MAX, MUT),
  int('cluster-replica-validity-factor', 10, 0n, INT_MAX, MUT, { aliases: ['cluster-slave-validity-factor'], inert: true }),
  int('list-max-listpack-size', -2, INT_MIN, INT_MAX, MUT, { aliases: ['list-max-ziplist-size'] }),
  int('tcp-keepalive', 300, 0n, INT_MAX, MUT),
  int('cluster-migration-barrier', 1, 0n, INT_MAX, MUT, inert),
  int('active-defrag-cycle-min', 1, 1n, 99n, MUT, inert),
  int('active-defrag-cycle-max', 25, 1n, 99n, MUT, inert),
  int('active-defrag-threshold-lower', 10, 0n, 1000n, MUT, inert),
  int('active-defrag-threshold-upper', 100, 0n, 1000n, MUT, inert),
  int('lfu-log-factor', 10, 0n, INT_MAX, MUT, inert),
  int('lfu-decay-time', 1, 0n, INT_MAX, MUT, inert),
  int('replica-priority', 100, 0n, INT_MAX, MUT, { aliases: ['slave-priority'] }),
  int('repl-diskless-sync-delay', 5, 0n, INT_MAX, MUT),
  int('maxmemory-samples', 5, 1n, INT_MAX, MUT, inert),
  int('maxmemory-eviction-tenacity', 10, 0n, 100n, MUT, inert),
  int('timeout', 0, 0n, INT_MAX, MUT),
  int('replica-announce-port', 0, 0n, 65535n, MUT, { aliases: ['slave-announce-port'] }),
  int('tcp-backlog', 511, 0n, INT_MAX, IMM),
  int('cluster-port', 0, 0n, 65535n, IMM, inert),
  int('cluster-announce-bus-port', 0, 0n, 65535n, MUT, inert),
  int('cluster-announce-port', 0, 0n, 65535n, MUT, inert),
  int('cluster-announce-tls-port', 0, 0n, 65535n, MUT, inert),
  int('repl-timeout', 60, 1n, INT_MAX, MUT),
  int('repl-ping-replica-period', 10, 1n, INT_MAX, MUT, { aliases: ['repl-ping-slave-period'] }),
  int('list-compress-depth', 0, 0n, INT_MAX, MUT, inert),
  int('rdb-key-save-delay', 0, INT_MIN, INT_MAX, MUT, { hidden: true }),
  int('key-load-delay', 0, INT_MIN, INT_MAX, MUT, { hidden: true }),
  int('active-expire-effort', 1, 1n, 10n, MUT),
  int('hz', 10, 0n, INT_MAX, MUT),
  int('min-replicas-to-write', 0, 0n, INT_MAX, MUT, { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 10, 0n, INT_MAX, MUT, { aliases: ['min-slaves-max-lag'] }),
  int('watchdog-period', 0, 0n, INT_MAX, MUT, { hidden: true, inert: true }),
  int('shutdown-timeout', 10, 0n, INT_MAX, MUT),
  int('repl-diskless-sync-max-replicas', 0, 0n, INT_MAX, MUT),
  // Unsigned int
  uint('maxclients', 10000, 1n, UINT_MAX, MUT),
  { name: 'unixsocketperm', type: { kind: 'int', min: 0n, max: 0o777n, unsigned: true, octal: true }, default: '0', mutable: IMM },
  uint('socket-mark-id', 0, 0n, UINT_MAX, IMM, inert),
  // Unsigned long (checked as signed in Redis)
  int('active-defrag-max-scan-fields', 1000, 1n, LONG_MAX, MUT, inert),
  int('slowlog-max-len', 128, 0n, LONG_MAX, MUT),
  int('acllog-max-len', 128, 0n, LONG_MAX, MUT),
  // Long long
  int('busy-reply-threshold', 5000, 0n, LONG_MAX, MUT, { aliases: ['lua-time-limit'], inert: true }),
  int('cluster-node-timeout', 15000, 0n, LLONG_MAX, MUT, inert),
  int('slowlog-log-slower-than', 10000, -1n, LLONG_MAX, MUT),
  int('latency-monitor-threshold', 0, 0n, LLONG_MAX, MUT),
  mem('proto-max-bulk-len', 512 * 1024 * 1024, 1024n * 1024n, LONG_MAX, MUT),
  int('stream-node-max-entries', 100, 0n, LLONG_MAX, MUT),
  mem('repl-backlog-size', 1024 * 1024, 1n, LLONG_MAX, MUT),
  // Unsigned long long
  umem('maxmemory', 0, 0n, ULLONG_MAX, MUT, inert),
  umem('cluster-link-sendbuf-limit', 0, 0n, ULLONG_MAX, MUT, inert),
  // size_t
  uint('hash-max-listpack-entries', 512, 0n, LONG_MAX, MUT, { aliases: ['hash-max-ziplist-entries'] }),
  uint('set-max-intset-entries', 512, 0n, LONG_MAX, MUT),
  uint('zset-max-listpack-entries', 128, 0n, LONG_MAX, MUT, { aliases: ['zset-max-ziplist-entries'] }),
  umem('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1n, LLONG_MAX, MUT, inert),
  umem('hash-max-listpack-value', 64, 0n, LONG_MAX, MUT, { aliases: ['hash-max-ziplist-value'] }),
  umem('stream-node-max-bytes', 4096, 0n, LONG_MAX, MUT),
  umem('zset-max-listpack-value', 64, 0n, LONG_MAX, MUT, { aliases: ['zset-max-ziplist-value'] }),
  umem('hll-sparse-max-bytes', 3000, 0n, LONG_MAX, MUT),
  uint('tracking-table-max-keys', 1000000, 0n, LONG_MAX, MUT),
  umem('client-query-buffer-limit', 1024 * 1024 * 1024, 1024n * 1024n, LONG_MAX, MUT),
  { name: 'maxmemory-clients', type: { kind: 'memory', min: -100n, max: LLONG_MAX, percent: true }, default: '0', mutable: MUT, inert: true },
  // time_t / off_t
  int('repl-backlog-ttl', 3600, 0n, LONG_MAX, MUT),
  mem('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0n, LLONG_MAX, MUT),
  int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024n, INT_MAX, MUT, { hidden: true, inert: true }),

  // TLS (Debian's redis-server is built with TLS; Garrison has no TLS listener yet)
  int('tls-port', 0, 0n, 65535n, MUT, inert),
  int('tls-session-cache-size', 20 * 1024, 0n, INT_MAX, MUT, inert),
  int('tls-session-cache-timeout', 300, 0n, INT_MAX, MUT, inert),
  bool('tls-cluster', 'no', MUT, inert),
  bool('tls-replication', 'no', MUT, inert),
  enm('tls-auth-clients', 'yes', seq('no', 'yes', 'optional'), MUT, inert),
  bool('tls-prefer-server-ciphers', 'no', MUT, inert),
  bool('tls-session-caching', 'yes', MUT, inert),
  nstr('tls-cert-file', MUT, inert),
  nstr('tls-key-file', MUT, inert),
  nstr('tls-key-file-pass', MUT, inert),
  nstr('tls-client-cert-file', MUT, inert),
  nstr('tls-client-key-file', MUT, inert),
  nstr('tls-client-key-file-pass', MUT, inert),
  nstr('tls-dh-params-file', MUT, inert),
  nstr('tls-ca-cert-file', MUT, inert),
  nstr('tls-ca-cert-dir', MUT, inert),
  nstr('tls-protocols', MUT, inert),
  nstr('tls-ciphers', MUT, inert),
  nstr('tls-ciphersuites', MUT, inert),

  // Special
  special('dir', SPECIALS.dir, '', MUT, { protected: true, denyLoading: true }),
  special('save', SPECIALS.save, '3600 1 300 100 60 10000', MUT, { accumulate: true }),
  special('client-output-buffer-limit', SPECIALS.obuf, 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', MUT),
  special('oom-score-adj-values', SPECIALS.oomValues, '0 200 800', MUT),
  special('notify-keyspace-events', SPECIALS.notify, '', MUT),
  special('bind', SPECIALS.bind, '* -::*', MUT),
  special('replicaof', SPECIALS.replicaof, '', IMM, { aliases: ['slaveof'], initial: { none: true } }),
  special('latency-tracking-info-percentiles', SPECIALS.percentiles, '50 99 99.9', MUT),
];

/** Kept for callers written against the first skeleton: the full table. */
export const CORE_PARAMS = ALL_PARAMS;

function isBaseName(p: string): boolean {
  return !p.includes('/');
}

function validateHostname(v: ConfigValue): string | null {
  const s = String(v);
  if (s.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(s)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
}

/** proc-title-template: server/proc-title.ts's expansion must succeed and give a non-empty title. */
function validateProcTitle(v: ConfigValue): string | null {
  return validProcTitleTemplate(String(v)) ? null : 'template format is invalid or contains unknown variables';
}
