/**
 * DUMP payloads (cluster.c createDumpPayload / verifyDumpPayload): the value's type byte and RDB
 * payload, then a 2-byte little-endian RDB version, then the CRC-64 (little-endian) of everything
 * before it. A payload is accepted when its version is not newer than ours and its CRC matches.
 */
import type { Value } from '../../keyspace/value.js';
import { RDB_VERSION } from './constants.js';
import { Crc64 } from './crc64.js';
import { encodeValue } from './encoder.js';
import { ByteReader } from './byte-reader.js';
import { readValue, type DecodeLimits } from './value-decoder.js';

/** The footer after a DUMP payload's value: the 2-byte RDB version and the 8-byte CRC-64. */
export const DUMP_TRAILER_BYTES = 10;

export function createDumpPayload(value: Value, compression = true): Buffer {
  const body = encodeValue(value, compression);
  const out = Buffer.allocUnsafe(body.length + DUMP_TRAILER_BYTES);
  body.copy(out, 0);
  out.writeUInt16LE(RDB_VERSION, body.length);
  const crc = new Crc64().update(out, 0, body.length + 2).bytesLE();
  crc.copy(out, body.length + 2);
  return out;
}

/** Whether the footer's version and checksum are acceptable (Redis's verifyDumpPayload). */
export function verifyDumpPayload(p: Buffer, skipChecksum = false): boolean {
  if (p.length < DUMP_TRAILER_BYTES) return false;
  const footer = p.length - DUMP_TRAILER_BYTES;
  const version = p.readUInt16LE(footer);
  if (version > RDB_VERSION) return false;
  if (skipChecksum) return true;
  const crc = new Crc64().update(p, 0, footer + 2).bytesLE();
  return crc.equals(p.subarray(footer + 2));
}

/**
 * The value inside a verified payload (rdbLoadObjectType + rdbLoadObject over the body), or null
 * for an empty collection. Throws RdbError on anything malformed (RESTORE's "Bad data format").
 */
export function decodeDumpPayload(p: Buffer, limits: DecodeLimits): Value | null {
  // Like Redis, the reader sees the whole payload: a value may run into the footer bytes.
  const r = new ByteReader(p);
  const type = r.u8();
  return readValue(r, type, limits);
}
