/**
 * A Garrison server node in the simulated world: a host (name, IP), a disk that outlives its
 * processes, and the current process running a real Server built by `buildServer` and bound by
 * `listen`, exactly as the library does it. `crash()` is a machine crash (events dropped,
 * connections reset, unsynced disk bytes lost, in-memory state gone), `kill()` a killed process
 * (the disk keeps what was written), SHUTDOWN an orderly exit; `restart()` builds a fresh
 * server from the same configuration over the same disk, which loads its RDB or AOF from it; `pause(ms)` stops the process (its
 * events wait, the kernel keeps buffering bytes).
 */
import { buildServer, buildSentinelServer, listen, allCommandSpecs } from '../node/build.js';
import { shutdownNode } from '../node/shutdown.js';
import { loadAtStart, LoadFailure } from '../node/load-at-start.js';
import type { Listener, LogSink } from '../runtime/ports.js';
import { parseArgv, assembleConfigText } from '../server/config/argv.js';
import { Config } from '../server/config/config.js';
import { loadConfigText, newLoadState, type ConfigFileHost } from '../server/config/file.js';
import type { Server } from '../server/server.js';
import { announceSentinel, type Sentinel, type SentinelEvent } from '../sentinel/index.js';
import { simConfigStore } from './config-store.js';
import { SimProcess } from './event-loop.js';
import { processEnvironment } from './env.js';
import type { SimDisk } from './disk.js';
import type { SimHost } from './network.js';
import type { World } from './world.js';

/**
 * Defaults every simulated node starts with (the config file and arguments override them): Redis's
 * port, and protected-mode off since clients come from other hosts. A sentinel (`--sentinel` among
 * the arguments) listens on Redis's sentinel port.
 */
const SIM_DEFAULTS = { port: '6379', 'protected-mode': 'no' };
const SIM_SENTINEL_DEFAULTS = { port: '26379', 'protected-mode': 'no' };

/** A sentinel event as the simulator records it: which incarnation of the node emitted it. */
export interface RecordedSentinelEvent extends SentinelEvent {
  incarnation: number;
}

export type NodeConfigSource = readonly string[] | Config;

export class SimNode {
  /** The server of the running incarnation; null while crashed. */
  server: Server | null = null;
  /** The sentinel of the running incarnation when the node runs in sentinel mode (`--sentinel`). */
  sentinel: Sentinel | null = null;
  /** Sentinel events of every incarnation, in order (sentinel nodes only). */
  readonly events: RecordedSentinelEvent[] = [];
  /** Called with each sentinel event of any incarnation, as it happens (checkers). */
  readonly eventListeners: Array<(e: RecordedSentinelEvent) => void> = [];
  process: SimProcess;
  incarnation = 0;
  /**
   * This host's wall clock minus the world's, in ms: a skew, or a jump when changed while running
   * (the monotonic clock is not affected), e.g. to drive Sentinel's TILT.
   */
  wallOffsetMs = 0;
  /** Working directory of the process (`dir`). */
  cwd = '/data';
  /** Log lines of every incarnation, for checks and failure reports. */
  readonly log: string[] = [];
  private lastAddress: { host: string; port: number } | null = null;

  constructor(
    private readonly world: World,
    readonly name: string,
    readonly host: SimHost,
    readonly disk: SimDisk,
    private readonly configSource: NodeConfigSource,
  ) {
    this.process = host.process;
  }

  get ip(): string {
    return this.host.ip;
  }

  /** The server's listeners now (CONFIG SET port/bind rebind them); empty while down. */
  get listeners(): readonly Listener[] {
    return this.server?.listeners ?? [];
  }

  /** The node's TCP address: its first TCP listener (the last one it had while it is down). */
  get address(): { host: string; port: number } {
    for (const l of this.listeners) if ('port' in l.address) return { host: this.host.ip, port: l.address.port };
    if (this.lastAddress === null) throw new Error(`sim: node ${this.name} has no TCP listener`);
    return this.lastAddress;
  }

  get addr(): string {
    const a = this.address;
    return `${a.host}:${a.port}`;
  }

  isUp(): boolean {
    return this.server !== null && this.process.alive;
  }

