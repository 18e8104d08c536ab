/**
 * The live configuration of one node: values parsed through the parameter table, typed getters,
 * change listeners (so hot paths cache what they read), and CONFIG SET's all-or-nothing update.
 */
import type { ConfigValue, ParamDef } from './params.js';
import { CORE_PARAMS } from './params.js';

/** Parses "1gb", "64mb", "100k"... as Redis's memtoull does. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul = unit === 'k' ? 1000 : unit === 'kb' ? 1024 : unit === 'm' ? 1000 ** 2 : unit === 'mb' ? 1024 ** 2
    : unit === 'g' ? 1000 ** 3 : unit === 'gb' ? 1024 ** 3 : 1;
  return n * mul;
}

export class Config {
  private readonly defs = new Map<string, ParamDef>();
  private readonly values = new Map<string, ConfigValue>();
  private readonly listeners = new Map<string, Array<(v: ConfigValue) => void>>();

  constructor(params: readonly ParamDef[] = CORE_PARAMS) {
    for (const p of params) {
      this.defs.set(p.name, p);
      for (const a of p.aliases ?? []) this.defs.set(a, p);
      const v = this.parse(p, [p.default]);
      if (typeof v === 'object' && v !== null && 'error' in v) throw new Error(`bad default for ${p.name}: ${String(v.error)}`);
      this.values.set(p.name, v as ConfigValue);
    }
  }

  def(name: string): ParamDef | undefined {
    return this.defs.get(name.toLowerCase());
  }

  allDefs(): ParamDef[] {
    return [...new Set(this.defs.values())];
  }

  /** Parses args for a parameter; returns the value or { error } with Redis's wording. */
  parse(p: ParamDef, args: readonly string[]): ConfigValue | { error: string } {
    const t = p.type;
    if (t.kind === 'special') return t.parse(args);
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const a = args[0]!;
    switch (t.kind) {
      case 'bool': {
        const l = a.toLowerCase();
        if (l === 'yes') return true;
        if (l === 'no') return false;
        return { error: 'argument must be \'yes\' or \'no\'' };
      }
      case 'int': {
        if (!/^-?\d+$/.test(a)) return { error: 'argument couldn\'t be parsed into an integer' };
        const n = Number(a);
        if (n < t.min || n > t.max) return { error: `argument must be between ${t.min} and ${t.max} inclusive` };
        return n;
      }
      case 'memory': {
        const n = parseMemory(a);
        if (n === null) return { error: 'argument must be a memory value' };
        if (n < t.min || n > t.max) return { error: `argument must be between ${t.min} and ${t.max} inclusive` };
        return n;
      }
      case 'enum': {
        const l = a.toLowerCase();
        if (!t.values.includes(l)) return { error: `argument(s) must be one of the following: ${t.values.join(', ')}` };
        return l;
      }
      case 'string':
        return a;
    }
  }

  get(name: string): ConfigValue {
    const p = this.def(name);
    if (!p) throw new Error(`unknown config ${name}`);
    return this.values.get(p.name)!;
  }

  int(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  str(name: string): string {
    return this.get(name) as string;
  }

  /** The value as CONFIG GET prints it. */
  format(name: string): string {
    const p = this.def(name)!;
    const v = this.values.get(p.name)!;
    switch (p.type.kind) {
      case 'bool': return v ? 'yes' : 'no';
      case 'special': return p.type.format(v);
      default: return String(v);
    }
  }

  /** Sets a parsed value and notifies listeners. */
  setValue(name: string, v: ConfigValue): void {
    const p = this.def(name)!;
    this.values.set(p.name, v);
    for (const fn of this.listeners.get(p.name) ?? []) fn(v);
  }

  /** Parses and sets; returns an error text or null. */
  set(name: string, args: readonly string[]): string | null {
    const p = this.def(name);
    if (!p) return `Unknown option or number of arguments for CONFIG SET - '${name}'`;
    const v = this.parse(p, args);
    if (typeof v === 'object' && v !== null && 'error' in v) return String(v.error);
    const bad = p.validate?.(v as ConfigValue);
    if (bad) return bad;
    this.setValue(p.name, v as ConfigValue);
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
}
