import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvScenario } from './scenarios/kv.js';
import { World } from './world.js';

test('a real Garrison node runs in the world: commands, virtual TIME, expiry in virtual time', async () => {
  const w = new World({ seed: 11, epochMs: 1_700_000_000_000 });
  const n = await w.addNode(['--maxmemory', '1mb']);
  assert.equal(n.addr, '10.0.0.1:6379');
  assert.equal(w.node('n1'), n);
  const c = w.client(n);
  assert.deepEqual(await w.settle(c.call('SET', 'k', 'v', 'PX', '100')), { status: 'OK' });
  assert.equal(await w.settle(c.call('GET', 'k')), 'v');
  assert.deepEqual(await w.settle(c.call('CONFIG', 'GET', 'maxmemory')), ['maxmemory', '1048576']);
  const time = (await w.settle(c.call('TIME'))) as string[];
  assert.equal(Number(time[0]), 1_700_000_000 + Math.floor(w.nowMs() / 1000));
  await w.runFor(150);
  assert.equal(await w.settle(c.call('GET', 'k')), null);
  assert.ok(w.nowMs() >= 150 && w.nowMs() < 200);
  n.wallOffsetMs = 3_600_000;
  const later = (await w.settle(c.call('TIME'))) as string[];
  assert.equal(Number(later[0]), 1_700_003_600 + Math.floor(w.nowMs() / 1000), 'a clock jump moves TIME');
});

test('runUntil stops at its deadline with false; step runs one event', async () => {
  const w = new World({ seed: 1 });
  await w.addNode();
  assert.equal(await w.runUntil(() => false, 250), false);
  assert.equal(w.nowMs(), 250);
  const before = w.loop.executed;
  assert.equal(await w.step(), true);
  assert.equal(w.loop.executed, before + 1);
});

test('pause delays replies until the node resumes; crash loses memory; restart serves on the same address', async () => {
  const w = new World({ seed: 2 });
  const n = await w.addNode();
  const c = w.client(n);
  await w.settle(c.call('SET', 'a', '1'));
  const t0 = w.nowMs();
  n.pause(300);
  assert.equal(await w.settle(c.call('INCR', 'a')), 2);
  assert.ok(w.nowMs() - t0 >= 300, `replied after ${w.nowMs() - t0}ms`);
  n.crash();
  assert.equal(n.isUp(), false);
  await w.runUntil(() => c.state === 'closed', 100);
  assert.equal(c.closeReason, 'closed by peer');
  const refused = w.client(n);
  await w.runUntil(() => refused.state === 'closed', 100);
  assert.equal(refused.closeReason, 'connect: Connection refused');
  await n.restart();
  assert.equal(n.incarnation, 2);
  const c2 = w.client(n);
  assert.equal(await w.settle(c2.call('GET', 'a')), null, 'nothing persisted: the data went with the process');
  assert.equal(await w.settle(c2.call('INCR', 'a')), 1);
});

test('a partition between a client and a node stalls the command until healed', async () => {
  const w = new World({ seed: 4 });
  const n = await w.addNode();
  const c = w.client(n, { name: 'app' });
  await w.settle(c.call('PING'));
  w.partition('app', 'n1');
  const reply = c.call('SET', 'x', '1');
  const replied = { v: false };
  void reply.then(() => { replied.v = true; });
  await w.runFor(1000);
  assert.equal(replied.v, false);
  w.heal();
  assert.deepEqual(await w.settle(reply), { status: 'OK' });
});

test('determinism: the same seed gives the identical trace, another seed a different one', async () => {
  const a = await kvScenario({ seed: 5, durationMs: 800 });
  const b = await kvScenario({ seed: 5, durationMs: 800 });
  const c = await kvScenario({ seed: 6, durationMs: 800 });
  assert.ok(a.ok && b.ok && c.ok, [...a.failures, ...c.failures].join('\n'));
  assert.ok(a.world.trace.total > 1000);
  assert.deepEqual(b.world.trace.entries(), a.world.trace.entries());
  assert.equal(b.world.trace.digest(), a.world.trace.digest());
  assert.equal(b.world.loop.executed, a.world.loop.executed);
  assert.notEqual(c.world.trace.digest(), a.world.trace.digest());
});

test('SHUTDOWN exits the process; CONFIG SET port moves the address; kill keeps unsynced bytes, crash loses them', async () => {
  const w = new World({ seed: 8 });
  const n = await w.addNode();
  const c = w.client(n);
  assert.deepEqual(await w.settle(c.call('CONFIG', 'SET', 'port', '7000')), { status: 'OK' });
  assert.equal(n.addr, '10.0.0.1:7000');
  const c2 = w.client(n);
  assert.deepEqual(await w.settle(c2.call('PING')), { status: 'PONG' });
  await assert.rejects(w.settle(c2.call('SHUTDOWN', 'NOSAVE')), /closed by peer/);
  assert.equal(n.isUp(), false);
  assert.ok(n.log.some((l) => l.includes('ready to exit')));
  await n.restart();
  assert.equal(n.addr, '10.0.0.1:6379', 'a restart reads the configuration afresh');

  const write = (name: string): void => {
    const h = n.server!.env.fs.open(name, 'w');
    h.write(Buffer.from('written'));
  };
  write('a.txt');
  n.kill();
  assert.equal(n.disk.peek('/data/a.txt')!.toString(), 'written');
  await n.restart();
  write('b.txt');
  n.crash();
  assert.equal(n.disk.peek('/data/b.txt')!.toString(), '');
});

test('one run at a time: a concurrent run is refused', async () => {
  const w = new World({ seed: 1 });
  await w.addNode();
  const first = w.runFor(100);
  await assert.rejects(w.runFor(10), /already running/);
  await first;
  assert.equal(w.nowMs(), 100);
});
