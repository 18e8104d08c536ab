/**
 * The packed form of a small hash (Redis's `listpack` encoding): every field and value, in order
 * [f1, v1, f2, v2, ...], concatenated into ONE flat V8 one-byte string, each entry preceded by its
 * byte length as a little-endian base-128 varint (one char below 128 bytes).
 *
 * Why a string: a JS array of 2N strings costs an array object, a backing store of 8-byte slots
 * and a 16-byte header per string; one packed string costs one header plus the bytes plus a
 * length char per entry, which is what keeps 100k ten-field hashes near Redis's own footprint.
 * Strings are immutable, so copying a packed hash (COPY) is free. Reads are a linear walk, as
 * Redis's lpFind is; writes rebuild the string, as listpack insertions memmove.
 *
 * Invariants: a packed string is always built with Array.prototype.join (which allocates a flat
 * sequential string, never a cons tree); it holds an even number of entries; every char is a byte.
 *
 * The sorted set's listpack (zset.ts) uses the same codec with pairs (member, score as text) kept
 * in score order: the positional helpers (lpWalkPairs, lpInsertAt, lpCut) serve it.
 */

/** The varint length prefix of an entry of `len` bytes. */
function header(len: number): string {
  if (len < 0x80) return String.fromCharCode(len);
  let s = '';
  while (len >= 0x80) {
    s += String.fromCharCode((len & 0x7f) | 0x80);
    len = Math.floor(len / 128);
  }
  return s + String.fromCharCode(len);
}

/** Reads a varint at `pos`; returns the length and stores the position after it in `out[0]`. */
export function lpReadLen(lp: string, pos: number, out: number[]): number {
  let c = lp.charCodeAt(pos++);
  if (c < 0x80) {
    out[0] = pos;
    return c;
  }
  let len = c & 0x7f;
  let mul = 128;
  do {
    c = lp.charCodeAt(pos++);
    len += (c & 0x7f) * mul;
    mul *= 128;
  } while (c >= 0x80);
  out[0] = pos;
  return len;
}

/** Packs `items[start..end)` (fields and values alternating). */
export function lpPack(items: readonly string[], start = 0, end = items.length): string {
  const parts: string[] = new Array<string>(2 * (end - start));
  let j = 0;
  for (let i = start; i < end; i++) {
    const s = items[i]!;
    parts[j++] = header(s.length);
    parts[j++] = s;
  }
  return parts.join('');
}

/** Every entry of a packed string, in order (substrings: transient use only, see lpUnpackCopies). */
export function lpUnpack(lp: string): string[] {
  const out: string[] = [];
  const p = [0];
  let pos = 0;
  while (pos < lp.length) {
    const len = lpReadLen(lp, pos, p);
    pos = p[0]!;
    out.push(lp.substring(pos, pos + len));
    pos += len;
  }
  return out;
}

/**
 * Like lpUnpack, but every entry is an independent flat string. V8 substrings of 13+ chars are
 * slices that keep the whole packed string alive: entries that will be stored elsewhere (the
 * conversion to a hash table) are copied out of one Buffer instead.
 */
export function lpUnpackCopies(lp: string): string[] {
  const buf = Buffer.from(lp, 'latin1');
  const out: string[] = [];
  const p = [0];
  let pos = 0;
  while (pos < lp.length) {
    const len = lpReadLen(lp, pos, p);
    pos = p[0]!;
    out.push(buf.toString('latin1', pos, pos + len));
    pos += len;
  }
  return out;
}

/** Calls `fn(field, value)` for each pair in order. */
export function lpForEachPair(lp: string, fn: (field: string, value: string) => void): void {
  const p = [0];
  let pos = 0;
  while (pos < lp.length) {
    const flen = lpReadLen(lp, pos, p);
    const fstart = p[0]!;
    const vlen = lpReadLen(lp, fstart + flen, p);
    const vstart = p[0]!;
    fn(lp.substring(fstart, fstart + flen), lp.substring(vstart, vstart + vlen));
    pos = vstart + vlen;
  }
}

