/**
 * What COMMAND INFO / DOCS / GETKEYS / LIST report about a command, derived from its table row
 * (DESIGN.md: one table feeds dispatch and introspection). Implements Redis 7.0's rules:
 *  - flags in Redis's fixed order, hidden ones (may_replicate, sentinel, only_sentinel, protected)
 *    left out, `movablekeys` derived from the key specs or a getKeys function;
 *  - ACL categories with the implicit ones Redis adds (@write for write, @read for readonly unless
 *    @scripting, @admin+@dangerous for admin, @pubsub, @fast, @blocking, and @slow when not @fast);
 *  - key specs: the row's own, or one derived from the legacy (first, last, step) range with
 *    default flags (RO+access for readonly, RW+update for write; see `defaultKeySpecFlags`);
 *  - the legacy range: the row's, or derived from the key specs as populateCommandLegacyRangeSpec;
 *  - key extraction as getKeysUsingKeySpecs (index/keyword begin-search, range/keynum find-keys).
 */
import type { Command } from '../../commands/registry.js';
import type { AclCategory, CommandArg, CommandSpec, KeySpec } from '../../commands/spec.js';
import { parseInt64 } from '../../lib/int64.js';
import { map, set, status, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';

/** COMMAND INFO flag order (Redis's addReplyCommandFlags); hidden flags are absent. */
const FLAG_ORDER = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading',
  'no_multi', 'movablekeys', 'allow_busy',
] as const;

