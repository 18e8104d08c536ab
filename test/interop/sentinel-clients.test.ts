/**
 * Real clients follow failovers of mixed deployments:
 *  - Garrison servers (a master and two replicas) watched by two Garrison sentinels and a real
 *    redis-sentinel: ioredis, given the redis-sentinel first, then node-redis; and node-redis
 *    when the redis-sentinel alone fails the Garrison servers over;
 *  - real redis-server nodes (a master and two replicas) watched by three Garrison sentinels:
 *    redis-py (Debian's /usr/bin/python3) and ioredis.
 * In each, the client writes through the master, the master is stopped, and the client's next
 * writes land on the replica every sentinel, Garrison or Redis, now names.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startReplicationGroup, startSentinel } from '../../src/index.js';
import { fields } from '../helpers/reply-fields.js';
import { callFresh, RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import {
  ioredisFollows, nodeRedisFollows, redisPyFollows, redisPyMissing, type Addr, type FollowResult, type Kill,
} from '../helpers/sentinel-clients.js';
import { requireBinaries, startRedis, startRedisSentinel } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server', 'redis-sentinel');
const pySkip = skip ?? redisPyMissing();
const NAME = 'mymaster';
/** The sentinels to give the client, the master to kill and the replicas one of which takes over. */
type Deployment = { sentinels: Addr[]; oldPort: number; replicaPorts: number[]; kill: Kill };

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

const sentinelLines = (port: number, quorum = 2): string[] => [
  `monitor ${NAME} 127.0.0.1 ${port} ${quorum}`, `down-after-milliseconds ${NAME} 1000`, `failover-timeout ${NAME} 6000`,
];

/** Waits until every sentinel knows `replicas` replicas and the other sentinels. */
async function discovered(sentinels: readonly Addr[], replicas: number): Promise<void> {
  await waitFor(async () => {
    for (const s of sentinels) {
      const f = fields(await callFresh(s.port, 'SENTINEL', 'MASTER', NAME) ?? []);
      if (f['num-slaves'] !== String(replicas) || f['num-other-sentinels'] !== String(sentinels.length - 1)) return false;
    }
    return true;
  }, 20_000, 'the sentinels know the replicas and each other');
}

/** Garrison sentinels (in this process) monitoring port; closed after the suite. */
async function garrisonSentinels(n: number, port: number): Promise<Addr[]> {
  const out: Addr[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startSentinel({ sentinel: sentinelLines(port) });
    cleanup.push(() => s.close());
    out.push(s.address);
  }
  return out;
}

/** Checks what the client saw against the sentinels: it moved to the replica they all name now. */
async function agree(r: FollowResult, oldPort: number, replicaPorts: readonly number[], sentinels: readonly Addr[]): Promise<void> {
  assert.equal(r.before, oldPort);
  assert.ok(replicaPorts.includes(r.after), `the client ended on a replica: ${JSON.stringify(r)}`);
  await waitFor(async () => {
    for (const s of sentinels) {
      const a = await callFresh(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME);
      if (JSON.stringify(a) !== JSON.stringify(['127.0.0.1', String(r.after)])) return false;
    }
    return true;
  }, 20_000, 'every sentinel names the master the client writes to');
}

/**
 * Garrison master and replicas, a redis-sentinel (listed first) and `garrison` Garrison sentinels
 * (none: the redis-sentinel alone, quorum 1, performs the failover).
 */
async function garrisonServersMixedSentinels(garrison = 2): Promise<Deployment> {
  const g = await startReplicationGroup({ replicas: 2 });
  cleanup.push(() => g.close());
  const port = g.master.address.port;
  const rs = await startRedisSentinel(sentinelLines(port, garrison === 0 ? 1 : 2));
  cleanup.push(() => rs.stop());
  const sentinels = [{ host: '127.0.0.1', port: rs.port }, ...await garrisonSentinels(garrison, port)];
  await discovered(sentinels, 2);
  return { sentinels, oldPort: port, replicaPorts: g.replicas.map((r) => r.address.port), kill: () => g.master.close() };
}

/** Real redis-server master and replicas, three Garrison sentinels. */
async function redisServersGarrisonSentinels(): Promise<Deployment> {
  const m = await startRedis(['--repl-diskless-sync-delay', '0']);
  cleanup.push(() => m.stop());
  const replicas = [];
  for (let i = 0; i < 2; i++) {
    const r = await startRedis(['--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(m.port)]);
    cleanup.push(() => r.stop());
    replicas.push(r);
  }
  await waitFor(async () => /^connected_slaves:2\r?$/m.test(String(await callFresh(m.port, 'INFO', 'replication'))), 10_000, 'replicas online');
  const sentinels = await garrisonSentinels(3, m.port);
  await discovered(sentinels, 2);
  return { sentinels, oldPort: m.port, replicaPorts: replicas.map((r) => r.port), kill: () => m.stop() };
}

/** Each sentinel's view of the master (address, flags, epoch, failover state), for a failure's message. */
async function sentinelsState(sentinels: readonly Addr[]): Promise<string> {
  const lines = [];
  for (const s of sentinels) {
    const f = fields(await callFresh(s.port, 'SENTINEL', 'MASTER', NAME) ?? []);
    lines.push(`  ${s.port}: ${f['ip']}:${f['port']} flags=${f['flags']} config-epoch=${f['config-epoch']} failover-state=${f['failover-state']}`);
  }
  return lines.join('\n');
}

type Follow = (d: Deployment) => Promise<FollowResult>;
const ioredis: Follow = (d) => ioredisFollows(d.sentinels, NAME, 2, d.kill);
const nodeRedis: Follow = (d) => nodeRedisFollows(d.sentinels, NAME, 2, d.kill);
const redisPy: Follow = (d) => redisPyFollows(d.sentinels, NAME, d.kill);

const CASES: ReadonlyArray<[string, () => Promise<Deployment>, Follow, string | null]> = [
  ['ioredis (asking the redis-sentinel first) follows Garrison servers failed over by Garrison sentinels and a redis-sentinel',
    () => garrisonServersMixedSentinels(), ioredis, null],
  ['node-redis follows Garrison servers failed over by Garrison sentinels and a redis-sentinel',
    () => garrisonServersMixedSentinels(), nodeRedis, null],
  ['node-redis follows Garrison servers failed over by a real redis-sentinel alone', () => garrisonServersMixedSentinels(0), nodeRedis, null],
  ['ioredis follows real redis-server nodes failed over by Garrison sentinels', redisServersGarrisonSentinels, ioredis, null],
  ['redis-py follows real redis-server nodes failed over by Garrison sentinels', redisServersGarrisonSentinels, redisPy, pySkip],
];

describe('Sentinel clients, mixed deployments', { skip: skip ?? false }, () => {
  for (const [title, deploy, follow, skipWhy] of CASES) {
    test(title, { skip: skipWhy ?? false, timeout: 90_000 }, async () => {
      const d = await deploy();
      let r: FollowResult;
      try {
        r = await follow(d);
      } catch (e) {
        throw new Error(`${String(e)}\nwhat the sentinels said then:\n${await sentinelsState(d.sentinels)}`, { cause: e });
      }
      await agree(r, d.oldPort, d.replicaPorts, d.sentinels);
    });
  }
});
