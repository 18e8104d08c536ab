// What one request costs each server, measured from outside: a redis-server and a Garrison
// process (each pinned to CPU 0, redis-benchmark to CPU 1, as the side-by-side bench does), the same
// redis-benchmark load against each, and for every test the server's CPU time per request
// (utime+stime from /proc/<pid>/stat), its read/write system calls per request (/proc/<pid>/io)
// and its context switches. Use it to see where a ratio comes from: CPU per request, or more
// calls into the kernel, or being descheduled.
//
// Usage (after `npm run build`):
//   node bench/server-cost.mjs [tests=set,get] [P=16] [requests=1000000]
//   SERVERS=garrison node bench/server-cost.mjs ...        # one side only
//   GARRISON_FLAGS="--single-threaded-gc" node bench/server-cost.mjs ...   # extra V8 flags
//   SERVERS=redis,garrison,node-floor node bench/server-cost.mjs ...   # and a bare Node server
//     (bench/lib/node-floor-server.mjs: +OK to every command, nothing else), the cost of Node's
//     event loop and sockets alone
//   REPLICAS=1 node bench/server-cost.mjs ...   # each server streams its writes to N attached
//     replicas: sockets in this process that PSYNC and then discard what they receive, so the
//     server pays for encoding the stream, its backlog and the writes, without a replica process
//     competing for the CPUs (diskless sync without delay, for both servers)
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort, repo, SERVER_NODE_FLAGS, sleep, RespClient } from './lib/ha-cluster.mjs';

const tests = (process.argv[2] ?? 'set,get').split(',');
const P = Number(process.argv[3] ?? 16);
const N = Number(process.argv[4] ?? 1_000_000);
const servers = (process.env.SERVERS ?? 'redis,garrison').split(',');
const extraFlags = (process.env.GARRISON_FLAGS ?? '').split(' ').filter((s) => s !== '');
const REPLICAS = Number(process.env.REPLICAS ?? 0);
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = Object.fromEntries(readFileSync(`/proc/${pid}/io`, 'latin1').trim().split('\n').map((l) => l.split(': ')));
  const st = Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'latin1').trim().split('\n').map((l) => l.split(':\t')));
  return {
    cpuS: (Number(f[11]) + Number(f[12])) / TICKS, // utime + stime (fields 14 and 15)
    reads: Number(io.syscr), writes: Number(io.syscw),
    vol: Number(st.voluntary_ctxt_switches), invol: Number(st.nonvoluntary_ctxt_switches),
  };
}

async function startServer(kind, port) {
  const args = ['--port', String(port), '--save', '', '--appendonly', 'no'];
  if (REPLICAS > 0) args.push('--repl-diskless-sync-delay', '0');
  const script = kind === 'node-floor' ? join(repo, 'bench', 'lib', 'node-floor-server.mjs') : join(repo, 'bin', 'garrison-server.js');
  const child = kind === 'redis'
    ? spawn('taskset', ['-c', '0', 'redis-server', ...args], { stdio: 'ignore' })
    : spawn('taskset', ['-c', '0', process.execPath, ...SERVER_NODE_FLAGS, ...extraFlags, script, ...args], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RespClient.connect(port);
      await c.call('PING');
      c.close();
      // taskset execs the server: the child's pid is the server's.
      return child;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${kind} did not start`);
}

function benchmark(port, test) {
  const out = execFileSync('taskset', ['-c', '1', 'redis-benchmark', '-p', String(port), '-c', '50', '-r', '100000', '-d', '32',
    '-P', String(P), '-t', test, '-n', String(N), '-q'], { maxBuffer: 1 << 26 }).toString('latin1');
  const m = /([\d.]+) requests per second/.exec(out.split('\r').pop() ?? '');
  return m === null ? NaN : Number(m[1]);
}

/**
 * A replica that only drains: PSYNC, then read and drop everything (the RDB and the stream).
 * Resolves once the server lists it as online.
 */
async function attachSinkReplicas(port, n) {
  const sockets = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    // PSYNC only after REPLCONF's +OK: a master refuses it while a reply is pending.
    s.write('REPLCONF capa eof capa psync2\r\n');
    s.once('data', () => {
      s.on('data', () => {});
      s.write('PSYNC ? -1\r\n');
    });
    // A diskless sync puts the replica online at its first ACK; the offset only matters for WAIT.
    const ack = setInterval(() => s.write('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n'), 200);
    s.on('close', () => clearInterval(ack));
    sockets.push(s);
  }
  for (let i = 0; i < 200; i++) {
    const c = await RespClient.connect(port);
    const info = String(await c.call('INFO', 'replication'));
    c.close();
    if ((info.match(/state=online/g) ?? []).length === n) return sockets;
    await sleep(50);
  }
  throw new Error('the sink replicas did not come online');
}

const rows = [];
for (const kind of servers) {
  const port = await freePort();
  const child = await startServer(kind, port);
  const sinks = REPLICAS > 0 && kind !== 'node-floor' ? await attachSinkReplicas(port, REPLICAS) : [];
  try {
    for (const test of tests) {
      const a = procStat(child.pid);
      const rps = benchmark(port, test);
      const b = procStat(child.pid);
      rows.push({
        server: kind, test: test.toUpperCase(), P, rps: Math.round(rps),
        cpuUsPerReq: ((b.cpuS - a.cpuS) * 1e6 / N).toFixed(2),
        syscallsPerReq: ((b.reads - a.reads + b.writes - a.writes) / N).toFixed(3),
        ctxSwitches: `${b.vol - a.vol}/${b.invol - a.invol}`,
      });
    }
  } finally {
    for (const s of sinks) s.destroy();
    child.kill('SIGKILL');
  }
}
console.log('| server | test | P | requests/s | server CPU µs/request | read+write calls/request | context switches (vol/invol) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.server} | ${r.test} | ${r.P} | ${r.rps} | ${r.cpuUsPerReq} | ${r.syscallsPerReq} | ${r.ctxSwitches} |`);
process.exit(0);
