#!/usr/bin/env node
// `npm run bench:replication`: replication measured side by side with redis-server 7.0 (issue #5).
//
// For each implementation (redis-server, then Garrison's bin/garrison-server.js), as separate
// processes on loopback:
//   1. full sync: a master holding KEYS keys (DEBUG POPULATE, 32-byte values); time from
//      REPLICAOF on a fresh replica until its link is up and its offset equals the master's;
//   2. throughput: redis-benchmark SET (-c 50 -r 100000 -d 32, P=1 and P=16) against a master
//      with 2 replicas attached, and the same against the master alone;
//   3. partial resync: a replica connected through a TCP proxy that is cut for CUT_SECS seconds
//      while redis-benchmark writes; afterwards sync_full must not have moved and
//      sync_partial_ok must have (the backlog is sized for the load: repl-backlog-size 64mb).
// Prints a table and writes it into docs/benchmarks.md between the repl-bench markers
// (BENCH_NO_DOCS=1 leaves the file alone). KEYS (default 1000000), REQUESTS (default 400000),
// CUT_SECS (default 5).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { writeDocBlock } from './lib/doc-block.mjs';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.env.KEYS ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 400_000);
const CUT_SECS = Number(process.env.CUT_SECS ?? 5);
const docPath = join(repo, 'docs', 'benchmarks.md');
const START = '<!-- repl-bench:start (written by bench/replication.mjs; do not edit by hand) -->';
const END = '<!-- repl-bench:end -->';

for (const bin of ['redis-server', 'redis-benchmark', 'redis-cli']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) throw new Error(`${bin} not found on PATH`);
}
if (!existsSync(join(repo, 'dist', 'src', 'main.js'))) throw new Error('run `npm run build` first');
const { SERVER_NODE_FLAGS } = await import(join(repo, 'dist', 'src', 'tools', 'node-flags.js'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

function cli(port, ...args) {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'latin1', maxBuffer: 1 << 26 });
  return r.stdout.trim();
}

function info(port, section) {
  const out = {};
  for (const line of cli(port, 'INFO', section).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const procs = [];
async function startNode(impl, extra) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'garrison-repl-bench-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', '--repl-backlog-size', '64mb', ...extra];
  const child = impl === 'redis'
    ? spawn('redis-server', args, { stdio: 'ignore' })
    : spawn(process.execPath, [...SERVER_NODE_FLAGS, join(repo, 'bin', 'garrison-server.js'), ...args], { stdio: 'ignore' });
  procs.push({ child, dir });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (cli(port, 'PING') === 'PONG') return port;
    await sleep(50);
  }
  throw new Error(`${impl} did not start`);
}

async function stopAll() {
  for (const { child, dir } of procs.splice(0)) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitCaughtUp(master, replica, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = info(replica, 'replication');
    if (r.master_link_status === 'up' && r.master_repl_offset === info(master, 'replication').master_repl_offset) return;
    if (Date.now() > deadline) throw new Error('replica did not catch up');
    await sleep(20);
  }
}

function benchmark(port, pipeline, requests = REQUESTS) {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', '50', '-r', '100000', '-d', '32', '-n', String(requests),
    '-P', String(pipeline), '-t', 'set', '--csv', '-q'], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('"SET"'));
  return line ? Number(JSON.parse(`[${line}]`)[1]) : NaN;
}

