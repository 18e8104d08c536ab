/**
 * A Sentinel-managed deployment in the simulated world, as the seeds' walkthrough sets it up: per
 * monitored master name a group of data nodes (the first the initial master, the others
 * `replicaof` it), each with its redis.conf on its disk, and N sentinels, each started as
 * `garrison-server /data/sentinel.conf --sentinel` with `sentinel monitor ...` lines in that file
 * (which the sentinel rewrites with its state, so a restart keeps it). Plus what scenarios and
 * checkers read from it: each sentinel's view of a master, a data node's role and replication
 * link, and a client that writes to a node.
 */
import { replicationOf } from '../../replication/index.js';
import { formatAddr } from '../../sentinel/instance.js';
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import type { SimReply } from '../resp.js';
import { World, type WorldOptions } from '../world.js';

export interface GroupSpec {
  seed: number;
  /** Master names monitored by every sentinel (default ['mymaster']). */
  masters?: readonly string[];
  /** Replicas per master (default 2). */
  replicas?: number;
  sentinels?: number;
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  parallelSyncs?: number;
  /** Extra redis.conf lines for data node `index` (0: the initial master) of `master`. */
  dataLines?: (master: string, index: number) => readonly string[];
  /** Extra sentinel.conf lines, after the `sentinel monitor` block of every master. */
  sentinelLines?: readonly string[];
  network?: WorldOptions['network'];
}

export interface DataGroup {
  name: string;
  /** The data nodes; [0] is the initial master. */
  nodes: SimNode[];
}

/** What one sentinel believes about one master now. */
export interface MasterView {
  host: string;
  port: number;
  configEpoch: number;
  failoverInProgress: boolean;
  odown: boolean;
}

export const DATA_PORT = 6379;

export class SentinelGroup {
  readonly groups: DataGroup[] = [];
  readonly sentinels: SimNode[] = [];

  private constructor(readonly world: World, readonly spec: Required<Omit<GroupSpec, 'network' | 'dataLines' | 'sentinelLines'>>) {}

  static async start(spec: GroupSpec): Promise<SentinelGroup> {
    const world = new World(spec.network === undefined ? { seed: spec.seed } : { seed: spec.seed, network: spec.network });
    const full = {
      seed: spec.seed, masters: spec.masters ?? ['mymaster'], replicas: spec.replicas ?? 2, sentinels: spec.sentinels ?? 3,
      quorum: spec.quorum ?? 2, downAfterMs: spec.downAfterMs ?? 1000, failoverTimeoutMs: spec.failoverTimeoutMs ?? 6000,
      parallelSyncs: spec.parallelSyncs ?? 1,
    };
    const g = new SentinelGroup(world, full);
    const letters = 'abcdefgh';
    const monitorLines: string[] = [];
    for (const [gi, name] of full.masters.entries()) {
      const nodes: SimNode[] = [];
      let masterIp = '';
      for (let i = 0; i <= full.replicas; i++) {
        const lines = [`port ${DATA_PORT}`];
        if (i > 0) lines.push(`replicaof ${masterIp} ${DATA_PORT}`);
        lines.push(...(spec.dataLines?.(name, i) ?? []));
        const n = await world.addNode(['/data/redis.conf'], { name: `${letters[gi]}${i + 1}`, files: { '/data/redis.conf': lines.join('\n') + '\n' } });
        if (i === 0) masterIp = n.ip;
        nodes.push(n);
      }
      g.groups.push({ name, nodes });
      monitorLines.push(
        `sentinel monitor ${name} ${masterIp} ${DATA_PORT} ${full.quorum}`,
        `sentinel down-after-milliseconds ${name} ${full.downAfterMs}`,
        `sentinel failover-timeout ${name} ${full.failoverTimeoutMs}`,
        `sentinel parallel-syncs ${name} ${full.parallelSyncs}`,
      );
    }
    const conf = ['# sentinel.conf written by the simulator', 'port 26379', ...monitorLines, ...(spec.sentinelLines ?? [])].join('\n') + '\n';
    for (let i = 0; i < full.sentinels; i++) {
      g.sentinels.push(await world.addNode(['/data/sentinel.conf', '--sentinel'], { name: `s${i + 1}`, files: { '/data/sentinel.conf': conf } }));
    }
    return g;
  }

  group(name = this.spec.masters[0]!): DataGroup {
    const d = this.groups.find((x) => x.name === name);
    if (d === undefined) throw new Error(`sim: no master group ${name}`);
    return d;
  }

  dataNodes(): SimNode[] {
    return this.groups.flatMap((d) => d.nodes);
  }

  /** The sentinel's view of `master`, or null while the sentinel is down. */
  view(s: SimNode, master = this.spec.masters[0]!): MasterView | null {
    const m = s.sentinel?.masters.get(master);
    if (m === undefined) return null;
    return { host: m.host, port: m.port, configEpoch: m.configEpoch, failoverInProgress: m.failoverInProgress, odown: m.odown };
  }

