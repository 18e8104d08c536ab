/**
 * `garrison up`'s plan, pure: the command line parsed into options, and the nodes to start (role,
 * port, config file path and text, log file). The launcher (up.ts) does the I/O. Data nodes get a
 * redis.conf each (the replicas with `replicaof`), sentinels a sentinel.conf each with `sentinel
 * monitor` and the timing directives; every node logs to its own file in the directory.
 */
import { repr } from '../lib/repr.js';

export interface UpOptions {
  replicas: number;
  sentinels: number;
  /** First port (master; replicas follow; sentinels at port + 20000 + i); 0: free ports. */
  port: number;
  /** Directory for config and log files; null: a fresh temporary directory. */
  dir: string | null;
  masterName: string;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export type UpRole = 'master' | 'replica' | 'sentinel';

export interface PlannedNode {
  role: UpRole;
  port: number;
  confPath: string;
  logPath: string;
  confText: string;
}

export const HOST = '127.0.0.1';
export const DEFAULT_PORT = 6379;
/** Sentinels listen at the master's port plus this (6379 -> 26379, as the usual layout). */
export const SENTINEL_PORT_OFFSET = 20_000;

export const UP_USAGE = `Usage: garrison up [options]

Starts a master, its replicas and (with --sentinel) sentinels monitoring it, each as its own
garrison-server / garrison-sentinel process with its own config file and log file, on ${HOST}.
Prints each node's role, address, pid and config file; Ctrl-C or SIGTERM stops them all. A node
that dies (kill -9 the master to watch a failover) is reported and the others keep running.

Options:
  --replicas N             replicas of the master (default 0, or 2 with --sentinel)
  --sentinel               also start sentinels (default 3 of them)
  --sentinels N            start N sentinels (implies --sentinel)
  --port P                 master port (default ${DEFAULT_PORT}); replicas use P+1..P+N, sentinels
                           P+${SENTINEL_PORT_OFFSET}.. (${DEFAULT_PORT} -> 26379); 0 picks free ports
  --dir D                  where config and log files go (created if missing; existing files
                           of the same names are overwritten); default: a new temporary directory
  --name NAME              the master's name for the sentinels (default mymaster)
  --quorum Q               sentinels needed to agree the master is down (default: a majority)
  --down-after-ms MS       sentinel down-after-milliseconds (default 5000)
  --failover-timeout-ms MS sentinel failover-timeout (default 60000)
  -h, --help               this help
`;

function parseCount(flag: string, text: string | undefined, min: number, max: number): number | string {
  if (text === undefined || !/^\d+$/.test(text)) return `${flag} needs a number`;
  const n = Number(text);
  if (n < min || n > max) return `${flag} must be between ${min} and ${max}`;
  return n;
}

/** Parses `garrison up`'s arguments: the options, 'help', or an error text. */
export function parseUpArgs(args: readonly string[]): UpOptions | 'help' | { error: string } {
  let replicas: number | null = null;
  let sentinels = 0;
  let quorum: number | null = null;
  const o: UpOptions = {
    replicas: 0, sentinels: 0, port: DEFAULT_PORT, dir: null, masterName: 'mymaster', quorum: 0,
    downAfterMs: 5000, failoverTimeoutMs: 60_000,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const numeric = (min: number, max: number): number | string => parseCount(a, args[++i], min, max);
    let n: number | string = 0;
    switch (a) {
      case '-h': case '--help': return 'help';
      case '--sentinel': if (sentinels === 0) sentinels = 3; continue;
      case '--sentinels': n = numeric(1, 99); if (typeof n === 'number') sentinels = n; break;
      case '--replicas': n = numeric(0, 99); if (typeof n === 'number') replicas = n; break;
      case '--port': n = numeric(0, 65535); if (typeof n === 'number') o.port = n; break;
      case '--quorum': n = numeric(1, 99); if (typeof n === 'number') quorum = n; break;
      case '--down-after-ms': n = numeric(1, 2 ** 31); if (typeof n === 'number') o.downAfterMs = n; break;
      case '--failover-timeout-ms': n = numeric(1, 2 ** 31); if (typeof n === 'number') o.failoverTimeoutMs = n; break;
      case '--dir': case '--name': {
        const v = args[++i];
        if (v === undefined || v === '') return { error: `${a} needs a value` };
        if (a === '--dir') o.dir = v;
        else if (/\s/.test(v)) return { error: '--name must not contain spaces' };
        else o.masterName = v;
        continue;
      }
      default: return { error: `unknown option '${a}'` };
    }
    if (typeof n === 'string') return { error: n };
  }
  o.sentinels = sentinels;
  o.replicas = replicas ?? (sentinels > 0 ? 2 : 0);
  o.quorum = quorum ?? Math.floor(sentinels / 2) + 1;
  if (sentinels > 0 && o.quorum > sentinels) return { error: `--quorum ${o.quorum} is more than the ${sentinels} sentinels` };
  if (o.port !== 0) {
    const last = sentinels > 0 ? o.port + SENTINEL_PORT_OFFSET + sentinels - 1 : o.port + o.replicas;
    if (last > 65535) return { error: `--port ${o.port} leaves no room for every node (the last would be ${last})` };
  }
  return o;
}

/** The ports of the nodes in plan order (master, replicas, sentinels) for a fixed first port. */
export function fixedPorts(o: UpOptions): number[] {
  const ports: number[] = [];
  for (let i = 0; i <= o.replicas; i++) ports.push(o.port + i);
  for (let i = 0; i < o.sentinels; i++) ports.push(o.port + SENTINEL_PORT_OFFSET + i);
  return ports;
}

/** The nodes to start, given their ports (master, replicas, sentinels) and the directory. */
export function planNodes(o: UpOptions, ports: readonly number[], dir: string): PlannedNode[] {
  const masterPort = ports[0]!;
  const nodes: PlannedNode[] = [];
  const file = (name: string): string => `${dir}/${name}`;
  ports.forEach((port, i) => {
    const role: UpRole = i === 0 ? 'master' : i <= o.replicas ? 'replica' : 'sentinel';
    const base = role === 'sentinel' ? `sentinel-${port}` : `${role}-${port}`;
    const logPath = file(`${base}.log`);
    const lines = [
      `# Written by garrison up: the ${role === 'sentinel' ? `sentinel ${i - o.replicas} of ${o.sentinels}` : role} at ${HOST}:${port}.`,
      `port ${port}`,
      `bind ${HOST}`,
      `dir ${repr(dir)}`,
      `logfile ${repr(logPath)}`,
    ];
    if (role === 'sentinel') {
      lines.push(
        `sentinel monitor ${o.masterName} ${HOST} ${masterPort} ${o.quorum}`,
        `sentinel down-after-milliseconds ${o.masterName} ${o.downAfterMs}`,
        `sentinel failover-timeout ${o.masterName} ${o.failoverTimeoutMs}`,
      );
    } else {
      lines.push(`dbfilename ${repr(`dump-${port}.rdb`)}`, 'save ""', 'repl-diskless-sync-delay 0');
      if (role === 'replica') lines.push(`replicaof ${HOST} ${masterPort}`);
    }
    nodes.push({ role, port, confPath: file(`${base}.conf`), logPath, confText: lines.join('\n') + '\n' });
  });
  return nodes;
}
