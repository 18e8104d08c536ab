import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBlockTimeoutSeconds } from './block-timeout.js';
import { isError } from '../protocol/reply.js';

test('blocking timeouts parse as Redis 7.0 does', () => {
  const now = 1_000_000;
  assert.equal(parseBlockTimeoutSeconds('0', now), 0);
  assert.equal(parseBlockTimeoutSeconds('1', now), now + 1000);
  assert.equal(parseBlockTimeoutSeconds('0.0001', now), now + 1); // rounded up to a whole ms
  assert.equal(parseBlockTimeoutSeconds('1.5', now), now + 1500);
  const errText = (a: string): string => {
    const r = parseBlockTimeoutSeconds(a, now);
    assert.ok(typeof r !== 'number' && isError(r));
    return r.s;
  };
  assert.equal(errText('-1'), 'ERR timeout is negative');
  assert.equal(errText('abc'), 'ERR timeout is not a float or out of range');
  // Redis 7.0.15 (measured): values beyond the long long range cast to LLONG_MIN -> "negative";
  // texts strtold refuses or that overflow a long double are "not a float".
  assert.equal(errText('inf'), 'ERR timeout is negative');
  assert.equal(errText('-inf'), 'ERR timeout is negative');
  assert.equal(errText('1e300'), 'ERR timeout is negative');
  assert.equal(errText('1e400'), 'ERR timeout is negative');
  assert.equal(errText('9223372036854776'), 'ERR timeout is negative');
  assert.equal(errText('1e5000'), 'ERR timeout is not a float or out of range');
  assert.equal(errText('1e-5000'), 'ERR timeout is not a float or out of range');
  assert.equal(errText('nan'), 'ERR timeout is not a float or out of range');
  assert.equal(errText(' 1'), 'ERR timeout is not a float or out of range');
  assert.equal(errText('1 '), 'ERR timeout is not a float or out of range');
  assert.equal(errText(''), 'ERR timeout is not a float or out of range');
});

test('blocking timeouts: rounding up, hex, and far deadlines as Redis 7.0.15', () => {
  const now = 1_000_000;
  assert.equal(parseBlockTimeoutSeconds('-0.0001', now), 0); // ceil(-0.1) = -0: wait forever
  assert.equal(parseBlockTimeoutSeconds('0.0009', now), now + 1);
  assert.equal(parseBlockTimeoutSeconds('1e-4000', now), now + 1);
  assert.equal(parseBlockTimeoutSeconds('-1e-4000', now), 0);
  assert.equal(parseBlockTimeoutSeconds('0x10', now), now + 16000);
  assert.equal(parseBlockTimeoutSeconds('9223372036854775', now), 9223372036854775000 + now);
});
