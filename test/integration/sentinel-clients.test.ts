/**
 * Real clients follow a Garrison-only Sentinel failover (startSentinelGroup: 1 master, 2 replicas,
 * 3 sentinels in this process): ioredis, node-redis and redis-py find the master through the
 * sentinels, write and read, the master is closed, and each client's next writes land on the
 * replica the sentinels promoted. Also what startSentinelGroup resolves with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSentinelGroup, type SentinelGroup } from '../../src/index.js';
import { fields } from '../helpers/reply-fields.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { ioredisFollows, nodeRedisFollows, redisPyFollows, redisPyMissing, type FollowResult, type Kill } from '../helpers/sentinel-clients.js';

async function withGroup(fn: (g: SentinelGroup, kill: Kill) => Promise<FollowResult>): Promise<void> {
  const g = await startSentinelGroup({ downAfterMs: 1000, failoverTimeoutMs: 3000 });
  try {
    const r = await fn(g, () => g.master.close());
    assert.equal(r.before, g.master.address.port);
    // The client may have heard of the new master from the leader before the first sentinel did.
    const promoted = (): boolean => g.replicas.some((x) => x.address.port === g.currentMaster()?.port);
    await waitFor(promoted, 10_000, 'the first sentinel reports a promoted replica');
    assert.equal(r.after, g.currentMaster()!.port, 'the client writes to the promoted replica');
  } finally {
    await g.close();
  }
}

test('startSentinelGroup resolves with every sentinel knowing both replicas and the two other sentinels', async () => {
  const g = await startSentinelGroup({ masterName: 'grp', downAfterMs: 2000 });
  const clients: RespClient[] = [];
  try {
    assert.equal(g.sentinels.length, 3);
    assert.equal(g.replicas.length, 2);
    assert.deepEqual(g.sentinelAddresses, g.sentinels.map((s) => s.address));
    assert.deepEqual(g.currentMaster(), g.master.address);
    for (const s of g.sentinels) {
      const c = await RespClient.connect(s.address.port);
      clients.push(c);
      const f = fields(await c.call('SENTINEL', 'MASTER', 'grp'));
      assert.deepEqual([f['flags'], f['port'], f['num-slaves'], f['num-other-sentinels'], f['quorum'], f['down-after-milliseconds']],
        ['master', String(g.master.address.port), '2', '2', '2', '2000']);
      const replicas = await c.call('SENTINEL', 'REPLICAS', 'grp') as Decoded[];
      assert.deepEqual(replicas.map((r) => Number(fields(r)['port'])).sort(), g.replicas.map((r) => r.address.port).sort());
    }
    // Each node closes alone; the group's close() then skips it.
    await g.replicas[0]!.close();
    assert.deepEqual(g.currentMaster(), g.master.address);
  } finally {
    for (const c of clients) c.close();
    await g.close();
  }
});

test('ioredis follows a failover of a Garrison-only Sentinel group', { timeout: 60_000 }, async () => {
  await withGroup((g, kill) => ioredisFollows(g.sentinelAddresses, g.masterName, 2, kill));
});

test('node-redis createSentinel follows a failover of a Garrison-only Sentinel group', { timeout: 60_000 }, async () => {
  await withGroup((g, kill) => nodeRedisFollows(g.sentinelAddresses, g.masterName, 2, kill));
});

const pySkip = redisPyMissing();
test('redis-py Sentinel.master_for follows a failover of a Garrison-only Sentinel group', { skip: pySkip ?? false, timeout: 60_000 }, async () => {
  await withGroup((g, kill) => redisPyFollows(g.sentinelAddresses, g.masterName, kill));
});
