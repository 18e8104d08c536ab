/**
 * The Redis 7.0 RDB format (persistence/rdb) behind the RdbCodec seam the snapshot, save and load
 * machinery uses: RdbWriter as the ImageEncoder and RdbReader as the ImageDecoder (their "no
 * expiry" is a negative time, ours null).
 */
import type { Value } from '../keyspace/value.js';
import type { Int64 } from '../lib/int64.js';
import type { DecodeLimits, EncoderOptions, ImageDecoder, ImageItem, RdbCodec } from './codec.js';
import { RdbReader, RdbWriter } from './rdb/index.js';
import type { ImageEncoder } from './snapshot.js';

/** An RDB v10 writer as an ImageEncoder. */
export function rdbEncoder(opts: EncoderOptions): ImageEncoder {
  const w = new RdbWriter({ compression: opts.compression, checksum: opts.checksum });
  return {
    header: (aux) => w.header(aux),
    selectDb: (id, dbSize, expiresSize) => w.selectDb(id, dbSize, expiresSize),
    entry: (key: string, value: Value, expireMs: Int64 | null) => w.entry(key, value, expireMs ?? -1),
    end: () => w.end(),
    take: () => w.take(),
    pendingLength: () => w.pendingLength,
    entryBytes: (key: string, value: Value, expireMs: Int64 | null) => w.entryBytes(key, value, expireMs ?? -1),
    raw: (bytes: Buffer) => w.raw(bytes),
  };
}

/** An RDB reader (versions 1 to 10) as an ImageDecoder; the trailing checksum is verified. */
export function rdbDecoder(bytes: Buffer, limits: DecodeLimits): ImageDecoder {
  const r = new RdbReader(bytes, { limits });
  return {
    position: () => r.position,
    next(): ImageItem {
      const item = r.next();
      if (item === null) return { kind: 'end' };
      switch (item.kind) {
        case 'entry':
          return { kind: 'entry', db: item.db, key: item.key, value: item.value, expireMs: Number(item.expireMs) < 0 ? null : item.expireMs };
        case 'function':
          return { kind: 'function' };
        case 'end':
          return { kind: 'end' };
        default:
          return item;
      }
    },
  };
}

/** Redis 7.0's RDB format: what a node uses unless told otherwise. */
export const RDB_CODEC: RdbCodec = { encoder: rdbEncoder, decoder: rdbDecoder };
