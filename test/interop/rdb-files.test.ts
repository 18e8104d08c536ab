/**
 * RDB files across implementations: a file written by Garrison's BGSAVE (taken while a client
 * keeps writing) loads in the real redis-server 7.0 with the DEBUG DIGEST Garrison had when the
 * save started; a file saved by redis-server loads in Garrison with the same digest.
 * Without the binaries the file skips with a visible message, except under CI=true (failure).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServer } from '../../src/index.js';
import { RDB_CODEC } from '../../src/persistence/rdb-codec.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { requireBinaries, startRedis } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server');
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'garrison-rdb-interop-'));
  dirs.push(d);
  return d;
}

/** A dataset touching every encoding the writer has: small and large collections, TTLs, dbs. */
async function populate(c: RespClient): Promise<void> {
  await c.call('DEBUG', 'POPULATE', '2000', 'k', '10');
  await c.call('SET', 'int', '12345');
  await c.call('SET', 'neg', '-9223372036854775808');
  await c.call('SET', 'bin\x00\xff', Buffer.from([0, 1, 2, 255]));
  await c.call('SET', 'long', 'abc'.repeat(500));
  await c.call('SET', 'ttl', 'v', 'PX', '100000000');
  await c.call('RPUSH', 'smalllist', 'a', '1', '-7', 'x'.repeat(70));
  for (let i = 0; i < 300; i++) await c.call('RPUSH', 'biglist', `element-${i}`, String(i * 1000));
  await c.call('SADD', 'intset', '1', '2', '-3', '4000000000');
  await c.call('SADD', 'smallset', 'a', 'b', 'c');
  for (let i = 0; i < 200; i++) await c.call('SADD', 'bigset', `m${i}`);
  await c.call('HSET', 'smallhash', 'f1', 'v1', 'f2', '22');
  for (let i = 0; i < 200; i++) await c.call('HSET', 'bighash', `f${i}`, 'v'.repeat(i % 80));
  await c.call('ZADD', 'smallzset', '1.5', 'a', '-2', 'b', 'inf', 'c');
  for (let i = 0; i < 200; i++) await c.call('ZADD', 'bigzset', String(i / 7), `m${i}`);
  await c.call('PFADD', 'hll', 'a', 'b', 'c');
  await c.call('SELECT', '3');
  await c.call('SET', 'other-db', 'x');
  await c.call('HSET', 'h3', 'a', '1');
  await c.call('PEXPIRE', 'h3', '50000000');
  await c.call('SELECT', '0');
}

describe('RDB files between Garrison and redis-server', { skip: skip ?? false }, () => {
  test('a file from Garrison BGSAVE (under writes) loads in redis-server with the same digest', async () => {
    const dir = tempDir();
    const g = await startServer({ config: { dir, save: '', 'enable-debug-command': 'yes' }, rdbCodec: RDB_CODEC });
    const c = await RespClient.connect(g.address.port);
    const w = await RespClient.connect(g.address.port);
    let digest: Decoded;
    try {
      await populate(c);
      const [d, started] = await c.pipeline([['DEBUG', 'DIGEST'], ['BGSAVE']]);
      digest = d!.value;
      assert.deepEqual(started!.value, { status: 'Background saving started' });
      let i = 0;
      for (;;) {
        const inf = await c.call('INFO', 'persistence') as string;
        if (inf.includes('rdb_bgsave_in_progress:0')) break;
        await w.pipeline([['SET', `key:${i % 2000}`, 'changed'], ['RPUSH', 'biglist', 'more'], ['DEL', 'smallhash'], ['SET', `new${i}`, '1']]);
        i++;
      }
      assert.match(await c.call('INFO', 'persistence') as string, /rdb_last_bgsave_status:ok/);
    } finally {
      c.close();
      w.close();
      await g.close();
    }
    const redisDir = tempDir();
    copyFileSync(join(dir, 'dump.rdb'), join(redisDir, 'dump.rdb'));
    const r = await startRedis(['--dir', redisDir, '--dbfilename', 'dump.rdb']);
    const rc = await RespClient.connect(r.port);
    try {
      assert.deepEqual(await rc.call('DEBUG', 'DIGEST'), digest);
      assert.deepEqual(await rc.call('PTTL', 'ttl').then((v) => Number(v) > 99_000_000), true);
    } finally {
      rc.close();
      await r.stop();
    }
  });

  test('a file saved by redis-server loads in Garrison with the same digest', async () => {
    const r = await startRedis();
    const rc = await RespClient.connect(r.port);
    let digest: Decoded;
    const dir = tempDir();
    try {
      await populate(rc);
      digest = await rc.call('DEBUG', 'DIGEST');
      assert.deepEqual(await rc.call('SAVE'), { status: 'OK' });
      copyFileSync(join(r.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    } finally {
      rc.close();
      await r.stop();
    }
    const g = await startServer({ config: { dir, save: '', 'enable-debug-command': 'yes' }, rdbCodec: RDB_CODEC });
    const c = await RespClient.connect(g.address.port);
    try {
      await waitFor(async () => !String(await c.call('INFO', 'persistence')).includes('loading:1'), 10_000, 'load');
      assert.deepEqual(await c.call('DEBUG', 'DIGEST'), digest);
    } finally {
      c.close();
      await g.close();
    }
  });
});
