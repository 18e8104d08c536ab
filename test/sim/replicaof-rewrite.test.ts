/**
 * CONFIG REWRITE writes the replication role the node has now, as Redis's rewrite of `replicaof`
 * does (from server.masterhost): Sentinel sends SLAVEOF + CONFIG REWRITE in one transaction so a
 * promoted or re-pointed node restarts in its new role. Found by the sentinel kill-master
 * scenario: the promoted replica kept `replicaof <old master>` in its redis.conf.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../../src/sim/world.js';

test('CONFIG REWRITE after REPLICAOF NO ONE / REPLICAOF host port writes the current role', async () => {
  const world = new World({ seed: 7 });
  const n = await world.addNode(['/data/redis.conf'], { files: { '/data/redis.conf': 'port 6379\nreplicaof 10.0.0.9 6379\n' } });
  const c = world.client(n);
  assert.deepEqual(await world.settle(c.call('REPLICAOF', 'NO', 'ONE')), { status: 'OK' });
  assert.deepEqual(await world.settle(c.call('CONFIG', 'REWRITE')), { status: 'OK' });
  const promoted = n.disk.peek('/data/redis.conf')!.toString();
  assert.doesNotMatch(promoted, /^replicaof /m);
  assert.deepEqual(await world.settle(c.call('CONFIG', 'GET', 'replicaof')), ['replicaof', '']);

  assert.deepEqual(await world.settle(c.call('REPLICAOF', '10.0.0.8', '6380')), { status: 'OK' });
  assert.deepEqual(await world.settle(c.call('CONFIG', 'REWRITE')), { status: 'OK' });
  assert.match(n.disk.peek('/data/redis.conf')!.toString(), /^replicaof 10\.0\.0\.8 6380$/m);
  assert.deepEqual(await world.settle(c.call('CONFIG', 'GET', 'replicaof')), ['replicaof', '10.0.0.8 6380']);

  // A restart reads it back: the node comes up as a replica of the new master.
  await n.restart();
  assert.deepEqual(await world.settle(world.client(n).call('CONFIG', 'GET', 'replicaof')), ['replicaof', '10.0.0.8 6380']);
  c.close();
});
