/**
 * The Redis 7.0 RDB format (persistence/rdb) behind the RdbCodec seam the snapshot, save and load
 * machinery uses: RdbWriter as the ImageEncoder (its "no expiry" is a negative time, ours null).
 */
import type { Value } from '../keyspace/value.js';
import type { Int64 } from '../lib/int64.js';
import type { EncoderOptions } from './codec.js';
import { RdbWriter } from './rdb/index.js';
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
  };
}
