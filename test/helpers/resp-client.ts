/**
 * A small RESP2/RESP3 client for tests: sends commands, returns each reply both decoded and as the
 * exact bytes the server sent (for byte-for-byte differential comparisons). Not for production.
 */
import net from 'node:net';

export type Decoded =
  | string
  | number
  | bigint
  | null
  | boolean
  | Decoded[]
  | { error: string }
  | { status: string }
  | { map: Array<[Decoded, Decoded]> }
  | { set: Decoded[] }
  | { push: Decoded[] }
  | { double: string }
  | { verbatim: string; format: string }
  | { bignum: string };

export interface RawReply {
  value: Decoded;
  raw: Buffer;
}

/** Parses one reply from buf at pos; returns [value, endPos] or null if incomplete. */
export function parseReply(buf: Buffer, pos: number): [Decoded, number] | null {
  if (pos >= buf.length) return null;
  const type = String.fromCharCode(buf[pos]!);
  const cr = buf.indexOf('\r\n', pos);
  if (cr < 0) return null;
  const line = buf.toString('latin1', pos + 1, cr);
  let p = cr + 2;
  const aggregate = (n: number): [Decoded[], number] | null => {
    const items: Decoded[] = [];
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, p);
      if (r === null) return null;
      items.push(r[0]);
      p = r[1];
    }
    return [items, p];
  };
  switch (type) {
    case '+': return [{ status: line }, p];
    case '-': return [{ error: line }, p];
    case ':': { const n = BigInt(line); return [n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, p]; }
    case '$': case '=': {
      const n = Number(line);
      if (n < 0) return [null, p];
      if (buf.length < p + n + 2) return null;
      const s = buf.toString('latin1', p, p + n);
      if (type === '=') return [{ verbatim: s.slice(4), format: s.slice(0, 3) }, p + n + 2];
      return [s, p + n + 2];
    }
    case '*': case '~': case '>': {
      const n = Number(line);
      if (n < 0) return [null, p];
      const r = aggregate(n);
      if (r === null) return null;
      if (type === '~') return [{ set: r[0] }, r[1]];
      if (type === '>') return [{ push: r[0] }, r[1]];
      return r;
    }
    case '%': {
      const n = Number(line);
      const r = aggregate(n * 2);
      if (r === null) return null;
      const pairs: Array<[Decoded, Decoded]> = [];
      for (let i = 0; i < r[0].length; i += 2) pairs.push([r[0][i]!, r[0][i + 1]!]);
      return [{ map: pairs }, r[1]];
    }
    case '_': return [null, p];
    case '#': return [line === 't', p];
    case ',': return [{ double: line }, p];
    case '(': return [{ bignum: line }, p];
    default: throw new Error(`bad reply type byte ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1', pos, pos + 80))}`);
  }
}

