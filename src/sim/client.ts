/**
 * A simulated Redis client: its own host and process on the simulated network, one connection to
 * a node, commands encoded as RESP multibulk and replies parsed back in order. Usable from inside
 * the deterministic loop with callbacks (`send(args, cb)`), or from a scenario with promises
 * (`call(...)`, resolved at the virtual instant the reply arrives; drive the world meanwhile, e.g.
 * `await world.settle(client.call('GET', 'k'))`). RESP3 push messages go to `onPush`.
 */
import type { Connection, Transport } from '../runtime/ports.js';
import type { SimProcess } from './event-loop.js';
import { ReplyParser } from '../link/reply-parser.js';
import { encodeRequest, showReply, toSimReply, type SimReply } from './resp.js';
import type { Trace } from './trace.js';

export type ReplyCallback = (reply: SimReply | null, err: Error | null) => void;

export class SimClient {
  private conn: Connection | null = null;
  private readonly parser = new ReplyParser();
  /** Commands written and waiting for their reply, in order. */
  private readonly waiting: Array<{ args: string; cb: ReplyCallback }> = [];
  /** Commands sent before the connection was up. */
  private readonly queued: Array<{ bytes: Buffer; args: string; cb: ReplyCallback }> = [];
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** Why the client is closed (connect error, or 'closed by peer' / 'closed'). */
  closeReason = '';
  onPush: (msg: SimReply) => void = () => {};
  onClosed: () => void = () => {};

  constructor(
    readonly name: string,
    readonly target: { host: string; port: number },
    readonly process: SimProcess,
    transport: Transport,
    private readonly trace: Trace,
    connectTimeoutMs = 1000,
  ) {
    transport.connect(target, connectTimeoutMs).then((c) => this.opened(c), (e: Error) => this.closed(`connect: ${e.message}`));
  }

  /** Sends a command; `cb` gets the reply, or an Error when the connection is lost first. */
  send(args: ReadonlyArray<string | number | Buffer>, cb: ReplyCallback = () => {}): void {
    const shown = args.map((a) => (Buffer.isBuffer(a) ? `<${a.length}B>` : printable(String(a)))).join(' ').slice(0, 100);
    if (this.state === 'closed') {
      cb(null, new Error(`${this.name}: ${this.closeReason}`));
      return;
    }
    const bytes = encodeRequest(args);
    if (this.conn === null) {
      this.queued.push({ bytes, args: shown, cb });
      return;
    }
    this.waiting.push({ args: shown, cb });
    this.trace.add(`client ${this.name} send ${shown}`);
    this.conn.write(bytes);
  }

  /** Sends a command; the promise settles when its reply arrives (or the connection is lost). */
  call(...args: Array<string | number | Buffer>): Promise<SimReply> {
    return new Promise((resolve, reject) => this.send(args, (r, e) => (e !== null ? reject(e) : resolve(r!))));
  }

  /** Commands sent whose reply has not come yet. */
  inFlight(): number {
    return this.waiting.length + this.queued.length;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.conn?.destroy();
    this.closed('closed');
  }

  private opened(c: Connection): void {
    if (this.state === 'closed') {
      c.destroy();
      return;
    }
    this.conn = c;
    this.state = 'open';
    c.onData = (chunk) => this.onData(chunk);
    c.onClose = () => this.closed('closed by peer');
    for (const q of this.queued.splice(0)) {
      this.waiting.push({ args: q.args, cb: q.cb });
      this.trace.add(`client ${this.name} send ${q.args}`);
      c.write(q.bytes);
    }
  }

  private onData(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (let p = this.parser.next(); p !== undefined; p = this.parser.next()) {
      const r = toSimReply(p);
      if (typeof r === 'object' && r !== null && !Array.isArray(r) && 'push' in r) {
        this.onPush(r);
        continue;
      }
      const w = this.waiting.shift();
      this.trace.add(`client ${this.name} reply ${showReply(r)}${w === undefined ? ' (unexpected)' : ''}`);
      w?.cb(r, null);
    }
  }

  private closed(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    this.trace.add(`client ${this.name} ${reason}`);
    const err = new Error(`${this.name}: ${reason}`);
    for (const w of [...this.waiting.splice(0), ...this.queued.splice(0)]) w.cb(null, err);
    this.onClosed();
  }
}

/** Control characters escaped, so that one trace entry stays on one line. */
function printable(s: string): string {
  return /[\x00-\x1f\x7f]/.test(s) ? JSON.stringify(s) : s;
}
