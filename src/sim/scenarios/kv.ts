/**
 * The key-value scenario: independent nodes (no replication yet), clients doing SET/GET/INCR/DEL
 * with pipelining under random latency and chunking, while faults hit: pauses, client-node
 * partitions, connection resets, and a crash with restart (the crashed node's data is gone, as
 * persistence is not wired yet). Every reply is checked against a model:
 * - each client owns its keys, so on one connection the expected reply is known when the command
 *   is sent; a command whose connection was lost before its reply is uncertain, and the client
 *   reads the key back after reconnecting before trusting the model again;
 * - a counter shared by every client of a node must hand out distinct values, and end within
 *   [acknowledged, acknowledged + uncertain] increments since the node's last start.
 */
import { SeededRandom } from '../../lib/prng.js';
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import { isError, showReply, type SimReply } from '../resp.js';
import { World, type WorldOptions } from '../world.js';
import { failureRecorder } from './failures.js';

export interface KvOptions {
  seed: number;
  nodes?: number;
  clientsPerNode?: number;
  /** Virtual time during which clients issue commands and faults happen. */
  durationMs?: number;
  faults?: boolean;
  network?: WorldOptions['network'];
}

export interface ScenarioResult {
  seed: number;
  ok: boolean;
  failures: string[];
  world: World;
  /** Commands whose reply was checked. */
  checked: number;
}

const NOT_INT = 'ERR value is not an integer or out of range';
const SHARED = 'shared:counter';

interface NodeModel {
  node: SimNode;
  incarnation: number;
  acked: Set<number>;
  uncertain: number;
}

class Driver {
  client: SimClient | null = null;
  readonly model = new Map<string, string>();
  readonly uncertain = new Set<string>();
  inflight = 0;
  /** Read-backs of uncertain keys in flight. */
  resyncing = 0;
  incarnation = 0;
  lastCounter = 0;
  readonly keys: string[];

  constructor(readonly id: string, readonly nm: NodeModel, readonly pipeline: number) {
    this.keys = [0, 1, 2, 3].map((i) => `${id}:k${i}`);
  }
}

