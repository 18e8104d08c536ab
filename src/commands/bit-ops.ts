/**
 * Bit-level primitives behind the bitmap commands, on Buffers (Redis's bitops.c helpers):
 * population count, first set/clear bit in a bit range, and BITFIELD's big-endian integer fields
 * with their WRAP / SAT / FAIL overflow rules. Bit 0 is the most significant bit of byte 0, as in
 * SETBIT.
 *
 * Field values are BigInts: fields go up to 64 bits and the overflow arithmetic must be exact.
 */

const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1]!;

/** Set bits in bytes [start, end] of buf (inclusive; both within the buffer). */
export function popcount(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let i = start;
  // Word-at-a-time where aligned runs allow it.
  if (end - start >= 16) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (; i + 3 <= end; i += 4) {
      let v = dv.getUint32(i);
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
  }
  for (; i <= end; i++) n += POPCOUNT8[buf[i]!]!;
  return n;
}

/** Index of the first bit equal to `bit` in bit positions [startBit, endBit], or -1. */
export function findBit(buf: Uint8Array, startBit: number, endBit: number, bit: 0 | 1): number {
  let pos = startBit;
  const skip = bit === 1 ? 0x00 : 0xff;
  while (pos <= endBit) {
    const byteIdx = pos >>> 3;
    const byte = buf[byteIdx]!;
    if ((pos & 7) === 0 && pos + 7 <= endBit && byte === skip) {
      pos += 8;
      continue;
    }
    const b = (byte >> (7 - (pos & 7))) & 1;
    if (b === bit) return pos;
    pos++;
  }
  return -1;
}

export type Overflow = 'wrap' | 'sat' | 'fail';

/** Reads an unsigned big-endian field of `bits` (1..64) at bit `offset`; bytes past the end read as 0. */
export function getUnsignedField(buf: Uint8Array, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  let window = 0n;
  for (let i = 0; i < 9; i++) {
    const idx = first + i;
    window = (window << 8n) | BigInt(idx < buf.length ? buf[idx]! : 0);
  }
  const shift = BigInt(72 - (offset - first * 8) - bits);
  return (window >> shift) & ((1n << BigInt(bits)) - 1n);
}

export function getSignedField(buf: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedField(buf, offset, bits));
}

/** Writes the low `bits` of `value` as a big-endian field at bit `offset` (inside buf). */
export function setField(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  let window = 0n;
  for (let i = 0; i < 9; i++) {
    const idx = first + i;
    window = (window << 8n) | BigInt(idx < buf.length ? buf[idx]! : 0);
  }
  const shift = BigInt(72 - (offset - first * 8) - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  window = (window & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = 8; i >= 0; i--) {
    const idx = first + i;
    if (idx < buf.length) buf[idx] = Number(window & 0xffn);
    window >>= 8n;
  }
}

export interface FieldResult {
  /** 0 = in range, 1 = overflow upward, -1 = overflow downward. */
  readonly overflow: 0 | 1 | -1;
  /** The value to store: the exact sum, or its wrapped / saturated form. */
  readonly value: bigint;
}

/**
 * value + incr for an unsigned field of `bits` (<= 63). `value` is what Redis holds as uint64: a
 * SET of a negative number arrives as its two's complement and counts as too large.
 */
export function unsignedFieldAdd(value: bigint, incr: bigint, bits: number, ow: Overflow): FieldResult {
  const max = (1n << BigInt(bits)) - 1n;
  const v = BigInt.asUintN(64, value);
  const sum = v + incr;
  let overflow: 0 | 1 | -1 = 0;
  if (v > max || sum > max) overflow = 1;
  else if (sum < 0n) overflow = -1;
  if (overflow === 0) return { overflow, value: sum };
  if (ow === 'sat') return { overflow, value: overflow === 1 ? max : 0n };
  return { overflow, value: BigInt.asUintN(bits, sum) };
}

/** value + incr for a signed field of `bits` (<= 64), with Redis's overflow rules. */
export function signedFieldAdd(value: bigint, incr: bigint, bits: number, ow: Overflow): FieldResult {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const sum = value + incr;
  let overflow: 0 | 1 | -1 = 0;
  if (sum > max) overflow = 1;
  else if (sum < min) overflow = -1;
  if (overflow === 0) return { overflow, value: sum };
  if (ow === 'sat') return { overflow, value: overflow === 1 ? max : min };
  return { overflow, value: BigInt.asIntN(bits, sum) };
}
