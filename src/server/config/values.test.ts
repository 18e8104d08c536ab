import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LLONG_MAX, formatMemoryForRewrite, formatPercentile, memtoull, parseOctal, repr, strtollStrict } from './values.js';

test('memtoull accepts digits with an optional unit, like Redis', () => {
  const ok: Array<[string, bigint]> = [
    ['0', 0n], ['', 0n], ['kb', 0n], ['1b', 1n], ['1B', 1n], ['01k', 1000n], ['1K', 1000n], ['5kB', 5120n], ['1m', 1000000n],
    ['1mb', 1048576n], ['1g', 1000000000n], ['1GB', 1073741824n], ['99999999999999999999', 18446744073709551615n],
    // overflow wraps like the C multiplication
    ['18446744073709551615kb', (18446744073709551615n * 1024n) % (1n << 64n)],
  ];
  for (const [s, v] of ok) assert.equal(memtoull(s), v, s);
  for (const s of ['-1', '+5', ' 1', '1 kb', '1.5mb', '0x10', '1t', '-0', '1kbb']) assert.equal(memtoull(s), null, s);
  assert.equal(memtoull('1'.repeat(128)), null);
});

test('rewrite formats bytes with the largest exact unit', () => {
  assert.equal(formatMemoryForRewrite(0), '0');
  assert.equal(formatMemoryForRewrite(1024), '1kb');
  assert.equal(formatMemoryForRewrite(3 * 1024 * 1024), '3mb');
  assert.equal(formatMemoryForRewrite(1073741824), '1gb');
  assert.equal(formatMemoryForRewrite(1000), '1000');
  assert.equal(formatMemoryForRewrite(18446744073709551615n), '-1');
});

test('octal and strtoll follow their C counterparts', () => {
  assert.equal(parseOctal('777'), 0o777n);
  assert.equal(parseOctal('0'), 0n);
  assert.equal(parseOctal('8'), null);
  assert.equal(parseOctal(''), 0n);
  assert.equal(parseOctal(' '), null);
  assert.equal(parseOctal(' -7'), -7n);
  assert.equal(parseOctal('7'.repeat(30)), LLONG_MAX);
  assert.equal(strtollStrict(' 12'), 12n);
  assert.equal(strtollStrict('+3'), 3n);
  assert.equal(strtollStrict(''), 0n);
  assert.equal(strtollStrict('1 '), null);
  assert.equal(strtollStrict('x'), null);
  assert.equal(formatPercentile(99.9), '99.9');
  assert.equal(formatPercentile(50), '50');
  assert.equal(formatPercentile(0.001), '0.001');
  assert.equal(formatPercentile(-0), '-0');
});

test('repr quotes like sdscatrepr', () => {
  assert.equal(repr('a"b c'), '"a\\"b c"');
  assert.equal(repr('\n\r\t\x07\b\\'), '"\\n\\r\\t\\a\\b\\\\"');
  assert.equal(repr('\x00\xff'), '"\\x00\\xff"');
  assert.equal(repr(''), '""');
});
