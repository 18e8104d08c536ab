/**
 * The Sentinel swarm: a Sentinel-managed group (1 master, 2 replicas, 3 sentinels by default) under
 * random faults drawn from the seed for `durationMs` of virtual time: process kills and machine
 * crashes (restarted later), partitions of a pair or of one host from everything (healed later),
 * pauses (long ones put sentinels in TILT), connection resets and, when asked, wall-clock jumps.
 * The safety checker runs throughout (one leader per epoch, one master per config epoch on every
 * sentinel, epochs never going back). Then every fault is lifted (heal, restart what is down, pauses over) and liveness
 * is asserted: within `livenessMs` all sentinels agree on one master, it runs as a master, every
 * other data node replicates from it, this holds for 10 s, and a write on it reaches every
 * replica (WAIT). With `writes`, a client follows the master through the sentinels and no write that
 * WAIT confirmed on every replica may be missing from any data node at the end
 * (sentinel-writer.ts).
 */
import { SeededRandom } from '../../lib/prng.js';
import type { SimNode } from '../node.js';
import { showReply } from '../resp.js';
import type { GroupSpec } from './sentinel-group.js';
import { FollowingWriter } from './sentinel-writer.js';
import { SentinelRun, type SentinelScenarioResult } from './sentinel-run.js';

export interface SentinelSwarmOptions {
  seed: number;
  /** Virtual time during which faults happen (default 30 s). */
  durationMs?: number;
  /** Bound on the time to converge after the last fault is lifted (default 120 s). */
  livenessMs?: number;
  /** Also jump hosts' wall clocks (sentinels enter TILT; default false). */
  clockJumps?: boolean;
  /**
   * A client follows the master through the sentinels and writes, each confirmed by WAIT on every replica;
   * data nodes run `appendonly yes` / `appendfsync always`; no confirmed write may be lost.
   */
  writes?: boolean;
  /** The group's shape (defaults: 2 replicas, 3 sentinels, quorum 2) and network. */
  replicas?: number;
  sentinels?: number;
  quorum?: number;
  network?: GroupSpec['network'];
}

/** How long the agreement must hold before liveness counts as reached. */
const STABLE_MS = 10_000;

