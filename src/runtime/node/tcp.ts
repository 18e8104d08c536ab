/**
 * Transport over node:net: TCP and unix sockets. Adapts net.Socket to the Connection port.
 *
 * Accepted connections read into one shared buffer (net.Socket's `onread` option) instead of
 * through the Readable stream: for every read the stream path allocates a 64 KB ArrayBuffer
 * (malloc, an external-memory charge that brings garbage collections forward) and runs the
 * stream's push/emit machinery and a nextTick. Here the chunk handed to `onData` is a view of that
 * buffer (the connection's `lendsChunks`): the server parses it in place and copies out only an
 * unfinished command's bytes. Measured with bench/server-cost.mjs: leaving the stream took SET at
 * -P 16 from 2.2 to 1.9 µs of server CPU per request, at -P 1 about 0.6-1 µs less per request;
 * lending instead of copying every read into a fresh Buffer (a malloc and new pages for reads of
 * 4 KB or more) took MSET at -P 16 (9.5 KB reads) from 10.8-12.1 to 9.7-10.6 µs.
 *
 * net.Server constructs the accepted socket itself and takes no `onread`, so the listener
 * replaces its handle's `onconnection` callback (an internal of node:net, stable since Node 0.x)
 * and builds the socket with `onread`; when that callback is absent (another runtime, a future
 * Node) connections take the stream path, whose chunks are the consumer's own.
 * `Connection.lendsChunks` tells which path a connection took, and a test pins it.
 * Outgoing connections (replicas, sentinels) use the stream path.
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { chmodSync, unlinkSync } from 'node:fs';
import type { Connection, DialTarget, ListenOptions, Listener, Transport } from '../ports.js';

/**
 * The buffer every accepted connection reads into. Reads run one at a time on the event loop and
 * each is consumed (parsed, and an unfinished command copied out) before the next can happen, so
 * one buffer serves all connections.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class SocketConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly isUnixSocket: boolean;
  onData: (chunk: Buffer) => void = () => {};
  onClose: () => void = () => {};
  onDrain: () => void = () => {};

  /**
   * True when the socket reads into READ_BUFFER (see the file comment), which the next read
   * reuses: its chunks are lent. False for the stream path.
   */
  readonly lendsChunks: boolean;

  constructor(private readonly socket: net.Socket, isUnix: boolean, userBuffer = false) {
    this.isUnixSocket = isUnix;
    this.lendsChunks = userBuffer;
    this.remoteAddress = stripV4Mapped(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = stripV4Mapped(socket.localAddress ?? '');
    this.localPort = socket.localPort ?? 0;
    if (!userBuffer) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => { /* followed by 'close' */ });
    socket.on('close', () => this.onClose());
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }
  pendingWriteBytes(): number {
    return this.socket.writableLength;
  }
  setNoDelay(on: boolean): void {
    if (!this.isUnixSocket) this.socket.setNoDelay(on);
  }

  setKeepAlive(seconds: number): void {
    // Node sets SO_KEEPALIVE and TCP_KEEPIDLE; the probe interval and count stay the kernel's
    // (Redis also sets TCP_KEEPINTVL to a third of the idle time and TCP_KEEPCNT to 3).
    if (!this.isUnixSocket) this.socket.setKeepAlive(seconds > 0, seconds * 1000);
  }
  pauseReading(): void {
    this.socket.pause();
  }
  resumeReading(): void {
    this.socket.resume();
  }
  end(): void {
    this.socket.end();
  }
  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Makes `server` build its accepted sockets with `onread` (see the file comment). What node:net's
 * own onconnection does beyond constructing the socket (connection counting for maxConnections
 * and close(), the 'connection' event) Garrison does not use: it counts clients itself
 * (maxclients) and closes them itself before the listener. A failed accept that libuv passes on
 * (ENOBUFS, ENOMEM...) goes to `onAcceptError`, which Redis's log line comes from; out of
 * descriptors (EMFILE, ENFILE) libuv itself accepts the pending connections with a reserve
 * descriptor and closes them, unreported. Either way the listener keeps accepting.
 */
function acceptIntoSharedBuffer(
  server: net.Server, isUnix: boolean, onConnection: (c: Connection) => void,
  onAcceptError: ((reason: string) => void) | undefined,
): void {
  const handle = (server as unknown as { _handle: { onconnection?: unknown } | null })._handle;
  if (handle === null || typeof handle.onconnection !== 'function') return;
  handle.onconnection = (err: number, clientHandle: object | undefined): void => {
    if (err !== 0) {
      onAcceptError?.(acceptErrorText(err));
      return;
    }
    if (clientHandle === undefined) return;
    let conn: SocketConnection | null = null;
    const opts = {
      handle: clientHandle, readable: true, writable: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Buffer): boolean => {
          conn!.onData(buf.subarray(0, n));
          return true;
        },
      },
    };
    const socket = new net.Socket(opts as net.SocketConstructorOpts);
    if (!isUnix) socket.setNoDelay(true);
    conn = new SocketConnection(socket, isUnix, true);
    onConnection(conn);
  };
}

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The system's text (strerror) for an errno code name, as Redis logs it. */
function errnoText(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'Connection refused';
    case 'EHOSTUNREACH': return 'No route to host';
    case 'ENETUNREACH': return 'Network is unreachable';
    case 'ETIMEDOUT': return 'Connection timed out';
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'Name or service not known';
    case 'EMFILE': return 'Too many open files';
    case 'ENFILE': return 'Too many open files in system';
    case 'ENOBUFS': return 'No buffer space available';
    case 'ENOMEM': return 'Cannot allocate memory';
    case 'EPERM': return 'Operation not permitted';
    default: return fallback;
  }
}

