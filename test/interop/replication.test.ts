/**
 * Mixed replication topologies with the real redis-server 7.0: a Redis replica of a Garrison
 * master, a Garrison replica of a Redis master, and the chain Redis -> Garrison -> Redis. Each
 * does a full resync of a dataset with every type, streams more writes, survives a dropped link
 * with a partial resync, and ends with DEBUG DIGEST equal on every node. Restarts keep the history
 * across the mix: a Redis replica restarted from the image a Garrison master sent, a Garrison
 * master restarted under a Redis replica, a Garrison replica restarted under a Redis master, each
 * continue with a partial resync.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { info } from '../helpers/reply-fields.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { freePort, requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server');

interface Node {
  port: number;
  c: RespClient;
}

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function redis(extra: string[] = []): Promise<Node> {
  const r: RedisProcess = await startRedis(['--repl-diskless-sync-delay', '0', ...extra]);
  cleanup.push(() => r.stop());
  const c = await RespClient.connect(r.port);
  cleanup.push(() => c.close());
  return { port: r.port, c };
}

async function garrison(extra: Record<string, string> = {}): Promise<Node & { stop(): Promise<void> }> {
  const g: GarrisonHandle = await startGarrison({ save: '', appendonly: 'no', 'repl-diskless-sync-delay': '0', 'enable-debug-command': 'yes', ...extra });
  const c = await RespClient.connect(g.port);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    c.close();
    await g.close();
  };
  cleanup.push(stop);
  return { port: g.port, c, stop };
}

/** A redis-server on `port` with `dir` (which outlives it), stoppable and restartable. */
async function redisAt(port: number, dir: string, extra: string[] = []): Promise<Node & { stop(): Promise<void> }> {
  const r: RedisProcess = await startRedis(['--repl-diskless-sync-delay', '0', '--port', String(port), '--dir', dir, ...extra], 1);
  const c = await RespClient.connect(r.port);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    c.close();
    await r.stop();
  };
  cleanup.push(stop);
  return { port: r.port, c, stop };
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'garrison-interop-restart-'));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const replInfo = async (n: Node): Promise<Record<string, string>> => info(await n.c.call('INFO', 'replication'));
const statInfo = async (n: Node): Promise<Record<string, string>> => info(await n.c.call('INFO', 'stats'));

async function caughtUp(master: Node, replica: Node): Promise<void> {
  await waitFor(async () => {
    const [m, r] = [await replInfo(master), await replInfo(replica)];
    return r['master_link_status'] === 'up' && r['master_repl_offset'] === m['master_repl_offset'];
  }, 20_000, `replica ${replica.port} caught up with ${master.port}`);
}

async function populate(n: Node, p: string): Promise<void> {
  const c = n.c;
  await c.call('SET', `${p}:s`, 'text');
  await c.call('SET', `${p}:i`, '-42');
  await c.call('SET', `${p}:long`, 'y'.repeat(5000));
  await c.call('SET', `${p}:ttl`, 'v', 'EX', '1000');
  await c.call('RPUSH', `${p}:l`, 'a', 'b', '3');
  const many: string[] = [];
  for (let i = 0; i < 200; i++) many.push(`v${i}`);
  await c.call('RPUSH', `${p}:bigl`, ...many);
  await c.call('SADD', `${p}:is`, '1', '2', '-3');
  await c.call('SADD', `${p}:ss`, 'x', 'y');
  await c.call('SADD', `${p}:bigs`, ...many);
  await c.call('HSET', `${p}:h`, 'f', 'v', 'g', '12');
  const h: string[] = [];
  for (let i = 0; i < 200; i++) h.push(`f${i}`, `v${i}`);
  await c.call('HSET', `${p}:bigh`, ...h);
  await c.call('ZADD', `${p}:z`, '1.5', 'a', '2', 'b');
  const z: string[] = [];
  for (let i = 0; i < 200; i++) z.push(String(i * 1.25), `m${i}`);
  await c.call('ZADD', `${p}:bigz`, ...z);
  await c.call('PFADD', `${p}:hll`, 'a', 'b');
  await c.call('SELECT', '3');
  await c.call('SET', `${p}:db3`, 'three');
  await c.call('SELECT', '0');
}

