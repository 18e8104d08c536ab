/**
 * Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO — Redis 7.0's
 * bitops.c, including its argument order (BITCOUNT and BITPOS look the key up before parsing
 * the range, so a missing key answers even with a bad range), BYTE|BIT ranges, and BITFIELD's
 * "parse every operation first, then execute" rule.
 *
 * Bitmaps are ordinary string values (latin1 JS strings). Reads index the string directly;
 * writes that touch many bytes go through a Buffer (Buffer.from(s, 'latin1')) and back.
 * Events: "setbit" for SETBIT/BITFIELD writes that change something (a bit or field value, or the
 * string's creation or padding), "set" / "del" for BITOP's destination.
 */
import { compareInt64, parseInt64, toBig, type Int64 } from '../lib/int64.js';
import {
  ERR_BIT_OFFSET, ERR_BIT_VALUE, ERR_NOT_INTEGER, ERR_STRING_TOO_LONG, ERR_SYNTAX, ERR_WRONGTYPE,
} from '../protocol/errors.js';
import { error, type ErrorReply, type Reply } from '../protocol/reply.js';
import {
  findBit, getSignedField, getUnsignedField, popcount, setField, signedFieldAdd, unsignedFieldAdd,
  type Overflow,
} from './bit-ops.js';
import type { CommandContext } from './context.js';
import { MAX_JS_STRING_BYTES, keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

const ERR_BIT_ARG = error('ERR The bit argument must be 1 or 0.');
const ERR_BITOP_NOT = error('ERR BITOP NOT must be called with a single source key.');
const ERR_BITFIELD_TYPE = error('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
const ERR_OVERFLOW_TYPE = error('ERR Invalid OVERFLOW type specified');
const ERR_BITFIELD_RO = error('ERR BITFIELD_RO only supports the GET subcommand');

/**
 * Parses a bit offset (getBitOffsetFromArgument): a non-negative int64 whose byte index is below
 * proto-max-bulk-len; with `fieldBits` > 0 a leading '#' multiplies by the field width (wrapping
 * like C's signed multiply). Null means Redis's bit-offset error.
 */
function parseBitOffset(c: CommandContext, text: string, fieldBits: number): number | null {
  const useHash = fieldBits > 0 && text.charCodeAt(0) === 35; // '#'
  const v = parseInt64(useHash ? text.slice(1) : text);
  if (v === null) return null;
  let off = toBig(v);
  if (useHash) off = BigInt.asIntN(64, off * BigInt(fieldBits));
  if (off < 0n || off >> 3n >= BigInt(c.cfg.protoMaxBulkLen)) return null;
  return Number(off);
}

/**
 * The string to modify for a bit write that reaches bit `maxBit` (lookupStringForBitCommand):
 * missing keys become zero bytes, short strings are zero-padded. Returns the padded string and
 * whether that already changed the key, or an error reply.
 */
interface BitTarget { readonly t: 'target'; readonly s: string; readonly created: boolean; readonly grew: boolean }

function stringForBitWrite(c: CommandContext, key: string, maxBit: number): BitTarget | ErrorReply {
  const cur = c.ks.lookupWrite(c.db, key);
  if (cur !== undefined && typeof cur !== 'string') return ERR_WRONGTYPE;
  const need = Math.floor(maxBit / 8) + 1;
  if (need > MAX_JS_STRING_BYTES) return ERR_STRING_TOO_LONG;
  if (cur === undefined) return { t: 'target', s: '\0'.repeat(need), created: true, grew: true };
  if (cur.length >= need) return { t: 'target', s: cur, created: false, grew: false };
  return { t: 'target', s: cur + '\0'.repeat(need - cur.length), created: false, grew: true };
}

function storeBitString(c: CommandContext, key: string, s: string, created: boolean, signal = true): void {
  if (created) c.ks.setKey(c.db, key, s);
  else c.ks.updateValue(c.db, key, s, signal);
}

function setbitCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const offset = parseBitOffset(c, argv[2]!, 0);
  if (offset === null) return ERR_BIT_OFFSET;
  const on = parseInt64(argv[3]!);
  if (on === null || (on !== 0 && on !== 1)) return ERR_BIT_VALUE;
  const r = stringForBitWrite(c, key, offset);
  if (r.t === 'error') return r;
  const byteIdx = offset >>> 3;
  const mask = 1 << (7 - (offset & 7));
  const byte = r.s.charCodeAt(byteIdx);
  const old = (byte & mask) !== 0 ? 1 : 0;
  if (r.grew || old !== on) {
    const nb = on === 1 ? byte | mask : byte & ~mask;
    const next = r.s.slice(0, byteIdx) + String.fromCharCode(nb) + r.s.slice(byteIdx + 1);
    storeBitString(c, key, next, r.created);
    c.ks.notify('$', 'setbit', c.db, key);
    c.ks.dirty++;
  }
  c.ks.setStringEncoding(c.db, key, 'raw'); // lookupStringForBitCommand unshares it even when no bit changes
  return old;
}

function getbitCommand(c: CommandContext, argv: string[]): Reply {
  const offset = parseBitOffset(c, argv[2]!, 0);
  if (offset === null) return ERR_BIT_OFFSET;
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return 0;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  const byteIdx = offset >>> 3;
  if (byteIdx >= v.length) return 0;
  return (v.charCodeAt(byteIdx) >> (7 - (offset & 7))) & 1;
}

/** Range normalisation shared by BITCOUNT and BITPOS: negative from the end, clamped. */
function clampRange(start: Int64, end: Int64, total: number): [number, number] {
  let s = Number(start);
  let e = Number(end);
  if (s < 0) s = total + s;
  if (e < 0) e = total + e;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= total) e = total - 1;
  return [s, e];
}

