import { test } from 'node:test';
import assert from 'node:assert/strict';
import { string2d } from './strtod.js';

test('string2d accepts what strtod consumes whole: decimal, hex integers and hex floats, infinities', () => {
  assert.equal(string2d('99.9'), 99.9);
  assert.equal(string2d('-.5e1'), -5);
  assert.equal(string2d('0x10'), 16);
  assert.equal(string2d('0x1p3'), 8);
  assert.equal(string2d('-0x1.8p1'), -3);
  assert.equal(string2d('inf'), Infinity);
  assert.equal(string2d('-Infinity'), -Infinity);
  assert.equal(string2d('123456789012345678901234567890'), 1.2345678901234568e29);
});

test('string2d refuses what Redis refuses: empty, leading space, trailing bytes, NaN, overflow, underflow', () => {
  for (const s of ['', ' 1', '1 ', 'abc', '0x', 'nan', '-nan', '1e400', '-1e400', '1e-400', '1.5.5', '0x1p']) {
    assert.equal(string2d(s), null, JSON.stringify(s));
  }
  assert.equal(string2d('0e-400'), 0); // a zero is not an underflow
});
