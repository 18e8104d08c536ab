/**
 * One outgoing RESP connection (what hiredis's async context is to Redis's sentinel): dial through
 * the Transport port, optionally AUTH and CLIENT SETNAME first, then pipeline commands, each with a
 * reply callback called in order. After SUBSCRIBE the link is in pub/sub mode: `message` and
 * `pmessage` frames (RESP2 arrays or RESP3 pushes) go to `onMessage` instead of a callback.
 *
 * The link never reconnects by itself: when the connection fails or closes it reports it once
 * through `onClose` and stays closed; its owner (the sentinel driver) decides when to dial again.
 * Pending callbacks of a closed link are never called.
 */
import { encodeCommand } from '../protocol/command-encode.js';
import type { Reply } from '../protocol/reply.js';
import type { Connection, DialTarget, Transport } from '../runtime/ports.js';
import { ReplyParser, ReplyProtocolError } from './reply-parser.js';

export type ReplyCallback = (reply: Reply) => void;

export interface LinkOptions {
  transport: Transport;
  target: DialTarget;
  connectTimeoutMs: number;
  /** AUTH sent before anything else (user is omitted for the default user). */
  auth?: { user: string | null; pass: string } | null;
  /** CLIENT SETNAME sent after AUTH. */
  clientName?: string | null;
}

export type LinkState = 'idle' | 'connecting' | 'connected' | 'closed';

export class Link {
  state: LinkState = 'idle';
  private conn: Connection | null = null;
  private readonly parser = new ReplyParser();
  private readonly callbacks: Array<ReplyCallback | null> = [];
  private subscribed = false;
  /** Called once the connection is established and the handshake commands are queued. */
  onConnect: () => void = () => {};
  /** Called once when the connection fails or ends (not after close()). */
  onClose: (reason: string) => void = () => {};
  /** Pub/sub messages: [kind, channel, payload] or [kind, pattern, channel, payload]. */
  onMessage: (frame: readonly Reply[]) => void = () => {};
  /** The error reply to AUTH, when there was one. */
  authError: string | null = null;

  constructor(private readonly opts: LinkOptions) {}

  /** Replies still expected. */
  get pending(): number {
    return this.callbacks.length;
  }

  get localAddress(): string {
    return this.conn?.localAddress ?? '';
  }

  connect(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.opts.transport.connect(this.opts.target, this.opts.connectTimeoutMs).then(
      (conn) => this.onConnected(conn),
      (err: Error) => this.fail(err.message),
    );
  }

  private onConnected(conn: Connection): void {
    if (this.state !== 'connecting') {
      conn.destroy();
      return;
    }
    this.conn = conn;
    this.state = 'connected';
    conn.setNoDelay(true);
    conn.onData = (chunk) => this.onData(chunk);
    conn.onClose = () => this.fail('Connection closed');
    conn.onDrain = () => {};
    const auth = this.opts.auth;
    if (auth) {
      const argv = auth.user === null ? ['AUTH', auth.pass] : ['AUTH', auth.user, auth.pass];
      this.send(argv, (r) => {
        if (typeof r === 'object' && r !== null && !Array.isArray(r) && 't' in r && r.t === 'error') this.authError = r.s;
      });
    }
    if (this.opts.clientName) this.send(['CLIENT', 'SETNAME', this.opts.clientName]);
    this.onConnect();
  }

  /** Queues a command; false when the link is not connected (the command is not sent). */
  send(argv: readonly string[], cb?: ReplyCallback): boolean {
    if (this.state !== 'connected' || this.conn === null) return false;
    this.callbacks.push(cb ?? null);
    this.conn.write(encodeCommand(argv));
    return true;
  }

  /** SUBSCRIBE: the link enters pub/sub mode; the confirmations go to `cb`, one per channel. */
  subscribe(channels: readonly string[], cb?: ReplyCallback): boolean {
    if (this.state !== 'connected' || this.conn === null) return false;
    this.subscribed = true;
    for (let i = 0; i < channels.length; i++) this.callbacks.push(cb ?? null);
    this.conn.write(encodeCommand(['SUBSCRIBE', ...channels]));
    return true;
  }

  /** Closes the connection now; no callback or onClose follows. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.callbacks.length = 0;
    this.conn?.destroy();
    this.conn = null;
  }

  private fail(reason: string): void {
    if (this.state === 'closed') return;
    this.close();
    this.onClose(reason);
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'connected') return;
    this.parser.feed(chunk);
    for (;;) {
      let r: Reply | undefined;
      try {
        r = this.parser.next();
      } catch (e) {
        if (e instanceof ReplyProtocolError) return this.fail(e.message);
        throw e;
      }
      if (r === undefined) return;
      this.dispatch(r);
      if (this.state !== 'connected') return;
    }
  }

  private dispatch(r: Reply): void {
    const frame = messageFrame(r, this.subscribed);
    if (frame !== null) {
      this.onMessage(frame);
      return;
    }
    if (typeof r === 'object' && r !== null && !Array.isArray(r) && 't' in r && r.t === 'push') return; // other pushes (invalidation...)
    const cb = this.callbacks.shift();
    if (cb) cb(r);
  }
}

/** The items of a pub/sub message frame, or null when `r` is an ordinary reply. */
function messageFrame(r: Reply, subscribed: boolean): readonly Reply[] | null {
  let items: readonly Reply[] | null = null;
  if (Array.isArray(r)) items = subscribed ? (r as readonly Reply[]) : null;
  else if (typeof r === 'object' && r !== null && 't' in r && r.t === 'push') items = r.items;
  if (items === null || items.length < 3) return null;
  const kind = items[0];
  return kind === 'message' || kind === 'pmessage' || kind === 'smessage' ? items : null;
}
