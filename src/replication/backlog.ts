/**
 * The replication backlog (Redis's repl_backlog): a fixed-size ring of the most recent bytes of
 * the replication stream, addressed by stream offset, so a replica that lost its link can continue
 * with PSYNC from the offset it had, without a full resync, as long as that offset is still here.
 *
 * Offsets follow Redis: `masterOffset` counts every byte ever fed; the backlog holds the `histlen`
 * bytes that end at `masterOffset`, so its first byte has offset `masterOffset - histlen + 1`
 * (INFO's repl_backlog_first_byte_offset). A PSYNC offset is the offset of the next byte the
 * replica needs (its own offset + 1).
 */
/** CONFIG_REPL_BACKLOG_MIN_SIZE: the smallest backlog Redis keeps, whatever repl-backlog-size says. */
export const MIN_BACKLOG_SIZE = 16 * 1024;

export class ReplicationBacklog {
  private buf: Buffer;
  /** Index in `buf` where the next byte goes. */
  private idx = 0;
  /** Bytes of history held (<= size). */
  histlen = 0;

  constructor(size: number, public masterOffset: number) {
    this.buf = Buffer.allocUnsafe(Math.max(MIN_BACKLOG_SIZE, size));
  }

  get size(): number {
    return this.buf.length;
  }

  /** Offset of the oldest byte held (Redis's repl_backlog->offset). */
  get firstByteOffset(): number {
    return this.masterOffset - this.histlen + 1;
  }

  /** Appends stream bytes (the caller also sends them to the online replicas). */
  feed(data: Buffer): void {
    this.masterOffset += data.length;
    const src = data;
    if (src.length >= this.buf.length) {
      src.copy(this.buf, 0, src.length - this.buf.length);
      this.idx = 0;
      this.histlen = this.buf.length;
      return;
    }
    const first = Math.min(src.length, this.buf.length - this.idx);
    src.copy(this.buf, this.idx, 0, first);
    if (first < src.length) src.copy(this.buf, 0, first);
    this.idx = (this.idx + src.length) % this.buf.length;
    this.histlen = Math.min(this.buf.length, this.histlen + src.length);
  }

  /** True when a replica asking for `offset` (the next byte it needs) can continue from here. */
  canServe(offset: number): boolean {
    return this.histlen > 0 ? offset >= this.firstByteOffset && offset <= this.masterOffset + 1
      : offset === this.masterOffset + 1;
  }

  /** The bytes from `offset` to the end of the stream (canServe(offset) must hold). */
  from(offset: number): Buffer {
    const n = this.masterOffset + 1 - offset;
    if (n <= 0) return Buffer.alloc(0);
    const start = (this.idx - n + this.buf.length) % this.buf.length;
    if (start + n <= this.buf.length) return Buffer.from(this.buf.subarray(start, start + n));
    return Buffer.concat([this.buf.subarray(start), this.buf.subarray(0, n - (this.buf.length - start))]);
  }

  /** Resizes keeping the most recent history that fits (CONFIG SET repl-backlog-size). */
  resize(size: number): void {
    const newSize = Math.max(MIN_BACKLOG_SIZE, size);
    if (newSize === this.buf.length) return;
    const keep = Math.min(this.histlen, newSize);
    const tail = this.from(this.masterOffset + 1 - keep);
    this.buf = Buffer.allocUnsafe(newSize);
    tail.copy(this.buf, 0);
    this.idx = keep % newSize;
    this.histlen = keep;
  }

  /** Bytes held in memory (INFO mem_replication_backlog). */
  memory(): number {
    return this.buf.length;
  }
}
