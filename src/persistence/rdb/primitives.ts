/**
 * The RDB primitive encodings (rdb.c): length prefixes (6, 14, 32 and 64-bit), strings (raw, the
 * int8/16/32 "encoded integers", LZF-compressed), doubles (8-byte binary for ZSET_2, the old
 * length-prefixed text with 253/254/255 for nan/+inf/-inf), and the millisecond/second expiry
 * payloads. The writer side decides encodings exactly as Redis does, so bytes compare equal.
 */
import { parseInt64 } from '../../lib/int64.js';
import { sscanfDouble } from '../../lib/strtod.js';
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import {
  RDB_14BITLEN, RDB_32BITLEN, RDB_64BITLEN, RDB_6BITLEN, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8,
  RDB_ENC_LZF, RDB_ENCVAL,
} from './constants.js';
import { RdbError } from './errors.js';
import { SHORT_STRING } from './byte-writer.js';
import { lzfCompressInto, lzfDecompressInto, lzfOutput } from './lzf.js';

/** Strings longer than this are candidates for LZF (rdbSaveRawString). */
const LZF_MIN_LENGTH = 20;
/** Strings up to this length are candidates for the integer encodings. */
const INT_MAX_LENGTH = 11;

export function writeLen(w: ByteWriter, len: number): void {
  if (len < 1 << 6) {
    w.byte((RDB_6BITLEN << 6) | len);
  } else if (len < 1 << 14) {
    w.byte((RDB_14BITLEN << 6) | (len >> 8));
    w.byte(len & 0xff);
  } else if (len <= 0xffffffff) {
    w.byte(RDB_32BITLEN);
    w.u32be(len);
  } else {
    w.byte(RDB_64BITLEN);
    w.u64be(BigInt(len));
  }
}

