import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, DialTarget, Scheduler, Transport } from '../../runtime/ports.js';
import { fakeConnection } from '../../../test/helpers/fake-connection.js';
import { MigrateLinks, MIGRATE_SOCKET_CACHE_ITEMS, TargetLink } from './links.js';

/** Timers run by hand: `advance(ms)` fires what is due. */
class ManualScheduler implements Scheduler {
  now = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  every(): () => void {
    return () => {};
  }
  soon(fn: () => void): () => void {
    return this.after(0, fn);
  }
  after(ms: number, fn: () => void): () => void {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return () => { t.live = false; };
  }
  advance(ms: number): void {
    this.now += ms;
    for (const t of this.timers.splice(0)) {
      if (t.live && t.at <= this.now) t.fn();
      else if (t.live) this.timers.push(t);
    }
  }
}

interface Dialled { target: DialTarget; conn: Connection; written: Buffer[]; destroyed: boolean; pending: number }

function fakeTransport(fail: (t: DialTarget) => string | null = () => null): Transport & { dialled: Dialled[] } {
  const dialled: Dialled[] = [];
  return {
    dialled,
    listen: () => Promise.reject(new Error('not used')),
    connect(target: DialTarget): Promise<Connection> {
      const code = fail(target);
      if (code !== null) return Promise.reject(Object.assign(new Error(code), { code }));
      const d: Dialled = { target, conn: null as unknown as Connection, written: [], destroyed: false, pending: 0 };
      d.conn = fakeConnection((b) => d.written.push(b), { destroy: () => { d.destroyed = true; }, pendingWriteBytes: () => d.pending });
      dialled.push(d);
      return Promise.resolve(d.conn);
    },
  };
}

const random = { float: () => 0.5, bytes: (n: number) => Buffer.alloc(n) };

async function link(links: MigrateLinks, port = '7000', nowS = 100): Promise<TargetLink> {
  const l = await links.get('127.0.0.1', port, 1000, nowS);
  assert.ok(l instanceof TargetLink, 'failed' in l ? l.failed : 'not a link');
  return l;
}

test('a link is cached by host:port as spelled, and closed after more than 10 s unused', async () => {
  const s = new ManualScheduler();
  const t = fakeTransport();
  const links = new MigrateLinks(t, s, random);
  const a = await link(links, '7000', 100);
  assert.equal(await link(links, '7000', 105), a);
  const b = await link(links, ' 7000', 105); // atoi reads the same port; Redis keys the cache by the text
  assert.notEqual(b, a);
  assert.deepEqual(t.dialled.map((d) => d.target), [{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7000 }]);
  assert.equal(links.size, 2);
  links.closeIdle(115); // a used at 105: 10 s is not more than 10 s
  assert.equal(links.size, 2);
  links.closeIdle(116);
  assert.equal(links.size, 0);
  assert.ok(t.dialled.every((d) => d.destroyed));
});

test('at 64 links a random one is closed to make room', async () => {
  const links = new MigrateLinks(fakeTransport(), new ManualScheduler(), random);
  for (let i = 0; i < MIGRATE_SOCKET_CACHE_ITEMS; i++) await link(links, String(7000 + i));
  assert.equal(links.size, MIGRATE_SOCKET_CACHE_ITEMS);
  await link(links, '9000');
  assert.equal(links.size, MIGRATE_SOCKET_CACHE_ITEMS);
});

