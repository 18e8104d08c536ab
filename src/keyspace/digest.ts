/**
 * The dataset digest of DEBUG DIGEST and DEBUG DIGEST-VALUE, bit-compatible with Redis 7.0
 * (debug.c), so that a Garrison node and a real redis-server holding the same data print the same
 * 40 hex digits (replication tests compare them across the two).
 *
 * Redis's two primitives on a 20-byte accumulator:
 *   xor(d, bytes): d ^= SHA1(bytes)                 — order-insensitive ("add" an unordered element)
 *   mix(d, bytes): d = SHA1(d ^ SHA1(bytes))        — order-sensitive (feeds the running digest back)
 * A key's digest: zero, mix(key), then the value: mix(uint32be(typeId)), the type's own rule, and
 * xor("!!expire!!") when the key has a TTL (the TTL value itself is not part of it). The dataset
 * digest: zero; per non-empty database mix(uint32be(dbId)), then xor every key's digest.
 *
 * Per-type rules (Redis 7.0): string — mix(bytes); list — mix(each element, head to tail);
 * set — xor(each member); hash — per field an element digest (zero, mix(field), mix(value)) xored in;
 * zset — per member an element digest (zero, mix(member), mix(score as "%.17g")) xored in;
 * stream — mix("ms.seq") per entry then mix(field), mix(value) for each pair.
 * Collection values plug in by implementing `Digestible.digestInto` with those rules through the
 * `DigestBuilder` they are handed; the type id they report is Redis's OBJ_* number.
 */
import { createHash } from 'node:crypto';
import type { Database } from './database.js';
import type { Keyspace } from './keyspace.js';
import type { Value, ValueType } from './value.js';

/** Redis's OBJ_* type numbers, which enter the digest. */
export const REDIS_TYPE_IDS: Readonly<Record<ValueType, number>> = {
  string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6,
};

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

/** A byte string (latin1, one char per byte) as bytes. */
function bytesOf(s: string | Buffer): Buffer {
  return typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
}

/** A 20-byte running digest with Redis's xorDigest / mixDigest operations. */
export class DigestBuilder {
  readonly bytes: Buffer = Buffer.alloc(20);

  /** digest ^= SHA1(data): order-insensitive accumulation. */
  xor(data: string | Buffer): this {
    const h = sha1(bytesOf(data));
    for (let i = 0; i < 20; i++) this.bytes[i]! ^= h[i]!;
    return this;
  }

  /** digest = SHA1(digest ^ SHA1(data)): order-sensitive accumulation. */
  mix(data: string | Buffer): this {
    this.xor(data);
    sha1(this.bytes).copy(this.bytes);
    return this;
  }

  /** Folds a finished sub-digest in: this ^= SHA1(other's 20 bytes), as Redis folds key digests. */
  xorDigestOf(other: DigestBuilder): this {
    return this.xor(other.bytes);
  }

  /**
   * An unordered element made of ordered parts (a hash field and its value, a zset member and its
   * score): a fresh digest mixed with each part, xored into this one.
   */
  element(...parts: Array<string | Buffer>): this {
    const e = new DigestBuilder();
    for (const p of parts) e.mix(p);
    return this.xorDigestOf(e);
  }

  hex(): string {
    return this.bytes.toString('hex');
  }
}

/** What a collection value implements to take part in DEBUG DIGEST. */
export interface Digestible {
  /** Mixes the value's contents into `d` following Redis's rule for its type (see file header). */
  digestInto(d: DigestBuilder): void;
}

function isDigestible(v: unknown): v is Digestible {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Digestible>).digestInto === 'function';
}

function uint32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * Redis's xorObjectDigest: mixes the type id and the value into `d`, then the expire marker.
 * Throws for a collection type that has not implemented `Digestible` (a programmer error: the
 * digest would silently disagree with Redis).
 */
export function mixValueDigest(d: DigestBuilder, value: Value, hasExpire: boolean): void {
  if (typeof value === 'string') {
    d.mix(uint32be(REDIS_TYPE_IDS.string));
    d.mix(value);
  } else {
    d.mix(uint32be(REDIS_TYPE_IDS[value.type]));
    if (!isDigestible(value)) throw new Error(`DEBUG DIGEST: value type '${value.type}' does not implement digestInto`);
    value.digestInto(d);
  }
  if (hasExpire) d.xor('!!expire!!');
}

/** DEBUG DIGEST-VALUE for one key: the value digest without the key name (zeros when missing). */
export function keyValueDigest(db: Database, key: string): string {
  const d = new DigestBuilder();
  // Like Redis, no lazy expiry here: a logically expired key still has its digest.
  const v = db.dict.get(key);
  if (v !== undefined) mixValueDigest(d, v, db.expires.has(key));
  return d.hex();
}

/** DEBUG DIGEST: the digest of every database (40 zeros when the dataset is empty). */
export function datasetDigest(ks: Keyspace): string {
  const final = new DigestBuilder();
  for (const db of ks.dbs) {
    if (db.dict.size === 0) continue;
    final.mix(uint32be(db.id));
    for (const [key, value] of db.dict) {
      const d = new DigestBuilder();
      d.mix(key);
      mixValueDigest(d, value, db.expires.has(key));
      final.xorDigestOf(d);
    }
  }
  return final.hex();
}
