/**
 * Sentinel against the real Redis 7.0 binaries:
 *  - three Garrison sentinels monitor a real redis-server master with two real replicas; the
 *    master is killed; the sentinels agree on one replica, promote it, point the other replica at
 *    it, GET-MASTER-ADDR-BY-NAME answers the new master everywhere, and the old master, restarted,
 *    is turned into a replica of the new one;
 *  - a mixed group (two Garrison sentinels and one real redis-sentinel) sees each other through
 *    hello messages and fails over together;
 *  - a real redis-sentinel monitors a Garrison master (INFO parsing, hello on Garrison's pub/sub,
 *    SDOWN/ODOWN when it stops).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSentinel, type RunningSentinel } from '../../src/index.js';
import { encodeCommand, RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { fields, info } from '../helpers/reply-fields.js';
import { startGarrison } from './helpers/garrison.js';
import { requireBinaries, startRedis, startRedisSentinel, type RedisProcess, type RedisSentinelProcess } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server', 'redis-sentinel');

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});


/**
 * One command on a fresh connection. Sentinels send CLIENT KILL TYPE normal with every SLAVEOF,
 * which may cut this connection before the reply: that (or no reply within 2 s) rejects.
 */
async function call(port: number, ...args: string[]): Promise<Decoded> {
  const c = await RespClient.connect(port);
  try {
    c.writeRaw(encodeCommand(args));
    const r = await c.readWithin(2000);
    if (r === 'timeout' || r === 'closed') throw new Error(`${args[0]} on ${port}: ${r}`);
    return r.value;
  } finally {
    c.close();
  }
}

/** A waitFor condition that counts a failed probe as "not yet". */
function probe(cond: () => Promise<boolean>): () => Promise<boolean> {
  return async () => {
    try {
      return await cond();
    } catch {
      return false;
    }
  };
}

/** Waits until something listens on `port` and answers PING. */
async function answers(port: number, what: string): Promise<void> {
  await waitFor(probe(async () => (await call(port, 'PING')) !== null), 10_000, what);
}

async function redis(extra: string[] = []): Promise<RedisProcess> {
  const r = await startRedis(['--repl-diskless-sync-delay', '0', ...extra]);
  cleanup.push(() => r.stop());
  return r;
}

/** A redis-server on a given port (to bring a killed master back where it was). */
async function redisOnPort(port: number): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'garrison-sentinel-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const stop = stopper(child, dir);
  cleanup.push(stop);
  await answers(port, 'restarted redis-server answers');
  return stop;
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  let exited = false;
  child.once('exit', () => { exited = true; });
  return async () => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

async function redisSentinel(lines: string[]): Promise<RedisSentinelProcess> {
  const rs = await startRedisSentinel(lines);
  cleanup.push(() => rs.stop());
  return rs;
}

async function garrisonSentinel(lines: string[]): Promise<RunningSentinel> {
  const s = await startSentinel({ sentinel: lines });
  cleanup.push(() => s.close());
  return s;
}

const FAST = (port: number, quorum: number): string[] => [
  `monitor mymaster 127.0.0.1 ${port} ${quorum}`,
  'down-after-milliseconds mymaster 1000',
  'failover-timeout mymaster 6000',
];

