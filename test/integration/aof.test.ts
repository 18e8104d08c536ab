/**
 * The append-only file end to end, in-process servers over real sockets with real files in a
 * temporary directory: restarts keep the data, BGREWRITEAOF under writes loses nothing, a crash in
 * the middle of a rewrite leaves a loadable AOF, a truncated tail is cut back (or refused), AOF
 * turned on at run time, the pre-7.0 single file is upgraded, and random command sequences come
 * back identical through DEBUG LOADAOF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../../src/index.js';
import { aofOf } from '../../src/server/aof.js';
import { buildServer, listen } from '../../src/node/build.js';
import { loadAtStart } from '../../src/node/load-at-start.js';
import { nodeEnvironment, nullSink } from '../../src/runtime/node/index.js';
import { Config } from '../../src/server/config/config.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { datasetDigest, infoField } from '../helpers/dataset.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'garrison-aof-'));
}

async function start(dir: string, extra: Record<string, string> = {}): Promise<{ s: RunningServer; c: RespClient }> {
  const s = await startServer({ config: { dir, appendonly: 'yes', save: '', 'enable-debug-command': 'yes', ...extra } });
  const c = await RespClient.connect(s.address.port);
  return { s, c };
}

const info = (c: RespClient, field: string): Promise<string> => infoField(c, 'persistence', field);
const digest = datasetDigest;

/** Closes the node, starts it again on the same directory and checks the dataset came back. */
async function restartKeeps(dir: string, node: { s: RunningServer; c: RespClient } | null, digestBefore: string): Promise<void> {
  if (node !== null) {
    node.c.close();
    await node.s.close();
  }
  const { s, c } = await start(dir);
  try {
    assert.equal(await digest(c), digestBefore);
  } finally {
    c.close();
    await s.close();
  }
}

async function fill(c: RespClient, n: number, prefix = 'k'): Promise<void> {
  const cmds: string[][] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) cmds.push(['SET', `${prefix}${i}`, `v${i}`]);
    else if (i % 4 === 1) cmds.push(['RPUSH', `${prefix}${i}`, 'a', 'b', String(i)]);
    else if (i % 4 === 2) cmds.push(['HSET', `${prefix}${i}`, 'f', String(i), 'g', 'x']);
    else cmds.push(['ZADD', `${prefix}${i}`, String(i / 3), 'm', '2', 'n']);
  }
  for (let i = 0; i < cmds.length; i += 1000) await c.pipeline(cmds.slice(i, i + 1000));
}

