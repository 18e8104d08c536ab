#!/usr/bin/env node
// `npm run bench:failover`: Sentinel failover measured side by side with Redis 7.0 (issue #6).
//
// For each implementation (redis-server + redis-sentinel, then Garrison's bin/garrison-server.js +
// bin/garrison-sentinel.js), as separate processes on loopback, RUNS times (default 5):
//   1. a master with two replicas and three sentinels (quorum 2, down-after-milliseconds 1000,
//      failover-timeout FAILOVER_TIMEOUT ms, default 10000), every sentinel knowing the replicas
//      and the other two sentinels;
//   2. a writer client that finds the master through the sentinels (GET-MASTER-ADDR-BY-NAME, then
//      ROLE on the address) and sends `SET f:<seq> <seq>` one at a time every INTERVAL ms
//      (default 10); on a refused or dropped connection, a timeout or -READONLY it asks the
//      sentinels again every 50 ms (and at once on a +switch-master it hears);
//   3. `kill -9` of the master; the time from the kill to the first acknowledged write on the new
//      master; the sentinels' events (pattern-subscribed on all three) give the time of each step;
//   4. once every sentinel reports the new master and the failover has ended, every acknowledged
//      write is read back from the new master: the missing ones are "acked writes lost".
// Then the same with `min-replicas-to-write 1`, `min-replicas-max-lag 10` on every server.
// Prints medians / min / max per side and the ratio, and writes the table into docs/benchmarks.md
// between the failover-bench markers (BENCH_NO_DOCS=1 leaves the file alone; ONLY=garrison or
// ONLY=redis runs one side, for diagnosis, and never writes the file). Every process is killed at
// the end (also on an error).
import { spawnSync } from 'node:child_process';
import { writeDocBlock } from './lib/doc-block.mjs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  RespClient, STEPS, call, encodeCommand, fieldsOf, listen, now, repo, sleep, startReplicasAndSentinels, startServer, stopAll, until, median, runVariants,
} from './lib/ha-cluster.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const INTERVAL = Number(process.env.INTERVAL ?? 10);
const FAILOVER_TIMEOUT = Number(process.env.FAILOVER_TIMEOUT ?? 10_000);
const DOWN_AFTER = 1000;
const docPath = join(repo, 'docs', 'benchmarks.md');
const START = '<!-- failover-bench:start (written by bench/failover.mjs; do not edit by hand) -->';
const END = '<!-- failover-bench:end -->';

for (const bin of ['redis-server', 'redis-sentinel']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) throw new Error(`${bin} not found on PATH`);
}

// ---------------------------------------------------------------------------------------------
// The writer

class Writer {
  constructor(sentinelPorts) {
    this.sentinels = sentinelPorts;
    this.seq = 0;
    this.acked = []; // { seq, port, t }
    this.errors = {};
    this.conn = null;
    this.port = 0;
    this.running = true;
    this.switchHeard = false;
    this.discoveredAt = new Map(); // port -> t
  }