export async function kvScenario(opts: KvOptions): Promise<ScenarioResult> {
  const world = new World(opts.network === undefined ? { seed: opts.seed } : { seed: opts.seed, network: opts.network });
  const rng = new SeededRandom(world.deriveSeed());
  const duration = opts.durationMs ?? 3000;
  const { failures, fail } = failureRecorder(world);
  let checked = 0;

  const models: NodeModel[] = [];
  for (let i = 0; i < (opts.nodes ?? 3); i++) {
    const node = await world.addNode();
    models.push({ node, incarnation: node.incarnation, acked: new Set(), uncertain: 0 });
  }
  const drivers: Driver[] = [];
  for (const nm of models) {
    for (let j = 0; j < (opts.clientsPerNode ?? 2); j++) drivers.push(new Driver(`${nm.node.name}c${j}`, nm, 1 + rng.int(4)));
  }

  /** A node restarted: its data is gone, so are its models. */
  const syncIncarnation = (d: Driver): void => {
    const nm = d.nm;
    if (nm.incarnation !== nm.node.incarnation) {
      nm.incarnation = nm.node.incarnation;
      nm.acked.clear();
      nm.uncertain = 0;
    }
    if (d.incarnation !== nm.incarnation) {
      d.incarnation = nm.incarnation;
      d.model.clear();
      d.uncertain.clear();
      // Read-backs sent to the dead incarnation never report back (see send()).
      d.resyncing = 0;
      d.lastCounter = 0;
    }
  };

  const send = (d: Driver, args: string[], onReply: (r: SimReply) => void, onLost: () => void): void => {
    const c = d.client!;
    const inc = d.incarnation;
    d.inflight++;
    c.send(args, (r, err) => {
      d.inflight--;
      if (err !== null) {
        // Lost with its connection. After a crash the node's data is gone anyway.
        if (d.nm.node.incarnation === inc && d.nm.node.isUp()) onLost();
        return;
      }
      if (d.incarnation !== inc) return;
      checked++;
      onReply(r!);
    });
  };

  const expect = (d: Driver, args: string[], want: SimReply): void => {
    const key = args[1]!;
    send(d, args, (r) => {
      if (showReply(r) !== showReply(want)) fail(`${d.id} ${args.join(' ')}: got ${showReply(r)}, model says ${showReply(want)}`);
    }, () => d.uncertain.add(key));
  };

  const randomValue = (): string => {
    const k = rng.int(10);
    if (k < 5) return String(rng.int(2000) - 1000);
    if (k < 9) return `v\r\n${rng.int(1e6)}*$3\r\n`;
    return 'x'.repeat(1000 + rng.int(30_000));
  };

  const issue = (d: Driver): void => {
    // Re-learn keys whose last command was lost with its connection, before anything else: the
    // model is only trusted again once every read-back has come.
    if (d.resyncing > 0) return;
    if (d.uncertain.size > 0) {
      for (const key of [...d.uncertain]) {
        d.uncertain.delete(key);
        d.resyncing++;
        send(d, ['GET', key], (r) => {
          d.resyncing--;
          if (r === null) d.model.delete(key);
          else if (typeof r === 'string') d.model.set(key, r);
          else fail(`${d.id} GET ${key} (resync): ${showReply(r)}`);
        }, () => {
          d.resyncing--;
          d.uncertain.add(key);
        });
      }
      return;
    }
    const key = d.keys[rng.int(d.keys.length)]!;
    const cur = d.model.get(key);
    switch (rng.int(6)) {
      case 0: case 1: {
        const v = randomValue();
        d.model.set(key, v);
        expect(d, ['SET', key, v], { status: 'OK' });
        break;
      }
      case 2:
        expect(d, ['GET', key], cur ?? null);
        break;
      case 3: {
        const n = cur === undefined ? 0 : /^-?[1-9][0-9]{0,17}$|^0$/.test(cur) ? Number(cur) : null;
        if (n === null) expect(d, ['INCR', key], { error: NOT_INT });
        else {
          d.model.set(key, String(n + 1));
          expect(d, ['INCR', key], n + 1);
        }
        break;
      }
      case 4: {
        d.model.delete(key);
        expect(d, ['DEL', key], cur === undefined ? 0 : 1);
        break;
      }
      default: {
        const nm = d.nm;
        send(d, ['INCR', SHARED], (r) => {
          if (typeof r !== 'number' || r < 1) return fail(`${d.id} INCR ${SHARED}: ${showReply(r)}`);
          if (nm.acked.has(r)) fail(`${d.id} INCR ${SHARED}: value ${r} handed out twice`);
          if (r <= d.lastCounter) fail(`${d.id} INCR ${SHARED}: ${r} after ${d.lastCounter} on one connection`);
          d.lastCounter = r;
          nm.acked.add(r);
        }, () => { nm.uncertain++; });
      }
    }
  };

  const state = { issuing: true };
  const tick = (d: Driver): void => {
    syncIncarnation(d);
    const c = d.client;
    if (c === null || c.state === 'closed') {
      if (d.client !== null) d.lastCounter = 0;
      // Reconnect (refused while the node is down: the next tick tries again).
      d.client = world.client(d.nm.node, { name: `${d.id}.${world.loop.executed}` });
    } else if (c.state === 'open') {
      if (state.issuing || d.uncertain.size > 0) {
        for (let i = d.inflight; i < d.pipeline && d.resyncing === 0; i++) issue(d);
      }
    }
    world.loop.after(1000 + rng.int(20_000), null, () => tick(d));
  };
  for (const d of drivers) world.loop.after(rng.int(5000), null, () => tick(d));

  if (opts.faults ?? true) planFaults(world, rng, models.map((m) => m.node), drivers, duration);

  await world.runFor(duration);
  state.issuing = false;
  world.heal();
  const quiet = await world.runUntil(() => drivers.every((d) => d.client?.state === 'open' && d.inflight === 0 && d.uncertain.size === 0 && d.resyncing === 0), 20_000);
  if (!quiet) fail('clients did not settle within 20s after the faults stopped');

  // Final read-back of every key through a fresh connection per node.
  for (const nm of models) {
    const c = world.client(nm.node, { name: `check-${nm.node.name}` });
    const shared = await world.settle(c.call('GET', SHARED), 10_000).catch((e: Error) => ({ error: e.message }));
    if (nm.incarnation === nm.node.incarnation) {
      const v = shared === null ? 0 : Number(shared);
      const lo = Math.max(nm.acked.size, ...nm.acked);
      if (!(v >= lo && v <= nm.acked.size + nm.uncertain)) {
        fail(`${nm.node.name} ${SHARED} = ${showReply(shared)}, expected within [${lo}, ${nm.acked.size + nm.uncertain}]`);
      }
    }
    for (const d of drivers.filter((x) => x.nm === nm)) {
      syncIncarnation(d);
      for (const key of d.keys) {
        const r = await world.settle(c.call('GET', key), 10_000).catch((e: Error) => ({ error: e.message }));
        checked++;
        if (isError(r) || (r ?? undefined) !== d.model.get(key)) fail(`final GET ${key}: ${showReply(r)}, model ${showReply(d.model.get(key) ?? null)}`);
      }
    }
    c.close();
  }
  return { seed: opts.seed, ok: failures.length === 0, failures, world, checked };
}

/** Pauses, partitions and resets between clients and nodes, and one crash with restart. */
function planFaults(world: World, rng: SeededRandom, nodes: readonly SimNode[], drivers: readonly Driver[], durationMs: number): void {
  const at = (ms: number, fn: () => void): void => { world.loop.after(Math.round(ms * 1000), null, fn); };
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  for (let i = 0; i < 3; i++) {
    const n = pick(nodes);
    at(rng.float() * durationMs, () => n.pause(10 + rng.int(300)));
  }
  for (let i = 0; i < 2; i++) {
    const d = pick(drivers);
    at(rng.float() * durationMs, () => {
      const c = d.client;
      if (c === null) return;
      world.partition(c.name, d.nm.node.name);
      at(20 + rng.int(300), () => world.heal(c.name, d.nm.node.name));
    });
  }
  for (let i = 0; i < 2; i++) {
    const d = pick(drivers);
    at(rng.float() * durationMs, () => { if (d.client !== null) world.resetConnections(d.client.name, d.nm.node.name); });
  }
  const victim = pick(nodes);
  at(durationMs * (0.2 + 0.5 * rng.float()), () => {
    victim.crash();
    at(50 + rng.int(400), () => { void victim.restart(); });
  });
}
