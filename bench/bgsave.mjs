#!/usr/bin/env node
// BGSAVE under a write load, Garrison (snapshot in slices, no fork) side by side with redis-server
// (fork). For each server: DEBUG POPULATE N small string keys, then, while one client writes
// (pipelines of SETs over the key range) and another sends PINGs one at a time, run BGSAVE and
// measure until it completes:
//   - extra memory: Garrison: peak RSS during the save minus RSS before it. redis-server: the
//     parent's peak RSS delta plus the child's private memory (Private_Clean + Private_Dirty from
//     /proc/<child>/smaps_rollup, its copy-on-write pages), sampled every 20 ms;
//   - latency of the PINGs (p50, p99, max) before the save and during it;
//   - the save's duration.
// Usage: node bench/bgsave.mjs [keys=1000000]   (build first: npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.argv[2] ?? 1_000_000);

function freePort() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}

/** A minimal RESP client: call() sends one command, resolves with the raw reply text. */
class Client {
  constructor(sock) {
    this.sock = sock;
    this.buf = '';
    this.waiters = [];
    sock.setNoDelay(true);
    sock.on('data', (d) => { this.buf += d.toString('latin1'); this.drain(); });
  }
  static connect(port) {
    return new Promise((res, rej) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => res(new Client(s)));
      s.once('error', rej);
    });
  }
  drain() {
    for (;;) {
      if (this.waiters.length === 0) return;
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const text = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiters.shift()(text);
    }
  }
  send(args) {
    let s = `*${args.length}\r\n`;
    for (const a of args) s += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`;
    return s;
  }
  call(...args) {
    return new Promise((res) => { this.waiters.push(res); this.sock.write(this.send(args)); });
  }
  pipeline(cmds) {
    const ps = cmds.map(() => new Promise((res) => this.waiters.push(res)));
    this.sock.write(cmds.map((c) => this.send(c)).join(''));
    return Promise.all(ps);
  }
  close() { this.sock.destroy(); }
}

function replyEnd(b, i) {
  const nl = b.indexOf('\r\n', i);
  if (nl < 0) return -1;
  const t = b[i];
  if (t === '+' || t === '-' || t === ':') return nl + 2;
  const n = Number(b.slice(i + 1, nl));
  if (t === '$') return n < 0 ? nl + 2 : (b.length >= nl + 2 + n + 2 ? nl + 2 + n + 2 : -1);
  if (t === '*') {
    let p = nl + 2;
    for (let k = 0; k < n; k++) { p = replyEnd(b, p); if (p < 0) return -1; }
    return p;
  }
  return -1;
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

function privateOf(pid) {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const get = (k) => Number((new RegExp(`${k}:\\s+(\\d+) kB`).exec(t) ?? [0, 0])[1]) * 1024;
    return get('Private_Clean') + get('Private_Dirty');
  } catch { return 0; }
}

function childrenOf(pid) {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

function pct(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function waitPing(port) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    try {
      const c = await Client.connect(port);
      const r = await c.call('PING');
      c.close();
      if (r === '+PONG\r\n') return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

async function measure(name, cmd, args) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bgsave-'));
  const port = await freePort();
  const child = spawn(cmd, [...args, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--enable-debug-command', 'yes', '--logfile', join(dir, 'log.txt')], { stdio: 'ignore' });
  try {
    await waitPing(port);
    const admin = await Client.connect(port);
    const writer = await Client.connect(port);
    const pinger = await Client.connect(port);
    await admin.call('DEBUG', 'POPULATE', String(KEYS));
    const pingLoop = async (samples, stop) => {
      while (!stop.done) {
        const t0 = process.hrtime.bigint();
        await pinger.call('PING');
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    let writes = 0;
    const writeLoop = async (stop) => {
      while (!stop.done) {
        const cmds = [];
        for (let i = 0; i < 100; i++) cmds.push(['SET', `key:${Math.floor(Math.random() * KEYS)}`, 'x'.repeat(10)]);
        await writer.pipeline(cmds);
        writes += 100;
      }
    };
    // Baseline: 2 s of the same load without a save.
    const base = [];
    const stop1 = { done: false };
    const w1 = writeLoop(stop1);
    const p1 = pingLoop(base, stop1);
    await new Promise((r) => setTimeout(r, 2000));
    stop1.done = true;
    await Promise.all([w1, p1]);
    const rssBefore = rssOf(child.pid);
    const during = [];
    const stop2 = { done: false };
    writes = 0;
    const w2 = writeLoop(stop2);
    const p2 = pingLoop(during, stop2);
    const t0 = Date.now();
    const started = await admin.call('BGSAVE');
    let peakExtra = 0;
    for (;;) {
      const parentDelta = rssOf(child.pid) - rssBefore;
      const kids = childrenOf(child.pid).reduce((s, k) => s + privateOf(k), 0);
      peakExtra = Math.max(peakExtra, parentDelta + kids);
      const inf = await admin.call('INFO', 'persistence');
      if (inf.includes('rdb_bgsave_in_progress:0')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (Date.now() - t0) / 1000;
    stop2.done = true;
    await Promise.all([w2, p2]);
    const inf = await admin.call('INFO', 'persistence');
    const status = /rdb_last_bgsave_status:(\w+)/.exec(inf)?.[1];
    const cow = /rdb_last_cow_size:(\d+)/.exec(inf)?.[1];
    admin.close(); writer.close(); pinger.close();
    base.sort((a, b) => a - b);
    during.sort((a, b) => a - b);
    return {
      name, started: started.trim(), status, seconds, rssBeforeMB: rssBefore / 2 ** 20, extraMB: peakExtra / 2 ** 20,
      cowMB: Number(cow ?? 0) / 2 ** 20, writesPerSec: Math.round(writes / seconds),
      base: { p50: pct(base, 50), p99: pct(base, 99), max: base[base.length - 1] ?? 0 },
      during: { p50: pct(during, 50), p99: pct(during, 99), max: during[during.length - 1] ?? 0, n: during.length },
    };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(join(repo, 'dist', 'src', 'main.js'))) throw new Error('run npm run build first');
const rows = [];
rows.push(await measure('redis-server 7.0 (fork)', 'redis-server', []));
const { SERVER_NODE_FLAGS } = await import(join(repo, 'dist', 'src', 'tools', 'node-flags.js'));
rows.push(await measure('Garrison (slices, no fork)', process.execPath, [...SERVER_NODE_FLAGS, join(repo, 'bin', 'garrison-server.js')]));
const f = (n) => n.toFixed(2);
console.log(`BGSAVE of ${KEYS} keys under a write load (pipelines of 100 SETs) with a PING client`);
console.log('| server | RSS before (MB) | extra memory (MB) | rdb_last_cow_size (MB) | save (s) | writes/s during | PING p50/p99/max before (ms) | PING p50/p99/max during (ms) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${f(r.rssBeforeMB)} | ${f(r.extraMB)} | ${f(r.cowMB)} | ${f(r.seconds)} | ${r.writesPerSec} | ${f(r.base.p50)} / ${f(r.base.p99)} / ${f(r.base.max)} | ${f(r.during.p50)} / ${f(r.during.p99)} / ${f(r.during.max)} |`);
  if (r.status !== 'ok') console.log(`  (${r.name}: bgsave status ${r.status}, reply ${r.started})`);
}
