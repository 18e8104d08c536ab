/**
 * The live configuration of one node: values parsed through the parameter table (params.ts),
 * typed getters, change listeners (so hot paths cache what they read), CONFIG GET's matching,
 * and CONFIG SET's all-or-nothing update (validate every pair, set them all, run the apply
 * actions, roll everything back if one fails) with Redis 7.0's error texts.
 *
 * Directives that are not parameters (rename-command, user, loadmodule, include...) are kept in
 * `directives` by the config-file loader for the modules that act on them.
 */
import { globMatch } from '../../lib/glob.js';
import type { ConfigValue, ParamDef } from './params.js';
import { ALL_PARAMS } from './params.js';
import { asSigned64, asUnsigned64, memtoull, parseOctal, string2ll, toBig, toNum } from './values.js';

export { parseNotifyKeyspaceEvents, formatNotifyKeyspaceEvents, NOTIFY, NOTIFY_ALL } from './notify.js';

/** Parses "1gb", "64mb", "100k"... as Redis's memtoull does (number, lossy beyond 2^53). */
export function parseMemory(s: string): number | null {
  const v = memtoull(s);
  return v === null ? null : Number(v);
}

/** What an apply action answers: null when done, an error text, or later (rebinding a listener). */
export type ApplyResult = string | null | Promise<string | null>;
export type ApplyFn = () => ApplyResult;

/** configSet's answer when a parameter it names cannot change while a dataset loads (the reply is -LOADING). */
export const DENIED_WHILE_LOADING: unique symbol = Symbol('denied while loading');

export interface ConfigDirectives {
  /** rename-command pairs in file order ("" as the new name removes the command). */
  renameCommands: Array<[string, string]>;
  /** `user` lines (arguments after the keyword), for the ACL module. */
  users: string[][];
  /** `loadmodule path args...` */
  loadModules: string[][];
  /** `<module>.<name> value` */
  moduleConfigs: Array<[string, string]>;
  /** `sentinel ...` lines (arguments after the keyword), with their line numbers. */
  sentinel: Array<{ args: string[]; line: number; text: string }>;
}

/** File access CONFIG REWRITE needs (main.ts passes the real file system). */
export interface ConfigFileStore {
  /** The file's text; null when it does not exist; { error } (strerror text) when it cannot be read. */
  read(path: string): string | null | { error: string };
  /** Replaces the file atomically (temp file + fsync + rename); null, or the strerror text. */
  writeAtomic(path: string, text: string): string | null;
  /** getcwd(3), for `dir`. */
  cwd(): string;
}

export interface ConfigOptions {
  /** Defaults that depend on the environment, e.g. { dir: process.cwd() }. */
  defaults?: Record<string, string>;
}

function isError(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as { error: unknown }).error === 'string';
}

/** A numeric value as a JS number: exact up to 2^53, beyond it the nearest double. */
function asNumber(v: ConfigValue): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

export class Config {
  private readonly defs = new Map<string, ParamDef>();
  /** Every name (primaries and aliases) in table order, for pattern matching. */
  private readonly names: Array<{ name: string; def: ParamDef }> = [];
  private readonly values = new Map<string, ConfigValue>();
  private readonly defaults = new Map<string, ConfigValue>();
  private readonly listeners = new Map<string, Array<(v: ConfigValue) => void>>();
  private readonly appliers = new Map<string, ApplyFn[]>();
  /** Told the parameter's name when an apply action fails, before CONFIG SET rolls back (the log line). */
  onApplyFailure: ((name: string) => void) | null = null;
  readonly directives: ConfigDirectives = { renameCommands: [], users: [], loadModules: [], moduleConfigs: [], sentinel: [] };
  /** Absolute path of the config file the server was started with (CONFIG REWRITE's target). */
  configFile: string | null = null;
  /** File access for CONFIG REWRITE; null in library use (no config file). */
  store: ConfigFileStore | null = null;
  /**
   * The `user` lines CONFIG REWRITE writes (without the keyword), or null when an aclfile owns the
   * users. Set by the server's ACL (server/acl/acl.ts).
   */
  describeUsers: (() => string[] | null) | null = null;

  constructor(params: readonly ParamDef[] = ALL_PARAMS, opts: ConfigOptions = {}) {
    for (const p of params) {
      this.defs.set(p.name, p);
      this.names.push({ name: p.name, def: p });
      for (const a of p.aliases ?? []) {
        this.defs.set(a, p);
        this.names.push({ name: a, def: p });
      }
      const text = opts.defaults?.[p.name] ?? p.default;
      const v = p.initial !== undefined && opts.defaults?.[p.name] === undefined
        ? p.initial
        : this.parse(p, this.isMultiArg(p) ? splitSetValue(text) : [text], undefined);
      if (isError(v)) throw new Error(`bad default for ${p.name}: ${v.error}`);
      this.values.set(p.name, v);
      this.defaults.set(p.name, v);
    }
  }

