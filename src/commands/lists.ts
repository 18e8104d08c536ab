/**
 * The list family's command table (Redis 7.0's arity, flags, ACL categories and key specs, as
 * COMMAND INFO prints them), gathered from its files:
 * - list-ops.ts: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM
 *   LPOS LMOVE RPOPLPUSH LMPOP
 * - list-blocking.ts: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP
 * The value type lives in keyspace/types/list.ts.
 */
import { genericGetKeys } from './getkeys.js';
import {
  blmoveCommand, blmpopCommand, blpopCommand, brpoplpushCommand, brpopCommand,
} from './list-blocking.js';
import {
  lindexCommand, linsertCommand, llenCommand, lmoveCommand, lmpopCommand, lpopCommand, lposCommand,
  lpushCommand, lpushxCommand, lrangeCommand, lremCommand, lsetCommand, ltrimCommand, rpoplpushCommand,
  rpopCommand, rpushCommand, rpushxCommand,
} from './list-ops.js';
import type { CommandSpec, KeySpec } from './spec.js';
import { keySpec } from './string-common.js';

const KEY1 = { first: 1, last: 1, step: 1 } as const;
const TWO_KEYS = { first: 1, last: 2, step: 1 } as const;
const BPOP_KEYS = { first: 1, last: -2, step: 1 } as const;

const RW_INSERT = [keySpec(['RW', 'insert'])];
const RW_ACCESS_DELETE = [keySpec(['RW', 'access', 'delete'])];
const RO_ACCESS = [keySpec(['RO', 'access'])];
const MOVE_SPECS = [keySpec(['RW', 'access', 'delete'], 1), keySpec(['RW', 'insert'], 2)];

function keynumSpec(index: number): KeySpec {
  return { flags: ['RW', 'access', 'delete'], beginSearch: { index }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1, step: 1 } } };
}