async function sameDigest(nodes: Node[]): Promise<void> {
  const ds = await Promise.all(nodes.map((n) => n.c.call('DEBUG', 'DIGEST')));
  for (const d of ds) assert.deepEqual(d, ds[0], `digests ${JSON.stringify(ds)}`);
  assert.notEqual(ds[0], '0'.repeat(40));
}

/**
 * The master drops its replica's link and writes on: the replica must come back with a partial
 * resync (one full sync in all, one partial) and hold the same data.
 */
async function partialResyncAfterKill(m: Node, r: Node): Promise<void> {
  assert.equal(await m.c.call('CLIENT', 'KILL', 'TYPE', 'replica'), 1);
  await m.c.call('INCR', 'after-kill');
  await caughtUp(m, r);
  await sameDigest([m, r]);
  const st = await statInfo(m);
  assert.equal(st['sync_full'], '1');
  assert.equal(st['sync_partial_ok'], '1');
}

describe('replication with real redis-server 7.0', { skip: skip ?? false }, () => {
  test('a Redis replica of a Garrison master: full sync, stream, partial resync', async () => {
    const m = await garrison();
    await populate(m, 'pre');
    const r = await redis();
    await r.c.call('REPLICAOF', '127.0.0.1', String(m.port));
    await caughtUp(m, r);
    await sameDigest([m, r]);
    await populate(m, 'post');
    await caughtUp(m, r);
    await sameDigest([m, r]);
    await partialResyncAfterKill(m, r);
  });

  test('PUBLISH on a Garrison master reaches subscribers on a Redis replica, and the other way round', async () => {
    const gm = await garrison();
    const rr = await redis();
    await rr.c.call('REPLICAOF', '127.0.0.1', String(gm.port));
    await caughtUp(gm, rr);
    const rm = await redis();
    const gr = await garrison();
    await gr.c.call('REPLICAOF', '127.0.0.1', String(rm.port));
    await caughtUp(rm, gr);
    for (const [master, replica] of [[gm, rr], [rm, gr]] as const) {
      const sub = await RespClient.connect(replica.port);
      try {
        await sub.call('SUBSCRIBE', 'news');
        sub.pushMode = true;
        assert.equal(await master.c.call('PUBLISH', 'news', 'hello'), 0);
        const got = await sub.nextPushWithin(5_000);
        assert.deepEqual(got === 'timeout' ? got : got.value, ['message', 'news', 'hello']);
      } finally {
        sub.close();
      }
    }
  });

  test('replicas authenticate as an ACL user that may only replicate, across the mix', async () => {
    // A master whose default user is off: only `repl` (PSYNC, REPLCONF, PING) may replicate.
    const rules = ['on', '>replpw', '+psync', '+replconf', '+ping'];
    const gm = await garrison();
    const rm = await redis();
    for (const m of [gm, rm]) {
      assert.deepEqual(await m.c.call('ACL', 'SETUSER', 'repl', ...rules), { status: 'OK' });
      assert.deepEqual(await m.c.call('ACL', 'SETUSER', 'default', 'off'), { status: 'OK' });
      await m.c.call('SET', 'k', 'v');
    }
    const rr = await redis(['--masteruser', 'repl', '--masterauth', 'replpw']);
    const gr = await garrison({ masteruser: 'repl', masterauth: 'replpw' });
    await rr.c.call('REPLICAOF', '127.0.0.1', String(gm.port));
    await gr.c.call('REPLICAOF', '127.0.0.1', String(rm.port));
    for (const [m, r] of [[gm, rr], [rm, gr]] as const) {
      await caughtUp(m, r);
      assert.equal(await r.c.call('GET', 'k'), 'v');
      assert.deepEqual(await m.c.call('ACL', 'LOG'), [], 'nothing the replica sent was denied');
      // The replica's connection runs as `repl` on the master.
      assert.match(String(await m.c.call('CLIENT', 'LIST', 'TYPE', 'replica')), / user=repl /);
    }
  });

  test('a Garrison replica of a Redis master: full sync, stream, partial resync', async () => {
    const m = await redis();
    await populate(m, 'pre');
    const r = await garrison({ replicaof: `127.0.0.1 ${m.port}` });
    await caughtUp(m, r);
    await sameDigest([m, r]);
    await populate(m, 'post');
    await m.c.call('MULTI');
    await m.c.call('INCR', 'tx');
    await m.c.call('SADD', 'post:ss', 'w');
    await m.c.call('EXEC');
    await caughtUp(m, r);
    await sameDigest([m, r]);
    await partialResyncAfterKill(m, r);
    assert.deepEqual(await r.c.call('SET', 'x', '1'), { error: "READONLY You can't write against a read only replica." });
  });

  test('restarts across the mix continue partially: Redis replica, then Garrison master', async () => {
    const mdir = tempDir();
    let m = await garrison({ dir: mdir });
    const mport = m.port;
    await populate(m, 'pre');
    const rdir = tempDir();
    const rport = await freePort();
    let r = await redisAt(rport, rdir, ['--replicaof', '127.0.0.1', String(mport)]);
    await caughtUp(m, r);
    // The Redis replica keeps the image Garrison sent (with Garrison's repl-id/offset aux fields)
    // and is stopped without saving (no save points): restarted, it loads that image and continues
    // partially.
    await populate(m, 'post');
    await caughtUp(m, r);
    await r.stop();
    await m.c.call('INCR', 'while-redis-down');
    r = await redisAt(rport, rdir, ['--replicaof', '127.0.0.1', String(mport)]);
    await caughtUp(m, r);
    await sameDigest([m, r]);
    let st = await statInfo(m);
    assert.equal(st['sync_full'], '1');
    assert.equal(st['sync_partial_ok'], '1');
    // The Garrison master saves (its history in the aux fields), stops, and restarts on its port:
    // the Redis replica continues partially with the new replication id.
    assert.deepEqual(await m.c.call('SAVE'), { status: 'OK' });
    const before = await replInfo(m);
    await m.stop();
    m = await garrison({ dir: mdir, port: String(mport) });
    const after = await replInfo(m);
    assert.equal(after['master_replid2'], before['master_replid']);
    await caughtUp(m, r);
    await m.c.call('INCR', 'after-master-restart');
    await caughtUp(m, r);
    await sameDigest([m, r]);
    st = await statInfo(m);
    assert.equal(st['sync_full'], '0');
    assert.equal(st['sync_partial_ok'], '1');
    assert.equal((await replInfo(r))['master_replid'], after['master_replid']);
  });

  test('a Garrison replica restarted from its save continues partially with a Redis master', async () => {
    const m = await redis();
    await populate(m, 'pre');
    const dir = tempDir();
    const conf = { replicaof: `127.0.0.1 ${m.port}`, dir };
    let r = await garrison(conf);
    await caughtUp(m, r);
    await m.c.call('SELECT', '3');
    await m.c.call('SET', 'in3', 'x');
    await caughtUp(m, r);
    assert.deepEqual(await r.c.call('SAVE'), { status: 'OK' });
    await r.stop();
    await m.c.call('INCR', 'in3:while-down');
    r = await garrison(conf);
    await caughtUp(m, r);
    await sameDigest([m, r]);
    const st = await statInfo(m);
    assert.equal(st['sync_full'], '1');
    assert.equal(st['sync_partial_ok'], '1');
  });

  test('the chain Redis -> Garrison -> Redis carries one history', async () => {
    const top = await redis();
    const mid = await garrison({ replicaof: `127.0.0.1 ${top.port}` });
    await caughtUp(top, mid);
    const leaf = await redis();
    await leaf.c.call('REPLICAOF', '127.0.0.1', String(mid.port));
    await populate(top, 'chain');
    await caughtUp(top, mid);
    await caughtUp(mid, leaf);
    await sameDigest([top, mid, leaf]);
    const [ti, li] = [await replInfo(top), await replInfo(leaf)];
    assert.equal(li['master_replid'], ti['master_replid']);
    assert.equal(li['master_repl_offset'], ti['master_repl_offset']);
  });
});
