/**
 * MIGRATE's connections to target instances (Redis 7.0's migrate_cached_sockets, cluster.c).
 *
 * One link per "host:port" as the command spelled them, reused by later MIGRATEs: at most 64 (a
 * random one is closed to make room) and each closed once unused for more than 10 s (the server
 * tick calls `closeIdle`, as serverCron calls migrateCloseTimedoutSockets). A link remembers the
 * database its last successful MIGRATE selected, so SELECT goes out only when that changes.
 *
 * A link's `exchange` writes one request and reads a number of reply lines the way Redis's
 * syncReadLine does: up to "\n", a "\r" before it dropped, at most 1023 bytes per line (a longer
 * line continues as the next one). `timeoutMs` bounds every wait for progress (the connect, the
 * write, each read), not the whole exchange, as each of Redis's sync calls takes the timeout. A
 * link that failed is closed and forgotten.
 *
 * How dialling fails, as redis-server 7.0.15 reports it (measured): a name that does not resolve,
 * an empty host, a negative port or a connect that times out fail to connect ("connecting to the
 * client"); a refused connection is seen by Redis only when it writes (its non-blocking connect
 * reports the socket writable), so it counts as a write failure, which MIGRATE retries once.
 */
import { MAX_TIMER_MS, type Connection, type Random, type Scheduler, type Transport } from '../../runtime/ports.js';
import { atoi } from '../../lib/atoi.js';

export const MIGRATE_SOCKET_CACHE_ITEMS = 64;
export const MIGRATE_SOCKET_CACHE_TTL_S = 10;
/** syncReadLine's buffer in migrateCommand: 1024 bytes with the terminating NUL. */
const MAX_LINE = 1023;

/** Why an exchange stopped before all its lines arrived. */
export interface LinkFailure {
  readonly phase: 'write' | 'read';
  /** No progress within the timeout (Redis's ETIMEDOUT: MIGRATE does not retry then). */
  readonly timedOut: boolean;
}

export interface ExchangeResult {
  /** The reply lines read, fewer than asked when `failure` is set. */
  readonly lines: string[];
  readonly failure: LinkFailure | null;
}

/** What dialling gave: a link, or how it failed. */
export type DialResult = TargetLink | { readonly failed: 'connect' } | { readonly failed: 'write' };

interface PendingExchange {
  readonly want: number;
  readonly lines: string[];
  readonly resolve: (r: ExchangeResult) => void;
  readonly timeoutMs: number;
  writing: boolean;
  cancelTimer: (() => void) | null;
}

