/**
 * The driver on a fake world: a manual clock, fixed randomness and an in-memory Transport whose
 * "instances" answer PING, INFO, SUBSCRIBE, PUBLISH and SLAVEOF like Redis. No sockets, no timers:
 * the same shape the simulator uses. Covers discovery, SDOWN/ODOWN, the whole failover with
 * parallel-syncs, the failover-timeout abort when the promotion never shows, and the scripts a
 * failover starts (notification script per warning event, client-reconfig script as the leader).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestParser } from '../protocol/parser.js';
import { OK, PONG, type Reply } from '../protocol/reply.js';
import { encodeReply } from '../protocol/writer.js';
import type { Connection, DialTarget, Transport } from '../runtime/ports.js';
import { Sentinel } from './sentinel.js';
import { FakeProcessRunner } from '../../test/helpers/fake-processes.js';
import { fakeConnection } from '../../test/helpers/fake-connection.js';

class FakeNode {
  role: 'master' | 'slave' = 'master';
  masterPort = 0;
  alive = true;
  /** When false, SLAVEOF NO ONE is accepted but the node keeps reporting role:slave. */
  obeysPromotion = true;
  /** When false, SLAVEOF host port is accepted but the node keeps following its old master. */
  obeysReplicaOf = true;
  offset = 100;
  readonly conns = new Set<Connection>();
  readonly subscribers = new Set<Connection>();
  readonly commands: string[][] = [];
  constructor(readonly world: World, readonly port: number, readonly runId: string) {}

  info(): string {
    const lines = [`run_id:${this.runId}`, `role:${this.role}`];
    if (this.role === 'master') {
      let i = 0;
      for (const n of this.world.nodes.values()) {
        if (n.role === 'slave' && n.masterPort === this.port && n.alive) lines.push(`slave${i++}:ip=127.0.0.1,port=${n.port},state=online,offset=${n.offset},lag=0`);
      }
    } else {
      const m = this.world.nodes.get(this.masterPort);
      const up = m !== undefined && m.alive && m.role === 'master';
      lines.push('master_host:127.0.0.1', `master_port:${this.masterPort}`, `master_link_status:${up ? 'up' : 'down'}`);
      if (!up) lines.push('master_link_down_since_seconds:1');
      lines.push(`slave_repl_offset:${this.offset}`, 'slave_priority:100');
    }
    return lines.join('\r\n') + '\r\n';
  }

  run(argv: string[], conn: Connection): Reply {
    this.commands.push(argv);
    const cmd = argv[0]!.toUpperCase();
    switch (cmd) {
      case 'PING': return PONG;
      case 'INFO': return this.info();
      case 'SUBSCRIBE':
        this.subscribers.add(conn);
        return ['subscribe', argv[1]!, 1];
      case 'PUBLISH': {
        const msg = encodeReply(['message', argv[1]!, argv[2]!]);
        for (const c of this.subscribers) queueMicrotask(() => { if (this.alive) c.onData(msg); });
        return this.subscribers.size;
      }
      case 'SLAVEOF':
        if (argv[1]!.toUpperCase() === 'NO') {
          if (this.obeysPromotion) this.role = 'master';
        } else if (this.obeysReplicaOf) {
          this.role = 'slave';
          this.masterPort = Number(argv[2]);
        }
        return OK;
      case 'MULTI': return OK;
      case 'EXEC': return [];
      default: return OK;
    }
  }

  kill(): void {
    this.alive = false;
    for (const c of [...this.conns]) c.onClose();
    this.conns.clear();
    this.subscribers.clear();
  }
}

class World implements Transport {
  nowMs = 1_000_000;
  readonly nodes = new Map<number, FakeNode>();

  add(port: number, runId: string): FakeNode {
    const n = new FakeNode(this, port, runId);
    this.nodes.set(port, n);
    return n;
  }

  listen(): never {
    throw new Error('not used');
  }

  connect(target: DialTarget): Promise<Connection> {
    const node = 'port' in target ? this.nodes.get(target.port) : undefined;
    if (node === undefined || !node.alive) return Promise.reject(new Error('Connection refused'));
    const parser = new RequestParser();
    const forget = (): void => { node.conns.delete(conn); node.subscribers.delete(conn); };
    const conn: Connection = fakeConnection((d) => {
      parser.feed(d);
      for (let argv = parser.next(); Array.isArray(argv); argv = parser.next()) {
        const reply = encodeReply(node.run(argv, conn));
        queueMicrotask(() => { if (node.alive) conn.onData(reply); });
      }
    }, { remotePort: node.port, localPort: 40000, end: forget, destroy: forget });
    node.conns.add(conn);
    return Promise.resolve(conn);
  }
}

