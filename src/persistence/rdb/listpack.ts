/**
 * The listpack byte format (Redis 7.0 listpack.c), as RDB and DUMP carry it:
 *   <total-bytes u32le> <count u16le, 65535 = unknown> <entry>... <0xFF>
 *   entry = <encoding+data> <backlen: size of encoding+data, 1..5 bytes, 7 bits each>
 * Integers in canonical decimal form are stored as 7/13/16/24/32/64-bit integers, other strings
 * with a 6, 12 or 32-bit length. The encoder makes the choices lpAppend makes; the decoder
 * validates like lpValidateIntegrity in deep mode (header size, each entry inside the buffer,
 * back-lengths, the count, the terminator) and reports corruption as RdbError.
 */
import { parseInt64 } from '../../lib/int64.js';
import { ByteWriter } from './byte-writer.js';
import { RdbError } from './errors.js';

const HEADER_BYTES = 6;
const EOF_BYTE = 0xff;
const COUNT_UNKNOWN = 65535;

function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function writeBacklen(w: ByteWriter, l: number): void {
  const n = backlenBytes(l);
  // Most significant group first; every byte but the first has the top bit set.
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    w.byte(k === n - 1 ? group : group | 128);
  }
}

function writeEntry(w: ByteWriter, s: string): void {
  const v = s.length <= 20 ? parseInt64(s) : null;
  let size: number;
  if (v !== null) {
    const b = BigInt(v);
    if (b >= 0n && b <= 127n) {
      w.byte(Number(b));
      size = 1;
    } else if (b >= -4096n && b <= 4095n) {
      const u = Number(b < 0n ? (1n << 13n) + b : b);
      w.byte((u >> 8) | 0xc0);
      w.byte(u & 0xff);
      size = 2;
    } else if (b >= -32768n && b <= 32767n) {
      const u = Number(b < 0n ? (1n << 16n) + b : b);
      w.byte(0xf1); w.byte(u & 0xff); w.byte(u >> 8);
      size = 3;
    } else if (b >= -8388608n && b <= 8388607n) {
      const u = Number(b < 0n ? (1n << 24n) + b : b);
      w.byte(0xf2); w.byte(u & 0xff); w.byte((u >> 8) & 0xff); w.byte(u >> 16);
      size = 4;
    } else if (b >= -2147483648n && b <= 2147483647n) {
      w.byte(0xf3); w.u32le(Number(b < 0n ? (1n << 32n) + b : b));
      size = 5;
    } else {
      w.byte(0xf4); w.i64le(b);
      size = 9;
    }
  } else if (s.length < 64) {
    w.byte(0x80 | s.length);
    w.latin1(s);
    size = 1 + s.length;
  } else if (s.length < 4096) {
    w.byte(0xe0 | (s.length >> 8));
    w.byte(s.length & 0xff);
    w.latin1(s);
    size = 2 + s.length;
  } else {
    w.byte(0xf0);
    w.u32le(s.length);
    w.latin1(s);
    size = 5 + s.length;
  }
  writeBacklen(w, size);
}

/** The listpack holding `entries` in order, as Redis builds it by appending each one. */
export function encodeListpack(entries: readonly string[]): Buffer {
  const w = new ByteWriter(64);
  w.u32le(0);
  w.u16le(0);
  for (const e of entries) writeEntry(w, e);
  w.byte(EOF_BYTE);
  const b = w.take();
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(entries.length < COUNT_UNKNOWN ? entries.length : COUNT_UNKNOWN, 4);
  return b;
}

function corrupt(): never {
  throw new RdbError('Listpack integrity check failed.');
}

/**
 * Every entry of a listpack blob (integers as canonical decimal strings), fully validated.
 * `streamNode` validates as streamValidateListpackIntegrity does a stream node's listpack: the
 * header shallowly (size and terminator), then entry by entry with lpValidateNext, which takes
 * an EOF byte where an entry would start as the end (what follows it is never looked at), and
 * never compares the number of entries with the header's count.
 */
export function decodeListpack(b: Uint8Array, streamNode = false): string[] {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.length < HEADER_BYTES + 1) corrupt();
  if (buf.readUInt32LE(0) !== buf.length) corrupt();
  const declared = buf.readUInt16LE(4);
  const out: string[] = [];
  let p = HEADER_BYTES;
  const end = buf.length - 1;
  if (buf[end] !== EOF_BYTE) corrupt();
  while (p < end) {
    const start = p;
    const c = buf[p]!;
    if (c === EOF_BYTE && streamNode) return out;
    let value: string;
    if (c < 0x80) {
      value = String(c);
      p += 1;
    } else if (c < 0xc0) {
      const len = c & 0x3f;
      if (p + 1 + len > end) corrupt();
      value = buf.toString('latin1', p + 1, p + 1 + len);
      p += 1 + len;
    } else if (c < 0xe0) {
      if (p + 2 > end) corrupt();
      let u = ((c & 0x1f) << 8) | buf[p + 1]!;
      if (u >= 1 << 12) u -= 1 << 13;
      value = String(u);
      p += 2;
    } else if (c < 0xf0) {
      if (p + 2 > end) corrupt();
      const len = ((c & 0x0f) << 8) | buf[p + 1]!;
      if (p + 2 + len > end) corrupt();
      value = buf.toString('latin1', p + 2, p + 2 + len);
      p += 2 + len;
    } else if (c === 0xf0) {
      if (p + 5 > end) corrupt();
      const len = buf.readUInt32LE(p + 1);
      if (len > end - p - 5) corrupt();
      value = buf.toString('latin1', p + 5, p + 5 + len);
      p += 5 + len;
    } else if (c === 0xf1) {
      if (p + 3 > end) corrupt();
      value = String(buf.readInt16LE(p + 1));
      p += 3;
    } else if (c === 0xf2) {
      if (p + 4 > end) corrupt();
      value = String(buf.readIntLE(p + 1, 3));
      p += 4;
    } else if (c === 0xf3) {
      if (p + 5 > end) corrupt();
      value = String(buf.readInt32LE(p + 1));
      p += 5;
    } else if (c === 0xf4) {
      if (p + 9 > end) corrupt();
      value = buf.readBigInt64LE(p + 1).toString();
      p += 9;
    } else {
      corrupt();
    }
    const size = p - start;
    const bl = backlenBytes(size);
    if (p + bl > end) corrupt();
    // The back-length must decode to the entry size, read as lpDecodeBacklen reads it: from its
    // last byte backwards, 7 bits a byte, until a byte without the top bit (which may be one of
    // the entry's own bytes: only the value is compared), at most 5 bytes.
    let v = 0;
    for (let q = p + bl - 1, shift = 0; ; q--, shift += 7) {
      if (shift > 28) corrupt();
      const byte = buf[q]!;
      v += (byte & 127) * 2 ** shift;
      if ((byte & 128) === 0) break;
    }
    if (v !== size) corrupt();
    p += bl;
    out.push(value);
  }
  if (p !== end) corrupt();
  if (!streamNode && declared !== COUNT_UNKNOWN && declared !== out.length) corrupt();
  return out;
}
