/**
 * A Connection with no socket behind it, for tests that drive a server, a link or a sentinel by
 * hand: what is written goes to `write`, the test calls `onData` itself, and every other method
 * does nothing unless `over` replaces it. The defaults describe a loopback TCP connection whose
 * chunks are the consumer's own (`lendsChunks` false).
 */
import type { Buffer } from 'node:buffer';
import type { Connection } from '../../src/runtime/ports.js';

export function fakeConnection(write: (data: Buffer) => void, over: Partial<Connection> = {}): Connection {
  return {
    remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 6379,
    isUnixSocket: false, lendsChunks: false,
    write, pendingWriteBytes: () => 0, setNoDelay: () => {}, setKeepAlive: () => {}, pauseReading: () => {}, resumeReading: () => {},
    end: () => {}, destroy: () => {}, onData: () => {}, onClose: () => {}, onDrain: () => {},
    ...over,
  };
}
