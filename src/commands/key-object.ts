/**
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP.
 *
 * ENCODING reports the representation Redis 7.0 would pick (strings: int, embstr or raw by
 * content; collections: their own encoding()). REFCOUNT reports what Redis does: 2147483647 for
 * the shared integers 0..9999 (when maxmemory-policy allows sharing), 1 otherwise.
 *
 * Honest gaps: Garrison keeps no per-key access clock or LFU counter (string values are bare JS
 * strings; a side table would cost tens of bytes per key). So FREQ answers Redis's own error when
 * no LFU policy is selected, and an explicit "not tracked" error under an LFU policy; IDLETIME
 * answers Redis's error under an LFU policy and an explicit "not tracked" error otherwise. No
 * made-up numbers.
 */
import { error, type Reply } from '../protocol/reply.js';
import { integersShared } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import { rangeSpec } from './key-common.js';
import type { CommandSpec } from './spec.js';

const ERR_LFU_NOT_SELECTED = error('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
const ERR_LFU_SELECTED = error('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
const ERR_FREQ_UNTRACKED = error('ERR access frequency is not tracked by this server (Garrison keeps no per-key LFU counter)');
const ERR_IDLE_UNTRACKED = error('ERR idle time is not tracked by this server (Garrison keeps no per-key access clock)');

const HELP: readonly string[] = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function policy(c: CommandContext): string {
  return c.configValue?.('maxmemory-policy') ?? 'noeviction';
}

function isLfu(c: CommandContext): boolean {
  return policy(c).includes('lfu');
}

function encoding(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupReadNoNotify(c.db, argv[2]!);
  if (v === undefined) return null;
  return typeof v === 'string' ? c.ks.stringEncodingOf(c.db, argv[2]!, v) : v.encoding();
}

function refcount(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupReadNoNotify(c.db, argv[2]!);
  if (v === undefined) return null;
  if (typeof v !== 'string') return 1;
  const maxmemory = c.configValue?.('maxmemory') ?? '0';
  return c.ks.stringRefcount(c.db, argv[2]!, v, integersShared(maxmemory !== '0', policy(c)));
}

function freq(c: CommandContext, argv: string[]): Reply {
  if (c.ks.lookupReadNoNotify(c.db, argv[2]!) === undefined) return null;
  return isLfu(c) ? ERR_FREQ_UNTRACKED : ERR_LFU_NOT_SELECTED;
}

function idletime(c: CommandContext, argv: string[]): Reply {
  if (c.ks.lookupReadNoNotify(c.db, argv[2]!) === undefined) return null;
  return isLfu(c) ? ERR_LFU_SELECTED : ERR_IDLE_UNTRACKED;
}

const KEY_2 = { first: 2, last: 2, step: 1 } as const;
const RO_2 = [rangeSpec(['RO'], 2)];
const READ = ['keyspace', 'read', 'slow'] as const;

export const OBJECT_COMMAND: CommandSpec = {
  name: 'object', arity: -2, flags: [], acl: ['slow'],
  group: 'generic', since: '2.2.3', summary: 'Introspection of the values behind keys', complexity: 'Depends on subcommand.',
  subcommands: [
    { name: 'encoding', arity: 3, flags: ['readonly'], acl: READ, keys: KEY_2, keySpecs: RO_2, tips: ['nondeterministic_output'],
      group: 'generic', since: '2.2.3', summary: 'Names the internal representation of a key\'s value', complexity: 'O(1)', handler: encoding },
    { name: 'freq', arity: 3, flags: ['readonly'], acl: READ, keys: KEY_2, keySpecs: RO_2, tips: ['nondeterministic_output'],
      group: 'generic', since: '4.0.0', summary: 'The logarithmic access-frequency counter of a key (LFU policies)', complexity: 'O(1)', handler: freq },
    { name: 'idletime', arity: 3, flags: ['readonly'], acl: READ, keys: KEY_2, keySpecs: RO_2, tips: ['nondeterministic_output'],
      group: 'generic', since: '2.2.3', summary: 'Seconds since a key was last accessed', complexity: 'O(1)', handler: idletime },
    { name: 'refcount', arity: 3, flags: ['readonly'], acl: READ, keys: KEY_2, keySpecs: RO_2, tips: ['nondeterministic_output'],
      group: 'generic', since: '2.2.3', summary: 'How many references the value of a key has', complexity: 'O(1)', handler: refcount },
    { name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['keyspace', 'slow'],
      group: 'generic', since: '6.2.0', summary: 'Lists the OBJECT subcommands', complexity: 'O(1)', handler: () => HELP.map((s) => ({ t: 'status', s }) as const) },
  ],
};
