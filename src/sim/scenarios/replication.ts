/**
 * Replication scenarios: a master with replicas (real Garrison nodes) under a writer that keeps
 * writing through faults; after the faults the world is healed and every replica must converge on
 * the master's dataset (DEBUG DIGEST) and offset, with the resynchronizations the fault calls for:
 * - `partition`: a replica cut off longer than repl-timeout comes back with a partial resync;
 * - `overflow`: cut off while more than the backlog is written, it needs a full resync;
 * - `restart`: a killed replica restarts from the RDB file it kept and continues partially;
 * - `crash`: same after a machine crash (the image was fsynced before it was renamed);
 * - `master-restart`: the master saves, exits and restarts: its replicas continue partially;
 * - `promotion`: a replica is promoted, the other replica and the old master follow it partially;
 * - `planned-failover`: the master is stopped (SHUTDOWN NOSAVE) while the writer keeps writing,
 *   a replica is promoted at once and the writer moves to it: the shutdown's wait for lagging
 *   replicas (shutdown-timeout) must have put every write the old master acknowledged on it;
 * - `swarm`: random resets, partitions, pauses, replica kills and restarts, then heal;
 * - `swarm-master`: the same, and the master (with `appendonly yes`, `appendfsync always`) is
 *   killed or crashes and restarts from its AOF: acknowledged writes survive on it, and the
 *   replicas, which cannot continue a history the AOF does not carry, resynchronize in full.
 * Each names the counts it expects (INFO stats of the master that serves the replicas at the end).
 */
import { SeededRandom } from '../../lib/prng.js';
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import { isError, showReply, type SimReply } from '../resp.js';
import { World } from '../world.js';
import { failureRecorder } from './failures.js';
import type { ScenarioResult } from './kv.js';

export type ReplicationFault = 'partition' | 'overflow' | 'restart' | 'crash' | 'master-restart' | 'promotion' | 'planned-failover' | 'swarm' | 'swarm-master';

export interface ReplicationOptions {
  seed: number;
  fault: ReplicationFault;
  replicas?: number;
  /** Virtual time the writer writes for (the faults happen within it). */
  durationMs?: number;
}

const REPL_TIMEOUT_S = 2;

