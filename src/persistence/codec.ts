/**
 * The RDB codec as the snapshot, save and load machinery sees it: a writer (ImageEncoder, in
 * snapshot.ts) and a reader of items. The composition root plugs in persistence/rdb's RdbWriter
 * and RdbReader through `RdbCodec`; tests plug in small fakes. Keeping this seam narrow lets the
 * engine be tested without the byte format, and the format without the engine.
 */
import type { Value } from '../keyspace/value.js';
import type { Int64 } from '../lib/int64.js';
import type { ImageEncoder } from './snapshot.js';

/** One item of an RDB image, in file order. */
export type ImageItem =
  | { kind: 'aux'; key: string; value: string }
  | { kind: 'select-db'; db: number }
  | { kind: 'resize-db'; dbSize: number; expiresSize: number }
  | { kind: 'entry'; db: number; key: string; value: Value; expireMs: Int64 | null }
  /** A function library (Redis 7.0 FUNCTION): Garrison has no functions and skips it. */
  | { kind: 'function' }
  | { kind: 'end' };

export interface ImageDecoder {
  /** The next item; throws an Error whose message says what is wrong with the bytes. */
  next(): ImageItem;
  /** Bytes consumed so far (INFO loading_loaded_bytes). */
  position(): number;
}

export interface EncoderOptions {
  compression: boolean;
  checksum: boolean;
}

/** Encoding thresholds loaded collections are packed by (the server's *-max-listpack-* settings). */
export interface DecodeLimits {
  readonly listMaxListpackSize: number;
  readonly setMaxIntsetEntries: number;
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
}

export interface RdbCodec {
  encoder(opts: EncoderOptions): ImageEncoder;
  /** A decoder over a whole image; may throw at once (wrong signature, unknown version). */
  decoder(bytes: Buffer, limits: DecodeLimits): ImageDecoder;
}
