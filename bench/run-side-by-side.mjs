#!/usr/bin/env node
// `npm run bench`: the side-by-side macro benchmark of Garrison against a real redis-server.
//
// Runs ../shared/bench/side-by-side.sh (relative to the repo root; it is not copied here) with
//   A = redis-server --save '' --appendonly no
//   B = node <repo>/bin/garrison-server.js --save '' --appendonly no
// then writes its summary table, with the date, the machine and the exact command, into
// docs/benchmarks.md between the `bench:start` / `bench:end` markers (the prose around them is
// kept). Every variable of side-by-side.sh (ROUNDS, SECS, TESTS, PIPELINES, CLIENTS, PIN...)
// passes through from the environment. BENCH_NO_DOCS=1 leaves docs/benchmarks.md alone.
//
// Quick smoke run: ROUNDS=1 SECS=0.3 TESTS="set get" WARMUP=0 npm run bench
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const script = resolve(repo, '../shared/bench/side-by-side.sh');
const docPath = join(repo, 'docs', 'benchmarks.md');
const START = '<!-- bench:start (written by bench/run-side-by-side.mjs; do not edit by hand) -->';
const END = '<!-- bench:end -->';

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

if (!existsSync(script)) die(`${script} not found (the benchmark lives in the shared folder next to the repo)`);
for (const bin of ['redis-server', 'redis-benchmark', 'redis-cli']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) die(`${bin} not found on PATH`);
}
if (!existsSync(join(repo, 'dist', 'src', 'main.js'))) die('dist/ is missing: run `npm run build` first (npm run bench does)');
const { SERVER_NODE_FLAGS } = await import(join(repo, 'dist', 'src', 'tools', 'node-flags.js'));

function portFree(port) {
  return new Promise((res) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); res(false); });
    s.once('error', () => res(true));
  });
}

/** Two free ports in 7000-7099 (the range the shared bench uses), unless A_PORT/B_PORT are set. */
async function pickPorts() {
  if (process.env.A_PORT && process.env.B_PORT) return [process.env.A_PORT, process.env.B_PORT];
  const free = [];
  for (let p = 7001; p < 7100 && free.length < 2; p++) if (await portFree(p)) free.push(String(p));
  if (free.length < 2) die('no two free ports in 7001-7099');
  return free;
}

/** True when this build of Garrison starts with the given extra arguments. */
async function garrisonAccepts(args, port) {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(repo, 'bin', 'garrison-server.js'), ...args, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.once('exit', () => r(true)));
  const deadline = Date.now() + 10_000;
  let ok = false;
  while (Date.now() < deadline) {
    if (/Ready to accept connections/.test(out)) { ok = true; break; }
    if (await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), 50))])) break;
  }
  child.kill('SIGKILL');
  await exited;
  if (!ok) console.error(`bench: garrison-server ${args.join(' ')} did not start:\n${out.trim().split('\n').slice(-4).join('\n')}`);
  return ok;
}

/** Shell quoting: bare when safe, single quotes otherwise; dq() for display with double quotes. */
const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const dq = (s) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
const [aPort, bPort] = await pickPorts();
const persistenceOff = ['--save', '', '--appendonly', 'no'];
let bArgs = persistenceOff;
if (!(await garrisonAccepts(persistenceOff, bPort))) {
  console.error("bench: this build does not accept --save '' --appendonly no yet; running Garrison without them (it has no persistence to turn off)");
  bArgs = [];
  if (!(await garrisonAccepts([], bPort))) die('garrison-server does not start');
}
const env = {
  ...process.env,
  A_NAME: process.env.A_NAME ?? 'redis',
  B_NAME: process.env.B_NAME ?? 'garrison',
  A_CMD: process.env.A_CMD ?? "redis-server --save '' --appendonly no",
  B_CMD: process.env.B_CMD ?? [q(process.execPath), ...SERVER_NODE_FLAGS, q(join(repo, 'bin', 'garrison-server.js')), ...bArgs.map((a) => (a === '' ? "''" : a))].join(' '),
  A_PORT: aPort,
  B_PORT: bPort,
  OUT_DIR: process.env.OUT_DIR ?? join(repo, 'bench', 'results', `sbs-${new Date().toISOString().replace(/[:.]/g, '-')}`),
};
mkdirSync(env.OUT_DIR, { recursive: true });
const shown = ['ROUNDS', 'SECS', 'TESTS', 'PIPELINES', 'CLIENTS', 'KEYSPACE', 'DATASIZE', 'WARMUP', 'PIN']
  .filter((k) => process.env[k] !== undefined).map((k) => `${k}=${dq(process.env[k])}`);
const shownB = env.B_CMD.replace(q(process.execPath), 'node').replace(repo, '<repo>');
const command = [...shown, `A_CMD=${dq(env.A_CMD)}`, `B_CMD=${dq(shownB)}`, '../shared/bench/side-by-side.sh'].join(' ');
console.error(`bench: ${command}`);

const code = await new Promise((res) => {
  const child = spawn('bash', [script], { env, stdio: 'inherit' });
  child.once('exit', (c) => res(c ?? 1));
});
if (code !== 0) die(`side-by-side.sh exited with ${code}; results so far in ${env.OUT_DIR}`);

const summary = readFileSync(join(env.OUT_DIR, 'summary.md'), 'utf8').trim();
const meta = existsSync(join(env.OUT_DIR, 'meta.txt')) ? readFileSync(join(env.OUT_DIR, 'meta.txt'), 'utf8') : '';
const cpuModel = (cpus()[0]?.model ?? 'unknown').trim();
const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(cpus().length);
const redisVersion = /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
const section = [
  START,
  `Measured ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} on ${nproc} CPUs (${cpuModel}), Node ${process.version}, redis-server ${redisVersion}.`,
  '',
  'Command (run from the repo root by `npm run bench`):',
  '',
  '```sh',
  command,
  '```',
  '',
  ...(meta.includes('load at') ? ['Machine load: ' + meta.split('\n').filter((l) => l.startsWith('load at')).join('; '), ''] : []),
  summary,
  END,
].join('\n');

if (process.env.BENCH_NO_DOCS === '1') {
  console.log(section);
} else {
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
  const i = doc.indexOf(START.slice(0, 18));
  const j = doc.indexOf(END);
  if (i >= 0 && j > i) doc = doc.slice(0, i) + section + doc.slice(j + END.length);
  else doc = `${doc.trimEnd()}\n\n## Latest run\n\n${section}\n`;
  mkdirSync(dirname(docPath), { recursive: true });
  writeFileSync(docPath, doc);
  console.error(`bench: wrote the summary into ${docPath}`);
}
