import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/helpers/resp-client.js';
import type { Connection, Listener } from '../ports.js';
import { tcpTransport } from './tcp.js';
import { refusedPort } from '../../../test/helpers/free-port.js';

interface Accepted { conn: Connection; bytes: Buffer[]; lent: Buffer[]; closed: boolean }

async function listen(opts: { port: number } | { path: string }): Promise<{ listener: Listener; accepted: Accepted[] }> {
  const accepted: Accepted[] = [];
  const listener = await tcpTransport.listen('path' in opts ? opts : { host: '127.0.0.1', port: 0 }, (conn) => {
    const a: Accepted = { conn, bytes: [], lent: [], closed: false };
    // A consumer copies what it keeps of a lent chunk; `lent` keeps the views themselves.
    conn.onData = (chunk) => {
      a.bytes.push(conn.lendsChunks ? Buffer.from(chunk) : chunk);
      a.lent.push(chunk);
    };
    conn.onClose = () => { a.closed = true; };
    accepted.push(a);
  });
  return { listener, accepted };
}

function dial(l: Listener): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = 'path' in l.address ? net.connect(l.address.path) : net.connect(l.address.port, l.address.host);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

const received = (a: Accepted): string => Buffer.concat(a.bytes).toString('latin1');

test('tcp: accepted connections read into the shared buffer and lend its chunks; copies of them stay intact', async () => {
  const { listener, accepted } = await listen({ port: 0 });
  const [c1, c2] = [await dial(listener), await dial(listener)];
  try {
    await waitFor(() => accepted.length === 2, 5000, 'two connections');
    // This Node's node:net has the accept callback the fast path replaces: pin it, so that a
    // Node upgrade that removes it shows here instead of as a silent slowdown.
    for (const a of accepted) assert.equal(a.conn.lendsChunks, true);
    // The chunk is a view of the buffer the next read reuses: what a consumer did not copy changes.
    c1.write('first read');
    await waitFor(() => received(accepted[0]!) === 'first read', 5000, 'the first read');
    c2.write('OTHER READ');
    await waitFor(() => received(accepted[1]!) === 'OTHER READ', 5000, 'the second read');
    assert.equal(accepted[0]!.lent[0]!.toString('latin1'), 'OTHER READ');
    for (const a of accepted) { a.bytes.length = 0; a.lent.length = 0; }
    // Interleaved writes from two clients: neither connection's chunks may change when the other
    // one's bytes land in the shared buffer later.
    let want1 = '', want2 = '';
    for (let i = 0; i < 200; i++) {
      const p1 = `a${i}:${'x'.repeat(i % 37)};`, p2 = `b${i}:${'y'.repeat((i * 7) % 53)};`;
      c1.write(p1); c2.write(p2);
      want1 += p1; want2 += p2;
      if (i % 25 === 0) await waitFor(() => received(accepted[0]!) === want1 && received(accepted[1]!) === want2, 5000, 'interleaved bytes');
    }
    // A read larger than the shared buffer arrives whole, in several chunks.
    const big = Buffer.alloc(300_000, 'z');
    c1.write(big);
    want1 += big.toString('latin1');
    await waitFor(() => received(accepted[0]!) === want1 && received(accepted[1]!) === want2, 5000, 'all bytes');
    assert.ok(accepted[0]!.bytes.length > 1);
  } finally {
    c1.destroy(); c2.destroy();
    await listener.close();
  }
});

