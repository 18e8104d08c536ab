/**
 * CRC-64 as Redis computes it (crc64.c, "Jones" parameters): reflected input and output, polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor. Check value of "123456789" is
 * 0xe9c6d914c4b8d9ca. RDB files and DUMP payloads end with it (little-endian).
 *
 * The 64-bit register is kept as two 32-bit halves (no BigInt on the per-byte path); a
 * byte-at-a-time table of 256 entries, built once per process (a pure constant, not state).
 */

/** The reflected polynomial: bit-reverse of 0xad93d23594c935a9. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

function buildTables(): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ POLY_HI) >>> 0;
        l = (l ^ POLY_LO) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return { hi, lo };
}

const TABLES = buildTables();

/** A running CRC-64 state: feed it slices with update(), read it with value / bytesLE(). */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    const th = TABLES.hi;
    const tl = TABLES.lo;
    let h = this.hi;
    let l = this.lo;
    for (let i = start; i < end; i++) {
      const idx = (l ^ buf[i]!) & 0xff;
      l = ((l >>> 8) | ((h & 0xff) << 24)) ^ tl[idx]!;
      h = (h >>> 8) ^ th[idx]!;
    }
    this.hi = h >>> 0;
    this.lo = l >>> 0;
    return this;
  }

  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The CRC as the 8 little-endian bytes RDB and DUMP store. */
  bytesLE(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }
}

export function crc64(buf: Uint8Array, start = 0, end = buf.length): bigint {
  return new Crc64().update(buf, start, end).value;
}
