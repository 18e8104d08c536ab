/**
 * RdbWriter: produces a Redis 7.0 RDB file (version 10) piece by piece. The caller drives it —
 * header(aux), then per database selectDb() and entry() for each key, then end() — and drains
 * the bytes with take() as often as it likes, so a snapshot can be written in bounded slices on
 * the server tick. The CRC-64 runs over every byte produced (when `checksum`), and end() appends
 * it little-endian, or eight zero bytes when checksums are off (rdbchecksum no).
 *
 * encodeValue() is the type byte + payload of one value, shared with DUMP.
 */
import type { Int64 } from '../../lib/int64.js';
import type { Value } from '../../keyspace/value.js';
import { ByteWriter } from './byte-writer.js';
import { RDB_VERSION, RdbOpcode, RdbType } from './constants.js';
import { Crc64 } from './crc64.js';
import { writeLen, writeString } from './primitives.js';
import { writeValue } from './value-encoder.js';

export interface RdbWriterOptions {
  /** rdbcompression: LZF-compress strings longer than 20 bytes when that saves space. */
  readonly compression: boolean;
  /** rdbchecksum: end the file with the CRC-64 of its contents (else 8 zero bytes). */
  readonly checksum: boolean;
}

export class RdbWriter {
  private readonly w = new ByteWriter(64 * 1024);
  private readonly crc: Crc64 | null;
  private readonly compression: boolean;
  private ended = false;

  constructor(opts: RdbWriterOptions) {
    this.compression = opts.compression;
    this.crc = opts.checksum ? new Crc64() : null;
  }

  /** `REDIS0010` and the AUX fields, in the given order. */
  header(aux: ReadonlyArray<readonly [string, string]>): void {
    this.w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    for (const [k, v] of aux) this.aux(k, v);
  }

  /** One AUX field (opcode 250, key and value as RDB strings). */
  aux(key: string, value: string): void {
    this.w.byte(RdbOpcode.AUX);
    writeString(this.w, key, this.compression);
    writeString(this.w, value, this.compression);
  }

  /** SELECTDB and RESIZEDB for the database whose keys follow. */
  selectDb(id: number, dbSize: number, expiresSize: number): void {
    this.w.byte(RdbOpcode.SELECTDB);
    writeLen(this.w, id);
    this.w.byte(RdbOpcode.RESIZEDB);
    writeLen(this.w, dbSize);
    writeLen(this.w, expiresSize);
  }

  /** One key: optional millisecond expiry (`expireMs` < 0 = none), the value's type, key, payload. */
  entry(key: string, value: Value, expireMs: Int64): void {
    this.entryTo(this.w, key, value, expireMs);
  }

  /** The bytes entry() would append, on their own (kept aside, appended later with raw()). */
  entryBytes(key: string, value: Value, expireMs: Int64): Buffer {
    const w = new ByteWriter(64);
    this.entryTo(w, key, value, expireMs);
    return w.take();
  }

  /** Appends bytes made by entryBytes(). */
  raw(bytes: Buffer): void {
    this.w.bytes(bytes);
  }

  private entryTo(w: ByteWriter, key: string, value: Value, expireMs: Int64): void {
    if (expireMs >= 0) {
      w.byte(RdbOpcode.EXPIRETIME_MS);
      w.i64le(BigInt(expireMs));
    }
    // rdbSaveKeyValuePair: type byte, then the key, then the payload. Strings (most keys) are
    // written in place; other types are encoded first, since their type byte depends on the
    // encoding chosen while writing them.
    if (typeof value === 'string') {
      w.byte(RdbType.STRING);
      writeString(w, key, this.compression);
      writeString(w, value, this.compression);
      return;
    }
    const body = encodeValue(value, this.compression);
    w.byte(body[0]!);
    writeString(w, key, this.compression);
    w.bytes(body.subarray(1));
  }

  /** EOF opcode and the checksum (or zeros). No more writes after this. */
  end(): void {
    this.w.byte(RdbOpcode.EOF);
    if (this.crc === null) {
      this.w.bytes(Buffer.alloc(8));
    } else {
      this.crc.update(this.w.peek());
      this.w.bytes(this.crc.bytesLE());
    }
    this.ended = true;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Bytes produced since the last take(). */
  take(): Buffer {
    if (this.crc !== null && !this.ended) this.crc.update(this.w.peek());
    return this.w.take();
  }

  /** Bytes produced since the last take(). */
  get pendingLength(): number {
    return this.w.length;
  }

  /** Total bytes produced so far (taken or not). */
  get bytesWritten(): number {
    return this.w.total;
  }
}

/** Type byte + payload of `value` (what DUMP serializes before its footer). */
export function encodeValue(value: Value, compression = true): Buffer {
  const w = new ByteWriter(256);
  writeValue(w, value, compression);
  return w.take();
}
