import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, Transport } from '../runtime/ports.js';
import { SimProcess } from './event-loop.js';
import type { NetworkOptions } from './network.js';
import { World } from './world.js';

interface Pair {
  world: World;
  a: Transport;
  b: Transport;
  pa: SimProcess;
  pb: SimProcess;
  /** Connects a to b:7000 and returns both ends, with what each received and whether it closed. */
  open(): Promise<Ends>;
}

interface End {
  conn: Connection;
  got: Buffer[];
  at: number[];
  closed: number;
}
interface Ends {
  client: End;
  server: End;
}

function watch(conn: Connection, world: World): End {
  const e: End = { conn, got: [], at: [], closed: 0 };
  // The accepted side lends its chunks (overwritten once onData returns): keep copies.
  conn.onData = (d) => { e.got.push(conn.lendsChunks ? Buffer.from(d) : d); e.at.push(world.nowMs()); };
  conn.onClose = () => { e.closed++; };
  return e;
}

async function pair(seed = 1, net: Partial<NetworkOptions> = {}): Promise<Pair> {
  const world = new World({ seed, network: net });
  const pa = new SimProcess('a');
  const pb = new SimProcess('b');
  const ha = world.net.addHost('a', '10.0.9.1', pa);
  const hb = world.net.addHost('b', '10.0.9.2', pb);
  const a = world.net.transport(ha, () => pa);
  const b = world.net.transport(hb, () => pb);
  const accepted: Connection[] = [];
  await b.listen({ host: '0.0.0.0', port: 7000 }, (c) => accepted.push(c));
  return {
    world, a, b, pa, pb,
    open: async () => {
      const c = await world.settle(a.connect({ host: '10.0.9.2', port: 7000 }, 1000));
      const client = watch(c, world);
      await world.runUntil(() => accepted.length > 0, 100);
      const server = watch(accepted.shift()!, world);
      return { client, server };
    },
  };
}

const text = (e: End): string => Buffer.concat(e.got).toString('latin1');

test('connect: addresses on both ends; refused after a round trip; listen errors', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  assert.equal(client.conn.remoteAddress, '10.0.9.2');
  assert.equal(client.conn.remotePort, 7000);
  assert.equal(server.conn.remoteAddress, '10.0.9.1');
  assert.equal(server.conn.remotePort, client.conn.localPort);
  const t0 = p.world.nowMs();
  await assert.rejects(p.world.settle(p.a.connect({ host: '10.0.9.2', port: 7001 }, 1000)), { message: 'Connection refused', code: 'ECONNREFUSED' });
  assert.ok(p.world.nowMs() - t0 >= 0.1, 'refusal takes a round trip');
  await assert.rejects(p.b.listen({ host: '0.0.0.0', port: 7000 }, () => {}), { code: 'EADDRINUSE' });
  await assert.rejects(p.b.listen({ host: '10.1.1.1', port: 7002 }, () => {}), { code: 'EADDRNOTAVAIL' });
  const l = await p.b.listen({ host: '0.0.0.0', port: 0 }, () => {});
  assert.ok('port' in l.address && l.address.port >= 32768);
});

test('lent chunks: the accepted side lends its chunks and overwrites each once onData returns', async () => {
  const p = await pair(4, { splitProbability: 0 });
  const { client, server } = await p.open();
  assert.equal(server.conn.lendsChunks, true);
  assert.equal(client.conn.lendsChunks, false);
  const kept: Buffer[] = [];
  server.conn.onData = (d) => { kept.push(d); };
  client.conn.write(Buffer.from('hello'));
  server.conn.write(Buffer.from('world'));
  await p.world.runUntil(() => kept.length > 0 && client.got.length > 0, 100);
  // A consumer that kept the lent view without copying sees garbage; the dialled side's chunk is its own.
  assert.equal(kept[0]!.toString('latin1'), '\xee'.repeat(5));
  assert.equal(text(client), 'world');
});

test('latency: every byte arrives within the link latency, in order', async () => {
  const p = await pair(3, { splitProbability: 0 });
  p.world.setLatency('a', 'b', 5, 10);
  const { client, server } = await p.open();
  const sentAt = p.world.nowMs();
  client.conn.write(Buffer.from('ping'));
  await p.world.runUntil(() => text(server) === 'ping', 100);
  const took = server.at[0]! - sentAt;
  assert.ok(took >= 5 && took <= 10, `took ${took}ms`);
});

test('chunking: writes are split and coalesced, the stream is intact and ordered', async () => {
  const p = await pair(7, { splitProbability: 0.9, maxSegments: 8, latencyMs: [0.1, 3] });
  const { client, server } = await p.open();
  const sent: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    const b = Buffer.from(`<${i}:${'x'.repeat(i % 37)}>`);
    sent.push(b);
    client.conn.write(b);
    if (i % 10 === 9) await p.world.runFor(0.5);
  }
  const all = Buffer.concat(sent).toString('latin1');
  await p.world.runUntil(() => text(server).length === all.length, 1000);
  assert.equal(text(server), all);
  const boundaries = new Set<number>();
  let off = 0;
  for (const b of sent) boundaries.add((off += b.length));
  off = 0;
  let split = 0;
  let coalesced = 0;
  for (const g of server.got) {
    const start = off;
    off += g.length;
    if (!boundaries.has(off)) split++;
    for (let i = start + 1; i < off; i++) if (boundaries.has(i)) { coalesced++; break; }
  }
  assert.ok(split > 10, `reads ending inside a write: ${split}`);
  assert.ok(coalesced > 10, `reads spanning several writes: ${coalesced}`);
});

