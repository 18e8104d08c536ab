import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeContext } from '../../test/helpers/fake-context.js';
import { DATA_COMMANDS } from './index.js';
import { sortKeys, sortScore } from './sort.js';

test('sortScore is strtod over the whole string', () => {
  assert.equal(sortScore(''), 0);
  assert.equal(sortScore(' 7'), 7);
  assert.equal(sortScore('0x10'), 16);
  assert.equal(sortScore('1\0junk'), 1);
  assert.equal(sortScore('1x'), null);
  assert.equal(sortScore('nan'), null);
  assert.equal(sortScore('1e400'), null);
});

test('numeric ties are broken by the element; ALPHA with BY keeps missing keys first', () => {
  const c = new FakeContext();
  c.exec(DATA_COMMANDS, ['RPUSH', 'l', '2.0', '2', '02', '1']);
  assert.deepEqual(c.exec(DATA_COMMANDS, ['SORT', 'l']).reply, ['1', '02', '2', '2.0']);
  assert.deepEqual(c.exec(DATA_COMMANDS, ['SORT', 'l', 'DESC']).reply, ['2.0', '2', '02', '1']);
  c.exec(DATA_COMMANDS, ['MSET', 'k_2', 'b', 'k_1', 'a']);
  assert.deepEqual(c.exec(DATA_COMMANDS, ['SORT', 'l', 'BY', 'k_*', 'ALPHA']).reply, ['2.0', '02', '1', '2']);
});

test('SORT STORE of an unordered set is forced to ALPHA; STORE writes a list and notifies sortstore', () => {
  const c = new FakeContext();
  c.exec(DATA_COMMANDS, ['SADD', 's', 'b', 'c', 'a']);
  c.events = [];
  const e = c.exec(DATA_COMMANDS, ['SORT', 's', 'BY', 'nosort', 'STORE', 'd']);
  assert.equal(e.reply, 3);
  assert.equal(e.dirty, 3);
  assert.deepEqual(c.events, ['l sortstore 0:d']);
  assert.deepEqual(c.exec(DATA_COMMANDS, ['LRANGE', 'd', '0', '-1']).reply, ['a', 'b', 'c']);
  assert.deepEqual(c.exec(DATA_COMMANDS, ['SORT_RO', 's', 'STORE', 'd']).reply, { t: 'error', s: 'ERR syntax error' });
  const none = c.exec(DATA_COMMANDS, ['SORT', 'nokey', 'STORE', 'd']);
  assert.deepEqual([none.reply, none.dirty], [0, 1]);
  assert.equal(c.exec(DATA_COMMANDS, ['SORT', 's']).dirty, 0);
});

test('sortKeys finds the STORE target past option operands', () => {
  assert.deepEqual(sortKeys(['sort', 'a', 'BY', 'store', 'GET', 'x', 'STORE', 'd']), [1, 7]);
  assert.deepEqual(sortKeys(['sort', 'a', 'LIMIT', '0', '1']), [1]);
});