/** "BYTE" / "BIT" unit argument; null for anything else. */
function parseUnit(text: string): boolean | null {
  const u = text.toLowerCase();
  if (u === 'bit') return true;
  if (u === 'byte') return false;
  return null;
}

function bitcountCommand(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return 0;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  const len = v.length;
  let startBit: number;
  let endBit: number;
  if (argv.length === 4 || argv.length === 5) {
    const s0 = parseInt64(argv[2]!);
    if (s0 === null) return ERR_NOT_INTEGER;
    const e0 = parseInt64(argv[3]!);
    if (e0 === null) return ERR_NOT_INTEGER;
    if (compareInt64(s0, 0) < 0 && compareInt64(e0, 0) < 0 && compareInt64(s0, e0) > 0) return 0;
    let isBit = false;
    if (argv.length === 5) {
      const u = parseUnit(argv[4]!);
      if (u === null) return ERR_SYNTAX;
      isBit = u;
    }
    const [s, e] = clampRange(s0, e0, isBit ? len * 8 : len);
    if (s > e) return 0;
    startBit = isBit ? s : s * 8;
    endBit = isBit ? e : e * 8 + 7;
  } else if (argv.length === 2) {
    if (len === 0) return 0;
    startBit = 0;
    endBit = len * 8 - 1;
  } else {
    return ERR_SYNTAX;
  }
  const first = startBit >>> 3;
  const last = endBit >>> 3;
  const buf = Buffer.from(first === 0 && last === len - 1 ? v : v.slice(first, last + 1), 'latin1');
  let n = popcount(buf, 0, last - first);
  // Take away the bits of the edge bytes that lie outside a BIT range.
  const headBits = startBit & 7;
  if (headBits !== 0) n -= popcountByte(buf[0]! >> (8 - headBits));
  const tailBits = 7 - (endBit & 7);
  if (tailBits !== 0) n -= popcountByte(buf[last - first]! & ((1 << tailBits) - 1));
  return n;
}

function popcountByte(b: number): number {
  let n = 0;
  for (let x = b; x !== 0; x &= x - 1) n++;
  return n;
}

