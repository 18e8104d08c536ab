/**
 * Decoder of the ziplist byte format (Redis <= 6.2 lists, hashes and sorted sets; Redis 7.0 still
 * loads it from old RDB files and DUMP payloads but never writes it):
 *   <zlbytes u32le> <zltail u32le> <zllen u16le, 65535 = unknown> <entry>... <0xFF>
 *   entry = <prevlen: 1 byte < 254, or 0xFE + u32le> <encoding> <data>
 *   encodings: 00xxxxxx 6-bit string length; 01xxxxxx + 1 byte: 14-bit big-endian length;
 *   0x80 + u32be length; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8,
 *   0xF1..0xFD immediate 0..12.
 * Validation follows ziplistValidateIntegrity in deep mode: sizes, tail offset, each prevlen, the
 * count and the terminator. Redis 7.0 cannot produce ziplists, so tests use hand-built bytes.
 */
import { RdbError } from './errors.js';

const HEADER_BYTES = 10;

function corrupt(): never {
  throw new RdbError('Ziplist integrity check failed.');
}

export function decodeZiplist(buf: Buffer): string[] {
  if (buf.length < HEADER_BYTES + 1) corrupt();
  if (buf.readUInt32LE(0) !== buf.length) corrupt();
  const tail = buf.readUInt32LE(4);
  const declared = buf.readUInt16LE(8);
  const end = buf.length - 1;
  if (buf[end] !== 0xff) corrupt();
  const out: string[] = [];
  let p = HEADER_BYTES;
  let prevSize = 0;
  let lastStart = HEADER_BYTES;
  while (p < end) {
    const start = p;
    let prevlen = buf[p]!;
    if (prevlen === 0xfe) {
      if (p + 5 > end) corrupt();
      prevlen = buf.readUInt32LE(p + 1);
      p += 5;
    } else if (prevlen === 0xff) {
      corrupt();
    } else {
      p += 1;
    }
    if (prevlen !== prevSize) corrupt();
    if (p >= end) corrupt();
    const e = buf[p]!;
    const kind = e >> 6;
    let value: string;
    if (kind === 0 || kind === 1 || e === 0x80) {
      let len: number;
      if (kind === 0) { len = e & 0x3f; p += 1; } else if (kind === 1) {
        if (p + 2 > end) corrupt();
        len = ((e & 0x3f) << 8) | buf[p + 1]!; p += 2;
      } else {
        if (p + 5 > end) corrupt();
        len = buf.readUInt32BE(p + 1); p += 5;
      }
      if (len > end - p) corrupt();
      value = buf.toString('latin1', p, p + len);
      p += len;
    } else if (e === 0xc0) {
      if (p + 3 > end) corrupt();
      value = String(buf.readInt16LE(p + 1)); p += 3;
    } else if (e === 0xd0) {
      if (p + 5 > end) corrupt();
      value = String(buf.readInt32LE(p + 1)); p += 5;
    } else if (e === 0xe0) {
      if (p + 9 > end) corrupt();
      value = buf.readBigInt64LE(p + 1).toString(); p += 9;
    } else if (e === 0xf0) {
      if (p + 4 > end) corrupt();
      value = String(buf.readIntLE(p + 1, 3)); p += 4;
    } else if (e === 0xfe) {
      if (p + 2 > end) corrupt();
      value = String(buf.readInt8(p + 1)); p += 2;
    } else if (e >= 0xf1 && e <= 0xfd) {
      value = String((e & 0x0f) - 1); p += 1;
    } else {
      corrupt();
    }
    prevSize = p - start;
    lastStart = start;
    out.push(value);
  }
  if (p !== end) corrupt();
  if (tail !== (out.length === 0 ? HEADER_BYTES : lastStart)) corrupt();
  if (declared !== 65535 && declared !== out.length) corrupt();
  return out;
}
