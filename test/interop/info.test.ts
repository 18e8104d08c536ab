/**
 * INFO against a real redis-server 7.0: after the same commands on both servers, every section of
 * `INFO everything` must have the same field names in the same order (values differ by nature).
 * Commandstats and latencystats list commands in Redis's hash-table order, so there the sets of
 * names are compared. Garrison's one addition, `garrison_version` at the end of # Server, is
 * expected and checked for.
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';

const skip = requireBinaries('redis-server');

type Sections = Array<[string, string[]]>;

function fieldNames(text: string): Sections {
  const out: Sections = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) out.push([line.slice(2), []]);
    else if (line !== '') out[out.length - 1]![1].push(line.slice(0, line.indexOf(':')));
  }
  return out;
}

/** The same traffic on both servers: data, hits and misses, errors, a subcommand, another db. */
async function exercise(c: RespClient): Promise<void> {
  await c.call('CONFIG', 'RESETSTAT');
  await c.call('SET', 'k', 'v');
  await c.call('SET', 't', 'v', 'EX', '1000');
  await c.call('GET', 'k');
  await c.call('GET', 'missing');
  await c.call('INCR', 'k');
  await c.call('GET');
  await c.call('NOSUCHCOMMAND');
  await c.call('CLIENT', 'ID');
  await c.call('SELECT', '2');
  await c.call('SET', 'k2', 'v');
  await c.call('SELECT', '0');
}

describe('INFO field names: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;
  let redisInfo: Sections;
  let garrisonInfo: Sections;

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ save: '', appendonly: 'no' });
    const rc = await RespClient.connect(redis.port);
    const gc = await RespClient.connect(garrison.port);
    try {
      await exercise(rc);
      await exercise(gc);
      redisInfo = fieldNames((await rc.call('INFO', 'everything')) as string);
      garrisonInfo = fieldNames((await gc.call('INFO', 'everything')) as string);
    } finally {
      rc.close();
      gc.close();
    }
  });

  after(async () => {
    await garrison?.close();
    await redis?.stop();
  });

  test('the same sections in the same order', () => {
    assert.deepEqual(garrisonInfo.map(([s]) => s), redisInfo.map(([s]) => s));
  });

  test('each section has the same field names in the same order', () => {
    const unordered = new Set(['Commandstats', 'Latencystats']);
    const g = new Map(garrisonInfo);
    for (const [section, names] of redisInfo) {
      let mine = g.get(section) ?? [];
      if (section === 'Server') {
        assert.equal(mine[mine.length - 1], 'garrison_version');
        mine = mine.slice(0, -1);
      }
      if (unordered.has(section)) assert.deepEqual([...mine].sort(), [...names].sort(), section);
      else assert.deepEqual(mine, names, section);
    }
  });

  test('INFO default and single sections select the same sections', async () => {
    const rc = await RespClient.connect(redis.port);
    const gc = await RespClient.connect(garrison.port);
    try {
      for (const args of [[], ['default'], ['all'], ['SERVER', 'keyspace'], ['nosuch'], ['module_list'], ['commandstats', 'default']]) {
        const r = fieldNames((await rc.call('INFO', ...args)) as string).map(([s]) => s);
        const gi = fieldNames((await gc.call('INFO', ...args)) as string).map(([s]) => s);
        assert.deepEqual(gi, r, `INFO ${args.join(' ')}`);
      }
    } finally {
      rc.close();
      gc.close();
    }
  });

  test('the same requests give the same read and write counts', async () => {
    const counts = async (port: number): Promise<string[]> => {
      const c = await RespClient.connect(port);
      try {
        await c.call('CONFIG', 'RESETSTAT');
        for (let i = 0; i < 10; i++) await c.call('PING');
        await c.pipeline([['SET', 'rw', 'v'], ['GET', 'rw'], ['DEL', 'rw']]);
        const text = (await c.call('INFO', 'stats')) as string;
        return text.split('\r\n').filter((l) => /^total_(reads|writes)_processed:/.test(l));
      } finally {
        c.close();
      }
    };
    const r = await counts(redis.port);
    assert.deepEqual(r, ['total_reads_processed:12', 'total_writes_processed:12']);
    assert.deepEqual(await counts(garrison.port), r);
  });
});