test('tcp: a paused connection receives nothing until resumed; replies and closes still work', async () => {
  const { listener, accepted } = await listen({ port: 0 });
  const c = await dial(listener);
  try {
    await waitFor(() => accepted.length === 1, 5000, 'the connection');
    const a = accepted[0]!;
    c.write('first');
    await waitFor(() => received(a) === 'first', 5000, 'first bytes');
    a.conn.pauseReading();
    c.write('second');
    // The kernel has the bytes; nothing reaches the connection while it is paused.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(received(a), 'first');
    a.conn.resumeReading();
    await waitFor(() => received(a) === 'firstsecond', 5000, 'bytes after resume');
    const back: Buffer[] = [];
    c.on('data', (d: Buffer) => back.push(d));
    a.conn.write(Buffer.from('+OK\r\n'));
    await waitFor(() => Buffer.concat(back).toString() === '+OK\r\n', 5000, 'the reply');
    c.end();
    await waitFor(() => a.closed, 5000, 'close after the peer ends');
  } finally {
    c.destroy();
    await listener.close();
  }
});

test('tcp: unix socket connections take the shared buffer too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'garrison-tcp-'));
  const { listener, accepted } = await listen({ path: join(dir, 's.sock') });
  const c = await dial(listener);
  try {
    await waitFor(() => accepted.length === 1, 5000, 'the connection');
    assert.equal(accepted[0]!.conn.lendsChunks, true);
    assert.equal(accepted[0]!.conn.isUnixSocket, true);
    c.write('over a unix socket');
    await waitFor(() => received(accepted[0]!) === 'over a unix socket', 5000, 'bytes');
  } finally {
    c.destroy();
    await listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tcp: out of file descriptors, the listener sheds new connections and serves again once some close', { timeout: 30_000 }, async () => {
  // A child process with a low descriptor limit listens. libuv answers EMFILE at accept with its
  // reserve-descriptor trick: it accepts the pending connections and closes them at once, and
  // reports nothing (onAcceptError only hears of failures libuv passes on, such as ENOBUFS).
  // What must hold: the process lives, and serves a new connection once descriptors are free.
  const script = `
    const { tcpTransport } = await import(${JSON.stringify(new URL('./tcp.js', import.meta.url).href)});
    const l = await tcpTransport.listen({ host: '127.0.0.1', port: 0, onAcceptError: (r) => console.log('ERR ' + r) }, (c) => {
      c.onData = (d) => c.write(d);
    });
    console.log('PORT ' + l.address.port);
  `;
  const child = spawn('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const clients: net.Socket[] = [];
  let shed = 0;
  try {
    await waitFor(() => /PORT \d+/.test(out), 10_000, 'the child to listen');
    const port = Number(/PORT (\d+)/.exec(out)![1]);
    for (let i = 0; i < 120; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => { shed++; });
      clients.push(s);
      await new Promise<void>((r) => { s.once('connect', () => r()); s.once('close', () => r()); });
    }
    await waitFor(() => shed > 0, 10_000, 'the server to shed connections past its descriptor limit');
    for (const s of clients) s.destroy();
    await waitFor(async () => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      const echoed = await new Promise<boolean>((r) => {
        const t = setTimeout(() => r(false), 500);
        s.once('connect', () => s.write('ping'));
        s.once('data', (d: Buffer) => { clearTimeout(t); r(d.toString() === 'ping'); });
        s.once('close', () => { clearTimeout(t); r(false); });
      });
      s.destroy();
      return echoed;
    }, 10_000, 'a connection served after the limit');
    assert.equal(child.exitCode, null);
  } finally {
    for (const s of clients) s.destroy();
    child.kill('SIGKILL');
  }
});

test('tcp: a refused connection is refused, not timed out, even when the loop was busy past a 1 ms timeout', async () => {
  const port = await refusedPort();
  for (let i = 0; i < 20; i++) {
    const attempt = tcpTransport.connect({ host: '127.0.0.1', port }, 1);
    // The kernel refuses at once; the loop is busy past the timeout before it looks (a loaded
    // machine, a GC pause). Redis, which waits for writability, reports the refusal then too.
    const until = Date.now() + 3;
    while (Date.now() < until) { /* busy */ }
    const err = await attempt.then(() => null, (e: NodeJS.ErrnoException) => e);
    assert.equal(err?.code, 'ECONNREFUSED', `attempt ${i}: ${err?.message ?? 'connected'}`);
  }
});
