/**
 * The simulated world: one event loop, one network, and many real Garrison nodes and clients in
 * one process, single-threaded and reproducible from a seed (DESIGN.md principles 3 and 7).
 * Virtual time only moves when the world runs (`runFor`, `runUntil`, `step`, `settle`); between
 * two events the host's microtask queue is drained so that `await`s in server code and scenarios
 * complete at the virtual instant their promise was resolved. Every random choice draws from
 * streams derived from the seed: the network's, the disk's, and one per node incarnation.
 */
import { SeededRandom } from '../lib/prng.js';
import { yieldToHost } from '../runtime/node/host-yield.js';
import type { Config } from '../server/config/config.js';
import { SimClient } from './client.js';
import { DEFAULT_DISK, SimDisk, type DiskOptions } from './disk.js';
import { EventLoop, SimProcess } from './event-loop.js';
import { DEFAULT_NETWORK, SimNetwork, type NetworkOptions } from './network.js';
import { SimNode } from './node.js';
import { Trace } from './trace.js';

export interface WorldOptions {
  seed: number;
  network?: Partial<NetworkOptions>;
  disk?: Partial<DiskOptions>;
  /** Wall-clock time at virtual time zero (default 2026-01-01T00:00:00Z). */
  epochMs?: number;
  /** Trace lines kept in memory. */
  traceLimit?: number;
}

export interface AddNodeOptions {
  /** Host name (default n1, n2, ...); the node's IP is 10.0.0.<index>. */
  name?: string;
  /** Files put on the node's disk before it starts (absolute path -> text), e.g. its config file. */
  files?: Readonly<Record<string, string>>;
}

export class World {
  readonly seed: number;
  readonly loop = new EventLoop();
  readonly trace: Trace;
  readonly net: SimNetwork;
  readonly epochMs: number;
  private readonly seeds: SeededRandom;
  private readonly diskRng: SeededRandom;
  private readonly diskOpts: DiskOptions;
  private readonly nodeList: SimNode[] = [];
  private readonly nodesByName = new Map<string, SimNode>();
  private clientCount = 0;
  private running = false;

  constructor(opts: WorldOptions) {
    this.seed = opts.seed;
    this.epochMs = opts.epochMs ?? 1_767_225_600_000;
    this.trace = new Trace(() => this.loop.nowUs, opts.traceLimit);
    const root = new SeededRandom(opts.seed);
    this.seeds = new SeededRandom(root.nextU32());
    this.diskRng = new SeededRandom(root.nextU32());
    this.net = new SimNetwork(this.loop, new SeededRandom(root.nextU32()), this.trace, { ...DEFAULT_NETWORK, ...opts.network });
    this.diskOpts = { ...DEFAULT_DISK, ...opts.disk };
    this.trace.add(`world seed ${opts.seed}`);
  }

  /** Virtual milliseconds since the world began. */
  nowMs(): number {
    return this.loop.nowUs / 1000;
  }

  /** A fresh seed for a new random stream (node incarnations, clients). */
  deriveSeed(): number {
    return this.seeds.nextU32();
  }

  nodeIndex(n: SimNode): number {
    return this.nodeList.indexOf(n) + 1;
  }

  /**
   * Adds a node and starts it: `args` are redis-server command-line options
   * (`['--maxmemory', '1mb']`, a leading config-file path is read from the node's disk), applied
   * after the simulator's defaults (`port 6379`, `protected-mode no`); or a ready Config (reused
   * as is by `restart`, with whatever CONFIG SET changed in it).
   */
  async addNode(args: readonly string[] | Config = [], opts: AddNodeOptions = {}): Promise<SimNode> {
    const index = this.nodeList.length + 1;
    const name = opts.name ?? `n${index}`;
    if (this.nodesByName.has(name)) throw new Error(`sim: node ${name} exists`);
    const host = this.net.addHost(name, `10.0.0.${index}`, new SimProcess(`${name}#1`));
    const disk = new SimDisk(name, this.loop, this.diskRng, this.trace, this.diskOpts, () => this.epochMs + this.nowMs());
    for (const [path, text] of Object.entries(opts.files ?? {})) disk.put(path, text);
    const node = new SimNode(this, name, host, disk, args);
    this.nodeList.push(node);
    this.nodesByName.set(name, node);
    await node.start();
    return node;
  }

