/**
 * RdbReader: reads an RDB file (versions 1 to 10) held in one Buffer, one item per next() call —
 * an AUX field, a SELECTDB, a RESIZEDB hint, a function library, a key entry (with its expiry and
 * the IDLE/FREQ hints that preceded it), or the end — and null after the end. Keys whose value is
 * an empty collection are skipped, as Redis's loader does (counted in `emptyKeysSkipped`).
 *
 * The trailing CRC-64 (versions >= 5) is verified when it is non-zero and `verifyChecksum` is
 * set, over every byte up to and including the EOF opcode. Any malformed input throws RdbError.
 */
import type { Int64 } from '../../lib/int64.js';
import type { Value } from '../../keyspace/value.js';
import { ByteReader } from './byte-reader.js';
import { RDB_VERSION, RdbOpcode } from './constants.js';
import { crc64 } from './crc64.js';
import { RdbError } from './errors.js';
import { readLen, readString } from './primitives.js';
import { readValue, type DecodeLimits } from './value-decoder.js';

export type { DecodeLimits } from './value-decoder.js';

export type RdbItem =
  | { readonly kind: 'aux'; readonly key: string; readonly value: string }
  | { readonly kind: 'select-db'; readonly db: number }
  | { readonly kind: 'resize-db'; readonly dbSize: number; readonly expiresSize: number }
  | { readonly kind: 'function'; readonly code: string }
  | {
    readonly kind: 'entry'; readonly db: number; readonly key: string; readonly value: Value;
    /** Absolute expiry in ms, or -1. */
    readonly expireMs: Int64;
    readonly idle?: number; readonly freq?: number;
  }
  | { readonly kind: 'end'; readonly checksum: bigint };

export interface RdbReaderOptions {
  readonly limits: DecodeLimits;
  /** Verify a non-zero trailing checksum (default true). */
  readonly verifyChecksum?: boolean;
}

export class RdbReader {
  private readonly r: ByteReader;
  readonly version: number;
  private db = 0;
  private done = false;
  private readonly limits: DecodeLimits;
  private readonly verify: boolean;
  emptyKeysSkipped = 0;

  constructor(buf: Buffer, opts: RdbReaderOptions) {
    this.r = new ByteReader(buf);
    this.limits = opts.limits;
    this.verify = opts.verifyChecksum ?? true;
    const magic = this.r.latin1(9);
    if (!magic.startsWith('REDIS')) throw new RdbError('Wrong signature trying to load DB from file');
    const digits = magic.slice(5);
    const version = /^\d{4}$/.test(digits) ? Number(digits) : NaN;
    if (!(version >= 1 && version <= RDB_VERSION)) throw new RdbError(`Can't handle RDB format version ${digits}`);
    this.version = version;
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.r.pos;
  }

  next(): RdbItem | null {
    if (this.done) return null;
    const r = this.r;
    let expireMs: Int64 = -1;
    let idle: number | undefined;
    let freq: number | undefined;
    for (;;) {
      const op = r.u8();
      switch (op) {
        case RdbOpcode.EXPIRETIME_MS: {
          const v = r.i64le();
          expireMs = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
          continue;
        }
        case RdbOpcode.EXPIRETIME:
          expireMs = r.i32le() * 1000;
          continue;
        case RdbOpcode.IDLE:
          idle = readLen(r);
          continue;
        case RdbOpcode.FREQ:
          freq = r.u8();
          continue;
        case RdbOpcode.SELECTDB: {
          this.db = readLen(r);
          return { kind: 'select-db', db: this.db };
        }
        case RdbOpcode.RESIZEDB: {
          const dbSize = readLen(r);
          const expiresSize = readLen(r);
          return { kind: 'resize-db', dbSize, expiresSize };
        }
        case RdbOpcode.AUX: {
          const key = readString(r);
          const value = readString(r);
          return { kind: 'aux', key, value };
        }
        case RdbOpcode.MODULE_AUX:
          throw new RdbError('The RDB file contains AUX module data I can\'t load: no matching module');
        case RdbOpcode.FUNCTION:
          return { kind: 'function', code: readString(r) };
        case 246:
          throw new RdbError('Pre-release function format not supported.');
        case RdbOpcode.EOF:
          return this.end();
        default: {
          const key = readString(r);
          const value = readValue(r, op, this.limits);
          if (value === null) {
            this.emptyKeysSkipped++;
            expireMs = -1;
            idle = undefined;
            freq = undefined;
            continue;
          }
          const e: { kind: 'entry'; db: number; key: string; value: Value; expireMs: Int64; idle?: number; freq?: number } =
            { kind: 'entry', db: this.db, key, value, expireMs };
          if (idle !== undefined) e.idle = idle;
          if (freq !== undefined) e.freq = freq;
          return e;
        }
      }
    }
  }

  private end(): RdbItem {
    this.done = true;
    if (this.version < 5) return { kind: 'end', checksum: 0n };
    const eofAt = this.r.pos;
    const stored = this.r.bytes(8).readBigUInt64LE(0);
    if (stored !== 0n && this.verify) {
      const actual = crc64(this.r.buf, 0, eofAt);
      if (actual !== stored) {
        throw new RdbError(`Wrong RDB checksum expected: (${stored.toString(16)}) got: (${actual.toString(16)}).`);
      }
    }
    return { kind: 'end', checksum: stored };
  }
}
