/**
 * The HyperLogLog value format of Redis 7.0 (hyperloglog.c), byte for byte: an HLL is a plain
 * string value, so GET must return exactly what redis-server stores for the same PFADDs.
 *
 * Layout: a 16-byte header "HYLL", encoding byte (0 dense, 1 sparse), 3 unused bytes, and the
 * cached cardinality (uint64 little endian; bit 7 of its last byte set = cache invalid). Then:
 * - dense: 16384 registers of 6 bits, packed LSB first (12288 bytes, total 12304);
 * - sparse: run-length opcodes ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy
 *   (1..16384 zero registers) and VAL 1vvvvvxx (value 1..32 repeated 1..4 times). A sparse HLL
 *   becomes dense when a register needs a value above 32 or when growing it would pass
 *   hll-sparse-max-bytes.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register,
 * the run of zero bits above them (plus one, bit 63 forced to 1) is the candidate value.
 *
 * `HllBuf` emulates the sds string Redis edits in place, including its NUL terminator: the byte
 * just past the end is readable and reads as what Redis would find there (a truncated XZERO at
 * the end of a corrupt value reads it). Every edit follows Redis's order of operations, so even
 * corrupt values (SETRANGE) evolve as they do in redis-server.
 *
 * The estimator is Otmar Ertl's improved raw estimator (hllSigma/hllTau), as Redis has used it
 * since 5.0, computed with the same sequence of double operations.
 */
import { Murmur64A } from '../lib/murmurhash64a.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
export const HLL_MAX_ENCODING = 1;
export const HLL_HASH_SEED = 0xadc83b19;

export const HLL_SPARSE_VAL_MAX_VALUE = 32;
export const HLL_SPARSE_VAL_MAX_LEN = 4;
export const HLL_SPARSE_ZERO_MAX_LEN = 64;
export const HLL_SPARSE_XZERO_MAX_LEN = 16384;
/** 0.5 / ln 2, the constant of Ertl's estimator. */
const HLL_ALPHA_INF = 0.721347520444481703680;

const ENC_OFFSET = 4;
const CARD_OFFSET = 8;

// Sparse opcode tests on one byte.
const isZeroOp = (b: number): boolean => (b & 0xc0) === 0;
const isXzeroOp = (b: number): boolean => (b & 0xc0) === 0x40;
const isValOp = (b: number): boolean => (b & 0x80) !== 0;
const zeroLen = (b: number): number => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number): number => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number): number => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number): number => (b & 0x3) + 1;
const valOp = (value: number, len: number): number => (((value - 1) << 2) | (len - 1) | 0x80) & 0xff;

/** A mutable HLL string: `buf[0..len)` is the value, `buf[len]` its terminator. */
export class HllBuf {
  constructor(public buf: Buffer, public len: number) {}

  static fromString(s: string): HllBuf {
    const b = zeroed(s.length + 8);
    b.write(s, 0, s.length, 'latin1');
    return new HllBuf(b, s.length);
  }

  toString(): string {
    return this.buf.toString('latin1', 0, this.len);
  }

  get encoding(): number { return this.buf[ENC_OFFSET]!; }

  /** sdsMakeRoomFor: room for `extra` more bytes plus the terminator; contents kept. */
  reserve(extra: number): void {
    const need = this.len + extra + 1;
    if (this.buf.length >= need) return;
    const b = zeroed(Math.max(need, this.buf.length * 2));
    this.buf.copy(b, 0, 0, this.len + 1);
    this.buf = b;
  }

  /** sdsIncrLen: moves the end and writes a terminator there. */
  incrLen(delta: number): void {
    this.len += delta;
    this.buf[this.len] = 0;
  }

  invalidateCache(): void {
    this.buf[CARD_OFFSET + 7]! |= 0x80;
  }

  /** Writes `card` (uint64) as the cached cardinality. */
  setCachedCard(card: bigint): void {
    for (let i = 0; i < 8; i++) this.buf[CARD_OFFSET + i] = Number((card >> BigInt(8 * i)) & 0xffn);
  }
}

