/**
 * RDB persistence through the wire: SAVE/BGSAVE/LASTSAVE replies, BGSAVE while clients write (the
 * file holds the dataset of the moment BGSAVE started), restart loads the file, -LOADING while a
 * large file loads, MISCONF after a failed background save, DEBUG RELOAD, SHUTDOWN SAVE, FLUSHALL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/index.js';
import { freePort } from '../helpers/free-port.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'garrison-persist-'));
  dirs.push(d);
  return d;
}

async function start(dir: string, config: StartServerOptions['config'] = {}, port?: number): Promise<RunningServer> {
  return startServer({ config: { dir, save: '', 'enable-debug-command': 'yes', ...config }, ...(port !== undefined ? { port } : {}) });
}

async function info(c: RespClient, field: string): Promise<string> {
  const text = await c.call('INFO', 'persistence') as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  assert.ok(m, `INFO has ${field}`);
  return m[1]!.trim();
}

test('SAVE, LASTSAVE, BGSAVE replies and errors; restart loads the file', async () => {
  const dir = tempDir();
  const s = await start(dir);
  const c = await RespClient.connect(s.address.port);
  try {
    await c.call('SET', 'a', '1');
    await c.call('RPUSH', 'l', 'x', 'y');
    assert.equal(await info(c, 'rdb_changes_since_last_save'), '3');
    assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
    assert.ok(existsSync(join(dir, 'dump.rdb')));
    assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
    assert.equal(await info(c, 'rdb_saves'), '1');
    assert.match(await c.call('INFO', 'commandstats') as string, /cmdstat_save:calls=1,/);
    const last = await c.call('LASTSAVE') as number;
    assert.ok(Math.abs(last - Date.now() / 1000) < 5);
    assert.deepEqual(await c.call('BGSAVE', 'foo'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
    await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0', 5000, 'bgsave');
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
    assert.equal(await info(c, 'rdb_saves'), '2');
    const digest = await c.call('DEBUG', 'DIGEST');
    assert.deepEqual(readdirSync(dir), ['dump.rdb'], 'no temporary file left');
    c.close();
    await s.close();
    const s2 = await start(dir);
    const c2 = await RespClient.connect(s2.address.port);
    try {
      assert.deepEqual(await c2.call('DEBUG', 'DIGEST'), digest);
      assert.deepEqual(await c2.call('LRANGE', 'l', '0', '-1'), ['x', 'y']);
      assert.equal(await info(c2, 'rdb_last_load_keys_loaded'), '2');
      assert.equal(await info(c2, 'rdb_changes_since_last_save'), '0');
    } finally {
      c2.close();
      await s2.close();
    }
  } finally {
    c.close();
    await s.close();
  }
});

test('BGSAVE while clients write: the file is the dataset of the moment BGSAVE started', async () => {
  const dir = tempDir();
  const s = await start(dir);
  const c = await RespClient.connect(s.address.port);
  const w = await RespClient.connect(s.address.port);
  try {
    await c.call('DEBUG', 'POPULATE', '50000');
    for (let i = 0; i < 50; i++) await c.call('SADD', `set${i}`, 'a', 'b', 'c');
    // Digest and BGSAVE in one batch: no other client runs between them.
    const [digestRaw, started] = await c.pipeline([['DEBUG', 'DIGEST'], ['BGSAVE']]);
    assert.equal(started!.raw.toString('latin1'), '+Background saving started\r\n');
    const digest = { status: digestRaw!.raw.toString('latin1').slice(1, -2) };
    let writes = 0;
    let sawInProgress = false;
    while ((await info(c, 'rdb_bgsave_in_progress')) === '1') {
      sawInProgress = true;
      const k = `key:${(writes * 7919) % 50000}`;
      await w.pipeline([['SET', k, 'changed'], ['DEL', `key:${writes % 50000}`], ['SADD', `set${writes % 50}`, 'new'], ['SET', `fresh${writes}`, 'x']]);
      writes++;
    }
    assert.ok(sawInProgress, 'the save ran across several turns');
    assert.ok(writes > 0);
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
    assert.notEqual(await c.call('DEBUG', 'DIGEST'), digest);
    const changes = Number(await info(c, 'rdb_changes_since_last_save'));
    assert.ok(changes >= writes, 'writes made during the save are still unsaved');
    c.close();
    w.close();
    await s.close();
    const s2 = await start(dir);
    const c2 = await RespClient.connect(s2.address.port);
    try {
      assert.deepEqual(await c2.call('DEBUG', 'DIGEST'), digest);
    } finally {
      c2.close();
      await s2.close();
    }
  } finally {
    c.close();
    w.close();
    await s.close();
  }
});

test('clients get -LOADING while a large file loads; INFO shows the loading fields', async () => {
  const dir = tempDir();
  const s = await start(dir);
  const c = await RespClient.connect(s.address.port);
  await c.call('DEBUG', 'POPULATE', '3000');
  assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
  c.close();
  await s.close();
  const port = await freePort();
  // key-load-delay (0.5 ms a key): the load lasts about 1.5 s however fast the machine is.
  const starting = start(dir, { 'key-load-delay': '500', 'enable-protected-configs': 'yes' }, port);
  let client: RespClient | null = null;
  await waitFor(async () => {
    try {
      client = await RespClient.connect(port);
      return true;
    } catch {
      return false;
    }
  }, 5000, 'listener');
  const c2 = client! as RespClient;
  try {
    const [ping, inf, setAof, setDir, setOther, setUnknownFirst, setImmutableFirst] = await c2.pipeline([['PING'], ['INFO', 'persistence'],
      ['CONFIG', 'SET', 'appendonly', 'no'], ['CONFIG', 'SET', 'dir', dir], ['CONFIG', 'SET', 'maxclients', '1000'],
      ['CONFIG', 'SET', 'nosuch', '1', 'appendonly', 'no'], ['CONFIG', 'SET', 'daemonize', 'no', 'appendonly', 'no']]);
    assert.equal(ping!.raw.toString('latin1'), '-LOADING Redis is loading the dataset in memory\r\n');
    // Redis 7.0's DENY_LOADING_CONFIG parameters (appendonly, dir) refuse while loading; others
    // can change; an earlier pair's error is reported instead (checked against redis-server).
    assert.equal(setAof!.raw.toString('latin1'), '-LOADING Redis is loading the dataset in memory\r\n');
    assert.equal(setDir!.raw.toString('latin1'), '-LOADING Redis is loading the dataset in memory\r\n');
    assert.equal(setOther!.raw.toString('latin1'), '+OK\r\n');
    assert.equal(setUnknownFirst!.raw.toString('latin1'), "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
    assert.equal(setImmutableFirst!.raw.toString('latin1'),
      "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n");
    assert.match(inf!.raw.toString('latin1'), /loading:1\r\n/);
    assert.match(inf!.raw.toString('latin1'), /loading_total_bytes:\d+\r\n/);
    assert.match(inf!.raw.toString('latin1'), /loading_loaded_perc:\d+\.\d\d\r\n/);
    await starting;
    assert.deepEqual(await c2.call('DBSIZE'), 3000);
    assert.deepEqual(await c2.call('PING'), { status: 'PONG' });
    assert.equal(await info(c2, 'loading'), '0');
  } finally {
    c2.close();
    // Closed whether or not an assertion failed during the load: a server left open keeps the test process alive.
    await (await starting).close();
  }
});

test('a file that is not an RDB, or is cut short, makes startServer reject', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'dump.rdb'), 'this is not an RDB file');
  await assert.rejects(start(dir), /Wrong signature trying to load DB from file\nFatal error loading the DB: Invalid argument. Exiting./);
  const good = tempDir();
  const g = await start(good);
  const c = await RespClient.connect(g.address.port);
  await c.call('DEBUG', 'POPULATE', '1000');
  assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
  c.close();
  await g.close();
  const bytes = readFileSync(join(good, 'dump.rdb'));
  writeFileSync(join(good, 'dump.rdb'), bytes.subarray(0, bytes.length - 100));
  await assert.rejects(start(good), /Internal error in RDB reading offset \d+ -> .*\nTerminating server after rdb file reading failure./);
});

test('MISCONF after a failed background save, until a save succeeds', async () => {
  const dir = tempDir();
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  const s = await start(sub, { save: '3600 1' });
  const c = await RespClient.connect(s.address.port);
  try {
    await c.call('SET', 'a', '1');
    rmSync(sub, { recursive: true });
    // As with Redis's child, the bad directory shows after the save started.
    assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
    await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0', 5000, 'bgsave end');
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'err');
    const misconf = await c.call('SET', 'b', '2') as { error: string };
    assert.match(misconf.error, /^MISCONF Redis is configured to save RDB snapshots/);
    assert.deepEqual(await c.call('PING'), misconf);
    assert.deepEqual(await c.call('GET', 'a'), '1');
    assert.deepEqual(await c.call('MULTI'), { status: 'OK' });
    assert.deepEqual(await c.call('SET', 'b', '2'), misconf);
    assert.match((await c.call('EXEC') as { error: string }).error, /^EXECABORT/);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'), { status: 'OK' });
    assert.deepEqual(await c.call('SET', 'b', '2'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'), { status: 'OK' });
    assert.deepEqual(await c.call('SAVE'), { error: 'ERR' });
    mkdirSync(sub);
    assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
    assert.deepEqual(await c.call('SET', 'c', '3'), { status: 'OK' });
  } finally {
    c.close();
    await s.close();
  }
});

test('DEBUG RELOAD keeps the dataset; FLUSHALL saves when save points exist', async () => {
  const dir = tempDir();
  const s = await start(dir, { save: '3600 100' });
  const c = await RespClient.connect(s.address.port);
  try {
    await c.call('DEBUG', 'POPULATE', '1000');
    await c.call('HSET', 'h', 'f', 'v');
    await c.call('PEXPIRE', 'h', '100000');
    const digest = await c.call('DEBUG', 'DIGEST');
    assert.deepEqual(await c.call('DEBUG', 'RELOAD'), { status: 'OK' });
    assert.deepEqual(await c.call('DEBUG', 'DIGEST'), digest);
    assert.ok(Number(await c.call('PTTL', 'h')) > 90000);
    assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'BAD'), { error: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.' });
    assert.deepEqual(await c.call('FLUSHALL'), { status: 'OK' });
    // The save of the empty dataset leaves no change unsaved (redis-server 7.0.15 shows 0 too).
    await waitFor(async () => (await info(c, 'rdb_changes_since_last_save')) === '0', 5000, 'FLUSHALL save');
    assert.deepEqual(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), { status: 'OK' });
    assert.deepEqual(await c.call('DBSIZE'), 0);
  } finally {
    c.close();
    await s.close();
  }
});

test('SHUTDOWN SAVE writes the file; a failing save refuses the shutdown', async () => {
  const dir = tempDir();
  const s = await start(dir);
  const c = await RespClient.connect(s.address.port);
  await c.call('SET', 'k', 'v');
  void c.callRaw('SHUTDOWN', 'SAVE').catch(() => null);
  await waitFor(() => c.closed, 5000, 'connection closed');
  assert.ok(existsSync(join(dir, 'dump.rdb')));
  await s.close();

  const sub = join(dir, 'gone');
  mkdirSync(sub);
  const s2 = await start(sub);
  const c2 = await RespClient.connect(s2.address.port);
  try {
    rmSync(sub, { recursive: true });
    assert.deepEqual(await c2.call('SHUTDOWN', 'SAVE'), { error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    assert.deepEqual(await c2.call('PING'), { status: 'PONG' });
  } finally {
    c2.close();
    await s2.close();
  }
});

test('rdb-key-save-delay holds a BGSAVE at that rate while clients are served; lowering it lets the save finish', async () => {
  const dir = tempDir();
  const s = await start(dir, { 'rdb-key-save-delay': '2000' });
  const c = await RespClient.connect(s.address.port);
  try {
    assert.deepEqual(await c.call('DEBUG', 'POPULATE', '1000'), { status: 'OK' });
    const t0 = Date.now();
    assert.deepEqual(await c.call('BGSAVE'), { status: 'Background saving started' });
    // 1,000 keys at 2 ms each: about 2 s of saving, during which every command is answered.
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await c.call('SET', `during${i}`, 'x'), { status: 'OK' });
      assert.equal(await info(c, 'rdb_bgsave_in_progress'), '1');
    }
    assert.ok(Date.now() - t0 < 1500, 'the commands were not held behind the save');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0'), { status: 'OK' });
    await waitFor(async () => (await info(c, 'rdb_bgsave_in_progress')) === '0', 5000, 'the save to finish at full speed');
    assert.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
    c.close();
    await s.close();
    const s2 = await start(dir);
    const c2 = await RespClient.connect(s2.address.port);
    assert.equal(await c2.call('DBSIZE'), 1000, 'the file holds the keys of the moment BGSAVE started');
    c2.close();
    await s2.close();
  } finally {
    c.close();
  }
});