function setup(): { world: World; s: Sentinel; events: string[]; master: FakeNode; r1: FakeNode; r2: FakeNode; processes: FakeProcessRunner } {
  const world = new World();
  const master = world.add(6379, 'm'.repeat(40));
  const r1 = world.add(6380, 'a'.repeat(40));
  const r2 = world.add(6381, 'b'.repeat(40));
  for (const r of [r1, r2]) {
    r.role = 'slave';
    r.masterPort = 6379;
  }
  const processes = new FakeProcessRunner();
  const env = {
    clock: { nowMs: () => world.nowMs, monotonicUs: () => world.nowMs * 1000, nowUs: () => world.nowMs * 1000 },
    random: { float: () => 0, bytes: (n: number) => Buffer.alloc(n, 7) },
    transport: world,
    processes,
  };
  const s = new Sentinel({ env, log: () => {}, publish: () => {}, flushConfig: () => {}, port: () => 26379, setTimerHz: () => {} }, 'f'.repeat(40));
  const events: string[] = [];
  s.eventListeners.push((e) => events.push(`${e.type} ${e.text}`));
  const m = s.monitor('mymaster', '127.0.0.1', 6379, 1);
  assert.ok(typeof m !== 'string');
  m.downAfterMs = 1000;
  m.failoverTimeoutMs = 5000;
  return { world, s, events, master, r1, r2, processes };
}

