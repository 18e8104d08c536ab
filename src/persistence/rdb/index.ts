/** Public surface of the RDB codec (Redis 7.0, RDB version 10) and DUMP payloads. */
export { RdbWriter, encodeValue, type RdbWriterOptions } from './encoder.js';
export { RdbReader, type RdbItem, type RdbReaderOptions, type DecodeLimits } from './decoder.js';
export { createDumpPayload, verifyDumpPayload, decodeDumpPayload } from './dump-payload.js';
export { RdbError } from './errors.js';
export { crc64, Crc64 } from './crc64.js';
export { RDB_VERSION, RdbType, RdbOpcode } from './constants.js';
