#!/usr/bin/env node
// `npm run bench:partition`: split brain measured side by side with Redis 7.0 (issue #6): how many
// writes a master cut off from its replicas and sentinels acknowledges, and loses when it rejoins
// as a replica of the master the sentinels promoted meanwhile.
//
// For each implementation (redis-server + redis-sentinel, then garrison-server +
// garrison-sentinel), as separate processes on loopback, RUNS times (default 3):
//   1. a master M with two replicas and three sentinels (quorum 2, down-after-milliseconds 1000,
//      failover-timeout 10000). Replicas and sentinels reach M only through a TCP proxy (they are
//      configured with the proxy's port); a writer reaches M directly: it is on M's side;
//   2. the writer sends `SET p:<seq> <seq>` every INTERVAL ms (default 10) to M and records what
//      M acknowledges;
//   3. the proxy stalls every connection through it (nothing is forwarded, new connections wait),
//      as a network partition does: the sentinels see M down and promote a replica; after
//      PARTITION_SECS (default 6) the proxy forwards again, the sentinels find M, turn it into a
//      replica of the new master, and M's own writes since the partition are replaced by the new
//      master's dataset;
//   4. the writer stops once M answers -READONLY; every write M acknowledged after the partition
//      began is looked up on the new master: the missing ones were accepted, then discarded.
// Then the same with `min-replicas-to-write 1`, `min-replicas-max-lag 1` on every server (M starts
// refusing writes with -NOREPLICAS once its replicas' acknowledgements are older than the lag).
// Writes the table into docs/benchmarks.md between the partition-bench markers (BENCH_NO_DOCS=1
// leaves the file alone; ONLY=redis or ONLY=garrison runs one side and never writes the file).
import { spawnSync } from 'node:child_process';
import { writeDocBlock } from './lib/doc-block.mjs';
import net from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  RespClient, call, encodeCommand, freePort, now, repo, sleep, startReplicasAndSentinels, startServer, stopAll, until, median, runVariants,
} from './lib/ha-cluster.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const INTERVAL = Number(process.env.INTERVAL ?? 10);
const PARTITION_SECS = Number(process.env.PARTITION_SECS ?? 6);
const SENTINEL_TIMING = { downAfterMs: 1000, failoverTimeoutMs: 10_000 };
const docPath = join(repo, 'docs', 'benchmarks.md');
const START = '<!-- partition-bench:start (written by bench/partition.mjs; do not edit by hand) -->';
const END = '<!-- partition-bench:end -->';

for (const bin of ['redis-server', 'redis-sentinel']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) throw new Error(`${bin} not found on PATH`);
}

/**
 * A TCP proxy to `targetPort` that can stall: while stalled, no byte is forwarded either way and
 * new connections are accepted but not joined to the target until the stall ends (packets held
 * by a partition, delivered after it heals, as TCP retransmission would).
 */
async function stallingProxy(targetPort) {
  const port = await freePort();
  const pairs = new Set();
  let stalled = false;
  const waiting = [];
  const join = (client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { pairs.delete(pair); client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  };
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (stalled) {
      client.pause();
      waiting.push(client);
    } else {
      join(client);
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) { client.pause(); upstream.pause(); }
    },
    heal() {
      stalled = false;
      for (const { client, upstream } of pairs) { client.resume(); upstream.resume(); }
      for (const c of waiting.splice(0)) if (!c.destroyed) { join(c); c.resume(); }
    },
    close() {
      for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy(); }
      for (const c of waiting) c.destroy();
      server.close();
    },
  };
}

/** Writes to one server at a steady rate until stopped or told -READONLY; records what it acknowledged. */
async function writeTo(port, state) {
  const c = await RespClient.connect(port);
  let next = now();
  while (state.running) {
    const wait = next - now();
    if (wait > 0) await sleep(wait);
    next += INTERVAL;
    const seq = ++state.seq;
    c.writeRaw(encodeCommand(['SET', `p:${seq}`, String(seq)]));
    const r = await c.readWithin(1000);
    if (r === 'timeout' || r === 'closed') {
      state.errors[r] = (state.errors[r] ?? 0) + 1;
      if (r === 'closed') break;
      continue;
    }
    if (typeof r.value === 'object' && r.value !== null && 'status' in r.value) {
      state.acked.push({ seq, t: now() });
      continue;
    }
    const kind = String(r.value?.error ?? 'other').split(' ')[0];
    state.errors[kind] = (state.errors[kind] ?? 0) + 1;
    if (kind === 'READONLY') break; // turned into a replica: the partition's story is over
  }
  c.close();
}

