import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Murmur64A, murmurHash64ABig } from './murmurhash64a.js';

const M = 0xc6a4a7935bd1e995n;
const MASK = (1n << 64n) - 1n;

/** Straightforward BigInt MurmurHash64A, the reference for the 32-bit-pair implementation. */
function reference(data: Uint8Array, seed: bigint): bigint {
  let h = (seed ^ ((BigInt(data.length) * M) & MASK)) & MASK;
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(data[i + b]!);
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rem = data.length & 7;
  if (rem !== 0) {
    for (let b = rem - 1; b >= 0; b--) h ^= BigInt(data[blocks + b]!) << BigInt(8 * b);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

// Computed with a C implementation of MurmurHash64A (uint64_t arithmetic) on x86-64.
const GOLDEN: ReadonlyArray<readonly [string, bigint, bigint]> = [
  ['', 0xd8dfea6585bc9732n, 0x0000000000000000n],
  ['a', 0x53d2470a9b43b1a7n, 0x071717d2d36b6b11n],
  ['abc', 0x77ec90aeb374e502n, 0x9cc9c33498a95efbn],
  ['hello', 0x0f656f01eecfe400n, 0x1e68d17c457bf117n],
  ['1234567', 0x85563db163632857n, 0xae9ebd2095279402n],
  ['12345678', 0x95ebb86389132953n, 0x758f67d162b2d202n],
  ['123456789', 0x217532cb09f2a44dn, 0x4977490251674330n],
  ['The quick brown fox jumps over the lazy dog', 0x51606c5c5b561acen, 0x5589ca33042a861bn],
];

test('MurmurHash64A golden values (Redis seed 0xadc83b19 and seed 0)', () => {
  for (const [s, withRedisSeed, withZero] of GOLDEN) {
    assert.equal(murmurHash64ABig(s, 0xadc83b19), withRedisSeed, s);
    assert.equal(murmurHash64ABig(s, 0), withZero, s);
  }
  const bin = new Uint8Array(20);
  for (let i = 0; i < 20; i++) bin[i] = (0xff - i * 13) & 0xff;
  assert.equal(murmurHash64ABig(bin, 0xadc83b19), 0xeb919f4221267b71n);
  assert.equal(murmurHash64ABig(Buffer.from(bin).toString('latin1'), 0xadc83b19), 0xeb919f4221267b71n);
});

test('MurmurHash64A: string and byte paths equal the BigInt reference for any input', () => {
  const h = new Murmur64A();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 5 }), (data, seed, off) => {
    const want = reference(data, BigInt(seed));
    assert.equal(murmurHash64ABig(Buffer.from(data).toString('latin1'), seed), want);
    const padded = new Uint8Array(off + data.length + 3).fill(0xaa);
    padded.set(data, off);
    h.hashBytes(padded, off, data.length, seed);
    assert.equal((BigInt(h.out[0]!) << 32n) | BigInt(h.out[1]!), want);
  }), { numRuns: 2000 });
});
