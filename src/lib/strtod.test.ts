import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sscanfDouble, string2d } from './strtod.js';

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

test('sscanfDouble reads as glibc sscanf("%lg") does (RDB text doubles), values checked against redis-server', () => {
  const cases: Array<[string, number | null]> = [
    ['11junk', 11], [' 1.5', 1.5], ['\t7', 7], ['\v3', 3], ['\n\n-2.5e-3z', -0.0025], [' +1', 1], ['1e', 1], ['1e+', 1], ['1e-', 1],
    ['1E+05x', 100000], ['1,5', 1], ['1..5', 1], ['0e', 0], ['1.5\x002', 1.5], ['1e400', Infinity], ['-1e400', -Infinity],
    ['infx', Infinity], ['infinity', Infinity], ['infinityx', Infinity], ['-Infinity', -Infinity], ['+Inf', Infinity],
    ['0x1p3', 8], ['0x.8', 0.5], ['0x1.8p1', 3], ['0x1p', 1], ['0x1pz', 1], ['0x1.p', 1], ['0x.', 0], ['0x.p1', 0], ['0x1e', 30],
    ['0x1p1024', Infinity], ['.5', 0.5], ['1.e3', 1000],
    ['', null], ['  ', null], ['-', null], ['+', null], ['.', null], ['.e1', null], ['- 1', null], ['--1', null], ['0x', null],
    ['+0x', null], ['0xg', null], ['i', null], ['in', null], ['infin', null], ['infinit', null], ['n', null], ['na', null],
  ];
  for (const [text, want] of cases) assert.equal(sscanfDouble(text), want, JSON.stringify(text));
  assert.ok(Number.isNaN(sscanfDouble('nanx')));
});
