import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMonitorLine, reprBytes } from './monitor.js';

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