/** The system's text for a libuv error number (negative errno) of a failed accept. */
function acceptErrorText(err: number): string {
  let code: string | undefined;
  try { code = getSystemErrorName(err); } catch { code = undefined; }
  return errnoText(code, code ?? `error ${err}`);
}

/** One dial: resolves with the connection or rejects with the system's text (see Transport.connect). */
function dial(target: DialTarget, timeoutMs: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const isUnix = 'path' in target;
    const socket = isUnix
      ? net.createConnection({ path: target.path })
      : net.createConnection({
        host: target.host, port: target.port, noDelay: true,
        // Node binds only an IP address; a host name is skipped, as an address Redis fails to bind.
        ...(target.localAddress !== undefined && net.isIP(target.localAddress) !== 0 ? { localAddress: target.localAddress } : {}),
      });
    // The timeout counts from when the address is known: Redis resolves a name with a blocking
    // getaddrinfo before its timed connect, so a 1 ms MIGRATE to `localhost` still connects.
    if (isUnix || net.isIP(target.host) !== 0) socket.setTimeout(Math.max(1, timeoutMs));
    else socket.once('lookup', () => socket.setTimeout(Math.max(1, timeoutMs)));
    const fail = (err: NodeJS.ErrnoException): void => {
      socket.destroy();
      const e = new Error(errnoText(err.code, err.message)) as NodeJS.ErrnoException;
      e.code = err.code;
      if (err.syscall !== undefined) e.syscall = err.syscall;
      reject(e);
    };
    socket.once('error', fail);
    // The timer may come due before the event loop has looked at the socket (a busy loop, a GC
    // pause): a refusal or a connect the kernel already completed is then waiting in the poll
    // phase, which runs before setImmediate. Redis waits for writability, which a refused socket
    // has at once, so it reports the refusal; the timeout only counts if nothing came by then.
    let settled = false;
    socket.once('timeout', () => setImmediate(() => {
      if (!settled) fail(Object.assign(new Error('Connection timed out'), { code: 'ETIMEDOUT' }));
    }));
    socket.once('error', () => { settled = true; });
    socket.once('connect', () => {
      settled = true;
      socket.off('error', fail);
      socket.setTimeout(0);
      socket.removeAllListeners('timeout');
      resolve(new SocketConnection(socket, isUnix));
    });
  });
}

export const tcpTransport: Transport = {
  async connect(target: DialTarget, timeoutMs: number): Promise<Connection> {
    try {
      return await dial(target, timeoutMs);
    } catch (e) {
      // A source address that cannot be bound is skipped (Redis binds on a best-effort basis).
      if ('path' in target || target.localAddress === undefined || (e as NodeJS.ErrnoException).syscall !== 'bind') throw e;
      return dial({ host: target.host, port: target.port }, timeoutMs);
    }
  },
  listen(opts: ListenOptions, onConnection: (c: Connection) => void): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const isUnix = opts.path !== undefined;
      const server = net.createServer({ noDelay: true }, (socket) => {
        onConnection(new SocketConnection(socket, isUnix));
      });
      server.maxConnections = Number.MAX_SAFE_INTEGER;
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      const ready = (): void => {
        server.off('error', onError);
        // Where node:net still accepts (no fast path), it reports a failed accept as a server
        // 'error', which without a listener would be an uncaught exception.
        server.on('error', (e: NodeJS.ErrnoException) => opts.onAcceptError?.(errnoText(e.code, e.message)));
        acceptIntoSharedBuffer(server, isUnix, onConnection, opts.onAcceptError);
        if (isUnix && opts.permissions !== undefined && opts.path !== undefined) chmodSync(opts.path, opts.permissions);
        const a = server.address();
        const address = typeof a === 'string' || a === null
          ? { path: opts.path ?? String(a) }
          : { host: stripV4Mapped(a.address), port: a.port };
        resolve({
          address,
          close: () => new Promise<void>((res) => {
            server.close(() => res());
            if (isUnix && opts.path !== undefined) {
              try { unlinkSync(opts.path); } catch { /* already gone */ }
            }
          }),
        });
      };
      if (isUnix && opts.path !== undefined) {
        try { unlinkSync(opts.path); } catch { /* not there */ }
        server.listen({ path: opts.path, backlog: opts.backlog ?? 511 }, ready);
      } else {
        server.listen({ host: opts.host, port: opts.port ?? 0, backlog: opts.backlog ?? 511, exclusive: true }, ready);
      }
    });
  },
};
