/**
 * HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST — Redis 7.0's hyperloglog.c,
 * reply for reply and byte for byte (the value format lives in hll-core.ts).
 *
 * Behaviour kept from Redis:
 * - PFADD creates the key (reply 1 even with no elements); it counts one change per register
 *   raised (+1 for the creation) in `dirty`, emits the `pfadd` string event and invalidates the
 *   cached cardinality only when something changed. A corrupt sparse value answers INVALIDOBJ,
 *   keeping the registers already raised by the elements before it (Redis edits in place).
 * - PFCOUNT key serves the cached cardinality when valid; otherwise it computes it and writes
 *   it into the string, which is a change: the key is signalled and `dirty` grows, so the
 *   command propagates. With several keys it estimates the union and changes nothing.
 * - PFMERGE reads every key (the destination too) as a source; the destination becomes dense
 *   when any source is dense; it always counts as a change and emits `pfadd`.
 * - PFDEBUG GETREG/TODENSE convert a sparse value to dense (a change, propagated).
 * - Non-string keys answer the usual WRONGTYPE; strings that are not HLLs answer
 *   "WRONGTYPE Key is not a valid HyperLogLog string value.".
 */
import { SeededRandom } from '../lib/prng.js';
import { ERR_WRONGTYPE, sanitizeErrorText } from '../protocol/errors.js';
import { OK, error, status, type Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import {
  HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, HLL_REGISTER_MAX, HLL_SPARSE, HllBuf, HllHasher,
  cachedCard, countHll, createHll, decodeSparse, denseGet, denseGetString, denseHisto, denseSetRaw, estimate, hllSet,
  isHllString, mergeInto, rawHisto, sparseToDense, withCachedCard,
} from './hll-core.js';
import { keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

export const ERR_NOT_HLL = error('WRONGTYPE Key is not a valid HyperLogLog string value.');
export const ERR_INVALID_HLL = error('INVALIDOBJ Corrupted HLL object detected');

/** The HLL string at `v` (a looked-up value), or the error Redis replies (isHLLObjectOrReply). */
function asHll(v: string | object): string | Reply {
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  if (!isHllString(v)) return ERR_NOT_HLL;
  return v;
}

/** A uint64 cardinality as Redis replies it (addReplyLongLong of the unsigned value). */
function cardReply(card: number | bigint): number | bigint {
  if (typeof card === 'number') return card;
  const signed = card >= 1n << 63n ? card - (1n << 64n) : card;
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
}

/**
 * PFADD, PFMERGE, PFDEBUG and PFCOUNT of one key unshare the value (dbUnshareStringValue) or
 * create it (createHLLObject) once it is known to be an HLL: from then on it is a raw string,
 * even if nothing changes. Marked after the value is stored.
 */
function markUnshared(c: CommandContext, key: string): void {
  c.ks.setStringEncoding(c.db, key, 'raw');
}

function pfaddCommand(c: CommandContext, argv: string[]): Reply {
  const r = pfadd(c, argv);
  // Only the type checks come before the value is unshared or created.
  if (r !== ERR_WRONGTYPE && r !== ERR_NOT_HLL) markUnshared(c, argv[1]!);
  return r;
}

function pfadd(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const ks = c.ks;
  const v = ks.lookupWrite(c.db, key);
  let h: HllBuf | null = null;
  let s = '';
  let updated = 0;
  if (v === undefined) {
    h = createHll();
    updated++;
  } else {
    const r = asHll(v);
    if (typeof r !== 'string') return r;
    s = r;
  }
  const hs = new HllHasher();
  const maxBytes = c.cfg.hllSparseMaxBytes;
  for (let j = 2; j < argv.length; j++) {
    hs.patLenString(argv[j]!);
    if (h === null) {
      // Dense and unchanged so far: most elements change nothing, read the string as it is.
      if (s.charCodeAt(4) === HLL_DENSE && hs.count <= denseGetString(s, hs.index)) continue;
      h = HllBuf.fromString(s);
    }
    const r = hllSet(h, hs.index, hs.count, maxBytes);
    if (r === 1) {
      updated++;
    } else if (r === -1) {
      // Redis edits the value in place: what earlier elements changed stays, unsignalled.
      if (updated > 0) ks.updateValue(c.db, key, h.toString(), false);
      return ERR_INVALID_HLL;
    }
  }
  if (updated === 0 || h === null) return 0;
  h.invalidateCache();
  if (v === undefined) ks.setKey(c.db, key, h.toString());
  else ks.updateValue(c.db, key, h.toString());
  ks.notify('$', 'pfadd', c.db, key);
  ks.dirty += updated;
  return 1;
}

function pfcountCommand(c: CommandContext, argv: string[]): Reply {
  const ks = c.ks;
  if (argv.length > 2) {
    // Union of several HLLs: merge their registers into bytes, estimate, change nothing.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = ks.lookupRead(c.db, argv[j]!);
      if (v === undefined) continue;
      const s = asHll(v);
      if (typeof s !== 'string') return s;
      if (!mergeInto(max, s)) return ERR_INVALID_HLL;
    }
    const histo = new Int32Array(64);
    rawHisto(max, histo);
    return cardReply(estimate(histo));
  }
  const key = argv[1]!;
  const v = ks.lookupRead(c.db, key);
  if (v === undefined) return 0;
  const s = asHll(v);
  if (typeof s !== 'string') return s;
  const r = pfcountOne(c, key, s);
  markUnshared(c, key); // even with a valid cache: Redis unshares before reading it
  return r;
}

function pfcountOne(c: CommandContext, key: string, s: string): Reply {
  const cached = cachedCard(s);
  if (cached !== null) return cardReply(cached);
  const card = countHll(s);
  if (card === null) return ERR_INVALID_HLL;
  // Writing the cache changes the string: signal it and count it, so it propagates.
  c.ks.updateValue(c.db, key, withCachedCard(s, card));
  c.ks.dirty++;
  return cardReply(card);
}

function pfmergeCommand(c: CommandContext, argv: string[]): Reply {
  const ks = c.ks;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = ks.lookupRead(c.db, argv[j]!);
    if (v === undefined) continue;
    const s = asHll(v);
    if (typeof s !== 'string') return s;
    if (s.charCodeAt(4) === HLL_DENSE) useDense = true;
    if (!mergeInto(max, s)) return ERR_INVALID_HLL;
  }
  const key = argv[1]!;
  const v = ks.lookupWrite(c.db, key);
  // The destination, when present, was validated above as the first source.
  const h = v === undefined ? createHll() : HllBuf.fromString(v as string);
  if (useDense && !sparseToDense(h)) {
    if (v === undefined) ks.setKey(c.db, key, h.toString()); // Redis added it before failing
    markUnshared(c, key);
    return ERR_INVALID_HLL;
  }
  const maxBytes = c.cfg.hllSparseMaxBytes;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] !== 0) hllSet(h, j, max[j]!, maxBytes);
  }
  h.invalidateCache();
  if (v === undefined) ks.setKey(c.db, key, h.toString());
  else ks.updateValue(c.db, key, h.toString());
  markUnshared(c, key);
  ks.notify('$', 'pfadd', c.db, key);
  ks.dirty++;
  return OK;
}