  /** The data node of `master`'s group at `host` (port 6379), if any. */
  nodeAt(host: string, master = this.spec.masters[0]!): SimNode | undefined {
    return this.group(master).nodes.find((n) => n.ip === host);
  }

  /** The node the given sentinels (default: all running ones) agree is `master`'s, or null. */
  agreedMaster(master = this.spec.masters[0]!, among: readonly SimNode[] = this.sentinels): SimNode | null {
    const views = among.filter((s) => s.isUp()).map((s) => this.view(s, master)!);
    if (views.length === 0) return null;
    const first = views[0]!;
    if (!views.every((v) => v.host === first.host && v.port === first.port && !v.failoverInProgress)) return null;
    return this.nodeAt(first.host, master) ?? null;
  }

  /** True when `node` runs as a master (no replication link). */
  isMaster(node: SimNode): boolean {
    const r = node.server === null ? undefined : replicationOf(node.server);
    return r !== undefined && !r.isReplica();
  }

  /** Whether `node` replicates from `master` with its link up. */
  replicatesFrom(node: SimNode, master: SimNode): boolean {
    const link = node.server === null ? null : replicationOf(node.server)?.link ?? null;
    return link !== null && link.host === master.ip && link.port === DATA_PORT && link.linkUp;
  }

  /** What a data node is doing, for failure reports: master, or whose replica and its link's state. */
  describe(node: SimNode): string {
    if (!node.isUp()) return 'down';
    if (this.isMaster(node)) return 'master';
    const link = node.server === null ? null : replicationOf(node.server)?.link ?? null;
    return link === null ? 'replica (no link)' : `replica of ${link.host}:${link.port}, link ${link.linkUp ? 'up' : 'down'} (${link.state})`;
  }

  /** The data nodes of `master`'s group that are up and run as masters. */
  runningMasters(master = this.spec.masters[0]!): SimNode[] {
    return this.group(master).nodes.filter((n) => n.isUp() && this.isMaster(n));
  }

  /**
   * Whether a running sentinel lists `node` among `master`'s replicas. Sentinels learn replicas
   * only from the INFO of the master they monitor (every 10 s), as Redis's do: a node attached
   * to it only between two of those looks is never known, and no sentinel can reconfigure it.
   */
  knownReplica(node: SimNode, master = this.spec.masters[0]!): boolean {
    return this.sentinels.some((s) => s.isUp() && s.sentinel?.masters.get(master)?.replicas.has(formatAddr(node.ip, DATA_PORT)) === true);
  }

  /** Whether `node` replicates from `master` through a chain of replicas, every link up. */
  reachesThroughChain(node: SimNode, master: SimNode, master0 = this.spec.masters[0]!): boolean {
    let n: SimNode | undefined = node;
    for (let hops = 0; n !== undefined && hops < this.group(master0).nodes.length; hops++) {
      const link = n.server === null ? null : replicationOf(n.server)?.link ?? null;
      if (link === null || !link.linkUp || link.port !== DATA_PORT) return false;
      if (link.host === master.ip) return true;
      n = this.nodeAt(link.host, master0);
    }
    return false;
  }

  /**
   * The steady state the group must reach: every running sentinel reports the same master, not in
   * failover; it is up and a master; every other running data node replicates from it, link up,
   * except a node no sentinel knows (see knownReplica), which may replicate through a chain.
   */
  converged(master = this.spec.masters[0]!): SimNode | null {
    const m = this.agreedMaster(master);
    if (m === null || !m.isUp() || !this.isMaster(m)) return null;
    for (const n of this.group(master).nodes) {
      if (n === m || !n.isUp() || this.replicatesFrom(n, m)) continue;
      if (!this.knownReplica(n, master) && this.reachesThroughChain(n, m, master)) continue;
      return null;
    }
    return m;
  }

  /** Runs until `converged`, or null after `timeoutMs` of virtual time. */
  async waitConverged(timeoutMs: number, master = this.spec.masters[0]!): Promise<SimNode | null> {
    const ok = await this.world.runUntil(() => this.converged(master) !== null, timeoutMs);
    return ok ? this.converged(master) : null;
  }

  /** A one-shot command through a new client to `node`: the reply, or `{ error }` if the link failed. */
  async call(node: SimNode, ...args: string[]): Promise<SimReply> {
    const c: SimClient = this.world.client(node);
    try {
      return await this.world.settle(c.call(...args), 10_000);
    } catch (e) {
      return { error: `(link) ${(e as Error).message}` };
    } finally {
      c.close();
    }
  }

  /** The sentinel events of every sentinel, in emission order per sentinel, filtered by type. */
  events(type: string): Array<{ sentinel: string; text: string; atMs: number }> {
    return this.sentinels.flatMap((s) => s.events.filter((e) => e.type === type).map((e) => ({ sentinel: s.name, text: e.text, atMs: e.atMs })));
  }
}