async function oneRun(impl, extra) {
  const master = await startServer(impl, extra);
  const proxy = await stallingProxy(master.port);
  try {
    // Replicas and sentinels know the master only by the proxy's port.
    const { sentinels } = await startReplicasAndSentinels(impl, extra, proxy.port, SENTINEL_TIMING);

    const state = { running: true, seq: 0, acked: [], errors: {} };
    const writing = writeTo(master.port, state);
    await until(() => state.acked.length >= 50, 10_000, 'writer running');
    const tCut = now();
    proxy.stall();
    // The sentinels on the other side promote a replica.
    let promoted = null;
    await until(async () => {
      const a = await call(sentinels[0].port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster']);
      if (!Array.isArray(a) || Number(a[1]) === proxy.port) return false;
      promoted = Number(a[1]);
      return true;
    }, 60_000, 'a replica promoted');
    const failoverMs = now() - tCut;
    const left = tCut + PARTITION_SECS * 1000 - now();
    if (left > 0) await sleep(left);
    const tHeal = now();
    proxy.heal();
    // The old master rejoins as a replica of the promoted one, and catches up with it.
    await until(async () => {
      const i = String(await call(master.port, ['INFO', 'replication']));
      return i.includes('role:slave') && i.includes(`master_port:${promoted}`) && i.includes('master_link_status:up');
    }, 90_000, 'the old master rejoined as a replica');
    const rejoinMs = now() - tHeal;
    state.running = false;
    await writing;

    const during = state.acked.filter((a) => a.t >= tCut);
    const c = await RespClient.connect(promoted);
    const replies = during.length === 0 ? [] : await c.pipeline(during.map((a) => ['GET', `p:${a.seq}`]));
    c.close();
    const lost = during.filter((a, i) => replies[i].value !== String(a.seq)).length;
    return { acceptedDuring: during.length, lost, failoverMs, rejoinMs, errors: state.errors };
  } finally {
    proxy.close();
    await stopAll();
  }
}

const variants = [
  { name: 'default', extra: [] },
  { name: 'min-replicas-to-write 1, min-replicas-max-lag 1', extra: ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '1'] },
];
const results = await runVariants(variants, RUNS, oneRun, (r) => `${r.acceptedDuring} writes acknowledged by the cut-off master, ${r.lost} of them lost; ` +
          `promotion ${Math.round(r.failoverMs)} ms after the cut, rejoined ${Math.round(r.rejoinMs)} ms after the heal; errors ${JSON.stringify(r.errors)}`);

const out = [];
for (const { v, sides } of results) {
  if (sides.redis === undefined || sides.garrison === undefined) continue;
  const row = (label, f) => `| ${label} | ${f(sides.redis)} | ${f(sides.garrison)} |`;
  const med = (key) => (runs) => String(Math.round(median(runs.map((r) => r[key]))));
  out.push(`### ${v.name}`, '', '| measurement (median of the runs) | Redis 7.0 | Garrison |', '|---|---|---|',
    row('writes the cut-off master acknowledged after the cut', med('acceptedDuring')),
    row('of those, lost when it rejoined', med('lost')),
    row('acknowledged and lost, all runs', (runs) => `${runs.reduce((n, r) => n + r.lost, 0)} of ${runs.reduce((n, r) => n + r.acceptedDuring, 0)}`),
    row('ms from the cut to the promotion of a replica', med('failoverMs')),
    row('ms from the heal to the old master replicating the new one', med('rejoinMs')),
    '');
}
const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
  `\`node bench/partition.mjs\` (RUNS=${RUNS}, INTERVAL=${INTERVAL} ms, PARTITION_SECS=${PARTITION_SECS}, ` +
  `down-after-milliseconds ${SENTINEL_TIMING.downAfterMs}, failover-timeout ${SENTINEL_TIMING.failoverTimeoutMs}); every process on the same machine.`;
const text = `${stamp}\n\n${out.join('\n').trimEnd()}`;
console.log(text);
if (process.env.BENCH_NO_DOCS !== '1' && process.env.ONLY === undefined) writeDocBlock(docPath, START, END, text, 'Split brain: a partitioned master');
process.exit(0);