function bitposCommand(c: CommandContext, argv: string[]): Reply {
  const b = parseInt64(argv[2]!);
  if (b === null) return ERR_NOT_INTEGER;
  if (b !== 0 && b !== 1) return ERR_BIT_ARG;
  const bit: 0 | 1 = b;
  const v = c.ks.lookupRead(c.db, argv[1]!);
  // A missing key is an endless run of zeros.
  if (v === undefined) return bit === 1 ? -1 : 0;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  const len = v.length;
  let startBit: number;
  let endBit: number;
  let endGiven = false;
  const argc = argv.length;
  if (argc >= 4 && argc <= 6) {
    const s0 = parseInt64(argv[3]!);
    if (s0 === null) return ERR_NOT_INTEGER;
    let isBit = false;
    if (argc === 6) {
      const u = parseUnit(argv[5]!);
      if (u === null) return ERR_SYNTAX;
      isBit = u;
    }
    const total = isBit ? len * 8 : len;
    let e0: Int64;
    if (argc >= 5) {
      const e = parseInt64(argv[4]!);
      if (e === null) return ERR_NOT_INTEGER;
      e0 = e;
      endGiven = true;
    } else {
      e0 = total - 1;
    }
    const [s, e] = clampRange(s0, e0, total);
    if (s > e) return -1;
    startBit = isBit ? s : s * 8;
    endBit = isBit ? e : e * 8 + 7;
  } else if (argc === 3) {
    if (len === 0) return -1;
    startBit = 0;
    endBit = len * 8 - 1;
  } else {
    return ERR_SYNTAX;
  }
  const buf = Buffer.from(v.slice(startBit >>> 3, (endBit >>> 3) + 1), 'latin1');
  const base = (startBit >>> 3) * 8;
  const found = findBit(buf, startBit - base, endBit - base, bit);
  if (found >= 0) return found + base;
  if (bit === 1 || endGiven) return -1;
  // Looking for a clear bit with no explicit end: the string continues with zeros after it.
  return ((endBit >>> 3) + 1) * 8;
}

function bitopCommand(c: CommandContext, argv: string[]): Reply {
  const op = argv[1]!.toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') return ERR_SYNTAX;
  if (op === 'not' && argv.length !== 4) return ERR_BITOP_NOT;
  const dest = argv[2]!;
  const srcs: Array<string | null> = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = c.ks.lookupRead(c.db, argv[j]!);
    if (v === undefined) { srcs.push(null); continue; }
    if (typeof v !== 'string') return ERR_WRONGTYPE;
    srcs.push(v);
    if (v.length > maxLen) maxLen = v.length;
  }
  const ks = c.ks;
  if (maxLen === 0) {
    if (ks.deleteKey(c.db, dest)) {
      ks.notify('g', 'del', c.db, dest);
      ks.dirty++;
    }
    return 0;
  }
  const res = Buffer.alloc(maxLen);
  const first = srcs[0];
  if (op === 'not') {
    // maxLen > 0 means the single source exists and is non-empty.
    const src = Buffer.from(first!, 'latin1');
    for (let i = 0; i < maxLen; i++) res[i] = ~src[i]! & 0xff;
  } else {
    if (first !== null && first !== undefined) res.write(first, 0, 'latin1');
    for (let k = 1; k < srcs.length; k++) {
      const s = srcs[k];
      const src = s === null || s === undefined ? EMPTY : Buffer.from(s, 'latin1');
      const n = src.length;
      if (op === 'and') {
        for (let i = 0; i < n; i++) res[i]! &= src[i]!;
        res.fill(0, n);
      } else if (op === 'or') {
        for (let i = 0; i < n; i++) res[i]! |= src[i]!;
      } else {
        for (let i = 0; i < n; i++) res[i]! ^= src[i]!;
      }
    }
  }
  ks.setKey(c.db, dest, res.toString('latin1'));
  ks.setStringEncoding(c.db, dest, 'raw'); // createObject over the result
  ks.notify('$', 'set', c.db, dest);
  ks.dirty++;
  return maxLen;
}

const EMPTY = Buffer.alloc(0);

interface FieldOp {
  readonly kind: 'get' | 'set' | 'incrby';
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  readonly arg: bigint;
  readonly ow: Overflow;
}

