/** splitArgs against what redis-server 7.0.15's sdssplitargs does (read off inline commands). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitArgs } from './split-args.js';

test('\\v and \\f separate arguments only before an argument or after a closing quote', () => {
  // Inside an unquoted argument only ' ', \n, \r and \t end it.
  assert.deepEqual(splitArgs('GET\x0bk'), ['GET\x0bk']);
  assert.deepEqual(splitArgs('PING\x0c"-1"'), ['PING\x0c-1']);
  assert.deepEqual(splitArgs('SET\x0bk\x0b"x y"'), ['SET\x0bk\x0bx y']);
  // Before an argument they are skipped, and a closing quote may be followed by them.
  assert.deepEqual(splitArgs('\x0b\x0cGET k'), ['GET', 'k']);
  assert.deepEqual(splitArgs('"" \x0bk\x0b\'$3\''), ['', 'k\x0b$3']);
  assert.deepEqual(splitArgs('""\x0b*1\x0b""'), ['', '*1\x0b']);
  assert.deepEqual(splitArgs('a\tb\rc\nd e'), ['a', 'b', 'c', 'd', 'e']);
});

test('the line is a C string: a NUL byte ends it', () => {
  assert.deepEqual(splitArgs('GET k\0 x'), ['GET', 'k']);
  assert.equal(splitArgs('GET "k\0"'), null);
});
