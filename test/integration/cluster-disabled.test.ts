/**
 * The cluster family on a Garrison that has no Cluster: every CLUSTER subcommand, READONLY,
 * READWRITE and ASKING answer what a redis-server 7.0.15 started with `cluster-enabled no` answers
 * (byte-for-byte comparisons: test/interop/scripts/cluster.redis), and `cluster-enabled yes`
 * refuses to start a server (the process's exit: process.test.ts) but not a sentinel, which
 * ignores it as redis-sentinel does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSentinel } from '../../src/index.js';
import { startTestServer, withServer } from '../helpers/server.js';
import { callFresh } from '../helpers/resp-client.js';

const DISABLED = { error: 'ERR This instance has cluster support disabled' };

test('every CLUSTER subcommand, READONLY, READWRITE and ASKING answer that cluster support is disabled', async () => {
  await withServer({}, async (s, c) => {
    const cluster = s.server.commands.lookup('cluster')!;
    assert.equal(cluster.subcommands!.size, 27);
    for (const sub of cluster.subcommands!.values()) {
      // The fewest arguments the row accepts.
      const argv = ['CLUSTER', sub.name.toUpperCase(), ...Array.from({ length: Math.abs(sub.arity) - 2 }, () => '0')];
      assert.deepEqual(await c.call(...argv), DISABLED, argv.join(' '));
    }
    for (const name of ['READONLY', 'READWRITE', 'ASKING']) assert.deepEqual(await c.call(name), DISABLED, name);
    assert.deepEqual(await c.call('CLUSTER'), { error: "ERR wrong number of arguments for 'cluster' command" });
    assert.deepEqual(await c.call('CLUSTER', 'NOSUCH'), { error: "ERR unknown subcommand 'NOSUCH'. Try CLUSTER HELP." });
    assert.deepEqual(await c.call('CLUSTER', 'INFO', 'x'), { error: "ERR wrong number of arguments for 'cluster|info' command" });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'cluster-enabled'), ['cluster-enabled', 'no']);
  });
});

test('cluster-enabled yes: a server refuses to start, a sentinel ignores it', async () => {
  await assert.rejects(startTestServer({ config: { 'cluster-enabled': 'yes' } }), /^Error: Garrison does not implement Redis Cluster yet: cluster-enabled must be no\./);
  const sentinel = await startSentinel({ config: { 'cluster-enabled': 'yes' } });
  try {
    assert.deepEqual(await callFresh(sentinel.address.port, 'PING'), { status: 'PONG' });
  } finally {
    await sentinel.close();
  }
});