export async function sentinelSwarmScenario(o: SentinelSwarmOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({
    seed: o.seed, downAfterMs: 1000, failoverTimeoutMs: 6000,
    ...(o.replicas === undefined ? {} : { replicas: o.replicas }), ...(o.sentinels === undefined ? {} : { sentinels: o.sentinels }),
    ...(o.quorum === undefined ? {} : { quorum: o.quorum }), ...(o.network === undefined ? {} : { network: o.network }),
    ...(o.writes === true ? { dataLines: () => ['appendonly yes', 'appendfsync always'] } : {}),
  });
  const { g, world } = run;
  const rng = new SeededRandom(world.deriveSeed());
  const durationMs = o.durationMs ?? 30_000;
  const livenessMs = o.livenessMs ?? 120_000;
  if ((await run.converge('start', 20_000)) === null) return run.finish(o.seed);

  const nodes: SimNode[] = [...g.dataNodes(), ...g.sentinels];
  const writer = o.writes === true ? new FollowingWriter(g, g.dataNodes().length - 1) : null;
  writer?.start();
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const at = (ms: number, fn: () => void): void => { world.loop.after(Math.round(ms * 1000), null, fn); };
  const starting = new Set<SimNode>();
  const bringUp = (n: SimNode): void => {
    if (n.isUp() || starting.has(n)) return;
    starting.add(n);
    void n.start().finally(() => starting.delete(n));
  };
  const faults = { kills: 0, crashes: 0, partitions: 0, isolations: 0, pauses: 0, resets: 0, clockJumps: 0 };
  const end = world.nowMs() + durationMs;
  const plan = (): void => {
    const left = end - world.nowMs();
    if (left <= 0) return;
    const n = pick(nodes);
    switch (rng.int(o.clockJumps === true ? 7 : 6)) {
      case 0:
      case 1: {
        if (!n.isUp()) break;
        if (rng.int(2) === 0) {
          faults.kills++;
          n.kill();
        } else {
          faults.crashes++;
          n.crash();
        }
        at(500 + rng.int(8000), () => bringUp(n));
        break;
      }
      case 2: {
        const other = pick(nodes.filter((x) => x !== n));
        faults.partitions++;
        world.partition(n.name, other.name);
        at(500 + rng.int(6000), () => world.heal(n.name, other.name));
        break;
      }
      case 3:
        faults.isolations++;
        world.isolate(n.name);
        at(500 + rng.int(6000), () => world.heal(n.name));
        break;
      case 4:
        faults.pauses++;
        n.pause(100 + rng.int(3000));
        break;
      case 5: {
        const other = pick(nodes.filter((x) => x !== n));
        faults.resets++;
        world.resetConnections(n.name, other.name);
        break;
      }
      default:
        // The host's wall clock jumps (NTP step, VM migration), forward or back by up to 10 s.
        faults.clockJumps++;
        n.wallOffsetMs += (rng.int(2) === 0 ? -1 : 1) * (500 + rng.int(9500));
        world.trace.add(`fault clock ${n.name} offset ${n.wallOffsetMs}ms`);
    }
    at(500 + rng.int(3500), plan);
  };
  at(0, plan);
  await world.runFor(durationMs);

  writer?.stop();
  // Lift every fault: the last heal, and every node running again.
  world.heal();
  for (const n of nodes) bringUp(n);
  const liftedAt = world.nowMs();
  // A pause drawn near the end may outlast the window: it is a fault too.
  await run.waitFor('every node running, none paused, after the faults',
    () => nodes.every((n) => n.isUp() && n.process.pausedUntilUs <= world.loop.nowUs), 10_000);
  // Converged and staying so: a sentinel may still act on what it saw before the heal (an ODOWN
  // waiting for its next try), so a moment of agreement is not yet the end state.
  const stable: { m: SimNode | null; sinceMs: number } = { m: null, sinceMs: world.nowMs() };
  const settled = await world.runUntil(() => {
    const c = g.converged();
    if (c !== stable.m) {
      stable.m = c;
      stable.sinceMs = world.nowMs();
    }
    return c !== null && world.nowMs() - stable.sinceMs >= STABLE_MS;
  }, livenessMs);
  run.check(settled, `liveness after the last heal: no stable agreement within ${livenessMs}ms`);
  const m = settled ? stable.m : null;
  Object.assign(run.metrics, faults, { epochs: Math.max(0, ...g.sentinels.map((s) => s.sentinel?.currentEpoch ?? 0)), promotions: run.safety.promotions.length });
  if (m === null) {
    for (const s of g.sentinels) {
      const v = g.view(s);
      run.fail(`${s.name} sees ${v === null ? 'nothing' : `${v.host}:${v.port} epoch ${v.configEpoch}${v.failoverInProgress ? ' (failover in progress)' : ''}`}`);
    }
    for (const n of g.dataNodes()) run.fail(`${n.name} (${n.ip}) ${g.describe(n)}`);
    return run.finish(o.seed);
  }
  run.metrics.convergeMs = Math.round(stable.sinceMs - liftedAt);
  // WAIT counts the master's own replicas (a node no sentinel knows may hang off another replica).
  const replicas = g.dataNodes().filter((n) => n !== m && g.replicatesFrom(n, m)).length;
  const set = await g.call(m, 'SET', 'swarm:final', String(o.seed));
  const acks = await g.call(m, 'WAIT', String(replicas), '5000');
  run.check(showReply(set) === '{"status":"OK"}', `SET on the final master: ${showReply(set)}`);
  run.check(acks === replicas, `WAIT ${replicas} on the final master: ${showReply(acks)}`);
  if (writer !== null) {
    Object.assign(run.metrics, { acked: writer.acked, confirmed: writer.confirmed.length });
    run.check(writer.strangeAnswers === 0, `SENTINEL get-master-addr-by-name named ${writer.strangeAnswers} addresses that are no data node`);
    for (const n of g.dataNodes()) {
      const missing = await writer.missingOn(n);
      run.check(Array.isArray(missing) && missing.length === 0, `${n.name} lacks confirmed writes: ${Array.isArray(missing) ? missing.slice(0, 10).join(',') : missing}`);
    }
  }
  return run.finish(o.seed);
}
