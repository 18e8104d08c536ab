/**
 * Reads one value's payload for a given RDB type byte (rdbLoadObject) and builds the Garrison value
 * in the encoding Redis 7.0 would end up with under the given thresholds:
 *  - lists always become a ListValue (quicklist) with the configured fill;
 *  - sets: intset while every member is an integer and the count fits set-max-intset-entries;
 *  - hashes / sorted sets loaded from a listpack, ziplist or zipmap stay packed unless they have
 *    more entries than the *-max-listpack-entries limit (Redis checks only the count there; a
 *    zipmap also converts on a long field or value); loaded from the plain types, they are packed
 *    only when both the count and every length fit, as Redis decides.
 * Corruption (duplicates, NaN scores, bad blobs, unknown types) throws RdbError. An empty
 * collection gives null: Redis skips such keys when loading and refuses them in RESTORE.
 */
import { parseDouble } from '../../lib/float.js';
import type { Value } from '../../keyspace/value.js';
import { ListValue } from '../../keyspace/types/list.js';
import { SetValue } from '../../keyspace/types/set.js';
import { HashValue, type HashLimits } from '../../keyspace/types/hash.js';
import { ZSet, type ZsetLimits } from '../../keyspace/types/zset.js';
import type { ByteReader } from './byte-reader.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './constants.js';
import { RdbError } from './errors.js';
import { decodeIntset } from './intset.js';
import { decodeListpack } from './listpack.js';
import { readBinaryDouble, readBytes, readLen, readOldDouble, readString } from './primitives.js';
import { decodeZiplist } from './ziplist.js';
import { decodeZipmap } from './zipmap.js';
import { readStream } from './stream-codec.js';

/** The encoding thresholds a loader applies (the commands' CommandConfig satisfies it). */
export interface DecodeLimits extends HashLimits, ZsetLimits {
  readonly listMaxListpackSize: number;
  readonly setMaxIntsetEntries: number;
}

const PACKED_HASH: HashLimits = { hashMaxListpackEntries: Infinity, hashMaxListpackValue: Infinity };
const PACKED_ZSET: ZsetLimits = { zsetMaxListpackEntries: Infinity, zsetMaxListpackValue: Infinity };
const SKIPLIST_ZSET: ZsetLimits = { zsetMaxListpackEntries: -1, zsetMaxListpackValue: -1 };

export function readValue(r: ByteReader, type: number, limits: DecodeLimits): Value | null {
  switch (type) {
    case RdbType.STRING:
      return readString(r);
    case RdbType.LIST: {
      const n = readLen(r);
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(readString(r));
      return items.length === 0 ? null : ListValue.from(items, limits.listMaxListpackSize);
    }
    case RdbType.SET:
      return readSet(r, limits);
    case RdbType.ZSET:
    case RdbType.ZSET_2:
      return readZset(r, type === RdbType.ZSET_2, limits);
    case RdbType.HASH:
      return readHash(r, limits);
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2:
      return readQuicklist(r, type === RdbType.LIST_QUICKLIST_2, limits);
    case RdbType.HASH_ZIPMAP: {
      const pairs = decodeZipmap(readBytes(r));
      checkDistinctFields(pairs, 'Hash zipmap with dup elements');
      return pairs.length === 0 ? null : HashValue.fromPairs(pairs, limits);
    }
    case RdbType.LIST_ZIPLIST: {
      const items = decodeZiplist(readBytes(r));
      return items.length === 0 ? null : ListValue.from(items, limits.listMaxListpackSize);
    }
    case RdbType.SET_INTSET: {
      const members = decodeIntset(readBytes(r));
      return SetValue.of(members, limits.setMaxIntsetEntries);
    }
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      const blob = readBytes(r);
      const items = type === RdbType.ZSET_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob);
      return packedZset(items, type === RdbType.ZSET_LISTPACK ? 'Zset listpack' : 'Zset ziplist', limits);
    }
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK: {
      const blob = readBytes(r);
      const items = type === RdbType.HASH_LISTPACK ? decodeListpack(blob) : decodeZiplist(blob);
      const what = type === RdbType.HASH_LISTPACK ? 'Hash listpack' : 'Hash ziplist';
      if (items.length % 2 !== 0) throw new RdbError(`${what} integrity check failed.`);
      checkDistinctFields(items, `${what} integrity check failed.`);
      if (items.length === 0) return null;
      const h = HashValue.fromPairs(items, PACKED_HASH);
      if (items.length / 2 > limits.hashMaxListpackEntries) h.convert();
      return h;
    }
    case RdbType.MODULE:
    case RdbType.MODULE_2:
      throw new RdbError(`Module value (RDB type ${type}) not supported: Garrison loads no modules`);
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
      // An empty stream is a valid value (groups may live on it): never null.
      return readStream(r, type);
    case 21:
      throw new RdbError(`Stream value (RDB type ${type}, Redis 7.2+) not supported`);
    default:
      throw new RdbError(`Unknown RDB encoding type ${type}`);
  }
}