  def(name: string): ParamDef | undefined {
    return this.defs.get(name) ?? this.defs.get(name.toLowerCase());
  }

  /** Whether `name` (any case, or an alias) is a parameter whose values are secrets (SENSITIVE_CONFIG). */
  readonly isSensitive = (name: string): boolean => this.def(name)?.sensitive === true;

  allDefs(): ParamDef[] {
    return [...new Set(this.defs.values())];
  }

  /** The directive takes several arguments (config file) / its CONFIG SET value is split at spaces. */
  isMultiArg(p: ParamDef): boolean {
    return (p.type.kind === 'special' && p.type.multiArg) || (p.type.kind === 'enum' && p.type.multi === true);
  }

  /** Parses args for a parameter and validates; returns the value or { error } with Redis's wording. */
  parse(p: ParamDef, args: readonly string[], prev: ConfigValue | undefined = this.values.get(p.name)): ConfigValue | { error: string } {
    const v = this.parseType(p, args, prev);
    if (isError(v)) return v;
    const bad = p.validate?.(v);
    return bad ? { error: bad } : v;
  }

  private parseType(p: ParamDef, args: readonly string[], prev: ConfigValue | undefined): ConfigValue | { error: string } {
    const t = p.type;
    if (t.kind === 'special') return t.parse(args, prev);
    if (t.kind === 'enum') return parseEnum(t.values, args, t.multi === true);
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const a = args[0]!;
    switch (t.kind) {
      case 'bool': {
        const l = a.toLowerCase();
        if (l === 'yes') return true;
        if (l === 'no') return false;
        return { error: "argument must be 'yes' or 'no'" };
      }
      case 'string':
        return a;
      case 'int':
      case 'memory': {
        let ll: bigint | null = null;
        if (t.kind === 'memory') {
          const m = memtoull(a);
          if (m !== null) ll = asSigned64(m);
          if (ll === null && t.percent === true && a.length > 1 && a.endsWith('%')) {
            const pc = string2ll(a.slice(0, -1));
            if (pc !== null && pc >= 0n) ll = -pc;
          }
          if (ll === null) return { error: t.percent === true ? 'argument must be a memory or percent value' : 'argument must be a memory value' };
        } else if (t.octal === true) {
          ll = parseOctal(a);
          if (ll === null) return { error: "argument couldn't be parsed as an octal number" };
        } else {
          ll = string2ll(a);
          if (ll === null) return { error: "argument couldn't be parsed into an integer" };
        }
        if (t.unsigned === true) {
          const u = asUnsigned64(ll);
          if (u > t.max || u < t.min) {
            return { error: t.kind === 'int' && t.octal === true
              ? `argument must be between ${t.min.toString(8)} and ${t.max.toString(8)} inclusive`
              : `argument must be between ${t.min} and ${t.max} inclusive` };
          }
          return toNum(u);
        }
        if (t.kind === 'memory' && t.percent === true && ll < 0n) {
          if (ll < t.min) return { error: `percentage argument must be less or equal to ${-t.min}` };
        } else if (ll > t.max || ll < t.min) {
          return { error: `argument must be between ${t.min} and ${t.max} inclusive` };
        }
        return toNum(ll);
      }
    }
  }

  get(name: string): ConfigValue {
    const p = this.def(name);
    if (!p) throw new Error(`unknown config ${name}`);
    return this.values.get(p.name)!;
  }

  /** A numeric parameter as a JS number (exact up to 2^53; beyond, the nearest double). */
  int(name: string): number {
    return asNumber(this.get(name));
  }