/** Advances the virtual clock by `ms` in 100 ms ticks, letting the fake replies arrive in between. */
async function run(world: World, s: Sentinel, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    world.nowMs += 100;
    s.tick();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

test('discovers replicas, detects the dead master and fails over to the best replica', async () => {
  const { world, s, events, master, r1, r2 } = setup();
  r2.offset = 200; // the larger offset wins
  await run(world, s, 3000);
  const m = s.masters.get('mymaster')!;
  assert.deepEqual([...m.replicas.keys()], ['127.0.0.1:6380', '127.0.0.1:6381']);
  assert.ok(events.includes('+slave slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379'));
  assert.equal(m.sdown, false);

  master.kill();
  await run(world, s, 12_000);
  const expected = [
    '+sdown master mymaster 127.0.0.1 6379',
    '+odown master mymaster 127.0.0.1 6379 #quorum 1/1',
    '+new-epoch 1',
    '+try-failover master mymaster 127.0.0.1 6379',
    `+vote-for-leader ${'f'.repeat(40)} 1`,
    '+elected-leader master mymaster 127.0.0.1 6379',
    '+failover-state-select-slave master mymaster 127.0.0.1 6379',
    '+selected-slave slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6379',
    '+failover-state-send-slaveof-noone slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6379',
    '+failover-state-wait-promotion slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6379',
    '+promoted-slave slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6379',
    '+failover-state-reconf-slaves master mymaster 127.0.0.1 6379',
    '+slave-reconf-sent slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379',
    '+slave-reconf-inprog slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379',
    '+slave-reconf-done slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379',
    '+failover-end master mymaster 127.0.0.1 6379',
    '+switch-master mymaster 127.0.0.1 6379 127.0.0.1 6381',
  ];
  const failoverEvents = events.filter((e) => expected.some((x) => x.split(' ')[0] === e.split(' ')[0]) && !e.startsWith('+slave slave'));
  assert.deepEqual(failoverEvents.slice(0, expected.length), expected);
  // SLAVEOF NO ONE went to the promoted replica inside MULTI ... EXEC with CONFIG REWRITE and CLIENT KILL.
  const i = r2.commands.findIndex((c) => c[0] === 'SLAVEOF');
  assert.deepEqual(r2.commands.slice(i - 1, i + 6), [
    ['MULTI'], ['SLAVEOF', 'NO', 'ONE'], ['CONFIG', 'REWRITE'], ['CLIENT', 'KILL', 'TYPE', 'normal'], ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['EXEC'],
    ['INFO'], // Garrison asks at once whether the promotion took
  ]);
  assert.ok(r1.commands.some((c) => c[0] === 'SLAVEOF' && c[1] === '127.0.0.1' && c[2] === '6381'));
  assert.equal(r1.masterPort, 6381);
  assert.deepEqual([m.host, m.port, m.configEpoch, s.currentEpoch], ['127.0.0.1', 6381, 1, 1]);
  assert.deepEqual([...m.replicas.keys()].sort(), ['127.0.0.1:6379', '127.0.0.1:6380']);

  // The old master comes back as a master: converted into a replica after 4 hello periods.
  master.alive = true;
  await run(world, s, 12_000);
  assert.ok(events.some((e) => e === '+convert-to-slave slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 6381'));
  assert.deepEqual([master.role, master.masterPort], ['slave', 6381]);
});

test('a promotion that never shows aborts after failover-timeout; the next try waits twice the timeout', async () => {
  const { world, s, events, master, r1, r2 } = setup();
  r1.obeysPromotion = false;
  r2.kill();
  await run(world, s, 3000);
  master.kill();
  await run(world, s, 9000);
  assert.ok(events.includes('+failover-state-wait-promotion slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379'));
  assert.ok(events.includes('-failover-abort-slave-timeout master mymaster 127.0.0.1 6379'));
  const m = s.masters.get('mymaster')!;
  assert.equal(m.failoverInProgress, false);
  assert.equal(m.promotedReplica, null);
  assert.equal(events.filter((e) => e.startsWith('+try-failover')).length, 1, 'no second attempt before 2 x failover-timeout');
  await run(world, s, 5000);
  assert.equal(events.filter((e) => e.startsWith('+try-failover')).length, 2);
  assert.ok(events.includes('+new-epoch 2'));
});

test('TILT when the clock jumps: no SDOWN decisions for the tilt period', async () => {
  const { world, s, events, master } = setup();
  await run(world, s, 2000);
  world.nowMs += 5000;
  master.kill();
  await run(world, s, 3000);
  assert.ok(events.includes('+tilt #tilt mode entered'));
  assert.ok(!events.some((e) => e.startsWith('+sdown')), 'no SDOWN while in TILT');
  assert.deepEqual(s.isMasterDownByAddr('127.0.0.1', 6379, 0, '*'), [0, '*', 0]);
  await run(world, s, 30_000);
  assert.ok(events.includes('-tilt #tilt mode exited'));
  assert.ok(events.some((e) => e.startsWith('+sdown master mymaster')));
});

test('a failover runs the notification script for every warning event and the reconfig script as leader', async () => {
  const { world, s, events, master, r2, processes } = setup();
  r2.offset = 200;
  const m = s.masters.get('mymaster')!;
  m.notificationScript = '/bin/notify';
  m.clientReconfigScript = '/bin/reconf';
  await run(world, s, 3000);
  master.kill();
  await run(world, s, 12_000);
  const started = (): string[] => processes.children.map((c) => c.argv.join(' '));
  const warnings = events.filter((e) => /^[+-](sdown|odown|new-epoch|try-failover|vote-for-leader|elected-leader|failover-state-select-slave|selected-slave|promoted-slave|failover-state-reconf-slaves|failover-end|switch-master) /.test(e));
  const notified = started().filter((a) => a.startsWith('/bin/notify ')).map((a) => a.slice('/bin/notify '.length));
  assert.deepEqual(notified.filter((n) => warnings.includes(n)), warnings.filter((w) => notified.includes(w)));
  for (const w of warnings) assert.ok(notified.includes(w), `notification for ${w}`);
  // Notice-level events (+slave, +failover-state-send-slaveof-noone...) run no script.
  assert.ok(!notified.some((n) => n.startsWith('+slave ') || n.startsWith('+failover-state-send-slaveof-noone')));
  assert.deepEqual(started().filter((a) => a.startsWith('/bin/reconf ')), ['/bin/reconf mymaster leader start 127.0.0.1 6379 127.0.0.1 6381']);
  // The reconfig job comes right after the notification for +failover-state-reconf-slaves.
  const all = started();
  const k = all.indexOf('/bin/reconf mymaster leader start 127.0.0.1 6379 127.0.0.1 6381');
  assert.equal(all[k - 1], '/bin/notify +failover-state-reconf-slaves master mymaster 127.0.0.1 6379');
});

test('a switch learnt from another sentinel\'s hello runs the reconfig script as observer', () => {
  const { s, processes } = setup();
  const m = s.masters.get('mymaster')!;
  m.clientReconfigScript = '/bin/reconf';
  s.processHello(`127.0.0.1,26380,${'e'.repeat(40)},3,mymaster,127.0.0.1,6390,3`);
  s.tick();
  assert.deepEqual([m.host, m.port], ['127.0.0.1', 6390]);
  assert.deepEqual(processes.children.map((c) => c.argv), [['/bin/reconf', 'mymaster', 'observer', 'start', '127.0.0.1', '6379', '127.0.0.1', '6390']]);
});

test('a dead master is SDOWN down-after-milliseconds after the first reconnection attempt, not after its last reply', async () => {
  const { world, s, events, master } = setup();
  const sdownAt: number[] = [];
  s.eventListeners.push((e) => { if (e.type === '+sdown' && e.text.startsWith('master ')) sdownAt.push(e.atMs); });
  await run(world, s, 3000);
  // Kill when the last PING reply is already most of a period old.
  while (world.nowMs - s.masters.get('mymaster')!.link.lastAvailTimeMs < 800) await run(world, s, 100);
  const killedAt = world.nowMs;
  master.kill();
  await run(world, s, 3000);
  assert.equal(sdownAt.length, 1, events.join('\n'));
  assert.ok(sdownAt[0]! - killedAt > 1000, `+sdown ${sdownAt[0]! - killedAt} ms after the kill`);
  assert.ok(sdownAt[0]! - killedAt <= 1200, `+sdown ${sdownAt[0]! - killedAt} ms after the kill`);
});

test('every timer run picks a new rate in [10, 20) Hz (Redis desynchronizes sentinels so they do not split votes)', () => {
  const world = new World();
  const seq = [0, 0.35, 0.99, 0.5];
  let i = 0;
  const env = {
    clock: { nowMs: () => world.nowMs, monotonicUs: () => world.nowMs * 1000, nowUs: () => world.nowMs * 1000 },
    random: { float: () => seq[i++ % seq.length]!, bytes: (n: number) => Buffer.alloc(n, 7) },
    transport: world,
    processes: new FakeProcessRunner(),
  };
  const rates: number[] = [];
  const s = new Sentinel({ env, log: () => {}, publish: () => {}, flushConfig: () => {}, port: () => 26379, setTimerHz: (hz) => rates.push(hz) }, 'f'.repeat(40));
  for (let t = 0; t < 4; t++) {
    world.nowMs += 100;
    s.tick();
  }
  assert.deepEqual(rates, [10, 13, 19, 15]);
});

test('an instance back after more than 15 s down is reconnected at once (the link is not taken for a stale one)', async () => {
  const { world, s, events, master } = setup();
  const m = s.masters.get('mymaster')!;
  m.quorum = 2; // no failover: only the link matters here
  await run(world, s, 3000);
  master.kill();
  await run(world, s, 20_000);
  assert.ok(events.includes('+sdown master mymaster 127.0.0.1 6379'));
  master.alive = true;
  await run(world, s, 3000);
  assert.ok(events.includes('-sdown master mymaster 127.0.0.1 6379'), 'back within 3 s');
  assert.equal(m.link.disconnected, false);
  await run(world, s, 10_000);
  assert.equal(events.filter((e) => e === '+sdown master mymaster 127.0.0.1 6379').length, 1, 'no second +sdown');
  assert.equal(m.sdown, false);
});

test('a newer config epoch from another sentinel ends our failover in progress, even when it names the old address', async () => {
  const { world, s, events, master, r1, r2 } = setup();
  r2.offset = 200;
  r1.obeysReplicaOf = false; // keeps our failover in RECONF_SLAVES
  await run(world, s, 3000);
  master.kill();
  await run(world, s, 3000);
  const m = s.masters.get('mymaster')!;
  assert.deepEqual([m.failoverState, m.failoverEpoch, m.configEpoch], ['reconf_slaves', 1, 1]);
  assert.deepEqual(s.currentMasterAddress(m), { host: '127.0.0.1', port: 6381 });
  // Meanwhile another sentinel won epoch 2 and made the old master the master again.
  s.processHello(`127.0.0.1,26380,${'e'.repeat(40)},2,mymaster,127.0.0.1,6379,2`);
  assert.equal(m.failoverInProgress, false);
  assert.equal(m.promotedReplica, null);
  assert.deepEqual([m.host, m.port, m.configEpoch, s.currentEpoch], ['127.0.0.1', 6379, 2, 2]);
  assert.deepEqual(s.currentMasterAddress(m), { host: '127.0.0.1', port: 6379 }, 'epoch 2 announces what epoch 2 says');
  await run(world, s, 12_000);
  assert.ok(!events.includes('+failover-end master mymaster 127.0.0.1 6379'), 'the abandoned failover never ends in a switch');
  assert.deepEqual([m.host, m.port, m.configEpoch], ['127.0.0.1', 6379, 2]);
});
