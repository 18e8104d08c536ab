/**
 * Streams in Redis 7.0's RDB form (rdbSaveObject / rdbLoadObject for OBJ_STREAM):
 * RDB_TYPE_STREAM_LISTPACKS_2 (19) is written; 15 (6.x, without first-id, max-deleted-id,
 * entries-added and entries-read) and 19 are read.
 *
 * Payload: node count; per node its 16-byte big-endian master ID and its listpack (master entry,
 * entries with tombstones, as stream.ts lays them out); length; last ID; first ID; max deleted ID;
 * entries added; groups, each with name, last ID, entries-read (-1 as 2^64-1), the group PEL (raw
 * 16-byte ID, delivery time as 8-byte little-endian ms, delivery count) and consumers (name,
 * seen-time, their PEL as raw IDs referring to the group's NACKs). 64-bit numbers use the 64-bit
 * length form. Corruption throws RdbError with Redis's wording where it has one.
 */
import { StreamGroup, StreamNack, ENTRIES_READ_INVALID } from '../../keyspace/types/stream-group.js';
import { cmpId, type StreamId } from '../../keyspace/types/stream-id.js';
import { estimateDistance } from '../../keyspace/types/stream-lag.js';
import { StreamValue } from '../../keyspace/types/stream.js';
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { RDB_64BITLEN, RdbType } from './constants.js';
import { RdbError } from './errors.js';
import { decodeListpack, encodeListpack } from './listpack.js';
import { readBytes, readLen, readString, writeBlob, writeLen, writeString } from './primitives.js';
import { parseInt64 } from '../../lib/int64.js';

const U64 = 0xffffffffffffffffn;

/** rdbSaveLen of a full 64-bit value. */
function writeLen64(w: ByteWriter, v: bigint): void {
  if (v <= 0xffffffffn) writeLen(w, Number(v));
  else {
    w.byte(RDB_64BITLEN);
    w.u64be(v);
  }
}

/** rdbLoadLen of a full 64-bit value. */
function readLen64(r: ByteReader): bigint {
  if (r.buf[r.pos] === RDB_64BITLEN) {
    r.u8();
    return r.u64be();
  }
  return BigInt(readLen(r));
}

/**
 * rdbLoadLen where Redis 7.0 does not compare the result with RDB_LENERR (the stream's length,
 * its IDs, entries-added, a group's ID and entries-read, a delivery count): a byte of an unknown
 * length form (10xxxxxx other than 0x80 and 0x81) is consumed and reads as RDB_LENERR, 2^64-1,
 * and loading goes on (only a short read fails it).
 */
function readMeta64(r: ByteReader): bigint {
  const b = r.buf[r.pos];
  if (b !== undefined && r.pos < r.end && b >> 6 === 2 && b !== 0x80 && b !== RDB_64BITLEN) {
    r.u8();
    return U64;
  }
  return readLen64(r);
}

/** A 64-bit counter Redis keeps in a long long (entries-added, entries-read, delivery counts). */
function signed(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

function rawId(id: StreamId): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(id.ms, 0);
  b.writeBigUInt64BE(id.seq, 8);
  return b;
}

function idOfRaw(b: Buffer): StreamId {
  return { ms: b.readBigUInt64BE(0), seq: b.readBigUInt64BE(8) };
}