test('a restart with appendonly yes keeps the data, across databases and TTLs', async () => {
  const dir = tempDir();
  try {
    let { s, c } = await start(dir);
    await c.call('SET', 'a', '1');
    await c.call('RPUSH', 'l', 'x', 'y');
    await c.call('SELECT', '3');
    await c.call('SADD', 'st', '1', '2', 'three');
    await c.call('EXPIRE', 'st', '1000');
    await c.call('MULTI');
    await c.call('INCR', 'n');
    await c.call('INCR', 'n');
    await c.call('EXEC');
    const before = await digest(c);
    c.close();
    await s.close();
    const manifest = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
    // aof-use-rdb-preamble yes (the default): the base is an RDB image.
    assert.equal(manifest, 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    assert.equal(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.base.rdb')).toString('latin1', 0, 5), 'REDIS');
    ({ s, c } = await start(dir));
    assert.equal(await digest(c), before);
    await c.call('SELECT', '3');
    assert.ok(((await c.call('TTL', 'st')) as number) > 990);
    c.close();
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const policy of ['always', 'everysec', 'no']) {
  test(`appendfsync ${policy}: a write is in the incr file before its reply arrives`, async () => {
    const dir = tempDir();
    const { s, c } = await start(dir, { appendfsync: policy });
    try {
      const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
      for (let i = 0; i < 20; i++) {
        await c.call('SET', `key${i}`, `value${i}`);
        const tail = `$${`key${i}`.length}\r\nkey${i}\r\n$${`value${i}`.length}\r\nvalue${i}\r\n`;
        const written = (): boolean => readFileSync(incr, 'latin1').endsWith(tail);
        if (policy === 'everysec') {
          // As in Redis's flushAppendOnlyFile: while the once-a-second background fsync is in
          // flight, writing the buffer is postponed (up to 2 s), and replies leave before it.
          await waitFor(written, 5_000, `write ${i} in the file`);
        } else {
          assert.ok(written(), `write ${i}`);
        }
      }
      await waitFor(async () => (await info(c, 'aof_buffer_length')) === '0', 5_000, 'the AOF buffer written');
      assert.equal(await info(c, 'aof_current_size'), String(statSync(incr).size + statSync(join(dir, 'appendonlydir', 'appendonly.aof.1.base.rdb')).size));
    } finally {
      c.close();
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('BGREWRITEAOF while clients write loses nothing; history files are removed', async () => {
  const dir = tempDir();
  try {
    const { s, c } = await start(dir, { 'aof-use-rdb-preamble': 'no' });
    await fill(c, 20_000);
    const writer = await RespClient.connect(s.address.port);
    assert.deepEqual(await c.call('BGREWRITEAOF'), { status: 'Background append only file rewriting started' });
    assert.deepEqual(await c.call('BGREWRITEAOF'), { error: 'ERR Background append only file rewriting already in progress' });
    // Writes during the rewrite: changes to keys not yet written, new keys, deletions.
    for (let round = 0; round < 20; round++) {
      await writer.pipeline([['APPEND', `k${round * 997}`, '+'], ['SET', `new${round}`, 'x'], ['DEL', `k${round * 991 + 2}`], ['LPUSH', `k${round * 4 + 1}`, 'front']]);
    }
    await waitFor(async () => (await info(c, 'aof_rewrite_in_progress')) === '0', 20_000, 'rewrite to finish');
    assert.equal(await info(c, 'aof_last_bgrewrite_status'), 'ok');
    assert.equal(await info(c, 'aof_rewrites'), '1');
    const before = await digest(c);
    const files = readdirSync(join(dir, 'appendonlydir')).sort();
    assert.deepEqual(files, ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    assert.deepEqual(await c.call('DEBUG', 'LOADAOF'), { status: 'OK' });
    assert.equal(await digest(c), before);
    writer.close();
    await restartKeeps(dir, { s, c }, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash in the middle of a rewrite leaves a loadable AOF with every acknowledged write', async () => {
  const dir = tempDir();
  try {
    // rdb-key-save-delay (1 ms a key) keeps the rewrite of 3,000 keys running for about 3 s:
    // the crash below lands in its middle however fast the machine is. appendfsync always: with
    // everysec an acknowledged write may still sit in the buffer while the previous file's fsync
    // runs (Redis's flushAppendOnlyFile postpones the write up to 2 s and answers meanwhile), so
    // only `always` promises that every acknowledged write survives a crash.
    const { s, c } = await start(dir, { 'aof-use-rdb-preamble': 'no', 'rdb-key-save-delay': '1000', appendfsync: 'always' });
    await fill(c, 3_000);
    const replies = await c.pipeline([['BGREWRITEAOF'], ['SET', 'during', '1'], ['INCR', 'counter']]);
    assert.deepEqual(replies[0]!.value, { status: 'Background append only file rewriting started' });
    assert.equal(await info(c, 'aof_rewrite_in_progress'), '1');
    const before = await digest(c);
    // The crash: no flush, the rewrite stops where it is, its temporary file stays behind.
    c.close();
    aofOf(s.server)!.close(false);
    await s.server.close();
    assert.ok(readdirSync(dir).some((f) => f.startsWith('temp-rewriteaof-bg-')));
    await restartKeeps(dir, null, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated last command is cut back with aof-load-truncated yes and refused with no', async () => {
  const dir = tempDir();
  try {
    let { s, c } = await start(dir);
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    c.close();
    await s.close();
    const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const good = statSync(incr).size;
    writeFileSync(incr, Buffer.concat([readFileSync(incr), Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel')]));
    await assert.rejects(start(dir, { 'aof-load-truncated': 'no' }));
    ({ s, c } = await start(dir));
    assert.equal(statSync(incr).size, good);
    assert.deepEqual(await c.call('MGET', 'a', 'b', 'c'), ['1', '2', null]);
    c.close();
    await s.close();
    // A format error is never forgiven.
    writeFileSync(incr, Buffer.concat([readFileSync(incr), Buffer.from('garbage\r\n')]));
    await assert.rejects(start(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CONFIG SET appendonly yes rewrites the dataset and then logs every write', async () => {
  const dir = tempDir();
  try {
    let { s, c } = await start(dir, { appendonly: 'no' });
    await fill(c, 2000);
    assert.equal(await info(c, 'aof_enabled'), '0');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), { status: 'OK' });
    await c.call('SET', 'after', 'on');
    await waitFor(async () => (await info(c, 'aof_rewrite_in_progress')) === '0', 10_000, 'first rewrite');
    assert.equal(await info(c, 'aof_enabled'), '1');
    await c.call('SET', 'later', 'x');
    const before = await digest(c);
    assert.equal(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'),
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    c.close();
    await s.close();
    ({ s, c } = await start(dir));
    assert.equal(await digest(c), before);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'no'), { status: 'OK' });
    assert.equal(await info(c, 'aof_enabled'), '0');
    c.close();
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pre-7.0 appendonly.aof is moved into the directory as the base of a new manifest', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'appendonly.aof'), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n');
    const { s, c } = await start(dir);
    assert.equal(await c.call('GET', 'old'), 'style');
    assert.equal(existsSync(join(dir, 'appendonly.aof')), false);
    assert.equal(readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'),
      'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    c.close();
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('property: random command sequences come back identical through DEBUG LOADAOF and a restart', async () => {
  const dir = tempDir();
  let { s, c } = await start(dir, { 'aof-use-rdb-preamble': 'no', 'aof-timestamp-enabled': 'yes' });
  try {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const val = fc.string({ maxLength: 8 });
    const command = fc.oneof(
      fc.tuple(key, val).map(([k, v]) => ['SET', k, v]),
      fc.tuple(key, val).map(([k, v]) => ['RPUSH', `l${k}`, v]),
      fc.tuple(key).map(([k]) => ['LPOP', `l${k}`]),
      fc.tuple(key, val, val).map(([k, f, v]) => ['HSET', `h${k}`, f || 'f', v]),
      fc.tuple(key, val).map(([k, m]) => ['SADD', `s${k}`, m]),
      fc.tuple(key).map(([k]) => ['SPOP', `s${k}`]),
      fc.tuple(key, fc.integer({ min: -5, max: 5 }), val).map(([k, sc, m]) => ['ZADD', `z${k}`, String(sc), m]),
      fc.tuple(key).map(([k]) => ['INCR', `n${k}`]),
      fc.tuple(key).map(([k]) => ['DEL', k]),
      fc.tuple(key, fc.integer({ min: 100, max: 10_000 })).map(([k, t]) => ['EXPIRE', `l${k}`, String(t)]),
      fc.constantFrom('SELECT 0', 'SELECT 1', 'FLUSHDB', 'BGREWRITEAOF').map((t) => t.split(' ')),
    );
    await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (cmds) => {
      await c.call('FLUSHALL');
      await c.call('SELECT', '0');
      await c.pipeline(cmds);
      await waitFor(async () => (await info(c, 'aof_rewrite_in_progress')) === '0', 10_000, 'rewrite');
      const before = await digest(c);
      assert.deepEqual(await c.call('DEBUG', 'LOADAOF'), { status: 'OK' });
      assert.equal(await digest(c), before);
    }), { numRuns: 25 });
    const before = await digest(c);
    c.close();
    await s.close();
    ({ s, c } = await start(dir));
    assert.equal(await digest(c), before);
  } finally {
    c.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('while the AOF loads at start, clients get -LOADING and INFO shows the progress', async () => {
  const dir = tempDir();
  try {
    const first = await start(dir, { 'aof-use-rdb-preamble': 'no' });
    await fill(first.c, 100_000);
    first.c.close();
    await first.s.close();
    const config = new Config();
    for (const [k, v] of Object.entries({ port: '0', bind: '127.0.0.1', dir, appendonly: 'yes', save: '' })) config.set(k, [v]);
    const server = buildServer({ env: nodeEnvironment(), config, logSink: nullSink });
    const listeners = await listen(server);
    server.startTicking();
    const loaded = loadAtStart(server);
    const a = listeners[0]!.address;
    const c = await RespClient.connect('port' in a ? a.port : 0);
    assert.deepEqual(await c.call('GET', 'k0'), { error: 'LOADING Redis is loading the dataset in memory' });
    assert.equal(await info(c, 'loading'), '1');
    assert.ok(Number(await info(c, 'loading_total_bytes')) > 0);
    await loaded;
    assert.equal(await c.call('GET', 'k0'), 'v0');
    assert.equal(await c.call('DBSIZE'), 100_000);
    c.close();
    aofOf(server)!.close(true);
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PUBLISH goes to replicas only: the AOF never gets it, even inside a transaction', async () => {
  const dir = tempDir();
  const { s, c } = await start(dir);
  try {
    await c.call('PUBLISH', 'ch', 'alone');
    await c.pipeline([['MULTI'], ['PUBLISH', 'ch', 'in-multi'], ['SET', 'k', 'v'], ['EXEC']]);
    await waitFor(async () => (await info(c, 'aof_buffer_length')) === '0', 5_000, 'the AOF buffer written');
    const incr = readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    assert.ok(incr.includes('$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'), incr);
    assert.ok(!incr.includes('PUBLISH'), incr);
  } finally {
    c.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