  node(name: string): SimNode {
    const n = this.nodesByName.get(name);
    if (n === undefined) throw new Error(`sim: no node ${name}`);
    return n;
  }

  nodes(): readonly SimNode[] {
    return this.nodeList;
  }

  /** A new client, on its own host (10.0.1.<k>), connecting to the node (or any host:port). */
  client(target: SimNode | string | { host: string; port: number }, opts: { name?: string; connectTimeoutMs?: number } = {}): SimClient {
    const k = ++this.clientCount;
    const name = opts.name ?? `client${k}`;
    const proc = new SimProcess(name);
    const host = this.net.addHost(name, `10.0.1.${k}`, proc);
    const addr = typeof target === 'string' ? this.node(target).address : target instanceof SimNode ? target.address : target;
    return new SimClient(name, addr, proc, this.net.transport(host, () => proc), this.trace, opts.connectTimeoutMs);
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /** Runs the next event; false when nothing is left to run. */
  async step(): Promise<boolean> {
    return this.exclusive(async () => {
      const ran = this.runOneEvent();
      await yieldToHost();
      return ran;
    });
  }

  /** Runs every event due within the next `ms` of virtual time, then sets the time to its end. */
  async runFor(ms: number): Promise<void> {
    await this.runUntil(() => false, ms);
  }

  /**
   * Runs until `predicate` holds (checked before each event); false when `timeoutMs` of virtual
   * time pass first (the world then stands at the deadline). One run at a time: the world is
   * single-threaded, so a second concurrent run is an error in the scenario.
   */
  async runUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.exclusive(async () => {
      const end = this.loop.nowUs + Math.round(timeoutMs * 1000);
      await yieldToHost();
      for (;;) {
        if (predicate()) return true;
        const next = this.loop.peekUs();
        if (next === null || next > end) {
          this.loop.nowUs = Math.max(this.loop.nowUs, end);
          return predicate();
        }
        this.runOneEvent();
        await yieldToHost();
      }
    });
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running) throw new Error('sim: the world is already running (await the current run first)');
    this.running = true;
    try {
      return await fn();
    } finally {
      this.running = false;
    }
  }

  /** Runs the world until the promise settles (or `timeoutMs` passes: then it throws). */
  async settle<T>(p: Promise<T>, timeoutMs = 60_000): Promise<T> {
    const state: { done: boolean; value?: T; error?: unknown; failed: boolean } = { done: false, failed: false };
    p.then((v) => { state.done = true; state.value = v; }, (e: unknown) => { state.done = true; state.failed = true; state.error = e; });
    if (!(await this.runUntil(() => state.done, timeoutMs))) throw new Error(`sim: not settled within ${timeoutMs}ms of virtual time`);
    if (state.failed) throw state.error;
    return state.value as T;
  }

  private runOneEvent(): boolean {
    try {
      return this.loop.runOne();
    } catch (e) {
      this.trace.add(`exception ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Faults, by node or host name

  partition(a: string, b: string): void { this.net.partition(a, b); }
  blockOneWay(from: string, to: string): void { this.net.blockOneWay(from, to); }
  isolate(a: string): void { this.net.isolate(a); }
  heal(a?: string, b?: string): void { this.net.heal(a, b); }
  resetConnections(a: string, b: string): number { return this.net.resetConnections(a, b); }
  setLatency(a: string, b: string, minMs: number, maxMs: number): void { this.net.setLatency(a, b, minMs, maxMs); }

  /** The scenario this world runs, for the replay hint of `report` (set by the runners). */
  scenarioName: string | null = null;

  /** A failure report: the seed, the command that replays it, and the end of the trace. */
  report(lines = 200): string {
    const scenario = this.scenarioName === null ? '' : ` --scenario ${this.scenarioName}`;
    return `seed ${this.seed} at ${this.nowMs().toFixed(3)}ms (replay: npm run sim --${scenario} --seed ${this.seed})\n${this.trace.tail(lines)}`;
  }
}
