/**
 * The reply encoder. Replies are appended to one growable buffer per server (the node is single
 * threaded: a batch of replies for one client is encoded, then copied out in one write), so the
 * hot path allocates only the final Buffer handed to the socket.
 * RESP3 types are downgraded for RESP2 clients the way Redis does.
 */
import { Buffer } from 'node:buffer';
import { formatDouble17g } from '../lib/float.js';
import type { Reply } from './reply.js';

/** Node's Buffer has latin1Write/latin1Slice natively; calling them skips the encoding switch. */
export interface FastBuffer extends Buffer {
  latin1Write(s: string, offset: number, length?: number): number;
}

export class ReplyWriter {
  private buf: FastBuffer;
  private len = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes) as FastBuffer;
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size) as FastBuffer;
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Copies out what was written and resets. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.len = 0;
    // Do not keep a huge buffer around after one big reply.
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024) as FastBuffer;
    return out;
  }

  reset(): void {
    this.len = 0;
  }

  /** Appends ASCII/latin1 text as is. */
  raw(s: string): void {
    this.ensure(s.length);
    this.put(s);
  }

  /**
   * Copies the bytes of `s` at the end (room already ensured). Short strings are copied in a
   * loop: cheaper than the call into C++ that latin1Write is, and most replies are short.
   */
  private put(s: string): void {
    const n = s.length;
    if (n > 24) {
      this.len += this.buf.latin1Write(s, this.len);
      return;
    }
    const b = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) b[at++] = s.charCodeAt(i);
    this.len = at;
  }

  /** Writes a non-negative integer's decimal digits (no allocation). */
  private digits(n: number): void {
    const b = this.buf;
    if (n < 10) {
      b[this.len++] = 48 + n;
      return;
    }
    let width: number;
    if (n <= 0x7fffffff) {
      // Int32 arithmetic (no float division) for what most replies carry: lengths and counts.
      width = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6
        : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
      let pos = this.len + width - 1;
      let v = n | 0;
      while (v !== 0) {
        const q = (v / 10) | 0;
        b[pos--] = 48 + v - q * 10;
        v = q;
      }
      this.len += width;
      return;
    }
    let tmp = n;
    width = 0;
    while (tmp > 0) { width++; tmp = Math.floor(tmp / 10); }
    let pos = this.len + width - 1;
    while (n > 0) {
      const q = Math.floor(n / 10);
      b[pos--] = 48 + (n - q * 10);
      n = q;
    }
    this.len += width;
  }

  rawBytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  private crlf(): void {
    const b = this.buf;
    b[this.len] = 13;
    b[this.len + 1] = 10;
    this.len += 2;
  }

  bulk(s: string): void {
    const n = s.length;
    this.ensure(n + 24);
    this.buf[this.len++] = 36; // '$'
    this.digits(n);
    this.crlf();
    this.put(s);
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n <= 0xffffffff) {
      this.ensure(16);
      this.buf[this.len++] = 58; // ':'
      this.digits(n);
      this.crlf();
      return;
    }
    const s = String(n);
    this.ensure(s.length + 3);
    this.buf[this.len++] = 58;
    this.put(s);
    this.crlf();
  }

  header(prefix: string, n: number): void {
    this.ensure(prefix.length + 24);
    this.put(prefix);
    if (n >= 0) this.digits(n);
    else this.put(String(n));
    this.crlf();
  }

  line(prefix: string, s: string): void {
    this.ensure(s.length + prefix.length + 2);
    this.put(prefix);
    this.put(s);
    this.crlf();
  }

  /** Encodes one reply for a client speaking protocol `resp` (2 or 3). */
  write(r: Reply, resp: number): void {
    if (typeof r === 'string') return this.bulk(r);
    if (typeof r === 'number' || typeof r === 'bigint') return this.integer(r);
    if (r === null) {
      if (resp === 2) this.raw('$-1\r\n');
      else this.raw('_\r\n');
      return;
    }
    if (Array.isArray(r)) {
      const arr = r as readonly Reply[];
      this.header('*', arr.length);
      for (let i = 0; i < arr.length; i++) this.write(arr[i]!, resp);
      return;
    }
    const t = r as Exclude<Reply, string | number | bigint | null | readonly Reply[]>;
    switch (t.t) {
      case 'status':
        return this.line('+', t.s);
      case 'error':
        return this.line('-', t.s);
      case 'double':
        if (resp === 2) return this.bulk(formatDouble17g(t.v));
        return this.line(',', formatDouble17g(t.v));
      case 'map':
        if (resp === 2) this.header('*', t.kv.length);
        else this.header('%', t.kv.length / 2);
        for (const x of t.kv) this.write(x, resp);
        return;
      case 'set':
        this.header(resp === 2 ? '*' : '~', t.items.length);
        for (const x of t.items) this.write(x, resp);
        return;
      case 'push':
        this.header(resp === 2 ? '*' : '>', t.items.length);
        for (const x of t.items) this.write(x, resp);
        return;
      case 'nullarray':
        if (resp === 2) this.raw('*-1\r\n');
        else this.raw('_\r\n');
        return;
      case 'verbatim':
        if (resp === 2) return this.bulk(t.s);
        this.header('=', t.s.length + 4);
        this.raw(t.format + ':');
        this.raw(t.s);
        this.raw('\r\n');
        return;
      case 'bool':
        if (resp === 2) return this.integer(t.v ? 1 : 0);
        this.raw(t.v ? '#t\r\n' : '#f\r\n');
        return;
      case 'bignum':
        if (resp === 2) return this.bulk(t.s);
        return this.line('(', t.s);
      case 'raw':
        return this.rawBytes(t.bytes);
      case 'blocked':
        throw new Error('assertion failed: the BLOCKED marker reached the reply encoder');
    }
  }
}

/** Encodes a reply to a fresh Buffer (tests, MONITOR feeds, one-off writes). */
export function encodeReply(r: Reply, resp = 2): Buffer {
  const w = new ReplyWriter(256);
  w.write(r, resp);
  return w.take();
}