/** Parses "i<bits>" / "u<bits>" (signed up to 64, unsigned up to 63); null when invalid. */
function parseFieldType(text: string): { signed: boolean; bits: number } | null {
  const t = text.charCodeAt(0);
  if (t !== 105 && t !== 117) return null; // 'i' / 'u', lower case only
  const signed = t === 105;
  // The width is read as a C string: it ends at a NUL byte.
  let rest = text.slice(1);
  const nul = rest.indexOf('\0');
  if (nul >= 0) rest = rest.slice(0, nul);
  const n = parseInt64(rest);
  if (n === null || typeof n === 'bigint' || n < 1 || (signed && n > 64) || (!signed && n > 63)) return null;
  return { signed, bits: n };
}

function bitfieldGeneric(c: CommandContext, argv: string[], readOnlyCommand: boolean): Reply {
  const key = argv[1]!;
  const ops: FieldOp[] = [];
  let ow: Overflow = 'wrap';
  let readOnly = true;
  let highestWriteBit = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!.toLowerCase();
    let kind: FieldOp['kind'];
    if (sub === 'get' && remaining >= 2) kind = 'get';
    else if (sub === 'set' && remaining >= 3) kind = 'set';
    else if (sub === 'incrby' && remaining >= 3) kind = 'incrby';
    else if (sub === 'overflow' && remaining >= 1) {
      const name = argv[++j]!.toLowerCase();
      if (name === 'wrap') ow = 'wrap';
      else if (name === 'sat') ow = 'sat';
      else if (name === 'fail') ow = 'fail';
      else return ERR_OVERFLOW_TYPE;
      continue;
    } else {
      return ERR_SYNTAX;
    }
    const type = parseFieldType(argv[j + 1]!);
    if (type === null) return ERR_BITFIELD_TYPE;
    const offset = parseBitOffset(c, argv[j + 2]!, type.bits);
    if (offset === null) return ERR_BIT_OFFSET;
    let arg = 0n;
    if (kind !== 'get') {
      readOnly = false;
      if (offset + type.bits - 1 > highestWriteBit) highestWriteBit = offset + type.bits - 1;
      const v = parseInt64(argv[j + 3]!);
      if (v === null) return ERR_NOT_INTEGER;
      arg = toBig(v);
    }
    ops.push({ kind, signed: type.signed, bits: type.bits, offset, arg, ow });
    j += kind === 'get' ? 2 : 3;
  }

  let buf: Buffer | null = null;
  let target: BitTarget | null = null;
  if (readOnly) {
    const v = c.ks.lookupRead(c.db, key);
    if (v !== undefined && typeof v !== 'string') return ERR_WRONGTYPE;
    // GETs only: read each field from the (at most 9) bytes it spans, not the whole string.
    const out: Reply[] = [];
    for (const op of ops) {
      if (v === undefined) { out.push(0); continue; }
      const first = Math.floor(op.offset / 8);
      const window = Buffer.from(v.slice(first, first + 9), 'latin1');
      const rel = op.offset - first * 8;
      out.push(fromBig(op.signed ? getSignedField(window, rel, op.bits) : getUnsignedField(window, rel, op.bits)));
    }
    return out;
  } else {
    if (readOnlyCommand) return ERR_BITFIELD_RO;
    const r = stringForBitWrite(c, key, highestWriteBit);
    if (r.t === 'error') return r;
    target = r;
    buf = Buffer.from(r.s, 'latin1');
  }

  const out: Reply[] = [];
  let changes = 0;
  for (const op of ops) {
    if (op.kind === 'get') {
      if (buf === null) { out.push(0); continue; }
      const v = op.signed ? getSignedField(buf, op.offset, op.bits) : getUnsignedField(buf, op.offset, op.bits);
      out.push(fromBig(v));
      continue;
    }
    const b = buf!;
    const old = op.signed ? getSignedField(b, op.offset, op.bits) : getUnsignedField(b, op.offset, op.bits);
    const base = op.kind === 'incrby' ? old : op.arg;
    const incr = op.kind === 'incrby' ? op.arg : 0n;
    const r = op.signed ? signedFieldAdd(base, incr, op.bits, op.ow) : unsignedFieldAdd(base, incr, op.bits, op.ow);
    if (r.overflow !== 0 && op.ow === 'fail') {
      out.push(null);
    } else {
      out.push(fromBig(op.kind === 'incrby' ? r.value : old));
      setField(b, op.offset, op.bits, r.value);
      // As Redis 7.0: a write counts (dirty, the setbit event, WATCH) only when it changes the
      // field's value or the string was created or padded for it; a failed write never does.
      if (target!.grew || r.value !== old) changes++;
    }
  }
  if (target !== null && (changes > 0 || target.grew)) {
    // The key exists (padded) from here on, even if every write failed: Redis creates it first.
    storeBitString(c, key, buf!.toString('latin1'), target.created, changes > 0);
  }
  // Any write op made Redis unshare (or create) the string first: raw from then on.
  if (target !== null) c.ks.setStringEncoding(c.db, key, 'raw');
  if (changes > 0) {
    c.ks.notify('$', 'setbit', c.db, key);
    c.ks.dirty += changes;
  }
  return out;
}

