/**
 * COMMAND INFO derivations on made-up rows: legacy range from key specs (populateCommandLegacyRangeSpec),
 * movablekeys, implicit ACL categories, and key extraction through index/keyword/range/keynum specs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandSpec, KeySpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
import { commandHasKeys, commandKeys, effectiveAclCategories, keySpecsOf, legacyRangeOf } from './command-table-info.js';

type Spec = CommandSpec<Client>;
const base = { arity: -2, group: 'x', since: '1.0.0', summary: 's', handler: () => null } as const;
const range = (index: number, lastKey: number, step = 1, flags: string[] = ['RW', 'update'], limit = 0): KeySpec =>
  ({ flags, beginSearch: { index }, findKeys: { range: { lastKey, step, limit } } });

test('a legacy range becomes one index/range key spec with default flags', () => {
  const get: Spec = { ...base, name: 'get', flags: ['readonly', 'fast'], acl: ['string'], keys: { first: 1, last: 1, step: 1 } };
  assert.deepEqual(keySpecsOf(get), [range(1, 0, 1, ['RO', 'access'])]);
  const mset: Spec = { ...base, name: 'mset', flags: ['write'], acl: ['string'], keys: { first: 1, last: -1, step: 2 } };
  assert.deepEqual(keySpecsOf(mset), [range(1, -1, 2)]);
  assert.deepEqual(legacyRangeOf(mset), { first: 1, last: -1, step: 2, movable: false });
  const ping: Spec = { ...base, name: 'ping', flags: ['fast'], acl: ['connection'] };
  assert.deepEqual(keySpecsOf(ping), []);
  assert.deepEqual(legacyRangeOf(ping), { first: 0, last: 0, step: 0, movable: false });
  assert.equal(commandHasKeys(ping), false);
});

test('the legacy range is derived from consecutive range specs; others make keys movable', () => {
  // RENAME-like: two consecutive single-key specs -> 1 2 1
  const rename: Spec = { ...base, name: 'r', flags: ['write'], acl: [], keySpecs: [range(1, 0), range(2, 0)] };
  assert.deepEqual(legacyRangeOf(rename), { first: 1, last: 2, step: 1, movable: false });
  // SINTERSTORE-like: dest at 1, sources 2..-1 -> 1 -1 1
  const sis: Spec = { ...base, name: 's', flags: ['write'], acl: [], keySpecs: [range(1, 0), range(2, -1)] };
  assert.deepEqual(legacyRangeOf(sis), { first: 1, last: -1, step: 1, movable: false });
  // keynum spec only (SINTERCARD-like): 0 0 0 and movablekeys
  const keynum: Spec = {
    ...base, name: 'k', flags: ['readonly'], acl: [],
    keySpecs: [{ flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1, step: 1 } } }],
  };
  assert.deepEqual(legacyRangeOf(keynum), { first: 0, last: 0, step: 0, movable: true });
  // A getKeys function makes keys movable.
  const eval_: Spec = { ...base, name: 'e', flags: [], acl: [], getKeys: () => [] };
  assert.equal(legacyRangeOf(eval_).movable, true);
});

test('implicit ACL categories follow Redis', () => {
  const row = (flags: Spec['flags'], acl: Spec['acl']): Spec => ({ ...base, name: 'x', flags, acl });
  assert.deepEqual(effectiveAclCategories(row(['readonly', 'fast'], ['string'])), ['read', 'string', 'fast']);
  assert.deepEqual(effectiveAclCategories(row(['write', 'denyoom'], ['string'])), ['write', 'string', 'slow']);
  assert.deepEqual(effectiveAclCategories(row(['admin', 'noscript'], [])), ['admin', 'slow', 'dangerous']);
  assert.deepEqual(effectiveAclCategories(row(['readonly'], ['scripting'])), ['slow', 'scripting']);
  assert.deepEqual(effectiveAclCategories(row(['pubsub', 'blocking'], [])), ['pubsub', 'slow', 'blocking']);
});

test('key extraction through keyword and keynum specs, with Redis failure cases', () => {
  // XREAD-like: keys after STREAMS, half of the remaining arguments.
  const xread: Spec = {
    ...base, name: 'xread', flags: ['readonly'], acl: [],
    keySpecs: [{ flags: ['RO', 'access'], beginSearch: { keyword: 'STREAMS', startFrom: 1 }, findKeys: { range: { lastKey: -1, step: 1, limit: 2 } } }],
  };
  assert.deepEqual(commandKeys(xread, ['xread', 'COUNT', '2', 'streams', 'a', 'b', '0', '0'])?.map((k) => k.pos), [4, 5]);
  assert.deepEqual(commandKeys(xread, ['xread', 'COUNT', '2']), []);
  // ZUNIONSTORE-like: destination, then numkeys keys.
  const zus: Spec = {
    ...base, name: 'zus', flags: ['write'], acl: [],
    keySpecs: [
      range(1, 0, 1, ['OW', 'update']),
      { flags: ['RO', 'access'], beginSearch: { index: 2 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1, step: 1 } } },
    ],
  };
  const keys = commandKeys(zus, ['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2']);
  assert.deepEqual(keys?.map((k) => [k.pos, k.flags.join(',')]), [[1, 'OW,update'], [3, 'RO,access'], [4, 'RO,access']]);
  assert.equal(commandKeys(zus, ['zunionstore', 'd', 'x', 'a']), null);
  assert.equal(commandKeys(zus, ['zunionstore', 'd', '5', 'a']), null);
  assert.equal(commandKeys(zus, ['zunionstore', 'd', '-1', 'a']), null);
  // not_key specs are skipped (SPUBLISH-like): no keys at all.
  const spublish: Spec = { ...base, name: 'sp', flags: ['pubsub'], acl: [], keySpecs: [range(1, 0, 1, ['not_key'])] };
  assert.equal(commandHasKeys(spublish), false);
});
