/**
 * SORT and SORT_RO rows: arity, flags, ACL categories, key specs (including the two 'unknown'
 * specs for BY/GET patterns and STORE) and arguments as Redis 7.0.15's COMMAND INFO / DOCS report
 * them; summaries are Garrison's own words. Handlers are in sort.ts.
 */
import type { CommandArg, CommandSpec, KeySpec } from './spec.js';

const SORT_ARGS: readonly CommandArg[] = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', flags: ['optional'] },
  { name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }] },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] },
  { name: 'order', type: 'oneof', flags: ['optional'], args: [{ name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }] },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
];

const SORT_KEYS: readonly KeySpec[] = [
  { flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } },
  { notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", flags: ['RO', 'access'], beginSearch: { unknown: true }, findKeys: { unknown: true } },
];

export const SORT_META: Readonly<Record<string, Omit<CommandSpec, 'handler' | 'getKeys'>>> = {
  sort: {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keySpecs: [
      ...SORT_KEYS,
      { notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array", flags: ['OW', 'update'], beginSearch: { unknown: true }, findKeys: { unknown: true } },
    ],
    group: 'generic',
    since: '1.0.0',
    summary: 'Sorts the elements of a list, set or sorted set, optionally by external keys, and can store the result',
    complexity: 'O(N+M*log(M))',
    args: [
      ...SORT_ARGS,
      { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', flags: ['optional'] },
    ],
  },
  sort_ro: {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    keySpecs: [
      ...SORT_KEYS,
    ],
    group: 'generic',
    since: '7.0.0',
    summary: 'SORT without STORE, for read-only contexts',
    complexity: 'O(N+M*log(M))',
    args: [
      ...SORT_ARGS,
    ],
  },
};
