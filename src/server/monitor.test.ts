import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMonitorLine, redactArgv, reprBytes } from './monitor.js';

test('reprBytes follows sdscatrepr', () => {
  assert.equal(reprBytes('k\x01'), '"k\\x01"');
  assert.equal(reprBytes('a"b\\\n'), '"a\\"b\\\\\\n"');
  assert.equal(reprBytes('\r\t\x07\x08\x00\xff~ '), '"\\r\\t\\a\\b\\x00\\xff~ "');
  assert.equal(reprBytes(''), '""');
});

test('the line carries seconds.microseconds, db and origin', () => {
  assert.equal(formatMonitorLine(1700000000_000123, 3, '127.0.0.1:5555', ['set', 'k', 'v']),
    '+1700000000.000123 [3 127.0.0.1:5555] "set" "k" "v"\r\n');
  assert.equal(formatMonitorLine(1_500_000, 0, 'lua', ['GET', 'x']), '+1.500000 [0 lua] "GET" "x"\r\n');
});

test('credentials are redacted where Redis 7.0 redacts them', () => {
  const R = '(redacted)';
  assert.deepEqual(redactArgv(['AUTH', 'pw']), ['AUTH', R]);
  assert.deepEqual(redactArgv(['auth', 'u', 'pw']), ['auth', R, R]);
  assert.deepEqual(redactArgv(['AUTH', 'a', 'b', 'c']), ['AUTH', 'a', 'b', 'c']); // syntax error first
  assert.deepEqual(redactArgv(['HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'n']), ['HELLO', '3', 'AUTH', R, R, 'SETNAME', 'n']);
  assert.deepEqual(redactArgv(['HELLO', '3', 'SETNAME', 'n', 'AUTH', 'u', 'p']), ['HELLO', '3', 'SETNAME', 'n', 'AUTH', R, R]);
  assert.deepEqual(redactArgv(['HELLO', '4', 'AUTH', 'u', 'p']), ['HELLO', '4', 'AUTH', 'u', 'p']); // NOPROTO first
  assert.deepEqual(redactArgv(['HELLO', '3', 'BAD', 'AUTH', 'u', 'p']), ['HELLO', '3', 'BAD', 'AUTH', 'u', 'p']);
  assert.deepEqual(redactArgv(['MIGRATE', 'h', '1', '', '0', '5', 'COPY', 'AUTH2', 'u', 'p', 'KEYS', 'a']),
    ['MIGRATE', 'h', '1', '', '0', '5', 'COPY', 'AUTH2', R, R, 'KEYS', 'a']);
  assert.deepEqual(redactArgv(['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH', 'p']), ['MIGRATE', 'h', '1', 'k', '0', '5', 'AUTH', R]);
  assert.deepEqual(redactArgv(['SET', 'auth', 'x']), ['SET', 'auth', 'x']);
});