/** A TCP proxy to `target` that can be cut (connections reset, new ones refused) for a while. */
async function proxy(target) {
  const pairs = new Set();
  let refusing = false;
  const server = net.createServer((a) => {
    if (refusing) { a.destroy(); return; }
    const b = net.connect({ port: target, host: '127.0.0.1' });
    const pair = [a, b];
    pairs.add(pair);
    a.pipe(b); b.pipe(a);
    const end = () => { a.destroy(); b.destroy(); pairs.delete(pair); };
    a.on('error', end); b.on('error', end); a.on('close', end); b.on('close', end);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    async cut(ms) {
      refusing = true;
      for (const [a, b] of [...pairs]) { a.destroy(); b.destroy(); }
      await sleep(ms);
      refusing = false;
    },
    close: () => new Promise((r) => { for (const [a, b] of pairs) { a.destroy(); b.destroy(); } server.close(r); }),
  };
}

async function measure(impl) {
  const out = { impl };
  // 1. Full sync of KEYS keys.
  const m = await startNode(impl, []);
  cli(m, 'DEBUG', 'POPULATE', String(KEYS), 'key', '32');
  const r = await startNode(impl, []);
  const t0 = Date.now();
  cli(r, 'REPLICAOF', '127.0.0.1', String(m));
  await waitCaughtUp(m, r);
  out.fullSyncSecs = (Date.now() - t0) / 1000;
  await stopAll();

  // 2. Throughput with and without 2 replicas.
  const alone = await startNode(impl, []);
  out.alone1 = benchmark(alone, 1);
  out.alone16 = benchmark(alone, 16);
  await stopAll();
  const m2 = await startNode(impl, []);
  const r1 = await startNode(impl, ['--replicaof', '127.0.0.1', String(m2)]);
  const r2 = await startNode(impl, ['--replicaof', '127.0.0.1', String(m2)]);
  await waitCaughtUp(m2, r1);
  await waitCaughtUp(m2, r2);
  out.with1 = benchmark(m2, 1);
  out.with16 = benchmark(m2, 16);
  await waitCaughtUp(m2, r1);
  await waitCaughtUp(m2, r2);
  out.digestsEqual = cli(m2, 'DEBUG', 'DIGEST') === cli(r1, 'DEBUG', 'DIGEST') && cli(m2, 'DEBUG', 'DIGEST') === cli(r2, 'DEBUG', 'DIGEST');
  await stopAll();

  // 3. Partial resync after a CUT_SECS disconnect under load.
  const m3 = await startNode(impl, []);
  const px = await proxy(m3);
  const r3 = await startNode(impl, ['--replicaof', '127.0.0.1', String(px.port)]);
  await waitCaughtUp(m3, r3);
  const before = info(m3, 'stats');
  const load = spawn('redis-benchmark', ['-p', String(m3), '-c', '20', '-r', '100000', '-d', '32', '-n', String(REQUESTS * 4), '-t', 'set', '-q'], { stdio: 'ignore' });
  await sleep(500);
  await px.cut(CUT_SECS * 1000);
  await new Promise((r) => load.once('exit', r));
  await waitCaughtUp(m3, r3);
  const after = info(m3, 'stats');
  out.partialOk = Number(after.sync_partial_ok) - Number(before.sync_partial_ok);
  out.fullAfterCut = Number(after.sync_full) - Number(before.sync_full);
  out.cutDigestsEqual = cli(m3, 'DEBUG', 'DIGEST') === cli(r3, 'DEBUG', 'DIGEST');
  await px.close();
  await stopAll();
  return out;
}

const results = [];
try {
  for (const impl of ['redis', 'garrison']) {
    process.stderr.write(`measuring ${impl}...\n`);
    results.push(await measure(impl));
  }
} finally {
  await stopAll();
}
const [R, G] = results;
const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ratio = (g, r) => (Number.isFinite(g) && Number.isFinite(r) && r > 0 ? (g / r).toFixed(2) : 'n/a');
const rows = [
  ['full sync of ' + KEYS.toLocaleString('en-US') + ' keys (s)', R.fullSyncSecs.toFixed(2), G.fullSyncSecs.toFixed(2), ratio(G.fullSyncSecs, R.fullSyncSecs)],
  ['SET P=1, no replicas (req/s)', fmt(R.alone1), fmt(G.alone1), ratio(G.alone1, R.alone1)],
  ['SET P=1, 2 replicas (req/s)', fmt(R.with1), fmt(G.with1), ratio(G.with1, R.with1)],
  ['SET P=16, no replicas (req/s)', fmt(R.alone16), fmt(G.alone16), ratio(G.alone16, R.alone16)],
  ['SET P=16, 2 replicas (req/s)', fmt(R.with16), fmt(G.with16), ratio(G.with16, R.with16)],
  ['replicas equal (DEBUG DIGEST) after load', String(R.digestsEqual), String(G.digestsEqual), ''],
  [`${CUT_SECS}s link cut under load: partial resyncs / full resyncs`, `${R.partialOk} / ${R.fullAfterCut}`, `${G.partialOk} / ${G.fullAfterCut}`, ''],
  ['replica equal after the cut', String(R.cutDigestsEqual), String(G.cutDigestsEqual), ''],
];
const table = ['| measurement | redis-server | Garrison | Garrison / Redis |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, \`node bench/replication.mjs\` (KEYS=${KEYS}, REQUESTS=${REQUESTS}, CUT_SECS=${CUT_SECS}); every process on the same machine, unpinned.`;
console.log(`${stamp}\n\n${table}`);
if (process.env.BENCH_NO_DOCS !== '1') writeDocBlock(docPath, START, END, `${stamp}\n\n${table}`, 'Replication');