async function masterAddr(port: number): Promise<string> {
  const r = await call(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as Decoded[];
  return `${String(r[0])}:${String(r[1])}`;
}

describe('sentinel interop', { skip: skip ?? false }, () => {
  test('three Garrison sentinels fail over real redis-server nodes; the old master rejoins as a replica', async () => {
    const m = await redis();
    const r1 = await redis(['--replicaof', '127.0.0.1', String(m.port)]);
    const r2 = await redis(['--replicaof', '127.0.0.1', String(m.port)]);
    const sentinels = [await garrisonSentinel(FAST(m.port, 2)), await garrisonSentinel(FAST(m.port, 2)), await garrisonSentinel(FAST(m.port, 2))];
    const events: string[] = [];
    for (const s of sentinels) s.sentinel.eventListeners.push((e) => events.push(`${e.type} ${e.text}`));
    await waitFor(probe(async () => {
      for (const s of sentinels) {
        const f = fields(await call(s.address.port, 'SENTINEL', 'MASTER', 'mymaster'));
        if (f['num-slaves'] !== '2' || f['num-other-sentinels'] !== '2') return false;
      }
      return true;
    }), 15_000, 'sentinels discover the replicas and each other');
    const reps = await call(sentinels[0]!.address.port, 'SENTINEL', 'REPLICAS', 'mymaster') as Decoded[];
    assert.deepEqual(reps.map((x) => Number(fields(x)['port'])).sort(), [r1.port, r2.port].sort());

    const oldPort = m.port;
    await m.stop();
    const candidates = new Set([`127.0.0.1:${r1.port}`, `127.0.0.1:${r2.port}`]);
    await waitFor(probe(async () => {
      const addrs = await Promise.all(sentinels.map((s) => masterAddr(s.address.port)));
      return addrs.every((a) => a === addrs[0] && candidates.has(a));
    }), 30_000, 'every sentinel reports a promoted replica');
    const newMaster = await masterAddr(sentinels[0]!.address.port);
    const newPort = Number(newMaster.split(':')[1]);
    const other = newPort === r1.port ? r2.port : r1.port;
    await waitFor(probe(async () => info(await call(newPort, 'INFO', 'replication'))['role'] === 'master'), 5000, 'the promoted replica is a master');
    await waitFor(probe(async () => {
      const i = info(await call(other, 'INFO', 'replication'));
      return i['master_port'] === String(newPort) && i['master_link_status'] === 'up';
    }), 20_000, 'the other replica follows the new master');
    await waitFor(probe(async () => {
      for (const s of sentinels) {
        if (fields(await call(s.address.port, 'SENTINEL', 'MASTER', 'mymaster'))['port'] !== String(newPort)) return false;
      }
      return true;
    }), 20_000, 'every sentinel switched its master record');
    for (const t of ['+sdown master mymaster', '+odown master mymaster', '+try-failover', '+elected-leader', '+selected-slave', '+promoted-slave', '+failover-end', `+switch-master mymaster 127.0.0.1 ${oldPort} 127.0.0.1 ${newPort}`]) {
      assert.ok(events.some((e) => e.startsWith(t)), `event ${t}`);
    }
    // Exactly one leader was elected for the failover.
    assert.equal(events.filter((e) => e.startsWith('+elected-leader')).length, 1);

    await redisOnPort(oldPort);
    await waitFor(probe(async () => {
      const i = info(await call(oldPort, 'INFO', 'replication'));
      return i['role'] === 'slave' && i['master_port'] === String(newPort);
    }), 30_000, 'the old master is converted into a replica of the new one');
    assert.ok(events.some((e) => e.startsWith(`+convert-to-slave slave 127.0.0.1:${oldPort}`)));
  });

  test('a mixed group of Garrison sentinels and a real redis-sentinel agrees and fails over', async () => {
    const m = await redis();
    const r1 = await redis(['--replicaof', '127.0.0.1', String(m.port)]);
    const g1 = await garrisonSentinel(FAST(m.port, 2));
    const g2 = await garrisonSentinel(FAST(m.port, 2));
    const rs = await redisSentinel(FAST(m.port, 2));
    const ports = [g1.address.port, g2.address.port, rs.port];
    await waitFor(probe(async () => {
      for (const p of ports) {
        const f = fields(await call(p, 'SENTINEL', 'MASTER', 'mymaster'));
        if (f['num-slaves'] !== '1' || f['num-other-sentinels'] !== '2') return false;
      }
      return true;
    }), 20_000, 'the three sentinels know each other and the replica');
    const known = await call(rs.port, 'SENTINEL', 'SENTINELS', 'mymaster') as Decoded[];
    assert.deepEqual(known.map((x) => fields(x)['runid']).sort(), [g1.sentinel.myId, g2.sentinel.myId].sort());
    await m.stop();
    await waitFor(probe(async () => {
      const addrs = await Promise.all(ports.map((p) => masterAddr(p)));
      return addrs.every((a) => a === `127.0.0.1:${r1.port}`);
    }), 30_000, 'every sentinel, Garrison and Redis, switches to the replica');
    await waitFor(probe(async () => info(await call(r1.port, 'INFO', 'replication'))['role'] === 'master'), 5000, 'the promoted replica is a master');
  });

  test('SENTINEL HELP and the container\'s argument errors: the same bytes as redis-sentinel', async () => {
    const lines = ['monitor hm 127.0.0.1 1 2'];
    const rs = await redisSentinel(lines);
    const gs = await garrisonSentinel(lines);
    const rc = await RespClient.connect(rs.port);
    const gc = await RespClient.connect(gs.address.port);
    try {
      for (const args of [['SENTINEL', 'HELP'], ['SENTINEL', 'help'], ['SENTINEL', 'HELP', 'extra'], ['SENTINEL', 'nosuch'], ['SENTINEL']]) {
        const [r, g] = [await rc.callRaw(...args), await gc.callRaw(...args)];
        assert.equal(g.raw.toString('latin1'), r.raw.toString('latin1'), args.join(' '));
      }
      // Subcommands' argument and value errors, setters and what they report back (found by
      // probing both with the same commands): every reply byte for byte.
      const SUBCOMMANDS = [
        'SET hm rename-command', 'SET hm rename-command GET', 'SET hm rename-command GET GET2', 'SET hm rename-command GET ""',
        'SET hm rename-command "" X', 'SET hm QUORUM abc', 'SET hm quorum 2 parallel-syncs 0', 'SET hm rename-command Get get',
        'CONFIG', 'CONFIG GET', 'CONFIG SET', 'CONFIG SET resolve-hostnames', 'CONFIG FOO', 'CONFIG GET a b',
        'CONFIG SET resolve-hostnames maybe', 'CONFIG SET Announce-Port abc', 'CONFIG SET announce-port 70000', 'CONFIG SET nosuch 1',
        'CONFIG SET resolve-hostnames yes', 'CONFIG SET announce-hostnames YES', 'CONFIG GET *hostnames',
        'CONFIG SET resolve-hostnames no', 'CONFIG SET announce-hostnames no', 'CONFIG GET *',
        'DEBUG nosuch 1', 'DEBUG info-period', 'DEBUG info-period abc', 'DEBUG Info-Period 0', 'DEBUG info-period 5000 ping-period x',
        'DEBUG info-period 10000 ping-period 1000',
      ];
      const words = (t: string): string[] => [...t.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      for (const t of SUBCOMMANDS) {
        const args = ['SENTINEL', ...words(t)];
        const [r, g] = [await rc.callRaw(...args), await gc.callRaw(...args)];
        assert.equal(g.raw.toString('latin1'), r.raw.toString('latin1'), args.join(' '));
      }
      for (const resp of ['2', '3']) {
        const [r, g] = [await rc.callRaw('SENTINEL', 'DEBUG'), await gc.callRaw('SENTINEL', 'DEBUG')];
        assert.equal(g.raw.toString('latin1'), r.raw.toString('latin1'), `SENTINEL DEBUG in RESP${resp}`);
        await rc.call('HELLO', '3');
        await gc.call('HELLO', '3');
      }
      // HELLO in sentinel mode: mode sentinel and no role (client ids differ).
      const hello = async (c: RespClient): Promise<string> => (await c.callRaw('HELLO', '3')).raw.toString('latin1').replace(/\$2\r\nid\r\n:\d+/, 'id');
      assert.equal(await hello(gc), await hello(rc));
    } finally {
      rc.close();
      gc.close();
    }
  });

  test('a real redis-sentinel monitors a Garrison master and sees it go down', async () => {
    const g = await startGarrison({ save: '', appendonly: 'no' });
    let closed = false;
    cleanup.push(() => (closed ? undefined : g.close()));
    const rs = await redisSentinel(['monitor gm 127.0.0.1 ' + String(g.port) + ' 1', 'down-after-milliseconds gm 1000']);
    const runId = info(await call(g.port, 'INFO', 'server'))['run_id'];
    await waitFor(probe(async () => {
      const f = fields(await call(rs.port, 'SENTINEL', 'MASTER', 'gm'));
      return f['runid'] === runId && f['role-reported'] === 'master' && f['flags'] === 'master';
    }), 15_000, 'redis-sentinel reads the Garrison master');
    await g.close();
    closed = true;
    await waitFor(probe(async () => {
      const f = fields(await call(rs.port, 'SENTINEL', 'MASTER', 'gm'));
      return f['flags']!.includes('s_down') && f['flags']!.includes('o_down');
    }), 15_000, 'redis-sentinel marks the stopped Garrison master down');
  });
});