  async discover() {
    for (;;) {
      for (const sp of this.sentinels) {
        const a = await call(sp, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster'], 300);
        if (!Array.isArray(a)) continue;
        const port = Number(a[1]);
        try {
          const c = await RespClient.connect(port, String(a[0]));
          c.writeRaw(encodeCommand(['ROLE']));
          const r = await c.readWithin(300);
          if (r !== 'timeout' && r !== 'closed' && Array.isArray(r.value) && r.value[0] === 'master') {
            this.conn = c;
            this.port = port;
            if (!this.discoveredAt.has(port)) this.discoveredAt.set(port, now());
            return;
          }
          c.close();
        } catch { /* refused: not this one */ }
      }
      if (!this.running) return;
      // Ask again in 50 ms, at once when a +switch-master was heard meanwhile.
      for (let i = 0; i < 10 && !this.switchHeard; i++) await sleep(5);
      this.switchHeard = false;
    }
  }

  async run() {
    await this.discover();
    let next = now();
    while (this.running) {
      const wait = next - now();
      if (wait > 0) await sleep(wait);
      next += INTERVAL;
      if (this.conn === null || this.conn.closed) {
        this.conn?.close();
        this.conn = null;
        await this.discover();
        next = now();
        continue;
      }
      const seq = ++this.seq;
      this.conn.writeRaw(encodeCommand(['SET', `f:${seq}`, String(seq)]));
      const r = await this.conn.readWithin(500);
      if (r !== 'timeout' && r !== 'closed' && typeof r.value === 'object' && r.value !== null && 'status' in r.value) {
        this.acked.push({ seq, port: this.port, t: now() });
        continue;
      }
      const kind = r === 'timeout' || r === 'closed' ? r : String(r.value?.error ?? 'other').split(' ')[0];
      this.errors[kind] = (this.errors[kind] ?? 0) + 1;
      if (kind !== 'NOREPLICAS') {
        this.conn.close(); // a timeout, a closed link or -READONLY: ask the sentinels again
      }
    }
    this.conn?.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One run

async function oneRun(impl, serverExtra) {
  const master = await startServer(impl, serverExtra);
  const { sentinels } = await startReplicasAndSentinels(impl, serverExtra, master.port, { downAfterMs: DOWN_AFTER, failoverTimeoutMs: FAILOVER_TIMEOUT });

  const events = [];
  const listeners = [];
  const writer = new Writer(sentinels.map((s) => s.port));
  for (const s of sentinels) {
    listeners.push(await listen(s.port, (type, text, t) => {
      events.push({ type, text, t });
      if (type === '+switch-master') writer.switchHeard = true;
    }));
  }
  const writing = writer.run();
  await until(() => writer.acked.length >= 50, 10_000, 'writer running');

  const oldPort = master.port;
  const tKill = now();
  master.child.kill('SIGKILL');
  await master.exited;
  let firstAck = null;
  await until(() => {
    firstAck = writer.acked.find((a) => a.t > tKill && a.port !== oldPort) ?? null;
    return firstAck !== null;
  }, 120_000, 'a write acknowledged by the new master');
  const newPort = firstAck.port;
  const settled = async () => {
    for (const s of sentinels) {
      const f = fieldsOf(await call(s.port, ['SENTINEL', 'MASTER', 'mymaster']));
      if (f.port !== String(newPort) || (f.flags ?? '').includes('failover_in_progress')) return false;
    }
    return true;
  };
  try {
    await until(settled, 60_000, 'every sentinel settled on the new master');
  } catch (e) {
    for (const s of sentinels) console.error(`sentinel ${s.port}: ${JSON.stringify(fieldsOf(await call(s.port, ['SENTINEL', 'MASTER', 'mymaster'])))}`);
    for (const e2 of events) console.error(`  ${Math.round(e2.t - tKill)} ${e2.type} ${e2.text}`);
    throw e;
  }
  await sleep(500);
  writer.running = false;
  await writing;
  for (const l of listeners) l.close();

  // Every acknowledged write must be on the new master.
  const c = await RespClient.connect(newPort);
  const acked = writer.acked;
  const replies = await c.pipeline(acked.map((a) => ['GET', `f:${a.seq}`]));
  c.close();
  const lostWrites = acked.filter((a, i) => replies[i].value !== String(a.seq));
  const lost = lostWrites.length;
  for (const w of lostWrites) {
    const on = w.port === oldPort ? 'the old master' : w.port === newPort ? 'the new master' : `port ${w.port}`;
    console.error(`  lost: SET f:${w.seq} acknowledged by ${on} ${Math.round(w.t - tKill)} ms after the kill`);
  }

  const step = {};
  for (const name of STEPS) {
    const e = events.find((x) => x.t > tKill && x.type === name && (name !== '+sdown' || x.text.startsWith('master ')));
    step[name] = e === undefined ? NaN : e.t - tKill;
  }
  step['client found new master'] = (writer.discoveredAt.get(newPort) ?? NaN) - tKill;
  await stopAll();
  return { ms: firstAck.t - tKill, lost, acked: acked.length, step, errors: writer.errors };
}

// ---------------------------------------------------------------------------------------------

const f0 = (x) => (Number.isNaN(x) ? 'n/a' : String(Math.round(x)));
const variants = [
  { name: 'default', extra: [] },
  { name: 'min-replicas-to-write 1, min-replicas-max-lag 10', extra: ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'] },
];
const results = await runVariants(variants, RUNS, oneRun, (r) => `${f0(r.ms)} ms to the first write on the new master, ${r.lost}/${r.acked} acked lost; ` +
          `steps ${Object.entries(r.step).map(([k, x]) => `${k}=${f0(x)}`).join(' ')}; errors ${JSON.stringify(r.errors)}`);

const out = [];
for (const { v, sides } of results) {
  if (sides.redis === undefined || sides.garrison === undefined) continue;
  const R = sides.redis;
  const G = sides.garrison;
  const ms = (runs) => runs.map((r) => r.ms);
  const row = (label, f) => `| ${label} | ${f(R)} | ${f(G)} |`;
  const mm = (runs) => `${f0(median(ms(runs)))} (${f0(Math.min(...ms(runs)))}..${f0(Math.max(...ms(runs)))})`;
  out.push(`### ${v.name}`, '', '| measurement | Redis 7.0 | Garrison |', '|---|---|---|',
    row('kill -9 → first acked write on the new master, ms: median (min..max)', mm),
    `| Garrison / Redis (medians) | | ${(median(ms(G)) / median(ms(R))).toFixed(2)} |`,
    row('acked writes lost (all runs)', (runs) => `${runs.reduce((n, r) => n + r.lost, 0)} of ${runs.reduce((n, r) => n + r.acked, 0)}`),
    ...[...STEPS, 'client found new master'].map((s) => row(`median ms after the kill: ${s}`, (runs) => f0(median(runs.map((r) => r.step[s]))))),
    '');
}
const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
  `\`node bench/failover.mjs\` (RUNS=${RUNS}, INTERVAL=${INTERVAL} ms, down-after-milliseconds ${DOWN_AFTER}, ` +
  `failover-timeout ${FAILOVER_TIMEOUT}, quorum 2 of 3 sentinels); every process on the same machine, unpinned.`;
const text = `${stamp}\n\n${out.join('\n').trimEnd()}`;
console.log(text);
if (process.env.BENCH_NO_DOCS !== '1' && process.env.ONLY === undefined) writeDocBlock(docPath, START, END, text, 'Sentinel failover');
process.exit(0);