test('dialling fails as Redis reports it: connect for names, empty hosts, negative ports and timeouts; write otherwise', async () => {
  const t = fakeTransport((target) => ('host' in target && target.host === 'nowhere' ? 'ENOTFOUND' : 'port' in target && target.port === 1 ? 'ECONNREFUSED' : 'port' in target && target.port === 2 ? 'ETIMEDOUT' : null));
  const links = new MigrateLinks(t, new ManualScheduler(), random);
  assert.deepEqual(await links.get('nowhere', '7000', 1000, 0), { failed: 'connect' });
  assert.deepEqual(await links.get('', '7000', 1000, 0), { failed: 'connect' });
  assert.deepEqual(await links.get('127.0.0.1', '-1', 1000, 0), { failed: 'connect' });
  assert.deepEqual(await links.get('127.0.0.1', '2', 1000, 0), { failed: 'connect' });
  assert.deepEqual(await links.get('127.0.0.1', '1', 1000, 0), { failed: 'write' });
  assert.deepEqual(await links.get('127.0.0.1', 'abc', 1000, 0), { failed: 'write' }); // atoi: port 0
  assert.deepEqual(await links.get('127.0.0.1', '65536', 1000, 0), { failed: 'write' });
  assert.equal(t.dialled.length, 0);
  assert.equal(links.size, 0);
  await link(links, '70000'); // 16 bits of it, as getaddrinfo takes a numeric service
  assert.deepEqual(t.dialled[0]!.target, { host: '127.0.0.1', port: 70000 & 0xffff });
});

test('reply lines: split at \\n, a \\r before it dropped, at most 1023 bytes each, across chunks', async () => {
  const t = fakeTransport();
  const links = new MigrateLinks(t, new ManualScheduler(), random);
  const l = await link(links);
  const done = l.exchange(Buffer.from('REQ'), 4, 1000);
  const conn = t.dialled[0]!.conn;
  conn.onData(Buffer.from('+OK\r\n-ERR a\rb\r\n+O'));
  conn.onData(Buffer.from(`K\n-${'x'.repeat(1030)}\r\n`));
  const r = await done;
  assert.equal(r.failure, null);
  assert.deepEqual(r.lines, ['+OK', '-ERR a\rb', '+OK', `-${'x'.repeat(1022)}`]);
  assert.deepEqual(t.dialled[0]!.written.map(String), ['REQ']);
  // The rest of the long line is the next exchange's first line.
  const next = l.exchange(Buffer.from('REQ2'), 1, 1000);
  assert.deepEqual((await next).lines, ['x'.repeat(1030 - 1022)]);
});

test('timeouts: no progress for the timeout fails the phase it stopped in; progress restarts it', async () => {
  const s = new ManualScheduler();
  const t = fakeTransport();
  const links = new MigrateLinks(t, s, random);
  const l = await link(links);
  const d = t.dialled[0]!;
  d.pending = 10; // the kernel has not taken the request yet
  const writing = l.exchange(Buffer.from('REQ'), 1, 100);
  s.advance(100);
  assert.deepEqual(await writing, { lines: [], failure: { phase: 'write', timedOut: true } });

  const l2 = await link(links, '7001');
  const d2 = t.dialled[1]!;
  const reading = l2.exchange(Buffer.from('REQ'), 3, 100);
  s.advance(90);
  d2.conn.onData(Buffer.from('+OK\r\n'));
  s.advance(90); // 180 ms in all, but never 100 without progress
  d2.conn.onData(Buffer.from('+OK\r\n'));
  s.advance(100);
  assert.deepEqual(await reading, { lines: ['+OK', '+OK'], failure: { phase: 'read', timedOut: true } });
});

test('a peer that closes an idle link: the link stays cached and fails its next exchange at once', async () => {
  const t = fakeTransport();
  const links = new MigrateLinks(t, new ManualScheduler(), random);
  const l = await link(links);
  t.dialled[0]!.conn.onClose();
  assert.equal(links.size, 1); // as Redis counts it in INFO until it uses the socket again
  assert.deepEqual(await l.exchange(Buffer.from('REQ'), 1, 1000), { lines: [], failure: { phase: 'write', timedOut: false } });
  l.close();
  assert.equal(links.size, 0);
  assert.notEqual(await link(links), l);
});

test('a peer that closes during an exchange fails it as a read that did not time out', async () => {
  const t = fakeTransport();
  const links = new MigrateLinks(t, new ManualScheduler(), random);
  const l = await link(links);
  const r = l.exchange(Buffer.from('REQ'), 2, 1000);
  t.dialled[0]!.conn.onData(Buffer.from('+OK\r\n'));
  t.dialled[0]!.conn.onClose();
  assert.deepEqual(await r, { lines: ['+OK'], failure: { phase: 'read', timedOut: false } });
});
