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
  writeLen64(w, BigInt(s.entriesAdded));
  writeLen(w, s.groups.size);
  for (const [name, g] of byName(s.groups)) {
    writeString(w, name, compression);
    writeLen64(w, g.lastId.ms);
    writeLen64(w, g.lastId.seq);
    writeLen64(w, BigInt.asUintN(64, BigInt(g.entriesRead)));
    writeLen(w, g.pel.size);
    for (const [id, nack] of g.pel.entries()) {
      w.bytes(rawId(id));
      w.i64le(BigInt(nack.deliveryTime));
      writeLen(w, nack.deliveryCount);
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

/** One node's listpack back into entries (streamValidateListpackIntegrity's checks, in short). */
function loadNode(s: StreamValue, key: StreamId, items: string[]): void {
  const num = (i: number): bigint => {
    const v = items[i];
    if (v === undefined || !/^-?\d+$/.test(v)) throw new RdbError('Stream listpack integrity check failed');
    return BigInt(v);
  };
  if (items.length === 0) throw new RdbError('Empty listpack inside stream');
  const count = Number(num(0));
  const deleted = Number(num(1));
  const nMaster = Number(num(2));
  const master = items.slice(3, 3 + nMaster);
  let p = 3 + nMaster;
  if (num(p++) !== 0n) throw new RdbError('Stream listpack integrity check failed');
  const entries: { id: StreamId; fields: string[]; deleted: boolean }[] = [];
  while (p < items.length) {
    const flags = Number(num(p++));
    const id = { ms: BigInt.asUintN(64, key.ms + num(p)), seq: BigInt.asUintN(64, key.seq + num(p + 1)) };
    p += 2;
    const fields: string[] = [];
    if (flags & 2) {
      for (const f of master) fields.push(f, items[p++] ?? '');
    } else {
      const n = Number(num(p++));
      for (let k = 0; k < 2 * n; k++) fields.push(items[p++] ?? '');
    }
    num(p++); // lp-count
    if (p > items.length) throw new RdbError('Stream listpack integrity check failed');
    entries.push({ id, fields, deleted: (flags & 1) !== 0 });
  }
  const live = entries.filter((e) => !e.deleted).length;
  if (live !== count || entries.length - live !== deleted) throw new RdbError('Stream listpack integrity check failed');
  if (live === 0) throw new RdbError('Empty listpack inside stream');
  s.loadNode(key, master, entries);
}

export function readStream(r: ByteReader, type: number): StreamValue {
  const s = new StreamValue();
  let nodes = readLen(r);
  let prev: StreamId | null = null;
  while (nodes-- > 0) {
    const key = readBytes(r);
    if (key.length !== 16) throw new RdbError('Stream node key entry is not the size of a stream ID');
    const id = idOfRaw(key);
    if (prev !== null && cmpId(prev, id) >= 0) throw new RdbError('Stream node keys out of order');
    prev = id;
    loadNode(s, id, decodeListpack(readBytes(r)));
  }
  const length = readLen(r);
  if (length !== s.length) throw new RdbError('Stream length inconsistent with its entries');
  s.lastId = { ms: readLen64(r), seq: readLen64(r) };
  if (type >= RdbType.STREAM_LISTPACKS_2) {
    readLen64(r);
    readLen64(r); // first ID: derived from the entries
    s.maxDeletedId = { ms: readLen64(r), seq: readLen64(r) };
    s.entriesAdded = Number(readLen64(r));
  } else {
    s.entriesAdded = s.length;
  }
  let groups = readLen(r);
  while (groups-- > 0) {
    const name = readString(r);
    const lastId = { ms: readLen64(r), seq: readLen64(r) };
    let entriesRead: number;
    if (type >= RdbType.STREAM_LISTPACKS_2) {
      const v = readLen64(r);
      entriesRead = v === U64 ? ENTRIES_READ_INVALID : Number(v);
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
      const count = readLen(r);
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