/** Where a pair lies in a packed string: [pairStart, valueStart, valueEnd). */
export interface LpPairPos {
  pairStart: number;
  valueStart: number;
  valueEnd: number;
}

/** Locates `field` (byte-exact match), or returns null. The hot loop of HGET/HSET on listpacks. */
export function lpFind(lp: string, field: string): LpPairPos | null {
  const flen = field.length;
  // First and last bytes are checked before the full comparison: fields often share a prefix.
  const f0 = flen === 0 ? -1 : field.charCodeAt(0);
  const fl = flen === 0 ? -1 : field.charCodeAt(flen - 1);
  const end = lp.length;
  const p = [0];
  let pos = 0;
  while (pos < end) {
    const pairStart = pos;
    let len = lp.charCodeAt(pos);
    if (len < 0x80) pos++;
    else { len = lpReadLen(lp, pos, p); pos = p[0]!; }
    const fstart = pos;
    pos += len;
    let vlen = lp.charCodeAt(pos);
    if (vlen < 0x80) pos++;
    else { vlen = lpReadLen(lp, pos, p); pos = p[0]!; }
    const vstart = pos;
    pos += vlen;
    if (len === flen && (f0 < 0 || (lp.charCodeAt(fstart + len - 1) === fl &&
        lp.charCodeAt(fstart) === f0)) && lp.startsWith(field, fstart)) {
      return { pairStart, valueStart: vstart, valueEnd: pos };
    }
  }
  return null;
}

/** The value of `field`, or undefined. */
export function lpGet(lp: string, field: string): string | undefined {
  const at = lpFind(lp, field);
  return at === null ? undefined : lp.substring(at.valueStart, at.valueEnd);
}

/** `lp` with `field` appended with `value` at the tail. */
export function lpAppend(lp: string, field: string, value: string): string {
  return [lp, header(field.length), field, header(value.length), value].join('');
}

/** `lp` with the value of the pair at `at` replaced (the pair keeps its place). */
export function lpReplaceValue(lp: string, at: LpPairPos, value: string): string {
  // The value's header sits just before valueStart: find where it begins by re-reading the field.
  const p = [0];
  const flen = lpReadLen(lp, at.pairStart, p);
  const vheader = p[0]! + flen;
  return [lp.substring(0, vheader), header(value.length), value, lp.substring(at.valueEnd)].join('');
}

/** `lp` without the pair at `at`. */
export function lpRemove(lp: string, at: LpPairPos): string {
  return lpCut(lp, at.pairStart, at.valueEnd);
}

/** `lp` without the bytes [start, end) (which must span whole pairs). */
export function lpCut(lp: string, start: number, end: number): string {
  if (start === 0) return end === lp.length ? '' : copyFlat(lp.substring(end));
  if (end === lp.length) return copyFlat(lp.substring(0, start));
  if (start === end) return lp;
  return [lp.substring(0, start), lp.substring(end)].join('');
}

/** `lp` with the pair (field, value) inserted at byte offset `pos` (a pair boundary). */
export function lpInsertAt(lp: string, pos: number, field: string, value: string): string {
  if (pos === lp.length) return lpAppend(lp, field, value);
  return [lp.substring(0, pos), header(field.length), field, header(value.length), value, lp.substring(pos)].join('');
}

/**
 * Calls `fn(field, value, pairStart, pairEnd)` for each pair in order while it returns true;
 * returns the offset where the walk stopped (the start of the pair refused, or lp.length).
 */
export function lpWalkPairs(
  lp: string,
  fn: (field: string, value: string, pairStart: number, pairEnd: number) => boolean,
): number {
  const p = [0];
  let pos = 0;
  while (pos < lp.length) {
    const flen = lpReadLen(lp, pos, p);
    const fstart = p[0]!;
    const vlen = lpReadLen(lp, fstart + flen, p);
    const vstart = p[0]!;
    const end = vstart + vlen;
    if (!fn(lp.substring(fstart, fstart + flen), lp.substring(vstart, end), pos, end)) return pos;
    pos = end;
  }
  return pos;
}

/** An independent flat copy (join returns a lone part as is, which may be a slice of `lp`). */
function copyFlat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}
