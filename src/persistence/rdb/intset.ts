/**
 * The intset byte format (intset.c): <encoding u32le: 2, 4 or 8> <length u32le> then the members,
 * sorted ascending, each `encoding` bytes little-endian. The encoder picks the narrowest encoding
 * that holds every member, as intsetAdd's upgrades end up doing; the decoder validates like
 * intsetValidateIntegrity in deep mode (size, ascending order, no duplicates).
 */
import type { Int64 } from '../../lib/int64.js';
import { ByteWriter } from './byte-writer.js';
import { RdbError } from './errors.js';

function width(v: bigint): number {
  if (v >= -32768n && v <= 32767n) return 2;
  if (v >= -2147483648n && v <= 2147483647n) return 4;
  return 8;
}

/** `members` must be sorted ascending and distinct (a SetValue's intset order). */
export function encodeIntset(members: readonly Int64[]): Buffer {
  let enc = 2;
  const big = members.map((m) => BigInt(m));
  for (const v of big) enc = Math.max(enc, width(v));
  const w = new ByteWriter(8 + enc * members.length);
  w.u32le(enc);
  w.u32le(members.length);
  for (const v of big) {
    if (enc === 2) w.u16le(Number(BigInt.asUintN(16, v)));
    else if (enc === 4) w.u32le(Number(BigInt.asUintN(32, v)));
    else w.i64le(v);
  }
  return w.take();
}

function corrupt(): never {
  throw new RdbError('Intset integrity check failed.');
}

/** The members of an intset blob, as canonical decimal strings in ascending order. */
export function decodeIntset(buf: Buffer): string[] {
  if (buf.length < 8) corrupt();
  const enc = buf.readUInt32LE(0);
  if (enc !== 2 && enc !== 4 && enc !== 8) corrupt();
  const n = buf.readUInt32LE(4);
  if (n === 0 || 8 + n * enc !== buf.length) corrupt();
  const out: string[] = new Array<string>(n);
  let prev: bigint | null = null;
  for (let i = 0; i < n; i++) {
    const at = 8 + i * enc;
    const v = enc === 2 ? BigInt(buf.readInt16LE(at)) : enc === 4 ? BigInt(buf.readInt32LE(at)) : buf.readBigInt64LE(at);
    if (prev !== null && v <= prev) corrupt();
    prev = v;
    out[i] = v.toString();
  }
  return out;
}
