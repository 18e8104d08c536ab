/**
 * A growable output buffer for the RDB writer: appends bytes, latin1 strings and little/big-endian
 * integers, and hands out what was written since the last take() so a caller can stream a
 * snapshot in slices without keeping the whole file in memory.
 */
/** Strings up to this length are copied byte by byte (cheaper than Buffer.write's call). */
export const SHORT_STRING = 64;

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;
  /** Bytes handed out by take() so far. */
  private taken = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.pos;
  }

  /** Total bytes produced since creation. */
  get total(): number {
    return this.taken + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The first `n` bytes of `b` (no view is made of it). */
  bytesFrom(b: Buffer, n: number): void {
    this.ensure(n);
    this.pos += b.copy(this.buf, this.pos, 0, n);
  }

  latin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n <= SHORT_STRING) {
      // Buffer.write's own overhead exceeds a byte loop for short keys and values.
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos += this.buf.write(s, this.pos, n, 'latin1');
    }
  }

  u16le(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16LE(v, this.pos);
  }

  u32le(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(v, this.pos);
  }

  u32be(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  i64le(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(v, this.pos);
  }

  u64be(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64BE(v, this.pos);
  }

  f64le(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  /** The bytes written since the last take() (a copy: the internal buffer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.taken += this.pos;
    this.pos = 0;
    return out;
  }

  /** The bytes not yet taken, without copying (valid until the next write). */
  peek(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