export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<(r: RawReply) => void> = [];
  private pushes: RawReply[] = [];
  private pushWaiters: Array<(r: RawReply) => void> = [];
  closed = false;
  private closeWaiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const w of [...this.closeWaiters]) w();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => {
        s.off('error', reject);
        resolve(new RespClient(s));
      });
      s.once('error', reject);
    });
  }

  /** When true, replies that are RESP3 pushes (or RESP2 messages) are routed to nextPush(). */
  pushMode = false;

  /** When true, RESP3 pushes are read as replies, in the order they arrive (for byte comparisons). */
  pushesAsReplies = false;

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let pos = 0;
    for (;;) {
      const r = parseReply(this.buf, pos);
      if (r === null) break;
      const raw = this.buf.subarray(pos, r[1]);
      pos = r[1];
      const reply = { value: r[0], raw: Buffer.from(raw) };
      const isPush = !this.pushesAsReplies && typeof r[0] === 'object' && r[0] !== null && !Array.isArray(r[0]) && 'push' in r[0];
      if ((isPush || (this.pushMode && this.waiters.length === 0))) {
        const w = this.pushWaiters.shift();
        if (w) w(reply); else this.pushes.push(reply);
        continue;
      }
      const w = this.waiters.shift();
      if (w) w(reply);
      else this.pushes.push(reply);
    }
    this.buf = this.buf.subarray(pos);
  }

  /** Sends raw bytes (for protocol tests). */
  writeRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits for the next reply (after writeRaw). */
  read(): Promise<RawReply> {
    const queued = this.pushes.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Waits for the next reply at most `timeoutMs`; 'timeout' or 'closed' otherwise. A timed-out
   * wait leaves nothing behind: a reply arriving later is returned by the next read.
   */
  readWithin(timeoutMs: number): Promise<RawReply | 'timeout' | 'closed'> {
    const queued = this.pushes.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const done = (r: RawReply | 'timeout' | 'closed'): void => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(onReply);
        if (i >= 0) this.waiters.splice(i, 1);
        const j = this.closeWaiters.indexOf(onClose);
        if (j >= 0) this.closeWaiters.splice(j, 1);
        resolve(r);
      };
      const onReply = (r: RawReply): void => done(r);
      const onClose = (): void => done('closed');
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      this.waiters.push(onReply);
      this.closeWaiters.push(onClose);
    });
  }

  nextPush(): Promise<RawReply> {
    const queued = this.pushes.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.pushWaiters.push(resolve));
  }

  /** The next push within `timeoutMs`, else 'timeout'; a push arriving later goes to the next call. */
  nextPushWithin(timeoutMs: number): Promise<RawReply | 'timeout'> {
    const queued = this.pushes.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const onPush = (r: RawReply): void => {
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        const i = this.pushWaiters.indexOf(onPush);
        if (i >= 0) this.pushWaiters.splice(i, 1);
        resolve('timeout');
      }, timeoutMs);
      this.pushWaiters.push(onPush);
    });
  }

  /** Sends one command and waits for its reply. */
  async callRaw(...args: Array<string | number | Buffer>): Promise<RawReply> {
    this.socket.write(encodeCommand(args));
    return this.read();
  }

  async call(...args: Array<string | number | Buffer>): Promise<Decoded> {
    return (await this.callRaw(...args)).value;
  }

  /** Sends many commands in one write and collects their replies in order. */
  async pipeline(cmds: Array<Array<string | number | Buffer>>): Promise<RawReply[]> {
    this.socket.write(Buffer.concat(cmds.map(encodeCommand)));
    const out: RawReply[] = [];
    for (let i = 0; i < cmds.length; i++) out.push(await this.read());
    return out;
  }

  /** Resolves when the server closes the connection. */
  waitClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

export function encodeCommand(args: Array<string | number | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Polls `cond` until it is true or the deadline passes. `what` names the condition in the error;
 * as a function it is read at the deadline (to report what the last attempt saw).
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what: string | (() => string) = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * `p`, or a rejection once `ms` have passed without it settling: a test fails with `why()` (read
 * at that moment) instead of hanging until its own timeout.
 */
export function settleWithin<T>(p: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(why())), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** 'answered' when `p` settles within `ms`, else 'waiting' (a bounded look at something that must not happen yet). */
export function answeredWithin(p: Promise<unknown>, ms: number): Promise<'answered' | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const look = new Promise<'waiting'>((r) => { timer = setTimeout(() => r('waiting'), ms); });
  return Promise.race([p.then(() => 'answered' as const, () => 'answered' as const), look]).finally(() => clearTimeout(timer));
}

/**
 * One command on a fresh connection to port, with a 2 s deadline; null when nothing answers there
 * (yet), or when the connection is cut before the reply (sentinels send CLIENT KILL TYPE normal
 * with every SLAVEOF they give a node).
 */
export async function callFresh(port: number, ...args: Array<string | number>): Promise<Decoded | null> {
  let c: RespClient;
  try {
    c = await RespClient.connect(port);
  } catch {
    return null;
  }
  try {
    c.writeRaw(encodeCommand(args));
    const r = await c.readWithin(2000);
    return r === 'timeout' || r === 'closed' ? null : r.value;
  } finally {
    c.close();
  }
}
