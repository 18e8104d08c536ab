/**
 * RDB files both ways against the real redis-server 7.0:
 *  - Redis writes (SAVE into a temp dir) every type in every encoding it can produce; Garrison's
 *    RdbReader loads the file and each value's digest equals Redis's DEBUG DIGEST-VALUE, with the
 *    same OBJECT ENCODING and expiry;
 *  - Garrison's RdbWriter writes a file; a redis-server started on it loads it, and DEBUG
 *    DIGEST-VALUE / OBJECT ENCODING / PEXPIRETIME agree with Garrison's values.
 * Ziplist and zipmap files cannot be produced by Redis 7.0: their decoders are tested with
 * hand-built bytes in src/persistence/rdb/codecs.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RespClient } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { DEFAULT_COMMAND_CONFIG } from '../../src/commands/context.js';
import { DigestBuilder, mixValueDigest } from '../../src/keyspace/digest.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { SetValue } from '../../src/keyspace/types/set.js';
import { ZSet } from '../../src/keyspace/types/zset.js';
import type { Value } from '../../src/keyspace/value.js';
import { RdbReader, RdbWriter } from '../../src/persistence/rdb/index.js';

const skip = requireBinaries('redis-server');
const CFG = DEFAULT_COMMAND_CONFIG;

function digest(v: Value, hasExpire = false): string {
  const d = new DigestBuilder();
  mixValueDigest(d, v, hasExpire);
  return d.bytes.toString('hex');
}
/** DEBUG DIGEST-VALUE answers an array of status replies. */
async function redisDigest(c: RespClient, key: string): Promise<string> {
  const r = await c.call('DEBUG', 'DIGEST-VALUE', key);
  assert.ok(Array.isArray(r));
  return (r[0] as { status: string }).status;
}
const enc = (v: Value): string => (typeof v === 'string' ? 'string' : v.encoding());

/** Commands building one key per type/encoding Redis 7.0 can write. */
const POPULATE: string[][] = [
  ['SET', 'str', 'hello'], ['SET', 'int', '123456'], ['SET', 'bigint', '9223372036854775807'],
  ['SET', 'lzf', 'ab'.repeat(100)], ['SET', 'bin', '\x00\xff\x80 binary'],
  ['RPUSH', 'list', 'a', 'b', '1', '-70000', 'x'.repeat(300)],
  ['SADD', 'intset', '1', '2', '-3', '5000000000'], ['SADD', 'hset', 'a', 'b', 'c'],
  ['HSET', 'hlp', 'f', 'v', 'n', '12'], ['HSET', 'hht', 'f', 'x'.repeat(100)],
  ['ZADD', 'zlp', '1', 'a', '0.1', 'b', '-inf', 'c'], ['ZADD', 'zsl', '1', 'y'.repeat(100), '2', 'b'],
  ['SET', 'exp', 'v', 'PXAT', '4102444800000'],
];

async function bigList(c: RespClient): Promise<void> {
  const items = Array.from({ length: 3000 }, (_, i) => `item-${i}`);
  await c.call('RPUSH', 'biglist', ...items);
  await c.call('HSET', 'bighash', ...Array.from({ length: 1200 }, (_, i) => `f${i}`));
  await c.call('ZADD', 'bigz', ...Array.from({ length: 400 }, (_, i) => [String(i / 3), `m${i}`]).flat());
  await c.call('SADD', 'bigset', ...Array.from({ length: 700 }, (_, i) => String(i)));
}

