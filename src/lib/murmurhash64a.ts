/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit variant) in the endian-neutral form Redis
 * uses for HyperLogLog: 8-byte blocks are read little-endian, the tail bytes are folded in from
 * the highest down, and the seed is a 32-bit value widened to 64 bits.
 *
 * 64-bit arithmetic is done on pairs of unsigned 32-bit halves (no BigInt on the hot path): the
 * result is written into `out` as [hi, lo] so that hashing allocates nothing. `murmurHash64ABig`
 * wraps it for tests and callers that want one bigint.
 */

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;

/**
 * Working state of one hash: h (64 bits) and k (64 bits), as unsigned 32-bit halves. Passed
 * around instead of returning pairs so that nothing is allocated per hash.
 */
const H_HI = 0;
const H_LO = 1;
const K_HI = 2;
const K_LO = 3;

/** s[hiIdx..loIdx] *= m (mod 2^64). */
function mulM(s: Uint32Array, hiIdx: number, loIdx: number): void {
  const ah = s[hiIdx]!;
  const al = s[loIdx]!;
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  // Full 64-bit product of the low halves, from 16-bit limbs (every partial product < 2^32).
  const p00 = a0 * M_LO_0;
  const p01 = a0 * M_LO_1;
  const p10 = a1 * M_LO_0;
  const p11 = a1 * M_LO_1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536);
  // Cross terms only reach the high half (mod 2^32).
  s[hiIdx] = (hi + Math.imul(ah, M_LO) + Math.imul(al, M_HI)) >>> 0;
  s[loIdx] = lo;
}

function begin(s: Uint32Array, len: number, seed: number): void {
  // h = seed ^ (len * m)
  s[H_HI] = 0;
  s[H_LO] = len >>> 0;
  mulM(s, H_HI, H_LO);
  s[H_LO] = (s[H_LO]! ^ (seed >>> 0)) >>> 0;
}

function mixBlock(s: Uint32Array, kLo: number, kHi: number): void {
  s[K_HI] = kHi >>> 0;
  s[K_LO] = kLo >>> 0;
  mulM(s, K_HI, K_LO);
  s[K_LO] = (s[K_LO]! ^ (s[K_HI]! >>> 15)) >>> 0; // k ^= k >> 47
  mulM(s, K_HI, K_LO);
  s[H_HI] = (s[H_HI]! ^ s[K_HI]!) >>> 0;
  s[H_LO] = (s[H_LO]! ^ s[K_LO]!) >>> 0;
  mulM(s, H_HI, H_LO);
}

function finish(s: Uint32Array, tailLo: number, tailHi: number, hasTail: boolean, out: Uint32Array): void {
  if (hasTail) {
    s[H_HI] = (s[H_HI]! ^ tailHi) >>> 0;
    s[H_LO] = (s[H_LO]! ^ tailLo) >>> 0;
    mulM(s, H_HI, H_LO);
  }
  s[H_LO] = (s[H_LO]! ^ (s[H_HI]! >>> 15)) >>> 0; // h ^= h >> 47
  mulM(s, H_HI, H_LO);
  s[H_LO] = (s[H_LO]! ^ (s[H_HI]! >>> 15)) >>> 0;
  out[0] = s[H_HI]!;
  out[1] = s[H_LO]!;
}

/** Scratch space for one hasher; reusable across calls (not shared between hashers). */
export class Murmur64A {
  private readonly s = new Uint32Array(4);
  /** [hi, lo] of the last hash. */
  readonly out = new Uint32Array(2);

  /** Hashes a byte string (latin1 JS string, one char per byte). Result in `out`. */
  hashString(key: string, seed: number): void {
    const s = this.s;
    const len = key.length;
    begin(s, len, seed);
    const blocks = len - (len & 7);
    let i = 0;
    for (; i < blocks; i += 8) {
      const lo = (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24)) >>> 0;
      const hi = (key.charCodeAt(i + 4) | (key.charCodeAt(i + 5) << 8) | (key.charCodeAt(i + 6) << 16) | (key.charCodeAt(i + 7) << 24)) >>> 0;
      mixBlock(s, lo, hi);
    }
    let tLo = 0;
    let tHi = 0;
    const rem = len & 7;
    for (let j = 0; j < rem; j++) {
      const b = key.charCodeAt(i + j) & 0xff;
      if (j < 4) tLo |= b << (8 * j);
      else tHi |= b << (8 * (j - 4));
    }
    finish(s, tLo >>> 0, tHi >>> 0, rem !== 0, this.out);
  }

  /** Hashes `len` bytes of `buf` from `off`. Result in `out`. */
  hashBytes(buf: Uint8Array, off: number, len: number, seed: number): void {
    const s = this.s;
    begin(s, len, seed);
    const blocks = len - (len & 7);
    let i = off;
    const stop = off + blocks;
    for (; i < stop; i += 8) {
      const lo = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0;
      const hi = (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24)) >>> 0;
      mixBlock(s, lo, hi);
    }
    let tLo = 0;
    let tHi = 0;
    const rem = len & 7;
    for (let j = 0; j < rem; j++) {
      const b = buf[i + j]!;
      if (j < 4) tLo |= b << (8 * j);
      else tHi |= b << (8 * (j - 4));
    }
    finish(s, tLo >>> 0, tHi >>> 0, rem !== 0, this.out);
  }
}

/** MurmurHash64A of a byte string as an unsigned 64-bit bigint (tests, non-hot paths). */
export function murmurHash64ABig(key: string | Uint8Array, seed: number): bigint {
  const h = new Murmur64A();
  if (typeof key === 'string') h.hashString(key, seed);
  else h.hashBytes(key, 0, key.length, seed);
  return (BigInt(h.out[0]!) << 32n) | BigInt(h.out[1]!);
}