export class TargetLink {
  /** The database selected by the last successful MIGRATE; -1: unknown (new, or after an error). */
  lastDbid: bigint = -1n;
  lastUseS: number;
  private partial = '';
  private pending: PendingExchange | null = null;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly conn: Connection,
    private readonly scheduler: Scheduler,
    nowS: number,
    private readonly onGone: (link: TargetLink) => void,
  ) {
    this.lastUseS = nowS;
    conn.setNoDelay(true);
    conn.onData = (chunk) => this.onData(chunk);
    conn.onClose = () => this.onClose();
    conn.onDrain = () => this.onDrain();
  }

  /** Sends `request` and reads `want` reply lines. */
  exchange(request: Buffer, want: number, timeoutMs: number): Promise<ExchangeResult> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve({ lines: [], failure: { phase: 'write', timedOut: false } });
        return;
      }
      const p: PendingExchange = { want, lines: [], resolve, timeoutMs, writing: true, cancelTimer: null };
      this.pending = p;
      this.conn.write(request);
      if (this.conn.pendingWriteBytes() === 0) p.writing = false;
      this.takeLines();
      if (this.pending === p) this.armTimer(p);
    });
  }

  /** Closes the link and forgets it (after a failure, when idle too long, or to make room). */
  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.conn.destroy();
      this.fail(false);
    }
    this.onGone(this);
  }

  private onData(chunk: Buffer): void {
    this.partial += chunk.toString('latin1');
    const p = this.pending;
    if (p === null) return;
    p.writing = false;
    this.takeLines();
    if (this.pending === p) this.armTimer(p);
  }

  private onDrain(): void {
    const p = this.pending;
    if (p === null || !p.writing || this.conn.pendingWriteBytes() !== 0) return;
    p.writing = false;
    this.armTimer(p);
  }

  /**
   * The peer closed. A link in use fails its exchange; an idle one stays cached, as Redis's does
   * until its next use or its idle timeout, and its next exchange fails at once (MIGRATE then
   * dials again), so INFO migrate_cached_sockets counts what Redis's counts.
   */
  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.fail(false);
  }

  /** Moves complete lines from the buffer into the pending exchange; resolves it when done. */
  private takeLines(): void {
    const p = this.pending;
    if (p === null) return;
    while (p.lines.length < p.want) {
      const nl = this.partial.indexOf('\n');
      if (nl < 0 || nl > MAX_LINE) {
        if (this.partial.length < MAX_LINE) return;
        p.lines.push(this.partial.slice(0, MAX_LINE));
        this.partial = this.partial.slice(MAX_LINE);
        continue;
      }
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      p.lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.settle({ lines: p.lines, failure: null });
  }

  private armTimer(p: PendingExchange): void {
    p.cancelTimer?.();
    p.cancelTimer = this.scheduler.after(Math.min(MAX_TIMER_MS, p.timeoutMs), () => {
      p.cancelTimer = null;
      if (this.pending === p) this.fail(true);
    });
  }

  private fail(timedOut: boolean): void {
    const p = this.pending;
    if (p === null) return;
    this.settle({ lines: p.lines, failure: { phase: p.writing ? 'write' : 'read', timedOut } });
  }

  private settle(r: ExchangeResult): void {
    const p = this.pending!;
    this.pending = null;
    p.cancelTimer?.();
    p.cancelTimer = null;
    p.resolve(r);
  }
}

/** DNS failures and timeouts fail the connect itself; anything else (refused...) the first write. */
const CONNECT_FAILURES = new Set(['ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'EINVAL']);

export class MigrateLinks {
  private readonly links = new Map<string, TargetLink>();

  constructor(
    private readonly transport: Transport,
    private readonly scheduler: Scheduler,
    private readonly random: Random,
  ) {}

  /** INFO's migrate_cached_sockets. */
  get size(): number {
    return this.links.size;
  }

  /** The cached link for host:port, or a new one (migrateGetSocket). */
  async get(host: string, portArg: string, timeoutMs: number, nowS: number): Promise<DialResult> {
    const name = `${host}:${portArg}`;
    const cached = this.links.get(name);
    if (cached !== undefined) {
      cached.lastUseS = nowS;
      return cached;
    }
    if (this.links.size >= MIGRATE_SOCKET_CACHE_ITEMS) {
      const names = [...this.links.keys()];
      this.links.get(names[Math.floor(this.random.float() * names.length)]!)!.close();
    }
    // The port as Redis's atoi reads it, then as getaddrinfo takes a numeric service (16 bits).
    const port = atoi(portArg);
    if (host === '' || port < 0) return { failed: 'connect' };
    if ((port & 0xffff) === 0) return { failed: 'write' }; // connecting to port 0 is refused
    let conn: Connection;
    try {
      conn = await this.transport.connect({ host, port: port & 0xffff }, Math.min(MAX_TIMER_MS, timeoutMs));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      return CONNECT_FAILURES.has(code) ? { failed: 'connect' } : { failed: 'write' };
    }
    // Another MIGRATE cannot have cached one meanwhile: the server holds every other client.
    const link = new TargetLink(name, conn, this.scheduler, nowS, (l) => {
      if (this.links.get(l.name) === l) this.links.delete(l.name);
    });
    this.links.set(name, link);
    return link;
  }

  /** Closes the links unused for more than 10 s (migrateCloseTimedoutSockets). */
  closeIdle(nowS: number): void {
    for (const link of [...this.links.values()]) {
      if (nowS - link.lastUseS > MIGRATE_SOCKET_CACHE_TTL_S) link.close();
    }
  }

  closeAll(): void {
    for (const link of [...this.links.values()]) link.close();
  }
}
