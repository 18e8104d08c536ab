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
  assert.equal(errText('inf'), 'ERR timeout is out of range');
  assert.equal(errText('1e300'), 'ERR timeout is out of range');
});