  /** A numeric parameter, exactly. */
  big(name: string): bigint {
    return toBig(this.get(name) as number | bigint);
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  /** String and enum parameters as stored; any other parameter as CONFIG GET prints it. */
  str(name: string): string {
    const v = this.get(name);
    return typeof v === 'string' ? v : this.format(name);
  }

  /** The value as CONFIG GET prints it. */
  format(name: string): string {
    const p = this.def(name)!;
    return formatValue(p, this.values.get(p.name)!);
  }

  /** The default value of a parameter (parsed). */
  defaultValue(name: string): ConfigValue {
    return this.defaults.get(this.def(name)!.name)!;
  }

  /** Sets a parsed value and notifies listeners. */
  setValue(name: string, value: ConfigValue): void {
    const p = this.def(name)!;
    const v = p.name === 'hz' ? clampHz(value) : value;
    this.values.set(p.name, v);
    for (const fn of this.listeners.get(p.name) ?? []) fn(v);
  }

  /**
   * Parses and sets without CONFIG SET's mutability checks (startup, the library API). A single
   * argument of a multi-argument parameter is split at spaces, as CONFIG SET does. Returns an
   * error text or null.
   */
  set(name: string, args: readonly string[]): string | null {
    const p = this.def(name);
    if (!p) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
    const a = args.length === 1 && this.isMultiArg(p) ? splitSetValue(args[0]!) : args;
    const v = this.parse(p, a);
    if (isError(v)) return v.error;
    this.setValue(p.name, v);
    return null;
  }

  /** Calls fn now and whenever the parameter changes. */
  watch(name: string, fn: (v: ConfigValue) => void): void {
    const p = this.def(name)!;
    let list = this.listeners.get(p.name);
    if (!list) this.listeners.set(p.name, (list = []));
    list.push(fn);
    fn(this.values.get(p.name)!);
  }

  /**
   * watch() for a numeric parameter, as a JS number: values beyond 2^53 are stored as bigints
   * (LONG_MAX is a valid slowlog-max-len) and arrive rounded to the nearest double.
   */
  watchInt(name: string, fn: (n: number) => void): void {
    this.watch(name, (v) => fn(asNumber(v)));
  }

  /**
   * Registers an action CONFIG SET runs after changing any of `names` (Redis's apply functions:
   * rebinding the listener for `port`/`bind`, chdir for `dir`...). Several names may share one action;
   * it then runs once per CONFIG SET.
   */
  onApply(names: readonly string[], fn: ApplyFn): void {
    for (const n of names) {
      const p = this.def(n)!;
      let list = this.appliers.get(p.name);
      if (!list) this.appliers.set(p.name, (list = []));
      list.push(fn);
    }
  }

  /**
   * CONFIG GET: the parameters matching any of the patterns, each once (case-insensitively), as
   * [name, value] pairs. Exact names answer with the name as given and also find hidden parameters.
   */
  matching(patterns: readonly string[]): Array<[string, string]> {
    const seen = new Set<string>();
    const out: Array<[string, string]> = [];
    for (const pat of patterns) {
      if (!/[[*?]/.test(pat)) {
        const key = pat.toLowerCase();
        if (seen.has(key)) continue;
        const p = this.def(pat);
        if (p) {
          seen.add(key);
          out.push([pat, this.format(p.name)]);
        }
        continue;
      }
      for (const { name, def } of this.names) {
        if (def.hidden === true || seen.has(name)) continue;
        if (globMatch(pat, name, true)) {
          seen.add(name);
          out.push([name, this.format(def.name)]);
        }
      }
    }
    return out;
  }

  /**
   * CONFIG SET name value [name value ...] with Redis 7.0's checks and texts. `allowProtected`
   * says whether this client may change protected parameters (enable-protected-configs).
   * `loading`: a dataset is loading, so parameters flagged denyLoading refuse.
   * Returns null (OK), an error text (without the "ERR " prefix), a promise of either when an
   * apply action works asynchronously (rebinding listeners), or DENIED_WHILE_LOADING.
   *
   * The checks follow Redis 7.0's configSetCommand: pairs are checked in order up to the first
   * that fails (unknown name, immutable or protected, then denied while loading, then duplicate),
   * and the loading refusal is reported as -LOADING.
   */
  configSet(pairs: ReadonlyArray<readonly [string, string]>, allowProtected: boolean, loading = false): ApplyResult | typeof DENIED_WHILE_LOADING {
    let unknown: string | null = null;
    let err: { arg: string; text: string } | null = null;
    let deniedWhileLoading = false;
    const chosen: ParamDef[] = [];
    // Redis registers an alias as a config of its own: `slave-read-only` and `replica-read-only`
    // in one CONFIG SET are not duplicates of each other.
    const seenNames = new Set<string>();
    // The pairs are checked in order and the first one that fails decides the reply.
    for (const [name] of pairs) {
      const p = this.def(name);
      if (!p) {
        unknown = name;
        break;
      }
      if (!p.mutable || (p.protected === true && !allowProtected)) {
        err = { arg: name, text: p.mutable ? "can't set protected config" : "can't set immutable config" };
        break;
      }
      if (loading && p.denyLoading === true) {
        deniedWhileLoading = true;
        break;
      }
      const registered = p.aliases?.includes(name.toLowerCase()) ? name.toLowerCase() : p.name;
      if (seenNames.has(registered)) {
        err = { arg: name, text: 'duplicate parameter' };
        break;
      }
      seenNames.add(registered);
      chosen.push(p);
    }
    if (deniedWhileLoading) return DENIED_WHILE_LOADING;
    if (unknown !== null) return `Unknown option or number of arguments for CONFIG SET - '${unknown}'`;
    if (err !== null) return `CONFIG SET failed (possibly related to argument '${err.arg}') - ${err.text}`;

    const old = chosen.map((p) => this.values.get(p.name)!);
    const applies: Array<{ fn: ApplyFn; def: ParamDef }> = [];
    for (let i = 0; i < chosen.length; i++) {
      const p = chosen[i]!;
      const argName = pairs[i]![0].toLowerCase();
      const text = pairs[i]![1];
      const v = this.parse(p, this.isMultiArg(p) ? splitSetValue(text) : [text]);
      if (isError(v)) {
        for (let j = i - 1; j >= 0; j--) this.setValue(chosen[j]!.name, old[j]!);
        return `CONFIG SET failed (possibly related to argument '${displayName(p, argName)}') - ${v.error}`;
      }
      const changed = p.type.kind === 'special' || formatValue(p, v) !== formatValue(p, old[i]!);
      this.setValue(p.name, v);
      if (!changed) continue;
      for (const fn of this.appliers.get(p.name) ?? []) {
        if (!applies.some((a) => a.fn === fn)) applies.push({ fn, def: p });
      }
    }

    const rollback = (): void => {
      for (let j = chosen.length - 1; j >= 0; j--) this.setValue(chosen[j]!.name, old[j]!);
      for (const a of applies) void a.fn();
    };
    const fail = (a: { def: ParamDef }, text: string): string => {
      this.onApplyFailure?.(a.def.name);
      rollback();
      const idx = chosen.indexOf(a.def);
      return `CONFIG SET failed (possibly related to argument '${displayName(a.def, pairs[idx]![0].toLowerCase())}') - ${text}`;
    };
    // Run the actions in order; switch to promises at the first asynchronous one.
    for (let i = 0; i < applies.length; i++) {
      const a = applies[i]!;
      const r = a.fn();
      if (typeof r === 'string') return fail(a, r);
      if (r instanceof Promise) {
        return (async () => {
          let res: string | null = await r;
          if (res !== null) return fail(a, res);
          for (let j = i + 1; j < applies.length; j++) {
            res = await applies[j]!.fn();
            if (res !== null) return fail(applies[j]!, res);
          }
          return null;
        })();
      }
    }
    return null;
  }
}

/** Redis names the alias in errors when the alias was used (it registers aliases as configs of their own). */
function displayName(p: ParamDef, typed: string): string {
  return p.aliases?.includes(typed) ? typed : p.name;
}

/** Redis caps hz to [1, 500] when applying it (and after loading the config file). */
export function clampHz(v: ConfigValue): ConfigValue {
  const n = v as number;
  return n < 1 ? 1 : n > 500 ? 500 : n;
}

/** CONFIG SET's split of a multi-argument value: at single spaces; "" is no arguments. */
export function splitSetValue(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

function parseEnum(values: readonly (readonly [string, number])[], args: readonly string[], multi: boolean): ConfigValue | { error: string } {
  const errText = `argument(s) must be one of the following: ${values.map(([n]) => n).join(', ')}`;
  if (!multi && args.length !== 1) return { error: 'wrong number of arguments' };
  if (args.length === 0) return { error: errText };
  let bits = 0;
  for (const a of args) {
    const l = a.toLowerCase();
    const e = values.find(([n]) => n === l);
    if (!e) return { error: errText };
    bits |= e[1];
  }
  return enumName(values, bits, multi);
}

/** Redis's configEnumGetName: an exact match first, else (bit flags) the names of the set bits. */
function enumName(values: readonly (readonly [string, number])[], v: number, multi: boolean): string {
  const exact = values.find(([, n]) => n === v);
  if (exact) return exact[0];
  if (!multi) return 'unknown';
  const names: string[] = [];
  let rest = v;
  for (const [n, bit] of values) {
    if (bit !== 0 && (rest & bit) === bit) {
      names.push(n);
      rest &= ~bit;
    }
  }
  return names.length === 0 || rest !== 0 ? 'unknown' : names.join(' ');
}

/** A parsed value as CONFIG GET prints it. */
export function formatValue(p: ParamDef, v: ConfigValue): string {
  const t = p.type;
  switch (t.kind) {
    case 'bool': return v ? 'yes' : 'no';
    case 'special': return t.format(v);
    case 'string':
    case 'enum': return v as string;
    case 'int': return t.octal === true ? toBig(v as number).toString(8) : String(v);
    case 'memory': {
      const b = toBig(v as number);
      if (t.percent === true && b < 0n) return `${-b}%`;
      return String(asUnsigned64(b));
    }
  }
}
