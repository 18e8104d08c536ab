/**
 * LZF compression (the format of liblzf, which Redis uses for RDB strings), written from the format:
 *   000LLLLL + L+1 literal bytes
 *   LLLooooo oooooooo            back reference of L+2 bytes at distance o+1 (L in 1..6)
 *   111ooooo LLLLLLLL oooooooo   back reference of L+9 bytes at distance o+1
 *
 * The compressor follows liblzf 3.5's "very fast" configuration as Redis 7.0 builds it (16-bit hash table
 * of 3-byte prefixes, the same hash, the same match extension and re-hashing after a match, the
 * same output-space checks), so the bytes it produces — and whether it gives up — are what Redis
 * produces: DUMP payloads and RDB files compare byte for byte. The decompressor validates every
 * reference and length and never reads or writes outside its buffers.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * Scratch space shared by every call (compression is synchronous, so calls never overlap): the
 * hash table and the output buffer. A fresh 64Ki-entry table per string cost more than the
 * compression itself; instead each call owns the positions above `base`: a slot holds
 * `base + position`, and anything at or below the current base was written by an earlier call and
 * reads as empty, exactly as liblzf's table initialized to "no match".
 */
const scratch = { htab: new Int32Array(HSIZE), base: 0, out: Buffer.allocUnsafe(64 * 1024) };
const BASE_LIMIT = 0x7fff0000;

/**
 * Compresses `input` into at most `outLen` bytes; returns the compressed bytes, or null when they
 * would not fit (liblzf's 0 return: Redis then stores the string raw). The result is a view of a
 * scratch buffer, valid until the next call: copy it to keep it.
 */
export function lzfCompress(input: Uint8Array, outLen: number): Buffer | null {
  const n = lzfCompressInto(input, input.length, outLen);
  return n === 0 ? null : scratch.out.subarray(0, n);
}

/** The buffer `lzfCompressInto` writes to (valid until its next call). */
export function lzfOutput(): Buffer {
  return scratch.out;
}

/**
 * The first `inLen` bytes of `input` compressed into `lzfOutput()`; returns their length, or 0
 * when they would not fit in `outLen` bytes. No allocation: the snapshot's hot path.
 */
export function lzfCompressInto(input: Uint8Array, inLen: number, outLen: number): number {
  if (inLen === 0 || outLen <= 0) return 0;
  // Slack so the (checked) tail writes never fall outside the JS buffer.
  if (scratch.out.length < outLen + 8) scratch.out = Buffer.allocUnsafe(Math.max(outLen + 8, scratch.out.length * 2));
  const out = scratch.out;
  const htab = scratch.htab;
  if (scratch.base + inLen + 1 >= BASE_LIMIT) {
    htab.fill(0);
    scratch.base = 0;
  }
  const base = scratch.base + 1;
  scratch.base = base + inLen;
  let ip = 0;
  let op = 1; // the first literal run's control byte is at 0
  let lit = 0;
  const inEnd = inLen;
  let hval = ((input[0]! << 8) | (input[1] ?? 0)) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot]! - base;
    htab[slot] = base + ip;
    let off: number;
    if (
      ref >= 0 && ref < ip &&
      (off = ip - ref - 1) < MAX_OFF &&
      ref > 0 &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      if (op + 3 + 1 >= outLen) return 0;
      let done = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) { done = true; break; }
        }
      }
      if (!done) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = ((off >> 8) + (len << 5)) & 0xff;
      } else {
        out[op++] = ((off >> 8) + (7 << 5)) & 0xff;
        out[op++] = (len - 7) & 0xff;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = ((input[ip]! << 8) | input[ip + 1]!) >>> 0;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = base + ip;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = base + ip;
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return op;
}

/** Decompresses into exactly `outLen` bytes; null when the data is malformed or the size differs. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  return lzfDecompressInto(input, 0, input.length, out, outLen) ? out : null;
}

/**
 * Decompresses `input[start, end)` into the first `outLen` bytes of `out` (at least that long);
 * false when the data is malformed or does not make exactly `outLen` bytes.
 */
export function lzfDecompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): boolean {
  let ip = start;
  let op = 0;
  const inEnd = end;
  while (ip < inEnd) {
    let ctrl = input[ip++]!;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > inEnd) return false;
      for (let k = 0; k < n; k++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= inEnd) return false;
        len += input[ip++]!;
      }
      if (ip >= inEnd) return false;
      let ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++]!;
      len += 2;
      if (op + len > outLen || ref < 0) return false;
      // Byte by byte: the source may overlap what is being written (run-length style).
      for (let k = 0; k < len; k++) out[op++] = out[ref++]!;
    }
    ctrl = 0;
  }
  return op === outLen;
}