describe('RDB files: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let c: RespClient;
  before(async () => {
    redis = await startRedis(['--dbfilename', 'dump.rdb']);
    c = await RespClient.connect(redis.port);
  });
  after(async () => {
    c?.close();
    await redis?.stop();
  });

  test('Garrison reads what Redis SAVEs: same digests, encodings and expiries', async () => {
    await c.call('FLUSHALL');
    for (const cmd of POPULATE) await c.call(...cmd);
    await bigList(c);
    await c.call('SELECT', '3');
    await c.call('SET', 'indb3', 'x');
    await c.call('SELECT', '0');
    assert.deepEqual(await c.call('SAVE'), { status: 'OK' });
    const file = readFileSync(join(redis.dir, 'dump.rdb'));
    const reader = new RdbReader(file, { limits: CFG });
    const aux = new Map<string, string>();
    let n = 0;
    for (let it = reader.next(); it !== null; it = reader.next()) {
      if (it.kind === 'aux') aux.set(it.key, it.value);
      if (it.kind !== 'entry') continue;
      n++;
      if (it.db !== 0) {
        assert.equal(it.key, 'indb3');
        continue;
      }
      assert.equal(digest(it.value, it.expireMs !== -1), await redisDigest(c, it.key), `digest of ${it.key}`);
      const e = await c.call('OBJECT', 'ENCODING', it.key);
      const mine = enc(it.value);
      if (mine !== 'string') assert.equal(mine, e, `encoding of ${it.key}`);
      const pexp = await c.call('PEXPIRETIME', it.key);
      assert.equal(Number(it.expireMs), Number(pexp));
    }
    assert.equal(n, POPULATE.length + 5);
    assert.equal(aux.get('redis-ver'), redis.version);
  });

  test('Redis loads what Garrison writes: same digests, encodings and expiries', async () => {
    const values: Array<[string, Value, number]> = [
      ['str', 'hello', -1], ['int', '-42', -1], ['lzf', 'abc'.repeat(50), 4102444800000],
      ['list', ListValue.from(['a', '1', 'x'.repeat(300), ...Array.from({ length: 3000 }, (_, i) => `e${i}`)]), -1],
      ['intset', SetValue.of(['1', '-5', '5000000000'], 512), -1], ['hset', SetValue.of(['a', 'b'], 512), -1],
      ['hlp', HashValue.fromPairs(['f', 'v', 'g', '7'], CFG), -1],
      ['hht', HashValue.fromPairs(Array.from({ length: 1200 }, (_, i) => `k${i}`), CFG), -1],
      ['zlp', ZSet.fromEntries(['a', 'b', 'c'], [0.1, 1, -Infinity], CFG), -1],
      ['zsl', ZSet.fromEntries(Array.from({ length: 300 }, (_, i) => `m${i}`), Array.from({ length: 300 }, (_, i) => i / 7), CFG), -1],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'garrison-rdb-'));
    let loaded: RedisProcess | undefined;
    let c2: RespClient | undefined;
    try {
      for (const checksum of [true, false]) {
        const w = new RdbWriter({ compression: true, checksum });
        w.header([['redis-ver', '7.0.15'], ['redis-bits', '64'], ['ctime', '1700000000'], ['used-mem', '1000000'],
          ['aof-base', '0']]);
        w.selectDb(0, values.length, 1);
        const parts: Buffer[] = [];
        for (const [k, v, exp] of values) { w.entry(k, v, exp); parts.push(w.take()); }
        w.end();
        parts.push(w.take());
        writeFileSync(join(dir, 'garrison.rdb'), Buffer.concat(parts));
        loaded = await startRedis(['--dir', dir, '--dbfilename', 'garrison.rdb']);
        c2 = await RespClient.connect(loaded.port);
        assert.equal(await c2.call('DBSIZE'), values.length);
        for (const [k, v, exp] of values) {
          assert.equal(await redisDigest(c2, k), digest(v, exp !== -1), `digest of ${k}`);
          if (typeof v !== 'string') assert.equal(await c2.call('OBJECT', 'ENCODING', k), enc(v), `encoding of ${k}`);
          assert.equal(Number(await c2.call('PEXPIRETIME', k)), exp);
        }
        c2.close();
        c2 = undefined;
        await loaded.stop();
        loaded = undefined;
      }
    } finally {
      c2?.close();
      await loaded?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
