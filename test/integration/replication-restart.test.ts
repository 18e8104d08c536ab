/**
 * Restarts keep the replication history, as in Redis 7.0: a node's RDB file names it in its aux
 * fields (repl-id, repl-offset, repl-stream-db), so a restarted replica continues with a partial
 * resync, and so do the replicas of a restarted master; a replica keeps the image its master sent
 * as its RDB file (unless it has no persistence and `rdb-del-sync-files yes`).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../../src/index.js';
import { caughtUp, digest, replInfo, statsInfo } from '../helpers/replication.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { startTestServer } from '../helpers/server.js';

const open: Array<{ close(): unknown }> = [];
const dirs: string[] = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'garrison-restart-'));
  dirs.push(d);
  return d;
}

interface Node {
  s: RunningServer;
  c: RespClient;
  stop(): Promise<void>;
}

async function node(config: Record<string, string | number>, port = 0): Promise<Node> {
  const s = await startTestServer({ port, config: { 'repl-diskless-sync-delay': 0, ...config } });
  const c = await RespClient.connect(s.address.port);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    c.close();
    await s.close();
  };
  open.push({ close: stop });
  return { s, c, stop };
}

test('a replica restarted from its own save continues with a partial resync, in the database it had', async () => {
  const m = await node({});
  const dir = tempDir();
  const replicaConf = { replicaof: `127.0.0.1 ${m.s.address.port}`, dir };
  let r = await node(replicaConf);
  await m.c.call('SET', 'a', '1');
  await m.c.call('SELECT', '3');
  await m.c.call('SET', 'in3', 'x');
  await caughtUp(m.c, r.c);
  assert.deepEqual(await r.c.call('SAVE'), { status: 'OK' });
  const saved = await replInfo(r.c);
  await r.stop();
  // The replica is down: the master goes on (still in db 3, so the backlog's tail has no SELECT).
  for (let i = 0; i < 20; i++) await m.c.call('INCR', 'in3:counter');
  r = await node(replicaConf);
  await caughtUp(m.c, r.c);
  const st = await statsInfo(m.c);
  assert.equal(st['sync_full'], '1', 'no second full resync');
  assert.equal(st['sync_partial_ok'], '1');
  assert.equal((await replInfo(r.c))['master_replid'], saved['master_replid']);
  await r.c.call('SELECT', '3');
  assert.equal(await r.c.call('GET', 'in3:counter'), '20');
  assert.deepEqual(await digest(r.c), await digest(m.c));
});

test('a replica keeps the image of its full resync as its RDB file: killed without saving, it still continues partially', async () => {
  const m = await node({});
  await m.c.call('SET', 'before', 'sync');
  const dir = tempDir();
  // rdb-del-sync-files no: the library's default (yes) keeps no file on a replica without persistence.
  const replicaConf = { replicaof: `127.0.0.1 ${m.s.address.port}`, dir, 'rdb-del-sync-files': 'no' };
  let r = await node(replicaConf);
  await caughtUp(m.c, r.c);
  const file = join(dir, 'dump.rdb');
  await waitFor(async () => existsSync(file), 5000, 'the received image is written as dump.rdb');
  const image = readFileSync(file);
  assert.ok(image.includes('repl-id') && image.includes((await replInfo(m.c))['master_replid']!), 'the image names the master\'s history');
  for (let i = 0; i < 10; i++) await m.c.call('RPUSH', 'after', String(i));
  await caughtUp(m.c, r.c);
  await r.stop(); // no SAVE: the file still holds the image of the full resync
  await m.c.call('SET', 'while', 'down');
  r = await node(replicaConf);
  await caughtUp(m.c, r.c);
  const st = await statsInfo(m.c);
  assert.equal(st['sync_full'], '1');
  assert.equal(st['sync_partial_ok'], '1');
  assert.deepEqual(await r.c.call('LRANGE', 'after', '0', '-1'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(await digest(r.c), await digest(m.c));
});

test('with rdb-del-sync-files yes and no persistence a replica keeps no RDB file', async () => {
  const m = await node({});
  await m.c.call('SET', 'k', 'v');
  const dir = tempDir();
  const r = await node({ replicaof: `127.0.0.1 ${m.s.address.port}`, dir, 'rdb-del-sync-files': 'yes' });
  await caughtUp(m.c, r.c);
  assert.equal(await r.c.call('GET', 'k'), 'v');
  assert.equal(existsSync(join(dir, 'dump.rdb')), false);
  // With a save point the same replica keeps the image of its next full resync.
  await r.c.call('CONFIG', 'SET', 'save', '3600 1');
  const m2 = await node({});
  await m2.c.call('SET', 'other', 'master');
  await r.c.call('REPLICAOF', '127.0.0.1', String(m2.s.address.port));
  await caughtUp(m2.c, r.c);
  await waitFor(async () => existsSync(join(dir, 'dump.rdb')), 5000, 'dump.rdb written');
  assert.equal(await r.c.call('GET', 'other'), 'master');
});

test('a restarted master keeps its history as replid2: its replicas continue partially', async () => {
  const dir = tempDir();
  let m = await node({ dir });
  const port = m.s.address.port;
  const r = await node({ replicaof: `127.0.0.1 ${port}` });
  await m.c.call('SET', 'a', '1');
  await m.c.call('SELECT', '2');
  await m.c.call('SET', 'b', '2');
  await caughtUp(m.c, r.c);
  const before = await replInfo(m.c);
  // Without replicas a master's save names no history; with them it does.
  assert.deepEqual(await m.c.call('SAVE'), { status: 'OK' });
  assert.ok(readFileSync(join(dir, 'dump.rdb')).includes(before['master_replid']!));
  await m.stop();
  m = await node({ dir }, port);
  const after = await replInfo(m.c);
  assert.notEqual(after['master_replid'], before['master_replid']);
  assert.equal(after['master_replid2'], before['master_replid']);
  assert.equal(after['master_repl_offset'], before['master_repl_offset']);
  assert.equal(after['second_repl_offset'], String(Number(before['master_repl_offset']) + 1));
  assert.equal(after['repl_backlog_active'], '1');
  // The replica reconnects and continues; the stream goes on in the database it had selected.
  await caughtUp(m.c, r.c);
  await m.c.call('SELECT', '2');
  await m.c.call('SET', 'c', '3');
  await caughtUp(m.c, r.c);
  const st = await statsInfo(m.c);
  assert.equal(st['sync_full'], '0');
  assert.equal(st['sync_partial_ok'], '1');
  assert.equal((await replInfo(r.c))['master_replid'], after['master_replid']);
  assert.deepEqual(await digest(r.c), await digest(m.c));
});

test('a master that never had replicas writes no replication fields', async () => {
  const dir = tempDir();
  const m = await node({ dir });
  await m.c.call('SET', 'k', 'v');
  assert.deepEqual(await m.c.call('SAVE'), { status: 'OK' });
  assert.equal(readFileSync(join(dir, 'dump.rdb')).includes('repl-id'), false);
});
