/**
 * Replication between in-process Garrison nodes over real sockets: full resync of every type,
 * the live stream, partial resync after a dropped link, backlog overflow, promotion with the other
 * replica continuing partially, chained replicas, WAIT, READONLY, min-replicas-to-write, expiry.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/index.js';
import { replicationOf } from '../../src/replication/index.js';
import { block, blockedClients, served } from '../helpers/blocking.js';
import { caughtUp, digest, replInfo, statsInfo } from '../helpers/replication.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { startTestServer } from '../helpers/server.js';

const OK = { status: 'OK' };
const open: Array<{ close(): unknown }> = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
});

async function node(config: Record<string, string | number> = {}): Promise<{ s: RunningServer; c: RespClient }> {
  const s = await startTestServer({ config: { 'repl-diskless-sync-delay': 0, ...config } });
  open.push(s);
  const c = await RespClient.connect(s.address.port);
  open.push(c);
  return { s, c };
}

async function populate(c: RespClient, prefix: string): Promise<void> {
  await c.call('SET', `${prefix}:str`, 'hello');
  await c.call('SET', `${prefix}:int`, '12345');
  await c.call('SET', `${prefix}:ttl`, 'v', 'PX', '100000');
  await c.call('RPUSH', `${prefix}:list`, 'a', 'b', 'c', '1', '2');
  await c.call('SADD', `${prefix}:intset`, '1', '2', '3');
  await c.call('SADD', `${prefix}:set`, 'x', 'y', 'z');
  await c.call('HSET', `${prefix}:hash`, 'f1', 'v1', 'f2', 'v2');
  await c.call('ZADD', `${prefix}:zset`, '1', 'a', '2.5', 'b', '-inf', 'c');
  await c.call('PFADD', `${prefix}:hll`, 'a', 'b', 'c');
  // Big encodings too.
  const many: string[] = [];
  for (let i = 0; i < 300; i++) many.push(`member-${i}`, String(i));
  await c.call('HSET', `${prefix}:bighash`, ...many);
  const zmany: string[] = [];
  for (let i = 0; i < 300; i++) zmany.push(String(i / 7), `m${i}`);
  await c.call('ZADD', `${prefix}:bigzset`, ...zmany);
  await c.call('SELECT', '5');
  await c.call('SET', `${prefix}:db5`, 'five');
  await c.call('SELECT', '0');
}

test('full resync of every type, then the live stream; INFO and ROLE on both sides', async () => {
  const m = await node();
  await populate(m.c, 'pre');
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  assert.deepEqual(await digest(r.c), await digest(m.c));
  await populate(m.c, 'post');
  await m.c.call('MULTI');
  await m.c.call('INCR', 'counter');
  await m.c.call('LPUSH', 'post:list', 'z');
  await m.c.call('EXEC');
  await caughtUp(m.c, r.c);
  assert.deepEqual(await digest(r.c), await digest(m.c));
  assert.equal(await r.c.call('GET', 'counter'), '1');

  const mi = await replInfo(m.c);
  assert.equal(mi['role'], 'master');
  assert.equal(mi['connected_slaves'], '1');
  assert.match(mi['slave0']!, new RegExp(`^ip=127\\.0\\.0\\.1,port=${r.s.address.port},state=online,offset=\\d+,lag=\\d+$`));
  assert.equal(mi['repl_backlog_active'], '1');
  const ri = await replInfo(r.c);
  assert.equal(ri['role'], 'slave');
  assert.equal(ri['master_port'], String(m.s.address.port));
  assert.equal(ri['master_replid'], mi['master_replid']);
  assert.equal(ri['slave_repl_offset'], mi['master_repl_offset']);
  assert.deepEqual(await r.c.call('ROLE'), ['slave', '127.0.0.1', m.s.address.port, 'connected', Number(mi['master_repl_offset'])]);
  // The master's view of the replica's offset moves with its ACKs (one per second).
  await waitFor(async () => {
    const entries = ((await m.c.call('ROLE')) as Decoded[])[2] as string[][];
    return entries.length === 1 && entries[0]![0] === '127.0.0.1' && entries[0]![1] === String(r.s.address.port) &&
      Number(entries[0]![2]) >= Number(mi['master_repl_offset']);
  }, 5000, 'ROLE shows the ACKed offset');
  assert.equal(((await m.c.call('ROLE')) as Decoded[])[0], 'master');
  assert.equal((await statsInfo(m.c))['sync_full'], '1');
});

test('a dropped link resumes with a partial resync from the backlog', async () => {
  const m = await node();
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await m.c.call('SET', 'a', '1');
  await caughtUp(m.c, r.c);
  // The stream is in db 5 when the link drops: the backlog's tail has no SELECT, so the replica
  // must continue in the database its master client had selected.
  await m.c.call('SELECT', '5');
  await m.c.call('SET', 'in5', 'x');
  await caughtUp(m.c, r.c);
  assert.equal(await m.c.call('CLIENT', 'KILL', 'TYPE', 'replica'), 1);
  for (let i = 0; i < 50; i++) await m.c.call('INCR', 'a');
  await caughtUp(m.c, r.c);
  await r.c.call('SELECT', '5');
  assert.equal(await r.c.call('GET', 'a'), '50');
  await r.c.call('SELECT', '0');
  assert.equal(await r.c.call('GET', 'a'), '1');
  const st = await statsInfo(m.c);
  assert.equal(st['sync_full'], '1');
  assert.equal(st['sync_partial_ok'], '1');
});

test('a replica that fell behind the backlog gets a full resync', async () => {
  const m = await node({ 'repl-backlog-size': 16384 });
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  // Stop the replica from reconnecting while the master writes more than its backlog holds.
  await r.c.call('REPLICAOF', '127.0.0.1', '1');
  const big = 'x'.repeat(1000);
  for (let i = 0; i < 40; i++) await m.c.call('SET', `k${i}`, big);
  await r.c.call('REPLICAOF', '127.0.0.1', String(m.s.address.port));
  await caughtUp(m.c, r.c);
  assert.deepEqual(await digest(r.c), await digest(m.c));
  const st = await statsInfo(m.c);
  assert.equal(st['sync_full'], '2');
  assert.equal(st['sync_partial_err'], '1');
});

test('promotion: the other replica follows the new master with a partial resync (PSYNC2)', async () => {
  const m = await node();
  const a = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  const b = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await m.c.call('SET', 'k', 'v1');
  await caughtUp(m.c, a.c);
  await caughtUp(m.c, b.c);
  const oldId = (await replInfo(m.c))['master_replid'];
  assert.deepEqual(await a.c.call('REPLICAOF', 'NO', 'ONE'), OK);
  const ai = await replInfo(a.c);
  assert.equal(ai['role'], 'master');
  assert.equal(ai['master_replid2'], oldId);
  assert.equal(ai['second_repl_offset'], String(Number(ai['master_repl_offset']) + 1));
  assert.deepEqual(await b.c.call('REPLICAOF', '127.0.0.1', String(a.s.address.port)), OK);
  await a.c.call('SET', 'k', 'v2');
  await caughtUp(a.c, b.c);
  assert.equal(await b.c.call('GET', 'k'), 'v2');
  const st = await statsInfo(a.c);
  assert.equal(st['sync_partial_ok'], '1');
  assert.equal(st['sync_full'], '0');
  // The old master rejoins as a replica of the new one, partially too.
  assert.deepEqual(await m.c.call('REPLICAOF', '127.0.0.1', String(a.s.address.port)), OK);
  await caughtUp(a.c, m.c);
  assert.equal(await m.c.call('GET', 'k'), 'v2');
  assert.equal((await statsInfo(a.c))['sync_full'], '0');
});

test('chained replicas carry the top master\'s stream with the same id and offsets', async () => {
  const m = await node();
  const r1 = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r1.c);
  const r2 = await node({ replicaof: `127.0.0.1 ${r1.s.address.port}` });
  await populate(m.c, 'chain');
  await caughtUp(m.c, r1.c);
  await caughtUp(r1.c, r2.c);
  const [mi, i2] = [await replInfo(m.c), await replInfo(r2.c)];
  assert.equal(i2['master_replid'], mi['master_replid']);
  assert.equal(i2['master_repl_offset'], mi['master_repl_offset']);
  assert.deepEqual(await digest(r2.c), await digest(m.c));
});

test('WAIT counts acknowledging replicas; READONLY, NOREPLICAS and WAIT on a replica', async () => {
  const m = await node();
  assert.deepEqual(await m.c.call('SET', 'w', '1'), OK);
  assert.equal(await m.c.call('WAIT', '1', '50'), 0);
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  await m.c.call('SET', 'w', '2');
  assert.equal(await m.c.call('WAIT', '1', '0'), 1);
  assert.equal(await m.c.call('WAIT', '2', '100'), 1);
  assert.deepEqual(await r.c.call('SET', 'x', '1'), { error: "READONLY You can't write against a read only replica." });
  assert.match((await r.c.call('WAIT', '1', '0') as { error: string }).error, /^ERR WAIT cannot be used with replica instances/);
  await m.c.call('CONFIG', 'SET', 'min-replicas-to-write', '2');
  await waitFor(async () => JSON.stringify(await m.c.call('SET', 'y', '1')).includes('NOREPLICAS'), 3000, 'NOREPLICAS');
  assert.deepEqual(await m.c.call('SET', 'y', '1'), { error: 'NOREPLICAS Not enough good replicas to write.' });
  await m.c.call('CONFIG', 'SET', 'min-replicas-to-write', '1');
  assert.deepEqual(await m.c.call('SET', 'y', '1'), OK);
});

test('keys expire on the master and the replica receives the DEL; the replica hides them before', async () => {
  const m = await node();
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  await m.c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await m.c.call('SET', 'e', 'v', 'PX', '30');
  await caughtUp(m.c, r.c);
  await waitFor(async () => (await r.c.call('GET', 'e')) === null, 2000, 'replica hides the expired key');
  // Still stored on the replica: the master has not deleted it yet.
  assert.equal(await r.c.call('DBSIZE'), 1);
  assert.equal(await m.c.call('GET', 'e'), null); // lazy expiry on the master propagates DEL
  await caughtUp(m.c, r.c);
  assert.equal(await r.c.call('DBSIZE'), 0);
});

test('FAILOVER hands the master role to the replica without a full resync; errors', async () => {
  const m = await node();
  assert.deepEqual(await m.c.call('FAILOVER'), { error: 'ERR FAILOVER requires connected replicas.' });
  assert.deepEqual(await m.c.call('FAILOVER', 'ABORT'), { error: 'ERR No failover in progress.' });
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await m.c.call('SET', 'f', '1');
  await caughtUp(m.c, r.c);
  assert.deepEqual(await m.c.call('FAILOVER', 'FORCE'), { error: 'ERR FAILOVER with force option requires both a timeout and target HOST and IP.' });
  assert.deepEqual(await m.c.call('FAILOVER', 'TO', '127.0.0.1', '1'), { error: 'ERR FAILOVER target HOST and PORT is not a replica.' });
  assert.deepEqual(await r.c.call('FAILOVER'), { error: 'ERR FAILOVER is not valid when server is a replica.' });
  assert.deepEqual(await m.c.call('FAILOVER', 'TO', '127.0.0.1', String(r.s.address.port), 'TIMEOUT', '5000'), OK);
  await waitFor(async () => (await replInfo(r.c))['role'] === 'master' && (await replInfo(m.c))['master_link_status'] === 'up', 10_000, 'roles swapped');
  assert.equal((await replInfo(m.c))['master_failover_state'], 'no-failover');
  assert.deepEqual(await r.c.call('SET', 'f', '2'), OK);
  await caughtUp(r.c, m.c);
  assert.equal(await m.c.call('GET', 'f'), '2');
  const st = await statsInfo(r.c);
  assert.equal(st['sync_full'], '0');
  assert.equal(st['sync_partial_ok'], '1');
});

test('CONFIG GET replicaof follows REPLICAOF and REPLICAOF NO ONE (so CONFIG REWRITE writes the current master)', async () => {
  const m = await node();
  const r = await node();
  assert.deepEqual(await r.c.call('CONFIG', 'GET', 'replicaof'), ['replicaof', '']);
  assert.deepEqual(await r.c.call('REPLICAOF', '127.0.0.1', String(m.s.address.port)), OK);
  assert.deepEqual(await r.c.call('CONFIG', 'GET', 'replicaof'), ['replicaof', `127.0.0.1 ${m.s.address.port}`]);
  assert.deepEqual(await r.c.call('REPLICAOF', 'NO', 'ONE'), OK);
  assert.deepEqual(await r.c.call('CONFIG', 'GET', 'replicaof'), ['replicaof', '']);
});

for (const minReplicas of [0, 1]) {
  test(`the stream reaches the replicas' sockets before the reply that acknowledges the write (min-replicas-to-write ${minReplicas})`, async () => {
    const m = await node({ 'min-replicas-to-write': minReplicas, 'min-replicas-max-lag': 10 });
    const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
    await caughtUp(m.c, r.c);
    // Record the order in which the master hands bytes to its sockets.
    const order: string[] = [];
    const repl = replicationOf(m.s.server)!;
    for (const att of repl.master.replicas.values()) {
      const conn = att.client.conn;
      const write = conn.write.bind(conn);
      conn.write = (b: Buffer) => { order.push('replica'); write(b); };
    }
    const name = 'ack-order-writer';
    await m.c.call('CLIENT', 'SETNAME', name);
    const me = [...m.s.server.clients.values()].find((c) => c.name === name)!;
    const write = me.conn.write.bind(me.conn);
    me.conn.write = (b: Buffer) => { order.push('reply'); write(b); };
    // Another client's command read in the same event-loop turn, just before: its reply queues the
    // turn's write pass before the SET propagates, so only the barrier puts the stream first.
    const other = await RespClient.connect(m.s.address.port);
    for (let i = 0; i < 5; i++) {
      order.length = 0;
      const [pong, ok] = await Promise.all([other.call('PING'), m.c.call('SET', 'acked', String(i))]);
      assert.deepEqual(pong, { status: 'PONG' });
      assert.deepEqual(ok, OK);
      assert.deepEqual(order.slice(0, 2), ['replica', 'reply']);
    }
    other.close();
    await caughtUp(m.c, r.c);
    assert.equal(await r.c.call('GET', 'acked'), '4');
  });
}

test('PUBLISH reaches subscribers on replicas (and their replicas), as Redis propagates it to replicas only', async () => {
  const m = await node();
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  const rr = await node({ replicaof: `127.0.0.1 ${r.s.address.port}` });
  await caughtUp(m.c, r.c);
  await caughtUp(r.c, rr.c);
  const subs: RespClient[] = [];
  for (const n of [r, rr]) {
    const sub = await RespClient.connect(n.s.address.port);
    open.push(sub);
    await sub.call('SUBSCRIBE', 'news');
    sub.pushMode = true;
    subs.push(sub);
  }
  assert.equal(await m.c.call('PUBLISH', 'news', 'hello'), 0, 'nobody subscribed on the master itself');
  const next = async (sub: RespClient): Promise<unknown> => {
    const r = await sub.nextPushWithin(5_000);
    return r === 'timeout' ? r : r.value;
  };
  for (const sub of subs) assert.deepEqual(await next(sub), ['message', 'news', 'hello']);
  // Inside a transaction too, in order with the writes around it.
  await m.c.pipeline([['MULTI'], ['SET', 'k', '1'], ['SPUBLISH', 'news', 'sharded'], ['PUBLISH', 'news', 'again'], ['EXEC']]);
  for (const sub of subs) assert.deepEqual(await next(sub), ['message', 'news', 'again']);
  await caughtUp(m.c, r.c);
  assert.equal(await r.c.call('GET', 'k'), '1');
});

test('a full resync touches the WATCHed keys the replica held, not the ones it lacked (signalFlushedDb)', async () => {
  // Facts from redis-server 7.0.15 as the replica: a key that existed before the sync aborts the
  // EXEC of its watcher; a key that only the new data set holds does not.
  const m1 = await node();
  const m2 = await node();
  await m1.c.call('SET', 'held', '1');
  await m2.c.call('SET', 'held', '2');
  await m2.c.call('SET', 'created', '1');
  const r = await node({ replicaof: `127.0.0.1 ${m1.s.address.port}` });
  await caughtUp(m1.c, r.c);
  const w1 = await RespClient.connect(r.s.address.port);
  const w2 = await RespClient.connect(r.s.address.port);
  open.push(w1, w2);
  assert.deepEqual(await w1.call('WATCH', 'held'), OK);
  assert.deepEqual(await w2.call('WATCH', 'created'), OK);
  // Another master, another history: a full resync.
  assert.deepEqual(await r.c.call('REPLICAOF', '127.0.0.1', String(m2.s.address.port)), OK);
  await caughtUp(m2.c, r.c);
  assert.equal(await r.c.call('GET', 'created'), '1');
  for (const w of [w1, w2]) {
    assert.deepEqual(await w.call('MULTI'), OK);
    assert.deepEqual(await w.call('GET', 'held'), { status: 'QUEUED' });
  }
  assert.equal(await w1.call('EXEC'), null);
  assert.deepEqual(await w2.call('EXEC'), ['2']);
});

test('a full resync wakes no reader blocked on the replica: loading signals no key (dbAddRDBLoad); the next XADD does', async () => {
  // Facts from redis-server 7.0.15 as the replica, the master forced into a full resync by
  // DEBUG CHANGE-REPL-ID: an XREAD blocked on a stream only the new data set holds stays blocked
  // through the sync, and the next XADD streamed from the master serves both entries.
  const m = await node({ 'enable-debug-command': 'yes' });
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  const reader = await RespClient.connect(r.s.address.port);
  open.push(reader);
  const [read] = await block(r.c, reader, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '0-0');
  const fullSyncs = Number((await statsInfo(m.c))['sync_full']);
  assert.deepEqual(await m.c.call('DEBUG', 'CHANGE-REPL-ID'), OK);
  assert.deepEqual(await m.c.call('CLIENT', 'KILL', 'TYPE', 'replica'), 1);
  assert.equal(await m.c.call('XADD', 's', '5-1', 'f', 'v'), '5-1');
  await caughtUp(m.c, r.c);
  assert.equal(Number((await statsInfo(m.c))['sync_full']), fullSyncs + 1);
  assert.equal(await r.c.call('XLEN', 's'), 1);
  assert.equal(await blockedClients(r.c), 1);
  assert.equal(await m.c.call('XADD', 's', '6-1', 'f', 'w'), '6-1');
  assert.deepEqual(await served(read), [['s', [['5-1', ['f', 'v']], ['6-1', ['f', 'w']]]]]);
});

test('instantaneous_input_repl_kbps and instantaneous_output_repl_kbps measure the replication stream', async () => {
  const m = await node();
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}` });
  await caughtUp(m.c, r.c);
  const value = 'x'.repeat(4096);
  let i = 0;
  const rate = async (c: RespClient, field: string): Promise<number> => Number((await statsInfo(c))[field]);
  // Keep the stream flowing (about 40 KB per round) until both sides' samplers have seen it.
  await waitFor(async () => {
    await m.c.pipeline(Array.from({ length: 10 }, () => ['SET', `k${i++ % 50}`, value]));
    return await rate(m.c, 'instantaneous_output_repl_kbps') > 0 && await rate(r.c, 'instantaneous_input_repl_kbps') > 0;
  }, 10_000, 'replication kbps above 0 on both sides');
  // The stream is part of the totals, as in Redis 7.0 (total_net_input_bytes includes it).
  const ms = await statsInfo(m.c);
  assert.ok(Number(ms['total_net_output_bytes']) >= Number(ms['total_net_repl_output_bytes']));
  assert.ok(Number(ms['instantaneous_output_kbps']) >= Number(ms['instantaneous_output_repl_kbps']));
  assert.equal((await statsInfo(r.c))['instantaneous_output_repl_kbps'], '0.00', 'a replica without replicas sends no stream');
  await m.c.call('CONFIG', 'RESETSTAT');
  assert.equal((await statsInfo(m.c))['instantaneous_output_repl_kbps'], '0.00', 'RESETSTAT forgets the samples');
});

test('a pipeline whose stream is many times the backlog, frames of every size and backlog resizes reach replicas and a chained replica whole', async () => {
  // The smallest backlog (16 KB): one pipeline streams many times its size, with frames of a
  // fifth of it and more, database changes and backlog resizes between commands. Both replicas
  // must end equal to the master without any resync.
  const m = await node({ 'repl-backlog-size': '16384' });
  const r1 = await node();
  const r2 = await node();
  await r1.c.call('REPLICAOF', '127.0.0.1', String(m.s.address.port));
  await r2.c.call('REPLICAOF', '127.0.0.1', String(r1.s.address.port));
  await caughtUp(m.c, r1.c);
  await caughtUp(r1.c, r2.c);
  const cmds: string[][] = [];
  for (let i = 0; i < 4000; i++) {
    cmds.push(['SET', `k${i}`, `${i}:`.padEnd(10 + (i * 37) % 300, 'v')]);
    if (i % 500 === 0) cmds.push(['SET', `big${i}`, 'B'.repeat(3000 + i)]);
    if (i % 700 === 0) cmds.push(['SELECT', String(i % 3)]);
    if (i === 1500) cmds.push(['CONFIG', 'SET', 'repl-backlog-size', '1mb']);
    if (i === 2500) cmds.push(['CONFIG', 'SET', 'repl-backlog-size', '16kb']);
    if (i % 900 === 0) cmds.push(['MSET', `m${i}`, 'x'.repeat(5000), `n${i}`, 'y']);
  }
  const replies = await m.c.pipeline(cmds);
  assert.equal(replies.length, cmds.length);
  for (const r of replies) assert.notEqual(r.raw[0], 0x2d, r.raw.toString('latin1'));
  await caughtUp(m.c, r1.c);
  await caughtUp(r1.c, r2.c);
  assert.deepEqual(await digest(r1.c), await digest(m.c));
  assert.deepEqual(await digest(r2.c), await digest(m.c));
  // Nothing was lost on the way: no replica had to resync.
  assert.equal((await statsInfo(m.c))['sync_full'], '1');
  assert.equal((await statsInfo(r1.c))['sync_full'], '1');
  assert.equal((await statsInfo(m.c))['sync_partial_ok'], '0');
});
