/**
 * AOF files against the real Redis 7.0 tools and server: `redis-check-aof` accepts Garrison's
 * manifest and files; a Garrison AOF directory loads in `redis-server --appendonly yes` with the
 * same DEBUG DIGEST; a directory written by redis-server loads in Garrison with the same digest.
 * Both base formats are exchanged: commands (aof-use-rdb-preamble no) and RDB (the default).
 *
 * Without the binaries the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/index.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { datasetDigest, infoField } from '../helpers/dataset.js';
import { requireBinaries, runTool, startRedis } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server', 'redis-check-aof');

const info = (c: RespClient, field: string): Promise<string> => infoField(c, 'persistence', field);
const digest = datasetDigest;

/** The same data on either server: every type, big collections, binary bytes, TTLs, two databases. */
async function populate(c: RespClient, tag: string): Promise<void> {
  const big = Array.from({ length: 150 }, (_, i) => `item-${i}`);
  await c.pipeline([
    ['SET', `${tag}s`, 'plain'],
    ['SET', `${tag}bin`, Buffer.from([0, 1, 13, 10, 255, 32])],
    ['SET', `${tag}int`, '12345'],
    ['RPUSH', `${tag}list`, ...big],
    ['SADD', `${tag}intset`, '1', '2', '300000'],
    ['SADD', `${tag}set`, ...big],
    ['HSET', `${tag}hash`, ...big.flatMap((b, i) => [b, String(i)])],
    ['HSET', `${tag}small`, 'a', '1'],
    ['ZADD', `${tag}z`, '1.5', 'a', '-2', 'b', 'inf', 'c', '0.1', 'd'],
    ['ZADD', `${tag}bigz`, ...big.flatMap((b, i) => [String(i / 7), b])],
    ['SET', `${tag}ttl`, 'x', 'PX', '900000'],
    ['SELECT', '5'],
    ['SET', `${tag}db5`, 'five'],
    ['EXPIRE', `${tag}db5`, '5000'],
    ['SELECT', '0'],
  ]);
}

for (const preamble of ['no', 'yes']) describe(`AOF interop with redis-server and redis-check-aof 7.0 (aof-use-rdb-preamble ${preamble})`, { skip: skip ?? false }, () => {
  test('redis-check-aof accepts Garrison\'s manifest and redis-server loads its directory with the same digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'garrison-aof-interop-'));
    try {
      const g = await startServer({ config: { dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble, save: '', 'enable-debug-command': 'yes', 'aof-timestamp-enabled': 'yes' } });
      const c = await RespClient.connect(g.address.port);
      await populate(c, 'before:');
      await c.call('BGREWRITEAOF');
      await waitFor(async () => (await info(c, 'aof_rewrite_in_progress')) === '0', 10_000, 'rewrite');
      await populate(c, 'after:');
      await c.pipeline([['MULTI'], ['INCR', 'n'], ['LPUSH', 'after:list', 'head'], ['EXEC']]);
      const expected = await digest(c);
      c.close();
      await g.close();
      const check = await runTool('redis-check-aof', [join(dir, 'appendonlydir', 'appendonly.aof.manifest')]);
      assert.equal(check.code, 0, check.stdout.toString() + check.stderr);
      assert.match(check.stdout.toString(), /All AOF files and manifest are valid/);
      assert.match(check.stdout.toString(), preamble === 'yes' ? /Start to check BASE AOF \(RDB format\)/ : /Start to check BASE AOF \(RESP format\)/);
      const redis = await startRedis(['--appendonly', 'yes', '--dir', dir]);
      try {
        const rc = await RespClient.connect(redis.port);
        assert.equal(await digest(rc), expected);
        rc.close();
      } finally {
        await redis.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory written by redis-server loads in Garrison with the same digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'garrison-aof-interop-'));
    try {
      const redis = await startRedis(['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble, '--aof-timestamp-enabled', 'yes']);
      let expected: string;
      try {
        const rc = await RespClient.connect(redis.port);
        await populate(rc, 'before:');
        await rc.call('BGREWRITEAOF');
        await waitFor(async () => (await info(rc, 'aof_rewrite_in_progress')) === '0', 10_000, 'rewrite');
        await populate(rc, 'after:');
        await rc.pipeline([['MULTI'], ['INCR', 'n'], ['SPOP', 'after:set', '3'], ['EXEC']]);
        expected = await digest(rc);
        rc.close();
        cpSync(join(redis.dir, 'appendonlydir'), join(dir, 'appendonlydir'), { recursive: true });
      } finally {
        await redis.stop();
      }
      const g = await startServer({ config: { dir, appendonly: 'yes', save: '', 'enable-debug-command': 'yes' } });
      const c = await RespClient.connect(g.address.port);
      assert.equal(await digest(c), expected);
      c.close();
      await g.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
