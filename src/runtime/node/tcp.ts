/**
 * Transport over node:net: TCP and unix sockets. Adapts net.Socket to the Connection port.
 * Data events deliver the kernel's chunks as they are (no string decoding).
 */
import net from 'node:net';
import { chmodSync, unlinkSync } from 'node:fs';
import type { Connection, DialTarget, ListenOptions, Listener, Transport } from '../ports.js';

class SocketConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly isUnixSocket: boolean;
  onData: (chunk: Buffer) => void = () => {};
  onClose: () => void = () => {};
  onDrain: () => void = () => {};

  constructor(private readonly socket: net.Socket, isUnix: boolean) {
    this.isUnixSocket = isUnix;
    this.remoteAddress = stripV4Mapped(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = stripV4Mapped(socket.localAddress ?? '');
    this.localPort = socket.localPort ?? 0;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
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

function stripV4Mapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The system's text for a failed connect (strerror), as Redis logs it. */
function connectErrorText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED': return 'Connection refused';
    case 'EHOSTUNREACH': return 'No route to host';
    case 'ENETUNREACH': return 'Network is unreachable';
    case 'ETIMEDOUT': return 'Connection timed out';
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'Name or service not known';
    default: return err.message;
  }
}

export const tcpTransport: Transport = {
  connect(target: DialTarget, timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const isUnix = 'path' in target;
      const socket = isUnix
        ? net.createConnection({ path: target.path })
        : net.createConnection({ host: target.host, port: target.port, noDelay: true });
      socket.setTimeout(Math.max(1, timeoutMs));
      const fail = (err: NodeJS.ErrnoException): void => {
        socket.destroy();
        const e = new Error(connectErrorText(err)) as NodeJS.ErrnoException;
        e.code = err.code;
        reject(e);
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(Object.assign(new Error('Connection timed out'), { code: 'ETIMEDOUT' })));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        socket.removeAllListeners('timeout');
        resolve(new SocketConnection(socket, isUnix));
      });
    });
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
