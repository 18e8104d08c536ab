import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashValue } from '../../keyspace/types/hash.js';
import { ListValue } from '../../keyspace/types/list.js';
import { ZSet } from '../../keyspace/types/zset.js';
import { AofCommandReader } from './command-reader.js';
import { AofCommandEncoder } from './command-encoder.js';

function commands(bytes: Buffer): string[][] {
  const r = new AofCommandReader(bytes);
  const out: string[][] = [];
  for (let x = r.next(); x.kind === 'command'; x = r.next()) out.push(x.argv);
  return out;
}

test('golden bytes: SELECT, SET and PEXPIREAT as redis-server 7.0 writes them', () => {
  const e = new AofCommandEncoder(null);
  e.header();
  e.selectDb(0);
  e.entry('a', '1', 1796477917730);
  assert.equal(e.take().toString('latin1'),
    '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\na\r\n$13\r\n1796477917730\r\n');
});

test('collections are written 64 items per command, pairs for hashes and sorted sets', () => {
  const e = new AofCommandEncoder(1700000000);
  e.header();
  const items = Array.from({ length: 130 }, (_, i) => `v${i}`);
  e.entry('l', ListValue.from(items), null);
  const pairs: string[] = [];
  for (let i = 0; i < 70; i++) pairs.push(`f${i}`, `x${i}`);
  e.entry('h', HashValue.fromPairs(pairs, { hashMaxListpackEntries: 128, hashMaxListpackValue: 64 }), null);
  e.entry('z', ZSet.fromEntries(['a', 'b'], [1.5, Infinity], { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 }), null);
  const bytes = e.take();
  assert.ok(bytes.toString('latin1').startsWith('#TS:1700000000\r\n'));
  const cmds = commands(bytes);
  assert.deepEqual(cmds.map((c) => [c[0], c.length - 2]), [['RPUSH', 64], ['RPUSH', 64], ['RPUSH', 2], ['HMSET', 128], ['HMSET', 12], ['ZADD', 4]]);
  assert.deepEqual(cmds.slice(0, 3).flatMap((c) => c.slice(2)), items);
  assert.deepEqual(cmds[5], ['ZADD', 'z', '1.5', 'a', 'inf', 'b']);
});