/** ACL category order (Redis's ACLCommandCategories table). */
export const ACL_CATEGORY_ORDER: readonly AclCategory[] = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** Key-spec flag order (Redis's addReplyFlagsForKeyArgs). */
const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'];

type AnySpec = CommandSpec<Client>;

/** The categories a command belongs to, implicit ones included, in Redis's order. */
export function effectiveAclCategories(spec: AnySpec): AclCategory[] {
  const cats = new Set<AclCategory>(spec.acl);
  const has = (f: string): boolean => (spec.flags as readonly string[]).includes(f);
  if (has('write')) cats.add('write');
  if (has('readonly') && !cats.has('scripting')) cats.add('read');
  if (has('admin')) { cats.add('admin'); cats.add('dangerous'); }
  if (has('pubsub')) cats.add('pubsub');
  if (has('fast')) cats.add('fast');
  if (has('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORY_ORDER.filter((c) => cats.has(c));
}

/** Default key-spec flags for a row that only declares the legacy range. */
export function defaultKeySpecFlags(spec: AnySpec): string[] {
  if (spec.flags.includes('write')) return ['RW', 'update'];
  return ['RO', 'access'];
}

/** The row's key specs, or one derived from its legacy range. */
export function keySpecsOf(spec: AnySpec): readonly KeySpec[] {
  if (spec.keySpecs !== undefined) return spec.keySpecs;
  const k = spec.keys;
  if (k === undefined || k.first <= 0) return [];
  return [{
    flags: defaultKeySpecFlags(spec),
    beginSearch: { index: k.first },
    findKeys: { range: { lastKey: k.last < 0 ? k.last : k.last - k.first, step: k.step, limit: 0 } },
  }];
}

export interface LegacyRange { first: number; last: number; step: number; movable: boolean }

function isIndexRange(ks: KeySpec): boolean {
  return 'index' in ks.beginSearch && 'range' in ks.findKeys;
}

/** (first, last, step) as COMMAND INFO prints them, and whether keys are movable. */
export function legacyRangeOf(spec: AnySpec): LegacyRange {
  const specs = keySpecsOf(spec);
  let movable = spec.getKeys !== undefined;
  let first = Number.MAX_SAFE_INTEGER;
  let last = 0;
  let step = 1;
  let prevLast = 0;
  if (specs.length === 1 && isIndexRange(specs[0]!)) {
    const ks = specs[0]!;
    const bs = ks.beginSearch as { index: number };
    const r = (ks.findKeys as { range: { lastKey: number; step: number } }).range;
    first = bs.index;
    last = r.lastKey >= 0 ? r.lastKey + first : r.lastKey;
    step = r.step;
    if (ks.flags.includes('incomplete')) movable = true;
  } else {
    for (const ks of specs) {
      if (!isIndexRange(ks)) { movable = true; continue; }
      const pos = (ks.beginSearch as { index: number }).index;
      const r = (ks.findKeys as { range: { lastKey: number; step: number } }).range;
      if (r.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) { movable = true; continue; }
      if (ks.flags.includes('incomplete')) movable = true;
      first = Math.min(first, pos);
      const abs = r.lastKey >= 0 ? r.lastKey + pos : r.lastKey;
      // Redis takes the max as unsigned: a negative (from-the-end) last key wins over any index.
      if (abs >>> 0 > last >>> 0) last = abs;
      prevLast = last;
    }
    if (first === Number.MAX_SAFE_INTEGER) {
      first = 0;
      last = 0;
      step = 0;
      if (specs.length > 0) movable = true;
    }
  }
  if (spec.keys !== undefined && spec.keys.first > 0) {
    first = spec.keys.first;
    last = spec.keys.last;
    step = spec.keys.step;
  }
  return { first, last, step, movable };
}

function statusSet(items: readonly string[]): Reply {
  return set(items.map((s) => status(s)));
}

function keySpecFlagsReply(flags: readonly string[]): Reply {
  return statusSet(KEY_FLAG_ORDER.filter((f) => flags.includes(f)));
}

function keySpecReply(ks: KeySpec): Reply {
  const bs = 'index' in ks.beginSearch
    ? map(['type', 'index', 'spec', map(['index', ks.beginSearch.index])])
    : 'keyword' in ks.beginSearch
      ? map(['type', 'keyword', 'spec', map(['keyword', ks.beginSearch.keyword, 'startfrom', ks.beginSearch.startFrom])])
      : map(['type', 'unknown', 'spec', map([])]);
  const fk = 'range' in ks.findKeys
    ? map(['type', 'range', 'spec', map(['lastkey', ks.findKeys.range.lastKey, 'keystep', ks.findKeys.range.step, 'limit', ks.findKeys.range.limit])])
    : 'keynum' in ks.findKeys
      ? map(['type', 'keynum', 'spec', map(['keynumidx', ks.findKeys.keynum.keyNumIdx, 'firstkey', ks.findKeys.keynum.firstKey, 'keystep', ks.findKeys.keynum.step])])
      : map(['type', 'unknown', 'spec', map([])]);
  const kv: Reply[] = [];
  if (ks.notes !== undefined) kv.push('notes', ks.notes);
  kv.push('flags', keySpecFlagsReply(ks.flags), 'begin_search', bs, 'find_keys', fk);
  return map(kv);
}

/** One COMMAND INFO entry (10 elements, Redis 7.0). */
export function commandInfoReply(cmd: Command<Client>): Reply {
  const spec = cmd.spec;
  const range = legacyRangeOf(spec);
  const flags: string[] = FLAG_ORDER.filter((f) => (f === 'movablekeys' ? range.movable : (spec.flags as readonly string[]).includes(f)));
  const subs = cmd.subcommands === undefined ? set([]) : [...cmd.subcommands.values()].map(commandInfoReply);
  return [
    cmd.fullName,
    spec.arity,
    statusSet(flags),
    range.first,
    range.last,
    range.step,
    statusSet(effectiveAclCategories(spec).map((c) => `@${c}`)),
    set([...(spec.tips ?? [])]),
    set(keySpecsOf(spec).map(keySpecReply)),
    subs,
  ];
}

function argReply(a: CommandArg): Reply {
  const kv: Reply[] = ['name', a.name, 'type', a.type];
  if (a.keySpecIndex !== undefined) kv.push('key_spec_index', a.keySpecIndex);
  if (a.token !== undefined) kv.push('token', a.token);
  if (a.summary !== undefined) kv.push('summary', a.summary);
  if (a.since !== undefined) kv.push('since', a.since);
  if (a.deprecatedSince !== undefined) kv.push('deprecated_since', a.deprecatedSince);
  if (a.flags !== undefined && a.flags.length > 0) kv.push('flags', statusSet(a.flags));
  if (a.type === 'oneof' || a.type === 'block') kv.push('arguments', (a.args ?? []).map(argReply));
  return map(kv);
}

/** One COMMAND DOCS entry: a map of summary, since, group, complexity, ... (Redis 7.0 fields). */
export function commandDocsReply(cmd: Command<Client>): Reply {
  const s = cmd.spec;
  const kv: Reply[] = ['summary', s.summary, 'since', s.since, 'group', s.group];
  if (s.complexity !== undefined) kv.push('complexity', s.complexity);
  if (s.docFlags !== undefined && s.docFlags.length > 0) kv.push('doc_flags', statusSet(s.docFlags));
  if (s.deprecatedSince !== undefined) kv.push('deprecated_since', s.deprecatedSince);
  if (s.replacedBy !== undefined) kv.push('replaced_by', s.replacedBy);
  if (s.history !== undefined && s.history.length > 0) kv.push('history', s.history.map(([v, d]) => [v, d]));
  if (s.args !== undefined && s.args.length > 0) kv.push('arguments', s.args.map(argReply));
  if (cmd.subcommands !== undefined) {
    const subs: Reply[] = [];
    for (const sub of cmd.subcommands.values()) subs.push(sub.fullName, commandDocsReply(sub));
    kv.push('subcommands', map(subs));
  }
  return map(kv);
}

export interface KeyRef { pos: number; flags: readonly string[] }

/** getKeysUsingKeySpecs: key positions in argv, or null when argv does not fit a spec. */
function keysFromSpecs(specs: readonly KeySpec[], argv: readonly string[]): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const ks of specs) {
    if (ks.flags.includes('not_key')) continue;
    let first = 0;
    if ('unknown' in ks.beginSearch || 'unknown' in ks.findKeys) return null;
    if ('index' in ks.beginSearch) {
      first = ks.beginSearch.index;
    } else {
      const { keyword, startFrom } = ks.beginSearch;
      const start = startFrom > 0 ? startFrom : argc + startFrom;
      const end = startFrom > 0 ? argc - 1 : 0;
      const kw = keyword.toLowerCase();
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === kw) { first = i + 1; break; }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    if ('range' in ks.findKeys) {
      const r = ks.findKeys.range;
      step = r.step;
      if (r.lastKey >= 0) last = first + r.lastKey;
      else if (r.limit === 0) last = argc + r.lastKey;
      else last = first + (Math.trunc((argc - first) / r.limit) + r.lastKey);
    } else {
      const k = ks.findKeys.keynum;
      if (k.keyNumIdx >= argc) return null;
      const raw = argv[first + k.keyNumIdx];
      const n = raw === undefined ? null : parseInt64(raw);
      if (n === null || n < 0) return null;
      first += k.firstKey;
      last = first + Number(BigInt.asIntN(32, BigInt(n))) - 1; // (int)numkeys: 4294967297 is 1
      step = k.step;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc) continue;
      out.push({ pos: i, flags: ks.flags });
    }
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

/** True when a command can have key arguments (Redis's doesCommandHaveKeys). */
export function commandHasKeys(spec: AnySpec): boolean {
  return spec.getKeys !== undefined || keySpecsOf(spec).some((ks) => !ks.flags.includes('not_key'));
}

/**
 * Keys of `argv` with their flags, for COMMAND GETKEYS(ANDFLAGS) and ACL key checks (Redis's
 * getKeysFromCommandWithSpecs): the key specs, unless one has variable flags (then the row's
 * per-call getKeysAndFlags, as Redis calls its getkeys procedure) or they do not fit argv (an
 * incomplete spec: getKeysAndFlags, else getKeys without flags). Null = invalid arguments.
 */
export function commandKeys(spec: AnySpec, argv: readonly string[]): KeyRef[] | null {
  const specs = keySpecsOf(spec);
  const hasKeySpec = specs.some((ks) => !ks.flags.includes('not_key'));
  const hasVarFlags = specs.some((ks) => ks.flags.includes('variable_flags'));
  if (hasKeySpec && !hasVarFlags) {
    const r = keysFromSpecs(specs, argv);
    if (r !== null || (spec.getKeys === undefined && spec.getKeysAndFlags === undefined)) return r;
  }
  if (spec.getKeysAndFlags !== undefined) return spec.getKeysAndFlags(argv);
  // Redis's getkeys procedures other than SET's, BITFIELD's and SORT's (getKeysAndFlags here)
  // give their keys no flags: an ACL key pattern of any kind then allows them (redis-server
  // 7.0.15: COMMAND GETKEYSANDFLAGS ZDIFF " 1" z answers z with no flags, ZDIFF 1 z RO access).
  if (spec.getKeys !== undefined) return spec.getKeys(argv).map((pos) => ({ pos, flags: [] }));
  return [];
}

export function keyRefFlagsReply(flags: readonly string[]): Reply {
  return keySpecFlagsReply(flags);
}
