/**
 * What a simulated client needs of RESP: encoding a command as a multibulk request, and an
 * incremental reply parser that copes with replies split or coalesced anywhere (RESP2 and the
 * RESP3 types). Replies decode to plain values: bulk strings as latin1 strings (byte-exact),
 * integers as numbers (bigint beyond 2^53), `{ status }`, `{ error }`, arrays, null.
 */

export type SimReply =
  | string
  | number
  | bigint
  | boolean
  | null
  | SimReply[]
  | { status: string }
  | { error: string }
  | { map: Array<[SimReply, SimReply]> }
  | { set: SimReply[] }
  | { push: SimReply[] }
  | { double: string };

export function encodeCommand(args: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Feeds bytes in, takes complete replies out. */
export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  push(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
  }

  /** The next complete reply, or undefined when more bytes are needed. */
  next(): SimReply | undefined {
    const r = this.parse(this.pos);
    if (r === null) return undefined;
    this.pos = r[1];
    return r[0];
  }

  private parse(pos: number): [SimReply, number] | null {
    const buf = this.buf;
    if (pos >= buf.length) return null;
    const cr = buf.indexOf('\r\n', pos);
    if (cr < 0) return null;
    const type = buf[pos]!;
    const line = buf.toString('latin1', pos + 1, cr);
    const p = cr + 2;
    const many = (n: number): [SimReply[], number] | null => {
      const items: SimReply[] = [];
      let q = p;
      for (let i = 0; i < n; i++) {
        const r = this.parse(q);
        if (r === null) return null;
        items.push(r[0]);
        q = r[1];
      }
      return [items, q];
    };
    switch (String.fromCharCode(type)) {
      case '+': return [{ status: line }, p];
      case '-': return [{ error: line }, p];
      case ':': {
        const n = BigInt(line);
        return [n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, p];
      }
      case '$': case '=': {
        const n = Number(line);
        if (n < 0) return [null, p];
        if (buf.length < p + n + 2) return null;
        return [buf.toString('latin1', p, p + n), p + n + 2];
      }
      case '*': case '~': case '>': {
        const n = Number(line);
        if (n < 0) return [null, p];
        const r = many(n);
        if (r === null) return null;
        const t = String.fromCharCode(type);
        return [t === '~' ? { set: r[0] } : t === '>' ? { push: r[0] } : r[0], r[1]];
      }
      case '%': {
        const r = many(Number(line) * 2);
        if (r === null) return null;
        const pairs: Array<[SimReply, SimReply]> = [];
        for (let i = 0; i < r[0].length; i += 2) pairs.push([r[0][i]!, r[0][i + 1]!]);
        return [{ map: pairs }, r[1]];
      }
      case '_': return [null, p];
      case '#': return [line === 't', p];
      case ',': return [{ double: line }, p];
      case '(': return [BigInt(line), p];
      default: throw new Error(`sim: bad reply type byte ${type}`);
    }
  }
}

export function isError(r: SimReply | undefined): r is { error: string } {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && 'error' in r;
}

/** A short printable form of a reply for traces. */
export function showReply(r: SimReply): string {
  const s = JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