const PUSH_COMPLEXITY = 'O(1) per element pushed';
const MULTI_ELEMENTS: readonly (readonly [string, string])[] = [['2.4.0', 'Accepts multiple `element` arguments.']];
const MULTI_ELEMENTS_X: readonly (readonly [string, string])[] = [['4.0.0', 'Accepts multiple `element` arguments.']];
const POP_COUNT: readonly (readonly [string, string])[] = [['6.2.0', 'Added the `count` argument.']];
const DOUBLE_TIMEOUT: readonly (readonly [string, string])[] = [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']];

export const LIST_COMMANDS: readonly CommandSpec[] = [
  { name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_INSERT,
    group: 'list', since: '1.0.0', summary: 'Adds elements at the head of a list, creating it if needed',
    complexity: PUSH_COMPLEXITY, history: MULTI_ELEMENTS, handler: lpushCommand },
  { name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_INSERT,
    group: 'list', since: '1.0.0', summary: 'Adds elements at the tail of a list, creating it if needed',
    complexity: PUSH_COMPLEXITY, history: MULTI_ELEMENTS, handler: rpushCommand },
  { name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_INSERT,
    group: 'list', since: '2.2.0', summary: 'Adds elements at the head of a list that already exists',
    complexity: PUSH_COMPLEXITY, history: MULTI_ELEMENTS_X, handler: lpushxCommand },
  { name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_INSERT,
    group: 'list', since: '2.2.0', summary: 'Adds elements at the tail of a list that already exists',
    complexity: PUSH_COMPLEXITY, history: MULTI_ELEMENTS_X, handler: rpushxCommand },
  { name: 'lpop', arity: -2, flags: ['write', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_DELETE,
    group: 'list', since: '1.0.0', summary: 'Removes and returns elements from the head of a list',
    complexity: 'O(N) where N is the number of elements popped', history: POP_COUNT, handler: lpopCommand },
  { name: 'rpop', arity: -2, flags: ['write', 'fast'], acl: ['write', 'list', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_DELETE,
    group: 'list', since: '1.0.0', summary: 'Removes and returns elements from the tail of a list',
    complexity: 'O(N) where N is the number of elements popped', history: POP_COUNT, handler: rpopCommand },
  { name: 'llen', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'list', 'fast'], keys: KEY1, keySpecs: [keySpec(['RO'])],
    group: 'list', since: '1.0.0', summary: 'Returns the number of elements of a list', complexity: 'O(1)', handler: llenCommand },
  { name: 'lrange', arity: 4, flags: ['readonly'], acl: ['read', 'list', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'list', since: '1.0.0', summary: 'Returns the elements between two indexes of a list',
    complexity: 'O(N) where N is the number of elements returned', handler: lrangeCommand },
  { name: 'lindex', arity: 3, flags: ['readonly'], acl: ['read', 'list', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'list', since: '1.0.0', summary: 'Returns the element at an index of a list', complexity: 'O(1)', handler: lindexCommand },
  { name: 'lset', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'list', 'slow'], keys: KEY1, keySpecs: [keySpec(['RW', 'update'])],
    group: 'list', since: '1.0.0', summary: 'Replaces the element at an index of a list', complexity: 'O(1)', handler: lsetCommand },
  { name: 'linsert', arity: 5, flags: ['write', 'denyoom'], acl: ['write', 'list', 'slow'], keys: KEY1, keySpecs: RW_INSERT,
    group: 'list', since: '2.2.0', summary: 'Inserts an element before or after the first occurrence of a pivot element',
    complexity: 'O(N) where N is the number of elements before the pivot', handler: linsertCommand },
  { name: 'lrem', arity: 4, flags: ['write'], acl: ['write', 'list', 'slow'], keys: KEY1, keySpecs: [keySpec(['RW', 'delete'])],
    group: 'list', since: '1.0.0', summary: 'Removes occurrences of an element from a list',
    complexity: 'O(N) where N is the length of the list', handler: lremCommand },
  { name: 'ltrim', arity: 4, flags: ['write'], acl: ['write', 'list', 'slow'], keys: KEY1, keySpecs: [keySpec(['RW', 'delete'])],
    group: 'list', since: '1.0.0', summary: 'Keeps only the elements between two indexes of a list',
    complexity: 'O(N) where N is the number of elements removed', handler: ltrimCommand },
  { name: 'lpos', arity: -3, flags: ['readonly'], acl: ['read', 'list', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'list', since: '6.0.6', summary: 'Returns the indexes of the elements of a list equal to a value',
    complexity: 'O(N) where N is the number of elements scanned', handler: lposCommand },
  { name: 'lmove', arity: 5, flags: ['write', 'denyoom'], acl: ['write', 'list', 'slow'], keys: TWO_KEYS, keySpecs: MOVE_SPECS,
    group: 'list', since: '6.2.0', summary: 'Pops an element from one end of a list and pushes it onto an end of another',
    complexity: 'O(1)', handler: lmoveCommand },
  { name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], acl: ['write', 'list', 'slow'], keys: TWO_KEYS, keySpecs: MOVE_SPECS,
    group: 'list', since: '1.2.0', summary: 'Pops the tail element of a list and pushes it onto the head of another',
    complexity: 'O(1)', docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    handler: rpoplpushCommand },
  { name: 'lmpop', arity: -4, flags: ['write'], acl: ['write', 'list', 'slow'], keySpecs: [keynumSpec(1)], getKeys: genericGetKeys(0, 1, 2),
    group: 'list', since: '7.0.0', summary: 'Pops elements from the first non-empty list among several',
    complexity: 'O(N+M) where N is the number of keys given and M the number of elements popped', handler: lmpopCommand },
  { name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['write', 'list', 'slow', 'blocking'], keys: BPOP_KEYS,
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)],
    group: 'list', since: '2.0.0', summary: 'Pops the head element of the first non-empty list, waiting for one if all are empty',
    complexity: 'O(N) where N is the number of keys given', history: DOUBLE_TIMEOUT, handler: blpopCommand },
  { name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['write', 'list', 'slow', 'blocking'], keys: BPOP_KEYS,
    keySpecs: [keySpec(['RW', 'access', 'delete'], 1, -2)],
    group: 'list', since: '2.0.0', summary: 'Pops the tail element of the first non-empty list, waiting for one if all are empty',
    complexity: 'O(N) where N is the number of keys given', history: DOUBLE_TIMEOUT, handler: brpopCommand },
  { name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['write', 'list', 'slow', 'blocking'],
    keys: TWO_KEYS, keySpecs: MOVE_SPECS,
    group: 'list', since: '6.2.0', summary: 'Moves an element between lists like LMOVE, waiting for the source to have one',
    complexity: 'O(1)', handler: blmoveCommand },
  { name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['write', 'list', 'slow', 'blocking'],
    keys: TWO_KEYS, keySpecs: MOVE_SPECS,
    group: 'list', since: '2.2.0', summary: 'Moves an element like RPOPLPUSH, waiting for the source to have one',
    complexity: 'O(1)', history: DOUBLE_TIMEOUT, docFlags: ['deprecated'], deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments', handler: brpoplpushCommand },
  { name: 'blmpop', arity: -5, flags: ['write', 'blocking'], acl: ['write', 'list', 'slow', 'blocking'], keySpecs: [keynumSpec(2)],
    getKeys: genericGetKeys(0, 2, 3),
    group: 'list', since: '7.0.0', summary: 'Pops elements from the first non-empty list among several, waiting for one if all are empty',
    complexity: 'O(N+M) where N is the number of keys given and M the number of elements popped', handler: blmpopCommand },
];
