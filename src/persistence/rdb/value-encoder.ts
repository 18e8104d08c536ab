/**
 * One value in Redis 7.0's RDB form (rdbSaveObjectType + rdbSaveObject): the type byte, then the
 * payload. Types and encodings as 7.0 writes them:
 *   string -> STRING (int/LZF/raw string encodings)
 *   list   -> LIST_QUICKLIST_2: nodes split as the quicklist splits a list built by tail pushes
 *             under the list's fill; each node a PACKED listpack, or PLAIN for a huge element
 *   set    -> SET_INTSET (intset blob) when intset-encoded, else SET (members)
 *   hash   -> HASH_LISTPACK when listpack-encoded, else HASH (field, value pairs)
 *   zset   -> ZSET_LISTPACK when listpack-encoded, else ZSET_2 (member, binary double), written
 *             from the highest element down, as Redis walks its skip list from the tail
 *   stream -> STREAM_LISTPACKS_2 (stream-codec.ts)
 * Listpack scores are written as Redis's d2string writes them (integers in decimal, otherwise
 * %.17g), so the bytes equal Redis's DUMP of the same value in the same encoding.
 */
import { scoreToListpackText } from '../../lib/float.js';
import { parseInt64, type Int64 } from '../../lib/int64.js';
import type { Value } from '../../keyspace/value.js';
import { ListValue } from '../../keyspace/types/list.js';
import { SetValue } from '../../keyspace/types/set.js';
import { HashValue } from '../../keyspace/types/hash.js';
import { ZSet } from '../../keyspace/types/zset.js';
import { StreamValue } from '../../keyspace/types/stream.js';
import { writeStream } from './stream-codec.js';
import type { ByteWriter } from './byte-writer.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, QUICKLIST_PACKED_THRESHOLD, RdbType } from './constants.js';
import { encodeIntset } from './intset.js';
import { encodeListpack } from './listpack.js';
import { writeBinaryDouble, writeBlob, writeLen, writeString } from './primitives.js';
import { RdbError } from './errors.js';

/** Writes the type byte and payload of `value`; `compression` is rdbcompression. */
export function writeValue(w: ByteWriter, value: Value, compression: boolean): void {
  if (typeof value === 'string') {
    w.byte(RdbType.STRING);
    writeString(w, value, compression);
    return;
  }
  if (value instanceof ListValue) return writeList(w, value, compression);
  if (value instanceof SetValue) return writeSet(w, value, compression);
  if (value instanceof HashValue) return writeHash(w, value, compression);
  if (value instanceof ZSet) return writeZset(w, value, compression);
  if (value instanceof StreamValue) return writeStream(w, value, compression);
  throw new RdbError(`Cannot serialize a value of type ${value.type}`);
}

function writeList(w: ByteWriter, l: ListValue, compression: boolean): void {
  w.byte(RdbType.LIST_QUICKLIST_2);
  // Split the layout's nodes around huge elements, which 7.0 keeps as plain nodes of their own.
  const nodes: Array<{ plain: boolean; from: number; to: number }> = [];
  let i = 0;
  for (const n of l.nodeLayout()) {
    let from = i;
    const end = i + n.count;
    for (; i < end; i++) {
      if (l.at(i).length >= QUICKLIST_PACKED_THRESHOLD) {
        if (i > from) nodes.push({ plain: false, from, to: i });
        nodes.push({ plain: true, from: i, to: i + 1 });
        from = i + 1;
      }
    }
    if (end > from) nodes.push({ plain: false, from, to: end });
  }
  writeLen(w, nodes.length);
  for (const n of nodes) {
    if (n.plain) {
      writeLen(w, QUICKLIST_NODE_PLAIN);
      writeBlob(w, Buffer.from(l.at(n.from), 'latin1'), compression);
    } else {
      writeLen(w, QUICKLIST_NODE_PACKED);
      writeBlob(w, encodeListpack(l.range(n.from, n.to - 1)), compression);
    }
  }
}

function writeSet(w: ByteWriter, s: SetValue, compression: boolean): void {
  const members = s.toArray();
  if (s.isIntset()) {
    w.byte(RdbType.SET_INTSET);
    writeBlob(w, encodeIntset(members.map((m) => parseInt64(m) as Int64)), compression);
    return;
  }
  w.byte(RdbType.SET);
  writeLen(w, members.length);
  for (const m of members) writeString(w, m, compression);
}

function writeHash(w: ByteWriter, h: HashValue, compression: boolean): void {
  if (h.isListpack()) {
    w.byte(RdbType.HASH_LISTPACK);
    writeBlob(w, encodeListpack(h.pairs()), compression);
    return;
  }
  w.byte(RdbType.HASH);
  writeLen(w, h.size);
  h.forEach((f, v) => {
    writeString(w, f, compression);
    writeString(w, v, compression);
  });
}

function writeZset(w: ByteWriter, z: ZSet, compression: boolean): void {
  if (z.encoding() === 'listpack') {
    w.byte(RdbType.ZSET_LISTPACK);
    const items: string[] = [];
    z.forEach((m, s) => { items.push(m, scoreToListpackText(s)); });
    writeBlob(w, encodeListpack(items), compression);
    return;
  }
  w.byte(RdbType.ZSET_2);
  const n = z.length;
  writeLen(w, n);
  if (n === 0) return;
  z.walk(n - 1, true, (m, s) => {
    writeString(w, m, compression);
    writeBinaryDouble(w, s);
    return true;
  });
}