/** Fields of an INFO reply. */
function infoFields(r: SimReply): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof r !== 'string') return out;
  for (const line of r.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Keeps writing to one node with a small pipeline, counting what was acknowledged. */
class Writer {
  client: SimClient | null = null;
  acked = 0;
  errors: string[] = [];
  inflight = 0;
  running = true;
  /** Acknowledged RPUSHes, as [db, list, value]: each must be in its list at the end. */
  readonly pushes: Array<[number, string, string]> = [];
  private seq = 0;
  /** The database the connection will be in when the next command runs (SELECTs are sent in order). */
  private sendDb = 0;

  constructor(private readonly world: World, private readonly rng: SeededRandom, public target: SimNode) {}

  start(): void {
    this.tick();
  }

  /** Goes on writing to `node` over a new connection. */
  moveTo(node: SimNode): void {
    this.target = node;
    this.client?.close();
    this.client = null;
    this.running = true;
    this.start();
  }

  private tick(): void {
    if (!this.running) return;
    const c = this.client;
    if (c === null || c.state === 'closed') {
      this.client = this.world.client(this.target, { name: `writer.${this.world.loop.executed}` });
      this.sendDb = 0;
    }
    else if (c.state === 'open') {
      for (let i = this.inflight; i < 4; i++) this.write(c);
    }
    this.world.loop.after(5000 + this.rng.int(45_000), null, () => this.tick());
  }

  private write(c: SimClient): void {
    const n = this.seq++;
    const pick = this.rng.int(10);
    const args = pick < 4 ? ['SET', `k${n % 500}`, `v${n}-${'x'.repeat(this.rng.int(200))}`]
      : pick < 6 ? ['INCR', `ctr${n % 7}`]
        : pick < 8 ? ['RPUSH', `list${n % 5}`, String(n)]
          : pick < 9 ? ['SELECT', String(n % 3)]
            : ['HSET', `h${n % 11}`, `f${n % 13}`, String(n)];
    const db = this.sendDb;
    if (args[0] === 'SELECT') this.sendDb = Number(args[1]);
    this.inflight++;
    c.send(args, (r, err) => {
      this.inflight--;
      if (err !== null) return;
      if (isError(r!)) {
        // A restarted master answers -LOADING until its AOF is loaded: not a fault of the write.
        if (!r.error.startsWith('LOADING') && this.errors.length < 5) this.errors.push(`${args.join(' ')}: ${showReply(r!)}`);
        return;
      }
      this.acked++;
      if (args[0] === 'RPUSH') this.pushes.push([db, args[1]!, args[2]!]);
    });
  }
}

export async function replicationScenario(opts: ReplicationOptions): Promise<ScenarioResult> {
  // A planned failover runs over small windows and up to 20 ms of latency, so that the replicas
  // lag behind the master when it is stopped.
  const world = new World(opts.fault === 'planned-failover' ? { seed: opts.seed, network: { windowBytes: 2048, latencyMs: [0.01, 20] } } : { seed: opts.seed });
  const rng = new SeededRandom(world.deriveSeed());
  const duration = opts.durationMs ?? 6000;
  const { failures, fail } = failureRecorder(world);
  let checked = 0;
  const common = [
    '--repl-diskless-sync-delay', '0', '--repl-timeout', String(REPL_TIMEOUT_S), '--repl-ping-replica-period', '1',
    '--enable-debug-command', 'yes',
    '--repl-backlog-size', opts.fault === 'overflow' ? '16384' : '4mb', '--save', '',
  ];
  const masterArgs = opts.fault === 'swarm-master' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : [];
  const master = await world.addNode([...common, ...masterArgs], { name: 'master' });
  // A dataset before the replicas attach, so that their first sync carries one (and a restarted
  // replica loads it back from the image it kept).
  const loader = world.client(master, { name: 'preload' });
  for (let i = 0; i < 300; i++) loader.send(['SET', `pre${i}`, `value-${i}`]);
  loader.send(['SELECT', '2']);
  for (let i = 0; i < 50; i++) loader.send(['RPUSH', 'pre:list', String(i)]);
  await world.settle(loader.call('PING'), 10_000);
  loader.close();
  const replicas: SimNode[] = [];
  for (let i = 0; i < (opts.replicas ?? 2); i++) {
    replicas.push(await world.addNode([...common, '--replicaof', master.ip, '6379'], { name: `replica${i + 1}` }));
  }

  const call = async (node: SimNode, ...args: string[]): Promise<SimReply> => {
    const c = world.client(node, { name: `check.${node.name}.${world.loop.executed}` });
    try {
      checked++;
      return await world.settle(c.call(...args), 10_000);
    } finally {
      c.close();
    }
  };
  const info = async (node: SimNode, section: string): Promise<Record<string, string>> => infoFields(await call(node, 'INFO', section));

  /** Every replica of `top` linked, at its offset, and holding its dataset. */
  const converged = async (top: SimNode, followers: readonly SimNode[], withinMs: number): Promise<boolean> => {
    const deadline = world.nowMs() + withinMs;
    while (world.nowMs() < deadline) {
      const m = await info(top, 'replication');
      let all = true;
      for (const r of followers) {
        const ri = await info(r, 'replication');
        if (ri['master_link_status'] !== 'up' || ri['master_repl_offset'] !== m['master_repl_offset']) all = false;
      }
      if (all) {
        const want = await call(top, 'DEBUG', 'DIGEST');
        for (const r of followers) {
          const got = await call(r, 'DEBUG', 'DIGEST');
          if (showReply(got) !== showReply(want)) fail(`${r.name} digest ${showReply(got)} differs from ${top.name}'s ${showReply(want)}`);
        }
        return true;
      }
      await world.runFor(100);
    }
    return false;
  };

  // First synchronization of every replica.
  if (!(await converged(master, replicas, 10_000))) fail('replicas did not complete their first sync');
  const writer = new Writer(world, rng, master);
  writer.start();

  const at = (ms: number, fn: () => void | Promise<void>): void => {
    world.loop.after(Math.round(ms * 1000), null, () => { void fn(); });
  };
  const cutMs = REPL_TIMEOUT_S * 1000 + 1500;
  const r1 = replicas[0]!;
  let top = master;
  let followers: SimNode[] = replicas;
  // What INFO stats of `top` must say at the end: full syncs, partial ok, partial errors (null: any).
  let expect: { full: number | null; partialOk: number | null; partialErr: number | null } = { full: replicas.length, partialOk: 0, partialErr: 0 };

  switch (opts.fault) {
    case 'partition':
      at(duration * 0.2, () => world.partition(master.name, r1.name));
      at(duration * 0.2 + cutMs, () => world.heal(master.name, r1.name));
      expect = { full: replicas.length, partialOk: 1, partialErr: 0 };
      break;
    case 'overflow':
      at(duration * 0.2, () => world.partition(master.name, r1.name));
      // Enough writes meanwhile to push the replica's offset out of a 16 KiB backlog.
      at(duration * 0.2 + 100, () => {
        const c = world.client(master, { name: 'filler' });
        for (let i = 0; i < 40; i++) c.send(['SET', `fill${i}`, 'f'.repeat(1000)]);
      });
      at(duration * 0.2 + cutMs, () => world.heal(master.name, r1.name));
      expect = { full: replicas.length + 1, partialOk: 0, partialErr: 1 };
      break;
    case 'restart':
    case 'crash':
      at(duration * 0.3, () => (opts.fault === 'crash' ? r1.crash() : r1.kill()));
      at(duration * 0.3 + 300 + rng.int(1000), () => r1.start());
      expect = { full: replicas.length, partialOk: 1, partialErr: 0 };
      break;
    case 'master-restart':
      expect = { full: 0, partialOk: replicas.length, partialErr: 0 };
      break;
    case 'promotion':
      top = replicas[0]!;
      followers = [...replicas.slice(1), master];
      expect = { full: 0, partialOk: followers.length, partialErr: 0 };
      break;
    case 'planned-failover':
      top = replicas[0]!;
      followers = [...replicas.slice(1), master];
      // The other replicas continue partially; the old master restarts empty (NOSAVE) and syncs in full.
      expect = { full: 1, partialOk: replicas.length - 1, partialErr: null };
      break;
    case 'swarm':
    case 'swarm-master':
      planSwarm(world, rng, master, replicas, duration, opts.fault === 'swarm-master');
      expect = { full: null, partialOk: null, partialErr: null };
      break;
  }

  if (opts.fault === 'promotion') {
    await world.runFor(duration / 2);
    // The writer stops; once the replicas have everything one is promoted, the other replicas and
    // the old master follow it, and the writer goes on against the new master.
    writer.running = false;
    await waitQuiet(world, writer);
    if (!(await converged(master, replicas, 10_000))) fail('replicas did not catch up before the promotion');
    await call(top, 'REPLICAOF', 'NO', 'ONE');
    for (const r of followers) await call(r, 'REPLICAOF', top.ip, '6379');
    writer.moveTo(top);
    await world.runFor(duration / 2);
  } else if (opts.fault === 'planned-failover') {
    await world.runFor(duration / 2);
    // The writer keeps writing while the master stops: its writes are paused while it waits for
    // the replicas, and those still queued when it exits are never acknowledged.
    const stopper = world.client(master, { name: 'stopper' });
    stopper.send(['SHUTDOWN', 'NOSAVE'], () => {});
    if (!(await world.runUntil(() => !master.isUp(), 15_000))) fail('the master did not exit on SHUTDOWN NOSAVE');
    writer.running = false;
    await call(top, 'REPLICAOF', 'NO', 'ONE');
    for (const r of replicas.slice(1)) await call(r, 'REPLICAOF', top.ip, '6379');
    await master.start();
    await call(master, 'REPLICAOF', top.ip, '6379');
    writer.moveTo(top);
    await world.runFor(duration / 2);
  } else if (opts.fault === 'master-restart') {
    await world.runFor(duration / 2);
    // SHUTDOWN SAVE: the image names the master's history; the restarted master keeps it as its
    // secondary id, so the replicas' PSYNC continues.
    writer.running = false;
    await waitQuiet(world, writer);
    const bye = await call(master, 'SHUTDOWN', 'SAVE').catch((e: Error) => ({ error: e.message }));
    if (master.isUp()) fail(`the master did not exit on SHUTDOWN SAVE: ${showReply(bye)}`);
    await world.runFor(200);
    await master.start();
    writer.moveTo(master);
    await world.runFor(duration / 2);
  } else {
    await world.runFor(duration);
  }
  writer.running = false;
  world.heal();
  for (const r of followers) if (!r.isUp()) await r.start();
  await waitQuiet(world, writer);
  if (!(await converged(top, followers, 30_000))) fail(`replicas did not converge on ${top.name} within 30s after healing`);
  if (writer.acked < 50) fail(`only ${writer.acked} writes acknowledged`);
  if (writer.errors.length > 0) fail(`write errors: ${writer.errors.join('; ')}`);
  // Every acknowledged RPUSH is in its list on the final master (the digests showed the replicas equal it).
  const lists = new Map<string, Set<string>>();
  for (const [db, list] of writer.pushes) {
    const k = `${db}\0${list}`;
    if (lists.has(k)) continue;
    const c = world.client(top, { name: `check.lists.${db}.${list}` });
    await world.settle(c.call('SELECT', String(db)), 10_000);
    const items = await world.settle(c.call('LRANGE', list, '0', '-1'), 10_000);
    c.close();
    checked++;
    lists.set(k, new Set(Array.isArray(items) ? items.map(String) : []));
  }
  const missing = writer.pushes.filter(([db, list, v]) => !lists.get(`${db}\0${list}`)!.has(v));
  if (missing.length > 0) fail(`${missing.length} acknowledged RPUSHes missing on ${top.name}, e.g. db ${missing[0]![0]} ${missing[0]![1]} ${missing[0]![2]}`);
  const st = await info(top, 'stats');
  const counts = { full: Number(st['sync_full']), partialOk: Number(st['sync_partial_ok']), partialErr: Number(st['sync_partial_err']) };
  for (const k of ['full', 'partialOk', 'partialErr'] as const) {
    if (expect[k] !== null && counts[k] !== expect[k]) fail(`${top.name} ${k} = ${counts[k]}, expected ${expect[k]}`);
  }
  world.trace.add(`check done: ${writer.acked} writes acknowledged, syncs ${JSON.stringify(counts)}`);
  return { seed: opts.seed, ok: failures.length === 0, failures, world, checked };
}

async function waitQuiet(world: World, w: Writer): Promise<void> {
  await world.runUntil(() => w.inflight === 0 || w.client?.state !== 'open', 10_000);
}

/** Random faults between the master and its replicas; the master is paused, and with `masterDies` also killed or crashed. */
function planSwarm(world: World, rng: SeededRandom, master: SimNode, replicas: readonly SimNode[], durationMs: number, masterDies = false): void {
  const at = (ms: number, fn: () => void): void => { world.loop.after(Math.round(ms * 1000), null, fn); };
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  for (let i = 0; i < 6; i++) {
    const r = pick(replicas);
    const when = rng.float() * durationMs;
    switch (rng.int(5)) {
      case 0:
        at(when, () => { world.resetConnections(master.name, r.name); });
        break;
      case 1: {
        const len = 200 + rng.int(REPL_TIMEOUT_S * 2000);
        at(when, () => world.partition(master.name, r.name));
        at(when + len, () => world.heal(master.name, r.name));
        break;
      }
      case 2:
        at(when, () => pick([master, r]).pause(50 + rng.int(REPL_TIMEOUT_S * 1500)));
        break;
      case 3:
        at(when, () => (rng.int(2) === 0 ? r.kill() : r.crash()));
        at(when + 100 + rng.int(1500), () => { if (!r.isUp()) void r.start(); });
        break;
      default:
        at(when, () => world.setLatency(master.name, r.name, 0.1, 5 + rng.int(50)));
    }
  }
  if (masterDies) {
    const when = durationMs * (0.2 + 0.5 * rng.float());
    at(when, () => (rng.int(2) === 0 ? master.kill() : master.crash()));
    at(when + 100 + rng.int(1000), () => { if (!master.isUp()) void master.start(); });
  }
}