/** Redis's printf %s: the text ends at the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

function pfdebugCommand(c: CommandContext, argv: string[]): Reply {
  const sub = argv[1]!;
  const key = argv[2]!;
  const ks = c.ks;
  const v = ks.lookupWrite(c.db, key);
  if (v === undefined) return error('ERR The specified key does not exist');
  const s = asHll(v);
  if (typeof s !== 'string') return s;
  const r = pfdebugOn(c, sub, key, s);
  markUnshared(c, key);
  return r;
}

function pfdebugOn(c: CommandContext, sub: string, key: string, s: string): Reply {
  const ks = c.ks;
  const lower = sub.toLowerCase();
  const isSparse = s.charCodeAt(4) === HLL_SPARSE;
  if (lower === 'getreg' || lower === 'todense') {
    let dense = s;
    if (isSparse) {
      const h = HllBuf.fromString(s);
      if (!sparseToDense(h)) return ERR_INVALID_HLL;
      dense = h.toString();
      ks.updateValue(c.db, key, dense);
      ks.dirty++; // the encoding change propagates
    }
    if (lower === 'todense') return isSparse ? 1 : 0;
    const b = HllBuf.fromString(dense).buf;
    const regs: Reply[] = new Array<Reply>(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) regs[j] = denseGet(b, HLL_HDR_SIZE, j);
    return regs;
  }
  if (lower === 'decode') {
    if (!isSparse) return error('ERR HLL encoding is not sparse');
    return decodeSparse(s);
  }
  if (lower === 'encoding') return status(isSparse ? 'sparse' : 'dense');
  return error(sanitizeErrorText(`ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`));
}

/** Cardinalities checked by PFSELFTEST's estimate test: 1, 10, ... up to this. */
const SELFTEST_MAX_CARD = 10_000_000;
const SELFTEST_REGISTER_CYCLES = 1000;

/**
 * PFSELFTEST: Redis's self-test run against this implementation. (1) Register access: random
 * 6-bit values written to and read back from dense registers, neighbours untouched. (2) The
 * same elements (8-byte little-endian integers) added to a dense and a sparse HLL: at each
 * power of ten the sparse one must still be sparse while small, both estimates must agree, and
 * the error must stay within 6 standard errors (1 for cardinality 10).
 */
