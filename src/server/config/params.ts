/**
 * The typed table of configuration parameters: name, aliases (old names such as `slaveof`),
 * type, default (as CONFIG GET prints it), whether CONFIG SET may change it, and validation.
 * This table is the single source for the config-file parser, the command line, CONFIG GET/SET
 * and CONFIG REWRITE.
 */

export type ParamType =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'memory'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly multi?: boolean }
  | { readonly kind: 'string' }
  | { readonly kind: 'special'; readonly parse: (args: readonly string[]) => ConfigValue | { error: string }; readonly format: (v: ConfigValue) => string };

export type ConfigValue = boolean | number | string | readonly string[] | ConfigObject;
export interface ConfigObject { readonly [k: string]: unknown }

export interface ParamDef {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly type: ParamType;
  /** Default as text, exactly as CONFIG GET prints it; parsed through the type at startup. */
  readonly default: string;
  /** False for parameters only settable at startup (CONFIG SET replies "can't set immutable config"). */
  readonly mutable: boolean;
  /** Accepted and reported, but Garrison has no behaviour attached (yet): listed in docs/compatibility.md. */
  readonly inert?: boolean;
  /** Extra validation after type parsing; returns an error text or null. */
  readonly validate?: (v: ConfigValue) => string | null;
}

const MAX_INT = 2147483647;
const LLONG_MAX = Number.MAX_SAFE_INTEGER;

const bool = (name: string, def: 'yes' | 'no', mutable = true, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type: { kind: 'bool' }, default: def, mutable, ...extra });
const int = (name: string, def: number, min: number, max: number, mutable = true, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type: { kind: 'int', min, max }, default: String(def), mutable, ...extra });
const mem = (name: string, def: string, min: number, max: number, mutable = true, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type: { kind: 'memory', min, max }, default: def, mutable, ...extra });
const str = (name: string, def: string, mutable = true, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type: { kind: 'string' }, default: def, mutable, ...extra });
const enm = (name: string, def: string, values: readonly string[], mutable = true, extra: Partial<ParamDef> = {}): ParamDef =>
  ({ name, type: { kind: 'enum', values }, default: def, mutable, ...extra });

/** Core parameters the server reads. The config module extends this table to every Redis 7.0 directive. */
export const CORE_PARAMS: readonly ParamDef[] = [
  int('port', 6379, 0, 65535),
  str('bind', '* -::*'),
  bool('protected-mode', 'yes'),
  int('tcp-backlog', 511, 0, MAX_INT, false),
  int('timeout', 0, 0, MAX_INT),
  int('tcp-keepalive', 300, 0, MAX_INT),
  int('databases', 16, 1, MAX_INT, false),
  int('hz', 10, 0, MAX_INT),
  enm('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  str('logfile', '', false),
  str('pidfile', '', false),
  str('requirepass', ''),
  int('maxclients', 10000, 1, MAX_INT),
  mem('proto-max-bulk-len', '536870912', 1024 * 1024, LLONG_MAX),
  mem('client-query-buffer-limit', '1073741824', 1024 * 1024, LLONG_MAX),
  str('notify-keyspace-events', ''),
  int('slowlog-log-slower-than', 10000, -1, LLONG_MAX),
  int('slowlog-max-len', 128, 0, LLONG_MAX),
  int('latency-monitor-threshold', 0, 0, LLONG_MAX),
  enm('enable-debug-command', 'no', ['no', 'yes', 'local'], false),
];
