import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactArgv } from './redact.js';

test('credentials are redacted where Redis 7.0 redacts them', () => {
  const R = '(redacted)';
  const sensitive = (p: string): boolean => ['requirepass', 'masterauth', 'masteruser'].includes(p.toLowerCase());
  assert.deepEqual(redactArgv(['AUTH', 'pw'], sensitive), ['AUTH', R]);
  assert.deepEqual(redactArgv(['auth', 'u', 'pw'], sensitive), ['auth', R, R]);
  assert.deepEqual(redactArgv(['AUTH', 'a', 'b', 'c'], sensitive), ['AUTH', 'a', 'b', 'c']); // syntax error first
  assert.deepEqual(redactArgv(['HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'n'], sensitive), ['HELLO', '3', 'AUTH', R, R, 'SETNAME', 'n']);
  assert.deepEqual(redactArgv(['HELLO', '3', 'SETNAME', 'n', 'AUTH', 'u', 'p'], sensitive), ['HELLO', '3', 'SETNAME', 'n', 'AUTH', R, R]);
  assert.deepEqual(redactArgv(['HELLO', '4', 'AUTH', 'u', 'p'], sensitive), ['HELLO', '4', 'AUTH', 'u', 'p']); // NOPROTO first
  assert.deepEqual(redactArgv(['HELLO', '3', 'BAD', 'AUTH', 'u', 'p'], sensitive), ['HELLO', '3', 'BAD', 'AUTH', 'u', 'p']);
  assert.deepEqual(redactArgv(['MIGRATE', 'h', '1', '', '0', '5', 'COPY', 'AUTH2', 'u', 'p', 'KEYS', 'a'], sensitive),
    ['MIGRATE', 'h', '1', '', '0', '5', 'COPY', 'AUTH2', R, R, 'KEYS', 'a']);
  assert.deepEqual(redactArgv(['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH', 'p'], sensitive), ['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH', R]);
  assert.deepEqual(redactArgv(['SET', 'auth', 'x'], sensitive), ['SET', 'auth', 'x']);
  // CONFIG SET: the values of sensitive parameters, every pair, whatever else is wrong.
  assert.deepEqual(redactArgv(['config', 'set', 'RequirePass', 'pw'], sensitive), ['config', 'set', 'RequirePass', R]);
  assert.deepEqual(redactArgv(['CONFIG', 'SET', 'nosuch', 'x', 'masterauth', 'a', 'maxclients', '5', 'masteruser', 'u'], sensitive),
    ['CONFIG', 'SET', 'nosuch', 'x', 'masterauth', R, 'maxclients', '5', 'masteruser', R]);
  assert.deepEqual(redactArgv(['CONFIG', 'SET', 'requirepass', 'pw', 'maxclients'], sensitive), ['CONFIG', 'SET', 'requirepass', 'pw', 'maxclients']); // syntax error
  assert.deepEqual(redactArgv(['CONFIG', 'GET', 'requirepass', 'x'], sensitive), ['CONFIG', 'GET', 'requirepass', 'x']);
});
