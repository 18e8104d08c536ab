/**
 * `garrison up`: starts the planned nodes (up-plan.ts) as separate OS processes, as an operator
 * would by hand, so that any of them can be killed (`kill -9` the master) while the others keep
 * running. Waits until the topology is ready (the master answers, every replica is online on it,
 * every sentinel knows every replica and the other sentinels), prints a table of the nodes, then
 * reports nodes that exit and stops all of them on SIGINT/SIGTERM. If a node fails to start, the
 * others are stopped and its last output is shown.
 */
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { ask, infoFields, pairFields, waitUntil } from './probe.js';
import { fixedPorts, HOST, planNodes, type PlannedNode, type UpOptions } from './up-plan.js';

const BIN = {
  server: fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url)),
  sentinel: fileURLToPath(new URL('../../../bin/garrison-sentinel.js', import.meta.url)),
};
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5000;
/** Output kept from each process to explain a failed start (its log file has the rest). */
const OUTPUT_TAIL_BYTES = 4096;

interface Running {
  node: PlannedNode;
  child: ChildProcess;
  exited: boolean;
  /** Resolves when the process has exited. */
  gone: Promise<void>;
  output: string;
}

export interface UpIo {
  out(text: string): void;
  err(text: string): void;
}

/** A TCP port on HOST that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const a = srv.address();
      srv.close(() => ok(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

async function choosePorts(o: UpOptions): Promise<number[]> {
  if (o.port !== 0) return fixedPorts(o);
  const ports = new Set<number>();
  while (ports.size < 1 + o.replicas + o.sentinels) ports.add(await freePort());
  return [...ports];
}

function startProcess(node: PlannedNode): Running {
  const bin = node.role === 'sentinel' ? BIN.sentinel : BIN.server;
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, bin, node.confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Running = { node, child, exited: false, gone: Promise.resolve(), output: '' };
  const keep = (d: Buffer): void => { r.output = (r.output + d.toString('utf8')).slice(-OUTPUT_TAIL_BYTES); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  r.gone = new Promise((done) => child.once('exit', () => { r.exited = true; done(); }));
  child.once('error', (e) => { r.output += `\n${e.message}`; });
  return r;
}

function describeNode(r: Running): string {
  return `${r.node.role} ${HOST}:${r.node.port} (pid ${r.child.pid ?? '?'})`;
}

/** Stops every process still running: SIGTERM, then SIGKILL after a grace period. */
async function stopAll(procs: readonly Running[]): Promise<void> {
  const alive = procs.filter((p) => !p.exited);
  for (const p of alive) p.child.kill('SIGTERM');
  const timer = setTimeout(() => { for (const p of alive) if (!p.exited) p.child.kill('SIGKILL'); }, STOP_GRACE_MS);
  await Promise.all(alive.map((p) => p.gone));
  clearTimeout(timer);
}

/** Waits for `cond`, failing early (with the process's output) if one of `procs` exits meanwhile. */
async function waitReady(procs: readonly Running[], cond: () => Promise<boolean>, what: string): Promise<void> {
  await waitUntil(cond, START_TIMEOUT_MS, what, 100, () => {
    const dead = procs.find((p) => p.exited);
    return dead === undefined ? null : new DeadNode(dead);
  });
}

/** The last lines of a node's log file ('' when there is none yet). */
function logTail(path: string, lines = 10): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

class DeadNode extends Error {
  constructor(r: Running) {
    const said = [r.output.trim(), logTail(r.node.logPath)].filter((t) => t !== '').join('\n');
    super(`${describeNode(r)} exited while starting (${r.child.signalCode ?? `status ${r.child.exitCode ?? '?'}`}); ` +
      `its last words (log: ${r.node.logPath}):\n${said}`);
  }
}

async function masterReady(master: PlannedNode, replicas: number): Promise<boolean> {
  const f = infoFields(await ask(HOST, master.port, ['INFO', 'replication']));
  if (f['role'] !== 'master' || f['connected_slaves'] !== String(replicas)) return false;
  for (let i = 0; i < replicas; i++) if (!(f[`slave${i}`] ?? '').includes('state=online')) return false;
  return true;
}

async function sentinelReady(o: UpOptions, s: PlannedNode): Promise<boolean> {
  const f = pairFields(await ask(HOST, s.port, ['SENTINEL', 'MASTER', o.masterName]));
  return f['flags'] === 'master' && f['num-slaves'] === String(o.replicas) && f['num-other-sentinels'] === String(o.sentinels - 1);
}

function table(procs: readonly Running[]): string {
  const rows = [['role', 'address', 'pid', 'config file'], ...procs.map((p) => [p.node.role, `${HOST}:${p.node.port}`, String(p.child.pid ?? '?'), p.node.confPath])];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ')).join('\n') + '\n';
}

/**
 * Runs `garrison up` with parsed options. Resolves with the exit status once every node has been
 * stopped (by a signal to this process) or has exited, or the start failed.
 */
export async function runUp(o: UpOptions, io: UpIo): Promise<number> {
  const dir = o.dir === null ? realpathSync(mkdtempSync(join(tmpdir(), 'garrison-up-'))) : resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const nodes = planNodes(o, await choosePorts(o), dir);
  for (const n of nodes) writeFileSync(n.confPath, n.confText);
  const procs: Running[] = [];
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    io.out('garrison up: stopping every node\n');
    void stopAll(procs);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const master = nodes[0]!;
    const dataNodes = nodes.filter((n) => n.role !== 'sentinel');
    const sentinels = nodes.filter((n) => n.role === 'sentinel');
    procs.push(startProcess(master));
    await waitReady(procs, async () => (await ask(HOST, master.port, ['PING'])) !== null, `the master on port ${master.port}`);
    for (const n of dataNodes.slice(1)) procs.push(startProcess(n));
    await waitReady(procs, () => masterReady(master, o.replicas), 'every replica to be online');
    for (const n of sentinels) procs.push(startProcess(n));
    await waitReady(procs, async () => (await Promise.all(sentinels.map((s) => sentinelReady(o, s)))).every(Boolean),
      'every sentinel to know the replicas and the other sentinels');
  } catch (e) {
    if (!stopping) io.err(`garrison up: ${(e as Error).message}\n`);
    stopping = true;
    await stopAll(procs);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return 1;
  }
  io.out(table(procs));
  if (o.sentinels > 0) {
    io.out(`Sentinels monitor the master as ${o.masterName} (quorum ${o.quorum}, down-after-milliseconds ${o.downAfterMs}, failover-timeout ${o.failoverTimeoutMs}).\n`);
  }
  io.out(`Config and log files are in ${dir}. Ctrl-C stops every node.\nready\n`);
  await Promise.all(procs.map((p) => p.gone.then(() => {
    if (!stopping) io.out(`garrison up: ${describeNode(p)} exited (${p.child.signalCode ?? `status ${p.child.exitCode ?? '?'}`})\n`);
  })));
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}