/** A fresh sparse HLL: header plus XZERO opcodes covering every register (createHLLObject). */
export function createHll(): HllBuf {
  const ops = Math.ceil(HLL_REGISTERS / HLL_SPARSE_XZERO_MAX_LEN);
  const len = HLL_HDR_SIZE + ops * 2;
  const b = zeroed(64); // room to grow by a few opcodes before reallocating
  b[0] = 0x48; b[1] = 0x59; b[2] = 0x4c; b[3] = 0x4c; // "HYLL"
  b[ENC_OFFSET] = HLL_SPARSE;
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0;) {
    const n = Math.min(left, HLL_SPARSE_XZERO_MAX_LEN);
    p = writeXzero(b, p, n);
    left -= n;
  }
  return new HllBuf(b, len);
}

/** A zero-filled Buffer (small ones come from Node's pool). */
function zeroed(n: number): Buffer {
  return Buffer.allocUnsafe(n).fill(0);
}

function writeXzero(b: Uint8Array, p: number, len: number): number {
  const l = len - 1;
  b[p] = ((l >> 8) | 0x40) & 0xff;
  b[p + 1] = l & 0xff;
  return p + 2;
}

/**
 * True when `s` is a string Redis accepts as an HLL (isHLLObjectOrReply): at least a header,
 * magic "HYLL", a known encoding, and exactly the dense size when dense.
 */
export function isHllString(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s.charCodeAt(0) !== 0x48 || s.charCodeAt(1) !== 0x59 || s.charCodeAt(2) !== 0x4c || s.charCodeAt(3) !== 0x4c) return false;
  const enc = s.charCodeAt(ENC_OFFSET);
  if (enc > HLL_MAX_ENCODING) return false;
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

