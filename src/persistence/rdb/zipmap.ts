/**
 * Decoder of the zipmap byte format (hashes of Redis <= 2.4, RDB type 9):
 *   <count: 1 byte, 254 = unknown> then per pair <len><field><len><free><value><free bytes>,
 *   then 0xFF. A length is one byte below 254, or 254 followed by a u32le.
 * Validation as zipmapValidateIntegrity (deep): every length inside the buffer, the terminator,
 * the count when known. Redis 7.0 cannot produce zipmaps, so tests use hand-built bytes.
 */
import { RdbError } from './errors.js';

function corrupt(): never {
  throw new RdbError('Zipmap integrity check failed.');
}

/** Flat [field, value, ...] pairs of a zipmap blob. */
export function decodeZipmap(buf: Buffer): string[] {
  if (buf.length < 2) corrupt();
  const declared = buf[0]!;
  const end = buf.length - 1;
  if (buf[end] !== 0xff) corrupt();
  let p = 1;
  const out: string[] = [];
  const readLen = (): number => {
    if (p >= end) corrupt();
    const b = buf[p]!;
    if (b < 254) { p += 1; return b; }
    if (b === 254) {
      if (p + 5 > end) corrupt();
      const v = buf.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    return corrupt();
  };
  while (p < end) {
    const flen = readLen();
    if (flen > end - p) corrupt();
    const field = buf.toString('latin1', p, p + flen);
    p += flen;
    const vlen = readLen();
    if (p >= end) corrupt();
    const free = buf[p++]!;
    if (vlen + free > end - p) corrupt();
    out.push(field, buf.toString('latin1', p, p + vlen));
    p += vlen + free;
  }
  if (p !== end) corrupt();
  if (declared < 254 && declared !== out.length / 2) corrupt();
  return out;
}