test('end: the peer reads everything, then both sides see onClose once', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  client.conn.write(Buffer.from('last words'));
  client.conn.end();
  client.conn.write(Buffer.from('ignored after end'));
  await p.world.runUntil(() => client.closed > 0 && server.closed > 0, 100);
  assert.equal(text(server), 'last words');
  await p.world.runFor(10);
  assert.deepEqual([client.closed, server.closed], [1, 1]);
});

test('destroy: closes at once locally, the peer closes after what was in flight', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  server.conn.write(Buffer.from('reply'));
  server.conn.destroy();
  await p.world.runUntil(() => client.closed > 0, 100);
  assert.equal(text(client), 'reply');
  assert.equal(server.closed, 1);
});

test('backpressure: a reader that paused fills the window, pendingWriteBytes grows, drain follows resume', async () => {
  const p = await pair(2, { windowBytes: 1000 });
  const { client, server } = await p.open();
  server.conn.pauseReading();
  const drained = { n: 0 };
  client.conn.onDrain = () => { drained.n++; };
  client.conn.write(Buffer.alloc(5000, 1));
  await p.world.runFor(20);
  assert.equal(client.conn.pendingWriteBytes(), 4000);
  assert.equal(server.got.length, 0);
  server.conn.resumeReading();
  await p.world.runUntil(() => Buffer.concat(server.got).length === 5000, 200);
  assert.equal(client.conn.pendingWriteBytes(), 0);
  await p.world.runFor(1);
  assert.equal(drained.n, 1);
});

test('partition stalls bytes until healed; connect into it times out', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  p.world.partition('a', 'b');
  client.conn.write(Buffer.from('held'));
  await p.world.runFor(500);
  assert.equal(server.got.length, 0);
  assert.equal(client.closed + server.closed, 0, 'a partition closes nothing');
  const t0 = p.world.nowMs();
  await assert.rejects(p.world.settle(p.a.connect({ host: 'b', port: 7000 }, 300)), { message: 'Connection timed out' });
  assert.equal(p.world.nowMs() - t0, 300);
  p.world.heal();
  await p.world.runUntil(() => text(server) === 'held', 100);
  const before = p.world.nowMs();
  p.world.blockOneWay('b', 'a');
  client.conn.write(Buffer.from('>'));
  server.conn.write(Buffer.from('<'));
  await p.world.runFor(50);
  assert.equal(text(server), 'held>', 'a to b still flows');
  assert.equal(text(client), '', 'b to a is stalled');
  p.world.heal('a', 'b');
  await p.world.runUntil(() => text(client) === '<', 100);
  assert.ok(p.world.nowMs() > before + 50);
});

test('resetConnections closes both sides at once and drops what was in flight', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  client.conn.write(Buffer.from('lost'));
  assert.equal(p.world.resetConnections('a', 'b'), 1);
  await p.world.runFor(10);
  assert.deepEqual([client.closed, server.closed], [1, 1]);
  assert.equal(server.got.length, 0);
});

test('a crashed process: its peer is reset after the latency; no callbacks run in the dead one', async () => {
  const p = await pair();
  const { client, server } = await p.open();
  p.pb.alive = false;
  p.world.net.processDied(p.world.net.host('b'), p.pb);
  await p.world.runUntil(() => client.closed > 0, 100);
  assert.equal(server.closed, 0);
  await assert.rejects(p.world.settle(p.a.connect({ host: 'b', port: 7000 }, 1000)), { message: 'Connection refused' });
});

test('loopback and unix sockets reach only listeners on the same host', async () => {
  const p = await pair();
  const got: string[] = [];
  await p.b.listen({ host: '127.0.0.1', port: 7100 }, (c) => { c.onData = (d) => got.push(`tcp:${c.remoteAddress}:${d.toString()}`); });
  await p.b.listen({ path: '/tmp/s.sock' }, (c) => { c.onData = (d) => got.push(`unix:${c.isUnixSocket}:${d.toString()}`); });
  const lo = await p.world.settle(p.b.connect({ host: '127.0.0.1', port: 7100 }, 100));
  assert.equal(lo.remoteAddress, '127.0.0.1');
  lo.write(Buffer.from('x'));
  const unix = await p.world.settle(p.b.connect({ path: '/tmp/s.sock' }, 100));
  unix.write(Buffer.from('y'));
  await p.world.runFor(5);
  assert.deepEqual(got, ['tcp:127.0.0.1:x', 'unix:true:y']);
  await assert.rejects(p.world.settle(p.a.connect({ host: '10.0.9.2', port: 7100 }, 100)), { message: 'Connection refused' });
  await assert.rejects(p.world.settle(p.a.connect({ path: '/tmp/s.sock' }, 100)), { code: 'ENOENT' });
});

test('a paused process reads nothing until it resumes; the sender backs up meanwhile', async () => {
  const p = await pair(5, { windowBytes: 100 });
  const { client, server } = await p.open();
  p.pb.pausedUntilUs = p.world.loop.nowUs + 50_000;
  client.conn.write(Buffer.alloc(300, 7));
  await p.world.runFor(40);
  assert.equal(server.got.length, 0);
  assert.equal(client.conn.pendingWriteBytes(), 200);
  await p.world.runUntil(() => Buffer.concat(server.got).length === 300, 100);
  assert.ok(server.at[0]! >= 50);
});

test('a SYN lost in a partition is sent again after 1 s, then 2 s: the connection completes after the heal', async () => {
  const p = await pair();
  p.world.partition('a', 'b');
  const t0 = p.world.nowMs();
  const c = p.a.connect({ host: '10.0.9.2', port: 7000 }, 10_000);
  p.world.loop.after(1_500_000, null, () => p.world.heal('a', 'b'));
  await p.world.settle(c);
  // Sent at 0 (lost), again at 1 s (lost), again at 3 s: through.
  const took = p.world.nowMs() - t0;
  assert.ok(took >= 3000 && took < 3100, `connected after ${took}ms`);
});