function fromBig(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

const RW_ACCESS_UPDATE = [keySpec(['RW', 'access', 'update'])];
const RO_ACCESS = [keySpec(['RO', 'access'])];
const KEY1 = { first: 1, last: 1, step: 1 } as const;

/**
 * Redis's bitfieldGetKeys: read-only (RO access) when every operation is a GET, OVERFLOW
 * between them allowed; otherwise, a syntax error included, RW access update.
 */
function bitfieldKeyFlags(argv: readonly string[]): Array<{ pos: number; flags: readonly string[] }> {
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    const a = argv[i]!.toLowerCase();
    if (a === 'get' && rem >= 2) i += 2;
    else if (a === 'overflow' && rem >= 1) i += 1;
    else return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['RO', 'access'] }];
}

export const BITMAP_COMMANDS: readonly CommandSpec[] = [
  { name: 'setbit', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], keys: KEY1, keySpecs: RW_ACCESS_UPDATE,
    group: 'bitmap', since: '2.2.0', summary: 'Sets or clears one bit of the string at a key and returns its previous value',
    complexity: 'O(1)', handler: setbitCommand },
  { name: 'getbit', arity: 3, flags: ['readonly', 'fast'], acl: ['read', 'bitmap', 'fast'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'bitmap', since: '2.2.0', summary: 'Returns one bit of the string at a key', complexity: 'O(1)', handler: getbitCommand },
  { name: 'bitcount', arity: -2, flags: ['readonly'], acl: ['read', 'bitmap', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'bitmap', since: '2.6.0', summary: 'Counts the set bits of a string, optionally within a byte or bit range',
    complexity: 'O(N)', history: [['7.0.0', 'Added the `BYTE|BIT` option.']], handler: bitcountCommand },
  { name: 'bitpos', arity: -3, flags: ['readonly'], acl: ['read', 'bitmap', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'bitmap', since: '2.8.7', summary: 'Finds the first set or clear bit of a string, optionally within a range',
    complexity: 'O(N)', history: [['7.0.0', 'Added the `BYTE|BIT` option.']], handler: bitposCommand },
  { name: 'bitop', arity: -4, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], keys: { first: 2, last: -1, step: 1 },
    keySpecs: [keySpec(['OW', 'update'], 2), keySpec(['RO', 'access'], 3, -1)],
    group: 'bitmap', since: '2.6.0', summary: 'Combines strings bit by bit (AND, OR, XOR, NOT) into a destination key',
    complexity: 'O(N)', handler: bitopCommand },
  { name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'access', 'update', 'variable_flags'], 1, 0, 'This command allows both access and modification of the key')],
    getKeysAndFlags: bitfieldKeyFlags,
    group: 'bitmap', since: '3.2.0', summary: 'Reads, writes and increments integer fields of any width inside a string',
    complexity: 'O(1) for each subcommand specified', handler: (c, a) => bitfieldGeneric(c, a, false) },
  { name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], acl: ['read', 'bitmap', 'fast'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'bitmap', since: '6.0.0', summary: 'Reads integer fields of a string (the read-only form of BITFIELD)',
    complexity: 'O(1) for each subcommand specified', handler: (c, a) => bitfieldGeneric(c, a, true) },
];