function pfselftestCommand(c: CommandContext): Reply {
  const rnd = new SeededRandom(Math.floor((c.random?.() ?? 0) * 0x100000000));
  const regs = new Uint8Array(HLL_DENSE_SIZE + 1);
  const bytes = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < SELFTEST_REGISTER_CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = rnd.nextU32() & HLL_REGISTER_MAX;
      bytes[i] = r;
      denseSetRaw(regs, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(regs, HLL_HDR_SIZE, i);
      if (val !== bytes[i]) return error(`ERR TESTFAILED Register ${i} should be ${bytes[i]} but is ${val}`);
    }
  }

  regs.fill(0);
  regs[4] = HLL_DENSE;
  const sparse = createHll();
  const hs = new HllHasher();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = rnd.nextU32();
  const seedHi = rnd.nextU32();
  const ele = new Uint8Array(8);
  const maxBytes = c.cfg.hllSparseMaxBytes;
  const histo = new Int32Array(64);
  let checkpoint = 1;
  for (let j = 1; j <= SELFTEST_MAX_CARD; j++) {
    const lo = (j ^ seedLo) >>> 0;
    ele[0] = lo; ele[1] = lo >>> 8; ele[2] = lo >>> 16; ele[3] = lo >>> 24;
    ele[4] = seedHi; ele[5] = seedHi >>> 8; ele[6] = seedHi >>> 16; ele[7] = seedHi >>> 24;
    hs.patLenBytes(ele, 0, 8);
    if (hs.count > denseGet(regs, HLL_HDR_SIZE, hs.index)) denseSetRaw(regs, HLL_HDR_SIZE, hs.index, hs.count);
    hllSet(sparse, hs.index, hs.count, maxBytes);
    if (j !== checkpoint) continue;
    if (j < Math.floor(maxBytes / 2) && sparse.encoding !== HLL_SPARSE) return error('ERR TESTFAILED sparse encoding not used');
    histo.fill(0);
    denseHisto(regs, HLL_HDR_SIZE, histo);
    const denseCard = estimate(histo);
    const otherCard = countHll(sparse.toString());
    if (otherCard !== denseCard) return error('ERR TESTFAILED dense/sparse disagree');
    let abserr = BigInt(checkpoint) - denseCard;
    if (abserr < 0n) abserr = -abserr;
    const maxerr = j === 10 ? 1n : BigInt(Math.ceil(relerr * 6 * checkpoint));
    if (abserr > maxerr) return error(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    checkpoint *= 10;
  }
  return OK;
}

const KEY1 = { first: 1, last: 1, step: 1 } as const;

export const HLL_COMMANDS: readonly CommandSpec[] = [
  { name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'hyperloglog', 'fast'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'insert'])],
    group: 'hyperloglog', since: '2.8.9', summary: 'Adds elements to a HyperLogLog key, creating it if needed',
    complexity: 'O(1) per element',
    args: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['optional', 'multiple'] }],
    handler: pfaddCommand },
  { name: 'pfcount', arity: -2, flags: ['readonly'], acl: ['read', 'hyperloglog', 'slow'], keys: { first: 1, last: -1, step: 1 },
    keySpecs: [keySpec(['RW', 'access'], 1, -1,
      'RW because it may change the internal representation of the key, and propagate to replicas')],
    group: 'hyperloglog', since: '2.8.9', summary: 'Returns the approximate number of distinct elements added to one or more HyperLogLog keys',
    complexity: 'O(1) for one key (usually served from the cached count); O(N) in the N keys, with a large constant, for several keys',
    args: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
    handler: pfcountCommand },
  { name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], acl: ['write', 'hyperloglog', 'slow'], keys: { first: 1, last: -1, step: 1 },
    keySpecs: [keySpec(['RW', 'access', 'insert']), keySpec(['RO', 'access'], 2, -1)],
    group: 'hyperloglog', since: '2.8.9', summary: 'Merges HyperLogLog keys into a destination key',
    complexity: 'O(N) in the N source keys, with a large constant',
    args: [{ name: 'destkey', type: 'key', keySpecIndex: 0 }, { name: 'sourcekey', type: 'key', keySpecIndex: 1, flags: ['multiple'] }],
    handler: pfmergeCommand },
  { name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], acl: ['write', 'hyperloglog', 'admin', 'slow', 'dangerous'],
    keys: { first: 2, last: 2, step: 1 }, keySpecs: [keySpec(['RW', 'access'], 2)],
    group: 'hyperloglog', since: '2.8.9', summary: 'Internal commands to inspect HyperLogLog values', complexity: 'N/A',
    docFlags: ['syscmd'],
    args: [{ name: 'subcommand', type: 'string' }, { name: 'key', type: 'key', keySpecIndex: 0 }],
    handler: pfdebugCommand },
  { name: 'pfselftest', arity: 1, flags: ['admin'], acl: ['hyperloglog', 'admin', 'slow', 'dangerous'],
    group: 'hyperloglog', since: '2.8.9', summary: 'Internal command that tests the HyperLogLog implementation', complexity: 'N/A',
    docFlags: ['syscmd'], handler: pfselftestCommand },
];
