/**
 * A raw TCP connection for protocol tests: writes arbitrary bytes, accumulates every byte the
 * server sends, and tells whether (and when) the server closed the connection.
 */
import net from 'node:net';
import { waitFor } from './resp-client.js';

export class RawConn {
  received: Buffer = Buffer.alloc(0);
  /** Date.now() of the last bytes received (or of the connection). */
  lastDataMs = Date.now();
  closed = false;
  /** Set when the connection ended with an error (e.g. ECONNRESET). */
  errorCode: string | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.lastDataMs = Date.now();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => { this.errorCode = e.code ?? 'error'; });
    socket.on('close', () => { this.closed = true; });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => {
        s.off('error', reject);
        resolve(new RawConn(s));
      });
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  text(): string {
    return this.received.toString('latin1');
  }

  /** What arrived so far, which is then forgotten. */
  take(): Buffer {
    const b = this.received;
    this.received = Buffer.alloc(0);
    return b;
  }

  /** Waits until at least `n` bytes arrived. */
  async waitBytes(n: number, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.received.length >= n || this.closed, timeoutMs, `${n} bytes (got ${this.received.length})`);
  }

  /** Waits until the received text equals `expected` exactly (fails fast on a longer/different prefix). */
  async waitText(expected: string, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.received.length >= expected.length || this.closed, timeoutMs, `reply ${JSON.stringify(expected)} (got ${JSON.stringify(this.text())})`);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, timeoutMs, `the server to close the connection (received ${JSON.stringify(this.text().slice(0, 200))})`);
  }

  close(): void {
    this.socket.destroy();
  }
}