/** The cached cardinality of an HLL string when valid, else null (a number when exact). */
export function cachedCard(s: string): number | bigint | null {
  if ((s.charCodeAt(CARD_OFFSET + 7) & 0x80) !== 0) return null;
  const c = CARD_OFFSET;
  const lo = (s.charCodeAt(c) | (s.charCodeAt(c + 1) << 8) | (s.charCodeAt(c + 2) << 16) | (s.charCodeAt(c + 3) << 24)) >>> 0;
  const hi = (s.charCodeAt(c + 4) | (s.charCodeAt(c + 5) << 8) | (s.charCodeAt(c + 6) << 16) | (s.charCodeAt(c + 7) << 24)) >>> 0;
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Register `i` of a dense HLL string, read without copying it. */
export function denseGetString(s: string, i: number): number {
  const bit = i * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  const b1 = byte + 1 < s.length ? s.charCodeAt(byte + 1) : 0;
  return ((s.charCodeAt(byte) >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** The string with its cached-cardinality bytes replaced by `card`. */
export function withCachedCard(s: string, card: bigint): string {
  let bytes = '';
  for (let i = 0; i < 8; i++) bytes += String.fromCharCode(Number((card >> BigInt(8 * i)) & 0xffn));
  return s.slice(0, CARD_OFFSET) + bytes + s.slice(CARD_OFFSET + 8);
}

// ------------------------------------------------------------------------------------------
// Hashing

/** Register index and pattern length of one element (hllPatLen). */
export class HllHasher {
  private readonly h = new Murmur64A();
  index = 0;
  count = 0;

  private fromHash(): void {
    const hi = this.h.out[0]!;
    const lo = this.h.out[1]!;
    this.index = lo & HLL_P_MASK;
    const above = lo >>> HLL_P;
    if (above !== 0) {
      this.count = ctz32(above) + 1;
    } else {
      // Bits 14..31 are zero: continue in the high word, whose top bit is forced to 1.
      this.count = 32 - HLL_P + ctz32((hi | 0x80000000) >>> 0) + 1;
    }
  }

  patLenString(ele: string): void {
    this.h.hashString(ele, HLL_HASH_SEED);
    this.fromHash();
  }

  patLenBytes(buf: Uint8Array, off: number, len: number): void {
    this.h.hashBytes(buf, off, len, HLL_HASH_SEED);
    this.fromHash();
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ------------------------------------------------------------------------------------------
// Dense

/** Register `i` of dense registers starting at `off` (reads the byte after it, as Redis). */
export function denseGet(b: Uint8Array, off: number, i: number): number {
  const bit = i * HLL_BITS;
  const byte = off + (bit >> 3);
  const fb = bit & 7;
  return ((b[byte]! >> fb) | (b[byte + 1]! << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSetRaw(b: Uint8Array, off: number, i: number, v: number): void {
  const bit = i * HLL_BITS;
  const byte = off + (bit >> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  b[byte + 1] = (b[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (v >> fb8);
}

/** hllDenseSet: raises register `index` to `count`; 1 when it changed. */
export function denseSet(b: Uint8Array, index: number, count: number): 0 | 1 {
  if (count > denseGet(b, HLL_HDR_SIZE, index)) {
    denseSetRaw(b, HLL_HDR_SIZE, index, count);
    return 1;
  }
  return 0;
}

// ------------------------------------------------------------------------------------------
// Sparse

/**
 * hllSparseToDense: converts in place; false (value untouched) when the opcodes do not cover
 * exactly 16384 registers. A dense value is left as is.
 */
export function sparseToDense(h: HllBuf): boolean {
  if (h.encoding === HLL_DENSE) return true;
  const src = h.buf;
  const end = h.len;
  const dense = zeroed(HLL_DENSE_SIZE + 1);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[ENC_OFFSET] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = src[p]!;
    if (isZeroOp(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzeroOp(op)) {
      idx += xzeroLen(op, src[p + 1]!);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + idx > HLL_REGISTERS) return false; // overflow: corrupt
      while (runlen-- > 0) denseSetRaw(dense, HLL_HDR_SIZE, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  h.buf = dense;
  h.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * hllSparseSet: raises register `index` to `count` in a sparse HLL, splitting and merging
 * opcodes as Redis does, or promoting to dense. 1 = changed, 0 = unchanged, -1 = corrupt.
 */
export function sparseSet(h: HllBuf, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  if (count > HLL_SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  h.reserve(3);
  const b = h.buf;
  const sparse = HLL_HDR_SIZE;
  let end = h.len;

  // Step 1: find the opcode covering `index`.
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZeroOp(op)) {
      span = zeroLen(op);
    } else if (isValOp(op)) {
      span = valLen(op);
    } else {
      span = xzeroLen(op, b[p + 1]!);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p]!;
  let next = isXzeroOp(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const isZero = isZeroOp(op);
  const isXzero = isXzeroOp(op);
  const isVal = !isZero && !isXzero;
  const runlen = isZero ? zeroLen(op) : isXzero ? xzeroLen(op, b[p + 1]!) : valLen(op);

  let updated = false;
  // Step 2: trivial cases.
  if (isVal) {
    if (valValue(op) >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updated = true;
    }
  }
  if (!updated && isZero && runlen === 1) {
    b[p] = valOp(count, 1);
    updated = true;
  }

  if (!updated) {
    // General case: split the opcode into up to three (at most 5 bytes).
    const seq: number[] = [];
    const last = first + span - 1;
    const pushZeros = (len: number): void => {
      if (len > HLL_SPARSE_ZERO_MAX_LEN) {
        const l = len - 1;
        seq.push(((l >> 8) | 0x40) & 0xff, l & 0xff);
      } else {
        seq.push(len - 1);
      }
    };
    if (isZero || isXzero) {
      if (index !== first) pushZeros(index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeros(last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valOp(curval, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(curval, last - index));
    }

    // Step 3: put the new sequence in place of the old opcode.
    const seqlen = seq.length;
    const oldlen = isXzero ? 2 : 1;
    const deltalen = seqlen - oldlen;
    if (deltalen > 0 && h.len + deltalen > sparseMaxBytes) return promote(h, index, count);
    if (deltalen !== 0 && next >= 0) b.copyWithin(next + deltalen, next, end);
    h.incrLen(deltalen);
    for (let i = 0; i < seqlen; i++) b[p + i] = seq[i]!;
    end += deltalen;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- !== 0) {
    const cur = b[p]!;
    if (isXzeroOp(cur)) {
      p += 2;
      continue;
    } else if (isZeroOp(cur)) {
      p++;
      continue;
    }
    if (p + 1 < end && isValOp(b[p + 1]!)) {
      const v1 = valValue(cur);
      const v2 = valValue(b[p + 1]!);
      if (v1 === v2) {
        const len = valLen(cur) + valLen(b[p + 1]!);
        if (len <= HLL_SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end + 1);
          h.incrLen(-1);
          end--;
          continue;
        }
      }
    }
    p++;
  }

  h.invalidateCache();
  return 1;
}

function promote(h: HllBuf, index: number, count: number): -1 | 1 {
  if (!sparseToDense(h)) return -1;
  // Promotion only happens when the register must change, so this always sets it.
  denseSet(h.buf, index, count);
  return 1;
}

/** hllAdd: adds one element (already hashed into `hs`) whichever the encoding. */
export function hllSet(h: HllBuf, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  switch (h.encoding) {
    case HLL_DENSE: return denseSet(h.buf, index, count);
    case HLL_SPARSE: return sparseSet(h, index, count, sparseMaxBytes);
    default: return -1;
  }
}

// ------------------------------------------------------------------------------------------
// Histograms, merge, estimate

/** Register histogram (64 slots) of a dense HLL (value bytes from `off`). */
export function denseHisto(b: Uint8Array, off: number, histo: Int32Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(b, off, i)]!++;
}

/**
 * Register histogram of a sparse HLL string from byte HLL_HDR_SIZE; returns false when the
 * opcodes do not cover exactly 16384 registers (the histogram is then meaningless).
 */
export function sparseHisto(s: string, histo: Int32Array): boolean {
  const end = s.length;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = s.charCodeAt(p);
    if (isZeroOp(op)) {
      const r = zeroLen(op);
      idx += r;
      histo[0]! += r;
      p++;
    } else if (isXzeroOp(op)) {
      const b2 = p + 1 < end ? s.charCodeAt(p + 1) : 0; // the terminator
      const r = xzeroLen(op, b2);
      idx += r;
      histo[0]! += r;
      p += 2;
    } else {
      const r = valLen(op);
      idx += r;
      histo[valValue(op)]! += r;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/** Histogram of byte-per-register values (the merged registers of PFCOUNT k1 k2 ...). */
export function rawHisto(max: Uint8Array, histo: Int32Array): void {
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]!]!++;
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const TWO_63 = 2 ** 63;

/**
 * Cardinality estimate from a register histogram (hllCount), as the uint64 Redis stores:
 * llroundl of the estimate; a non-finite or out-of-range estimate (only from corrupt registers)
 * gives what x86 produces for it, 0x8000000000000000.
 */
export function estimate(histo: Int32Array): bigint {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(histo[0]! / m);
  const e = (HLL_ALPHA_INF * m * m) / z;
  if (!(e < TWO_63)) return 1n << 63n;
  return BigInt(Math.round(e));
}

/**
 * hllMerge: max[i] = max(max[i], register i of the HLL string `s`) for a validated HLL string.
 * False when a sparse value is corrupt (max may be partly updated, as in Redis).
 */
export function mergeInto(max: Uint8Array, s: string): boolean {
  if (s.charCodeAt(ENC_OFFSET) === HLL_DENSE) {
    const b = HllBuf.fromString(s).buf;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, HLL_HDR_SIZE, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  const end = s.length;
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = s.charCodeAt(p);
    if (isZeroOp(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzeroOp(op)) {
      i += xzeroLen(op, p + 1 < end ? s.charCodeAt(p + 1) : 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + i > HLL_REGISTERS) return false; // overflow: corrupt
      while (runlen-- > 0) {
        if (regval > max[i]!) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** Cardinality of one HLL string (hllCount on a dense or sparse value); null when corrupt. */
export function countHll(s: string): bigint | null {
  const histo = new Int32Array(64);
  if (s.charCodeAt(ENC_OFFSET) === HLL_DENSE) {
    denseHisto(HllBuf.fromString(s).buf, HLL_HDR_SIZE, histo);
  } else if (!sparseHisto(s, histo)) {
    return null;
  }
  return estimate(histo);
}

/** PFDEBUG DECODE text of a sparse HLL string: "z:N", "Z:N" and "v:V,N" tokens. */
export function decodeSparse(s: string): string {
  const end = s.length;
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = s.charCodeAt(p);
    if (isZeroOp(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzeroOp(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < end ? s.charCodeAt(p + 1) : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
