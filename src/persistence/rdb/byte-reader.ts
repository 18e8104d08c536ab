/**
 * A bounds-checked cursor over one Buffer. Every read past the end throws RdbError('Unexpected EOF
 * reading RDB file'), which is how truncated files and lying length prefixes are reported.
 */
import { ERR_EOF, RdbError } from './errors.js';

export class ByteReader {
  pos: number;

  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n > this.end - this.pos || n < 0) throw new RdbError(ERR_EOF);
  }

  u8(): number {
    if (this.pos >= this.end) throw new RdbError(ERR_EOF);
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  latin1(n: number): string {
    this.need(n);
    const s = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  u16le(): number { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  i16le(): number { this.need(2); const v = this.buf.readInt16LE(this.pos); this.pos += 2; return v; }
  u32le(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  i32le(): number { this.need(4); const v = this.buf.readInt32LE(this.pos); this.pos += 4; return v; }
  u32be(): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  i64le(): bigint { this.need(8); const v = this.buf.readBigInt64LE(this.pos); this.pos += 8; return v; }
  u64be(): bigint { this.need(8); const v = this.buf.readBigUInt64BE(this.pos); this.pos += 8; return v; }
  f64le(): number { this.need(8); const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }
}