function byName<T>(m: Map<string, T>): [string, T][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function writeStream(w: ByteWriter, s: StreamValue, compression: boolean): void {
  w.byte(RdbType.STREAM_LISTPACKS_2);
  const nodes = s.listpackNodes();
  writeLen(w, nodes.length);
  for (const n of nodes) {
    writeBlob(w, rawId(n.key), compression);
    writeBlob(w, encodeListpack(n.items), compression);
  }
  writeLen(w, s.length);
  const first = s.firstId();
  for (const id of [s.lastId, first, s.maxDeletedId]) {
    writeLen64(w, id.ms);
    writeLen64(w, id.seq);
  }
  writeLen64(w, BigInt.asUintN(64, s.entriesAdded));
  writeLen(w, s.groups.size);
  for (const [name, g] of byName(s.groups)) {
    writeString(w, name, compression);
    writeLen64(w, g.lastId.ms);
    writeLen64(w, g.lastId.seq);
    writeLen64(w, BigInt.asUintN(64, g.entriesRead));
    writeLen(w, g.pel.size);
    for (const [id, nack] of g.pel.entries()) {
      w.bytes(rawId(id));
      w.i64le(BigInt(nack.deliveryTime));
      writeLen64(w, BigInt.asUintN(64, nack.deliveryCount));
    }
    writeLen(w, g.consumers.size);
    for (const [cname, c] of byName(g.consumers)) {
      writeString(w, cname, compression);
      w.i64le(BigInt(c.seenTime));
      writeLen(w, c.pel.size);
      for (const [id] of c.pel.entries()) w.bytes(rawId(id));
    }
  }
}

/**
 * One node's listpack back into entries, validated as streamValidateListpackIntegrity does in
 * deep mode: count, deleted and the master fields' count are integers (string2ll for string
 * entries), the master entry ends with 0, then exactly count + deleted entries each with integer
 * flags and ID deltas, its own field count unless it has the master's fields, and an lp-count
 * equal to its number of elements, and nothing after them. Redis does not compare the entries'
 * deleted flags with the count and deleted fields: the stream's length (checked by the caller
 * against the live entries) is what says how many there are.
 */
function loadNode(s: StreamValue, key: StreamId, items: string[]): void {
  const bad = (): never => { throw new RdbError('Stream listpack integrity check failed'); };
  let p = 0;
  const num = (): bigint => {
    const v = p < items.length ? parseInt64(items[p]!) : null;
    if (v === null) return bad();
    p++;
    return BigInt(v);
  };
  /** A field or value: any entry, but it must be there. */
  const any = (): string => (p < items.length ? items[p++]! : bad());
  if (items.length === 0) throw new RdbError('Empty listpack inside stream');
  const count = num();
  const deleted = num();
  const nMaster = num();
  const master: string[] = [];
  for (let j = 0n; j < nMaster; j++) master.push(any());
  if (num() !== 0n) bad();
  const entries: { id: StreamId; fields: string[]; deleted: boolean }[] = [];
  for (let left = count + deleted; left > 0n; left--) {
    const flags = num();
    const id = { ms: BigInt.asUintN(64, key.ms + num()), seq: BigInt.asUintN(64, key.seq + num()) };
    let fieldCount = nMaster;
    let extra = 3n;
    const fields: string[] = [];
    if ((flags & 2n) !== 0n) {
      for (const f of master) fields.push(f, any());
    } else {
      fieldCount = num();
      const names: string[] = [];
      for (let j = 0n; j < fieldCount; j++) names.push(any());
      // Entries of their own fields are laid out field, value, field, value.
      for (let j = 0n; j < fieldCount; j++) names.push(any());
      fields.push(...names);
      extra += fieldCount + 1n;
    }
    if (num() !== fieldCount + extra) bad();
    entries.push({ id, fields, deleted: (flags & 1n) !== 0n });
  }
  if (p !== items.length) bad();
  if (!entries.some((e) => !e.deleted)) throw new RdbError('Empty listpack inside stream');
  s.loadNode(key, master, entries);
}

export function readStream(r: ByteReader, type: number): StreamValue {
  const s = new StreamValue();
  let nodes = readLen(r);
  // The nodes go into Redis's rax, which orders them by master ID whatever order the payload
  // has (only a repeated ID is an error).
  const read: { id: StreamId; items: string[] }[] = [];
  while (nodes-- > 0) {
    const key = readBytes(r);
    if (key.length !== 16) throw new RdbError('Stream node key entry is not the size of a stream ID');
    read.push({ id: idOfRaw(key), items: decodeListpack(readBytes(r), true) });
  }
  read.sort((a, b) => cmpId(a.id, b.id));
  for (let i = 0; i < read.length; i++) {
    if (i > 0 && cmpId(read[i - 1]!.id, read[i]!.id) === 0) throw new RdbError('Listpack re-added with existing key');
    loadNode(s, read[i]!.id, read[i]!.items);
  }
  const length = readMeta64(r);
  if (length !== BigInt(s.length)) throw new RdbError('Stream length inconsistent with its entries');
  s.lastId = { ms: readMeta64(r), seq: readMeta64(r) };
  if (type >= RdbType.STREAM_LISTPACKS_2) {
    // Kept as read when it is not the first entry's ID (Redis keeps the payload's first_id).
    const first = { ms: readMeta64(r), seq: readMeta64(r) };
    if (cmpId(first, s.firstId()) !== 0) s.recordedFirstId = first;
    s.maxDeletedId = { ms: readMeta64(r), seq: readMeta64(r) };
    s.entriesAdded = signed(readMeta64(r));
  } else {
    s.entriesAdded = BigInt(s.length);
    // streamGetEdgeID on a stream without entries answers the largest ID for the first one.
    if (s.length === 0) s.recordedFirstId = { ms: U64, seq: U64 };
  }
  let groups = readLen(r);
  while (groups-- > 0) {
    const name = readString(r);
    const lastId = { ms: readMeta64(r), seq: readMeta64(r) };
    let entriesRead: bigint;
    if (type >= RdbType.STREAM_LISTPACKS_2) {
      const v = readMeta64(r);
      entriesRead = v === U64 ? ENTRIES_READ_INVALID : signed(v);
    } else {
      entriesRead = estimateDistance(s, lastId);
    }
    if (s.groups.has(name)) throw new RdbError('Duplicated consumer group name');
    const g = new StreamGroup(lastId, entriesRead);
    s.groups.set(name, g);
    let pel = readLen(r);
    const owned = new Set<StreamNack>();
    while (pel-- > 0) {
      const id = idOfRaw(r.bytes(16));
      const time = Number(r.i64le());
      const count = signed(readMeta64(r));
      if (g.pel.has(id)) throw new RdbError('Duplicated global PEL entry loading stream consumer group');
      // The owner is set when the consumers are read.
      g.pel.set(id, new StreamNack(null as never, time, count));
    }
    let consumers = readLen(r);
    while (consumers-- > 0) {
      const cname = readString(r);
      const seen = Number(r.i64le());
      const made = g.consumer(cname, seen);
      if (!made.created) throw new RdbError('Duplicate stream consumer detected.');
      let cpel = readLen(r);
      while (cpel-- > 0) {
        const id = idOfRaw(r.bytes(16));
        const nack = g.pel.get(id);
        if (nack === undefined) throw new RdbError('Consumer entry not found in group global PEL');
        if (owned.has(nack)) throw new RdbError('Duplicated consumer PEL entry loading a stream consumer group');
        owned.add(nack);
        nack.consumer = made.consumer;
        made.consumer.pel.set(id, nack);
      }
    }
    if (owned.size !== g.pel.size) throw new RdbError('Stream CG PEL entry without consumer');
  }
  return s;
}
