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

test('parseScore: plain decimals (the second fast path) accept and round as strtod does', () => {
  // strtod's grammar for a decimal without exponent: sign, digits, one optional point, digits,
  // at least one digit in all.
  const strtodDecimal = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
  const chars = fc.constantFrom('0', '1', '5', '9', '.', '-', '+');
  fc.assert(fc.property(fc.array(chars, { minLength: 1, maxLength: 40 }), (cs) => {
    const s = cs.join('');
    const want = strtodDecimal.test(s) ? Number(s) : null;
    assert.equal(parseScore(s), want, s);
  }), { numRuns: 2000 });
  assert.equal(parseScore('1764000012345000.25'), 1764000012345000.25);
  assert.equal(parseScore('1.'), 1);
  assert.equal(parseScore('.5'), 0.5);
  assert.equal(parseScore('+.5'), 0.5);
  assert.ok(Object.is(parseScore('-0.0'), -0));
  for (const bad of ['.', '-.', '+', '1.2.3', '1..', '1.5 ', '0x', '1,5']) assert.equal(parseScore(bad), null, bad);
  // Longer than the fast path: still strtod's reading (0.1 with 60 zeros after the point is 1e-61).
  assert.equal(parseScore(`0.${'0'.repeat(60)}1`), 1e-61);
});