  /** Builds and binds a fresh server in a new process on this host. */
  async start(): Promise<void> {
    if (this.isUp()) throw new Error(`sim: node ${this.name} is running`);
    this.incarnation++;
    const proc = this.incarnation === 1 ? this.process : new SimProcess(`${this.name}#${this.incarnation}`);
    this.process = proc;
    this.host.process = proc;
    const w = this.world;
    const fs = this.disk.view(proc, () => this.cwd);
    fs.mkdir(this.cwd);
    const env = processEnvironment({
      loop: w.loop,
      process: proc,
      seed: w.deriveSeed(),
      epochMs: () => w.epochMs + this.wallOffsetMs,
      transport: w.net.transport(this.host, () => proc),
      fs,
      pid: 100 + this.incarnation * 1000 + w.nodeIndex(this),
    });
    const { config, sentinelMode } = this.makeConfig(fs);
    const sink: LogSink = {
      write: (line) => {
        if (!proc.alive) return;
        const text = line.replace(/\n$/, '');
        this.log.push(`${this.name}: ${text}`);
        // The trace has virtual time already; the line's own stamp is in the host's time zone.
        w.trace.add(`log ${this.name} ${text.replace(/^(\d+:[A-Z]) \d\d \w{3} \d{4} [\d:.]+ /, '$1 ')}`);
      },
    };
    let sentinel: Sentinel | null = null;
    let server: Server;
    if (sentinelMode) {
      ({ server, sentinel } = buildSentinelServer({ env, config, logSink: sink }));
      const incarnation = this.incarnation;
      sentinel.eventListeners.push((e) => {
        if (!proc.alive) return;
        const rec = { ...e, incarnation };
        this.events.push(rec);
        w.trace.add(`sentinel ${this.name} ${e.type} ${e.text}`);
        for (const l of this.eventListeners) l(rec);
      });
    } else {
      server = buildServer({ env, config, logSink: sink });
    }
    // SHUTDOWN runs the process's shutdown sequence, then the process exits (as main.ts does).
    server.onShutdown = async (flags) => {
      const done = await shutdownNode(server, flags, { removePidFile: () => fs.unlink(config.str('pidfile')) });
      if (done && proc === this.process) {
        w.trace.add(`node ${this.name} exited`);
        this.die('exit', false);
      }
      return done;
    };
    await listen(server);
    this.server = server;
    this.sentinel = sentinel;
    if (sentinel !== null) announceSentinel(server, sentinel);
    server.startTicking();
    w.trace.add(`node ${this.name} started (incarnation ${this.incarnation}) at ${this.addr}`);
    // A sentinel has no dataset (main.ts loads data files only when not in sentinel mode).
    if (sentinel !== null) return;
    // Its data files load in slices on its own loop (clients get -LOADING meanwhile), as main.ts.
    loadAtStart(server).then(() => {
      if (proc.alive) w.trace.add(`node ${this.name} loaded its data`);
    }, (e: unknown) => {
      if (!proc.alive) return;
      const lines = e instanceof LoadFailure ? e.logLines : [String(e)];
      for (const line of lines) server.logger.warning(line);
      w.trace.add(`node ${this.name} failed loading its data`);
      this.die('exit', false);
    });
  }

  private makeConfig(fs: ReturnType<SimDisk['view']>): { config: Config; sentinelMode: boolean } {
    if (this.configSource instanceof Config) return { config: this.configSource, sentinelMode: false };
    const sentinelMode = this.configSource.includes('--sentinel');
    const parsed = parseArgv(this.configSource);
    if (parsed.kind !== 'run') throw new Error(`sim: node ${this.name}: arguments are not a run (${parsed.kind})`);
    const config = new Config(undefined, { defaults: { ...(sentinelMode ? SIM_SENTINEL_DEFAULTS : SIM_DEFAULTS), dir: this.cwd } });
    let fileText = '';
    if (parsed.configFile !== null) {
      const b = fs.readFile(parsed.configFile);
      if (b === null) throw new Error(`sim: node ${this.name}: no config file ${parsed.configFile} on its disk`);
      fileText = b.toString('utf8');
      // CONFIG REWRITE (and a sentinel's state) go back to the file on this node's disk.
      config.configFile = parsed.configFile.startsWith('/') ? parsed.configFile : `${this.cwd}/${parsed.configFile}`;
      config.store = simConfigStore(fs, () => this.cwd);
    }
    const host: ConfigFileHost = {
      readFile: (p) => fs.readFile(p)?.toString('utf8') ?? { error: 'No such file or directory' },
      glob: (p) => (fs.stat(p) !== null ? [p] : []),
      chdir: (p) => {
        if (fs.stat(p)?.isDirectory !== true) return 'No such file or directory';
        this.cwd = p.startsWith('/') ? p : `${this.cwd}/${p}`;
        return null;
      },
      cwd: () => this.cwd,
      checkAppend: () => null,
    };
    loadConfigText(assembleConfigText(fileText, null, parsed.options), config, host,
      { ...newLoadState(allCommandSpecs().map((s) => s.name)), sentinelMode });
    return { config, sentinelMode };
  }

  /**
   * The machine crashes (power loss): the process dies (no more events, connections reset, memory
   * gone) and the disk keeps only what was synced.
   */
  crash(): void {
    this.die('crash', true);
  }

  /** The process is killed (SIGKILL): like crash, but the disk keeps every byte written (page cache). */
  kill(): void {
    this.die('kill', false);
  }

  private die(what: string, loseUnsynced: boolean): void {
    if (!this.process.alive) return;
    this.world.trace.add(`fault ${what} ${this.name}`);
    this.process.alive = false;
    this.world.net.processDied(this.host, this.process);
    if (loseUnsynced) this.disk.crash();
    if (this.listeners.length > 0) this.lastAddress = this.address;
    this.server = null;
    this.sentinel = null;
  }

  /** Crashes the node if it runs (a machine crash), then starts a fresh server over the same disk. */
  async restart(): Promise<void> {
    this.crash();
    this.world.trace.add(`fault restart ${this.name}`);
    await this.start();
  }

  /** Stops the process for `ms` of virtual time (SIGSTOP, then SIGCONT). */
  pause(ms: number): void {
    const until = this.world.loop.nowUs + Math.round(ms * 1000);
    this.process.pausedUntilUs = Math.max(this.process.pausedUntilUs, until);
    this.world.trace.add(`fault pause ${this.name} ${ms}ms`);
  }
}