function checkDistinctFields(pairs: readonly string[], message: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < pairs.length; i += 2) {
    const f = pairs[i]!;
    if (seen.has(f)) throw new RdbError(message);
    seen.add(f);
  }
}

function readSet(r: ByteReader, limits: DecodeLimits): Value | null {
  const n = readLen(r);
  if (n === 0) return null;
  let s: SetValue | null = null;
  for (let i = 0; i < n; i++) {
    const m = readString(r);
    s ??= SetValue.forMember(m);
    if (!s.add(m, limits.setMaxIntsetEntries)) throw new RdbError('Duplicate set members detected');
  }
  return s;
}

function readZset(r: ByteReader, binary: boolean, limits: DecodeLimits): Value | null {
  const n = readLen(r);
  if (n === 0) return null;
  const members: string[] = [];
  const scores: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const m = readString(r);
    const s = binary ? readBinaryDouble(r) : readOldDouble(r);
    if (Number.isNaN(s)) throw new RdbError('Zset with NAN score detected');
    if (seen.has(m)) throw new RdbError('Duplicate zset fields detected');
    seen.add(m);
    members.push(m);
    scores.push(s);
  }
  return ZSet.fromEntries(members, scores, limits);
}

function readHash(r: ByteReader, limits: DecodeLimits): Value | null {
  const n = readLen(r);
  if (n === 0) return null;
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) pairs.push(readString(r), readString(r));
  checkDistinctFields(pairs, 'Duplicate hash fields detected');
  return HashValue.fromPairs(pairs, limits);
}

function packedZset(items: readonly string[], what: string, limits: DecodeLimits): Value | null {
  if (items.length % 2 !== 0) throw new RdbError(`${what} integrity check failed.`);
  const members: string[] = [];
  const scores: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += 2) {
    const m = items[i]!;
    const s = parseDouble(items[i + 1]!);
    if (s === null || seen.has(m)) throw new RdbError(`${what} integrity check failed.`);
    // Packed sorted sets are in (score, member) order, as zzlInsert keeps them. Redis 7.0 checks
    // neither the order nor the scores (lpValidateIntegrityAndDups: structure and duplicate
    // members only) and keeps such a listpack as it is; Garrison refuses it rather than hold, or
    // silently reorder, a sorted set that is not one.
    const prev = scores.length - 1;
    if (prev >= 0 && (s < scores[prev]! || (s === scores[prev]! && m <= members[prev]!))) throw new RdbError(`${what} integrity check failed.`);
    seen.add(m);
    members.push(m);
    scores.push(s);
  }
  if (members.length === 0) return null;
  const packed = members.length <= limits.zsetMaxListpackEntries;
  return ZSet.fromEntries(members, scores, packed ? PACKED_ZSET : SKIPLIST_ZSET);
}

function readQuicklist(r: ByteReader, v2: boolean, limits: DecodeLimits): Value | null {
  const nodes = readLen(r);
  const items: string[] = [];
  for (let i = 0; i < nodes; i++) {
    let container: number = QUICKLIST_NODE_PACKED;
    if (v2) {
      container = readLen(r);
      if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) {
        throw new RdbError('Quicklist integrity check failed.');
      }
    }
    const data = readBytes(r);
    if (data.length === 0) throw new RdbError('Quicklist integrity check failed.');
    if (container === QUICKLIST_NODE_PLAIN) {
      items.push(data.toString('latin1'));
      continue;
    }
    const entries = v2 ? decodeListpack(data) : decodeZiplist(data);
    for (const e of entries) items.push(e);
  }
  return items.length === 0 ? null : ListValue.from(items, limits.listMaxListpackSize);
}
