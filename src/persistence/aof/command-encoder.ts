/**
 * The AOF base file in command form (`aof-use-rdb-preamble no`), as Redis 7.0's
 * rewriteAppendOnlyFileRio writes it: per non-empty database `SELECT <db>`, then per key the
 * commands that rebuild it — SET for strings, RPUSH / SADD / ZADD / HMSET with at most 64 items
 * per command (AOF_REWRITE_ITEMS_PER_CMD), scores as %.17g — followed by `PEXPIREAT key <ms>` when
 * the key has a TTL. With aof-timestamp-enabled the file opens with a `#TS:<unix seconds>` line.
 *
 * It implements the snapshot engine's ImageEncoder, so the same point-in-time machinery (slices,
 * copy-on-write at key granularity) produces an RDB base or a command base.
 */
import type { Value } from '../../keyspace/value.js';
import type { ListValue } from '../../keyspace/types/list.js';
import type { SetValue } from '../../keyspace/types/set.js';
import type { ZSet } from '../../keyspace/types/zset.js';
import type { HashValue } from '../../keyspace/types/hash.js';
import type { Int64 } from '../../lib/int64.js';
import { formatDouble17g } from '../../lib/float.js';
import { encodeCommand } from '../../protocol/command-encode.js';
import type { ImageEncoder } from '../snapshot.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
export const ITEMS_PER_CMD = 64;

export class AofCommandEncoder implements ImageEncoder {
  private chunks: Buffer[] = [];
  private chunkBytes = 0;

  /** `timestampSec`: the `#TS:` annotation to open the file with (aof-timestamp-enabled), or null. */
  constructor(private readonly timestampSec: number | null) {}

  header(): void {
    if (this.timestampSec !== null) this.add(Buffer.from(`#TS:${this.timestampSec}\r\n`, 'latin1'));
  }

  selectDb(id: number): void {
    this.push(['SELECT', String(id)]);
  }

  entry(key: string, value: Value, expireMs: Int64 | null): void {
    if (typeof value === 'string') {
      this.push(['SET', key, value]);
    } else {
      switch (value.type) {
        case 'list':
          this.batches('RPUSH', key, (value as ListValue).toArray(), 1);
          break;
        case 'set':
          this.batches('SADD', key, (value as SetValue).toArray(), 1);
          break;
        case 'zset': {
          const items: string[] = [];
          (value as ZSet).forEach((m, s) => items.push(formatDouble17g(s), m));
          this.batches('ZADD', key, items, 2);
          break;
        }
        case 'hash':
          this.batches('HMSET', key, (value as HashValue).pairs(), 2);
          break;
        case 'stream':
          throw new Error(`Garrison cannot rewrite the stream at key '${key}' in command form`);
      }
    }
    if (expireMs !== null) this.push(['PEXPIREAT', key, String(expireMs)]);
  }

  /** The commands entry() would append, on their own. */
  entryBytes(key: string, value: Value, expireMs: Int64 | null): Buffer {
    const chunks = this.chunks, bytes = this.chunkBytes;
    this.chunks = [];
    this.chunkBytes = 0;
    try {
      this.entry(key, value, expireMs);
      return this.take();
    } finally {
      this.chunks = chunks;
      this.chunkBytes = bytes;
    }
  }

  raw(bytes: Buffer): void {
    if (bytes.length > 0) this.add(bytes);
  }

  end(): void {}

  take(): Buffer {
    const c = this.chunks;
    if (c.length === 0) return EMPTY;
    this.chunks = [];
    this.chunkBytes = 0;
    return c.length === 1 ? c[0]! : Buffer.concat(c);
  }

  pendingLength(): number {
    return this.chunkBytes;
  }

  private add(b: Buffer): void {
    this.chunks.push(b);
    this.chunkBytes += b.length;
  }

  /** `items` flattened in groups of `width` (1 for members, 2 for pairs), 64 groups per command. */
  private batches(cmd: string, key: string, items: readonly string[], width: number): void {
    const per = ITEMS_PER_CMD * width;
    for (let i = 0; i < items.length; i += per) {
      this.push([cmd, key, ...items.slice(i, i + per)]);
    }
  }

  private push(argv: readonly string[]): void {
    this.add(encodeCommand(argv));
  }
}

const EMPTY = Buffer.alloc(0);
