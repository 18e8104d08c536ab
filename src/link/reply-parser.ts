/**
 * Incremental parser of server replies (RESP2 and RESP3), for outgoing connections: a sentinel's
 * links to its instances, later a cluster bus client. Bytes arrive in arbitrary chunks; `next()`
 * returns one complete reply as a protocol `Reply` value, or undefined until more bytes come.
 * Bulk strings are latin1 byte strings (binary safe). A malformed frame throws ReplyProtocolError:
 * the owner drops the connection, as hiredis reports a protocol error.
 */
import {
  bool, double, error, map, NULL_ARRAY, push, set, status, verbatim, type Reply,
} from '../protocol/reply.js';

export class ReplyProtocolError extends Error {}

/** Marker for "the frame is not complete yet". */
const INCOMPLETE = Symbol('incomplete');
type Step = Reply | typeof INCOMPLETE;

export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Largest bulk accepted (bytes); a bigger length is a protocol error. */
  maxBulkLen = 512 * 1024 * 1024;

  feed(chunk: Buffer): void {
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /** Bytes received and not yet consumed by a complete reply. */
  pendingBytes(): number {
    return this.buf.length - this.pos;
  }

  next(): Reply | undefined {
    const start = this.pos;
    const r = this.parse();
    if (r === INCOMPLETE) {
      this.pos = start;
      return undefined;
    }
    return r;
  }

  /** One line without its CRLF, advancing past it; null when the CRLF has not arrived. */
  private line(): string | null {
    const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) return null;
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    return s;
  }

  private int(s: string): number {
    if (!/^-?\d+$/.test(s)) throw new ReplyProtocolError(`Bad integer value`);
    return Number(s);
  }

  private bulkBody(len: number): string | typeof INCOMPLETE {
    if (len > this.maxBulkLen) throw new ReplyProtocolError('Bulk string too long');
    if (this.buf.length - this.pos < len + 2) return INCOMPLETE;
    const s = this.buf.toString('latin1', this.pos, this.pos + len);
    if (this.buf[this.pos + len] !== 13 || this.buf[this.pos + len + 1] !== 10) throw new ReplyProtocolError('Bad bulk string terminator');
    this.pos += len + 2;
    return s;
  }

  private items(n: number): Reply[] | typeof INCOMPLETE {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.parse();
      if (r === INCOMPLETE) return INCOMPLETE;
      out.push(r);
    }
    return out;
  }

  private parse(): Step {
    if (this.pos >= this.buf.length) return INCOMPLETE;
    const type = String.fromCharCode(this.buf[this.pos]!);
    this.pos++;
    const l = this.line();
    if (l === null) return INCOMPLETE;
    switch (type) {
      case '+': return status(l);
      case '-': return error(l);
      case ':': {
        if (!/^-?\d+$/.test(l)) throw new ReplyProtocolError('Bad integer value');
        const n = Number(l);
        return Number.isSafeInteger(n) ? n : BigInt(l);
      }
      case '$': {
        const len = this.int(l);
        if (len < 0) return null;
        return this.bulkBody(len);
      }
      case '*': {
        const n = this.int(l);
        if (n < 0) return NULL_ARRAY;
        return this.items(n);
      }
      case '_': return null;
      case ',': {
        const v = l === 'inf' ? Infinity : l === '-inf' ? -Infinity : Number(l);
        if (Number.isNaN(v) && l.toLowerCase() !== 'nan') throw new ReplyProtocolError('Bad double value');
        return double(v);
      }
      case '#':
        if (l !== 't' && l !== 'f') throw new ReplyProtocolError('Bad bool value');
        return bool(l === 't');
      case '(':
        if (!/^-?\d+$/.test(l)) throw new ReplyProtocolError('Bad big number');
        return { t: 'bignum', s: l };
      case '!': {
        const s = this.bulkBody(this.int(l));
        return s === INCOMPLETE ? INCOMPLETE : error(s);
      }
      case '=': {
        const s = this.bulkBody(this.int(l));
        if (s === INCOMPLETE) return INCOMPLETE;
        if (s.length < 4 || s[3] !== ':') throw new ReplyProtocolError('Bad verbatim string');
        return verbatim(s.slice(4), s.slice(0, 3));
      }
      case '%': {
        const kv = this.items(this.int(l) * 2);
        return kv === INCOMPLETE ? INCOMPLETE : map(kv);
      }
      case '|': {
        // Attributes precede the reply they describe; they are dropped.
        const kv = this.items(this.int(l) * 2);
        return kv === INCOMPLETE ? INCOMPLETE : this.parse();
      }
      case '~': {
        const it = this.items(this.int(l));
        return it === INCOMPLETE ? INCOMPLETE : set(it);
      }
      case '>': {
        const it = this.items(this.int(l));
        return it === INCOMPLETE ? INCOMPLETE : push(it);
      }
      default:
        throw new ReplyProtocolError(`Protocol error, got ${JSON.stringify(type)} as reply type byte`);
    }
  }
}