/** The integer a string can be stored as (int8/16/32), or null (rdbTryIntegerEncoding). */
function encodableInt(s: string): number | null {
  if (s.length > INT_MAX_LENGTH || s.length === 0) return null;
  const v = parseInt64(s);
  if (v === null || typeof v === 'bigint') return null;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

function writeEncodedInt(w: ByteWriter, v: number): void {
  if (v >= -128 && v <= 127) {
    w.byte((RDB_ENCVAL << 6) | RDB_ENC_INT8);
    w.byte(v & 0xff);
  } else if (v >= -32768 && v <= 32767) {
    w.byte((RDB_ENCVAL << 6) | RDB_ENC_INT16);
    w.byte(v & 0xff);
    w.byte((v >> 8) & 0xff);
  } else {
    w.byte((RDB_ENCVAL << 6) | RDB_ENC_INT32);
    w.byte(v & 0xff);
    w.byte((v >> 8) & 0xff);
    w.byte((v >> 16) & 0xff);
    w.byte((v >>> 24) & 0xff);
  }
}

function writeLzf(w: ByteWriter, bytes: Uint8Array, len = bytes.length): boolean {
  if (len <= 4) return false;
  const n = lzfCompressInto(bytes, len, len - 4);
  if (n === 0) return false;
  w.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
  writeLen(w, n);
  writeLen(w, len);
  w.bytesFrom(lzfOutput(), n);
  return true;
}

/** A string value (latin1 JS string), as rdbSaveRawString encodes it. */
export function writeString(w: ByteWriter, s: string, compression: boolean): void {
  const n = encodableInt(s);
  if (n !== null) {
    writeEncodedInt(w, n);
    return;
  }
  if (compression && s.length > LZF_MIN_LENGTH && writeLzf(w, latin1Scratch(s), s.length)) return;
  writeLen(w, s.length);
  w.latin1(s);
}

/** Where a string's bytes go to be compressed (LZF only reads them): no buffer per string. */
const stringScratch = { buf: Buffer.allocUnsafe(64 * 1024) };

/** `s`'s latin1 bytes at the start of the scratch buffer (its first s.length bytes). */
function latin1Scratch(s: string): Buffer {
  const b = scratchOf(s.length);
  if (s.length <= SHORT_STRING) for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  else b.write(s, 0, s.length, 'latin1');
  return b;
}

/** A binary blob (listpack, intset), as rdbSaveRawString encodes it. */
export function writeBlob(w: ByteWriter, b: Buffer, compression: boolean): void {
  if (b.length <= INT_MAX_LENGTH) {
    const n = encodableInt(b.toString('latin1', 0, b.length));
    if (n !== null) {
      writeEncodedInt(w, n);
      return;
    }
  }
  if (compression && b.length > LZF_MIN_LENGTH && writeLzf(w, b)) return;
  writeLen(w, b.length);
  w.bytes(b);
}

export function writeBinaryDouble(w: ByteWriter, v: number): void {
  w.f64le(v);
}

/** A length prefix; `encoded` is set (and `len` is the encoding id) for RDB_ENCVAL strings. */
export interface LenRead { len: number; encoded: boolean }

const LEN_OUT: LenRead = { len: 0, encoded: false };

export function readLenEx(r: ByteReader): LenRead {
  const b = r.u8();
  const type = (b & 0xc0) >> 6;
  LEN_OUT.encoded = false;
  if (type === RDB_ENCVAL) {
    LEN_OUT.encoded = true;
    LEN_OUT.len = b & 0x3f;
  } else if (type === RDB_6BITLEN) {
    LEN_OUT.len = b & 0x3f;
  } else if (type === RDB_14BITLEN) {
    LEN_OUT.len = ((b & 0x3f) << 8) | r.u8();
  } else if (b === RDB_32BITLEN) {
    LEN_OUT.len = r.u32be();
  } else if (b === RDB_64BITLEN) {
    const v = r.u64be();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError(`Unknown length encoding ${b} in rdbLoadLen()`);
    LEN_OUT.len = Number(v);
  } else {
    throw new RdbError(`Unknown length encoding ${b} in rdbLoadLen()`);
  }
  return LEN_OUT;
}

/**
 * A plain length. An encoded-string prefix (11xxxxxx) reads as its low 6 bits, as rdbLoadLen(rdb,
 * NULL) does: Redis only looks at the "encoded" flag when loading strings, so a DUMP payload with
 * such a byte where a count or an ID part belongs is accepted by redis-server 7.0 (RESTORE answers
 * OK), and must be here too.
 */
export function readLen(r: ByteReader): number {
  return readLenEx(r).len;
}

/** Largest string the reader accepts (proto-max-bulk-len ceiling; guards allocations). */
const MAX_STRING_BYTES = 512 * 1024 * 1024;

/** A string in any RDB encoding, as raw bytes. */
export function readBytes(r: ByteReader): Buffer {
  const l = readLenEx(r);
  if (!l.encoded) {
    if (l.len > MAX_STRING_BYTES) throw new RdbError(`rdbGenericLoadStringObject failed allocating ${l.len} bytes`);
    return r.bytes(l.len);
  }
  switch (l.len) {
    case RDB_ENC_INT8: return Buffer.from(String((r.u8() << 24) >> 24), 'latin1');
    case RDB_ENC_INT16: return Buffer.from(String(r.i16le()), 'latin1');
    case RDB_ENC_INT32: return Buffer.from(String(r.i32le()), 'latin1');
    case RDB_ENC_LZF: {
      let out = EMPTY;
      readLzfInto(r, (n) => (out = Buffer.allocUnsafe(n)));
      return out;
    }
    default:
      throw new RdbError(`Unknown RDB string encoding type ${l.len}`);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * An LZF string after its encoding byte (compressed length, length, body), decompressed into the
 * first `len` bytes of `target(len)`; returns `len`. Throws Redis's texts on bad input.
 */
function readLzfInto(r: ByteReader, target: (len: number) => Buffer): number {
  const clen = readLen(r);
  const len = readLen(r);
  if (len > MAX_STRING_BYTES) throw new RdbError(`rdbGenericLoadStringObject failed allocating ${len} bytes`);
  const c = r.bytes(clen);
  // rdbLoadLzfStringObject checks `lzf_decompress(...) != len`: liblzf answers 0 on every error,
  // so an uncompressed length of 0 is accepted whatever the compressed bytes are (an empty string).
  if (len === 0) {
    target(0);
    return 0;
  }
  if (!lzfDecompressInto(c, 0, c.length, target(len), len)) throw new RdbError('Invalid LZF compressed string');
  return len;
}

/** The shared scratch buffer, at least `len` bytes long. */
function scratchOf(len: number): Buffer {
  if (stringScratch.buf.length < len) stringScratch.buf = Buffer.allocUnsafe(Math.max(len, stringScratch.buf.length * 2));
  return stringScratch.buf;
}

/** A string in any RDB encoding, as a latin1 JS string. */
export function readString(r: ByteReader): string {
  const l = readLenEx(r);
  if (!l.encoded) {
    if (l.len > MAX_STRING_BYTES) throw new RdbError(`rdbGenericLoadStringObject failed allocating ${l.len} bytes`);
    return r.latin1(l.len);
  }
  if (l.len === RDB_ENC_LZF) {
    // Compressed values are common (every string over 20 bytes that shrinks): decompressed into
    // a scratch buffer, the string made from there.
    const len = readLzfInto(r, scratchOf);
    return stringScratch.buf.toString('latin1', 0, len);
  }
  // Encoded integers: one decoder for both readers.
  r.pos--;
  const b = readBytes(r);
  return b.toString('latin1', 0, b.length);
}

export function readBinaryDouble(r: ByteReader): number {
  return r.f64le();
}

/** The pre-ZSET_2 double: length byte then text; 253 = nan, 254 = +inf, 255 = -inf. */
export function readOldDouble(r: ByteReader): number {
  const len = r.u8();
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  // Redis reads the text with sscanf("%lg"): what follows the number is ignored.
  const v = sscanfDouble(r.latin1(len));
  if (v === null) throw new RdbError('Failed reading double');
  return v;
}

/** The old double writer (tests and tools; Redis 7.0 itself writes binary doubles). */
export function writeOldDouble(w: ByteWriter, v: number, format17g: (v: number) => string): void {
  if (Number.isNaN(v)) { w.byte(253); return; }
  if (v === Infinity) { w.byte(254); return; }
  if (v === -Infinity) { w.byte(255); return; }
  const s = format17g(v);
  w.byte(s.length);
  w.latin1(s);
}
