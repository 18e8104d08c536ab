import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { parseScore } from './zset-common.js';

test('parseScore: decimal integers (the fast path) read as strtod reads them', () => {
  fc.assert(fc.property(fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }), fc.nat(3), (v, zeros) => {
    const digits = '0'.repeat(zeros) + String(Math.abs(v));
    const s = (v < 0 ? '-' : '') + digits;
    assert.equal(parseScore(s), Number(s)); // up to 15 characters the fast path, beyond it strtod
  }));
  assert.ok(Object.is(parseScore('-0'), -0));
  assert.equal(parseScore('-'), null);
  assert.equal(parseScore('12a'), null);
  assert.equal(parseScore(' 1'), null);
  assert.equal(parseScore('+7'), 7);
  assert.equal(parseScore('1e3'), 1000);
  assert.equal(parseScore('-inf'), -Infinity);
  assert.equal(parseScore('nan'), null);
});
