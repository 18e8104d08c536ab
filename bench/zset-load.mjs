#!/usr/bin/env node
// One big sorted set, side by side with redis-server 7.0: load MEMBERS members with ZADDs of 1000
// (scores with many ties), then time DEBUG RELOAD (save to the RDB file and load it back, the work
// of a restart or of a replica's full sync), and report each server's RSS after it.
// Usage (after `npm run build`): node bench/zset-load.mjs [members=1000000] [runs=3]
import { readFileSync } from 'node:fs';
import { RespClient, startServer, stopAll, median } from './lib/ha-cluster.mjs';

const MEMBERS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

async function measure(impl) {
  const server = await startServer(impl, ['--enable-debug-command', 'yes']);
  const c = await RespClient.connect(server.port);
  try {
    let batch = [];
    for (let i = 0; i < MEMBERS; i += 1000) {
      const args = ['ZADD', 'big'];
      for (let j = i; j < Math.min(i + 1000, MEMBERS); j++) args.push(String((j * 7919) % 100003), `member:${j}`);
      batch.push(args);
      if (batch.length === 50) { await c.pipeline(batch); batch = []; }
    }
    if (batch.length > 0) await c.pipeline(batch);
    const card = await c.call('ZCARD', 'big');
    if (card !== MEMBERS) throw new Error(`${impl}: ZCARD ${card}, expected ${MEMBERS}`);
    const times = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const reply = await c.call('DEBUG', 'RELOAD');
      if (reply?.status !== 'OK') throw new Error(`${impl}: DEBUG RELOAD answered ${JSON.stringify(reply)}`);
      times.push((performance.now() - t0) / 1000);
    }
    return { reload: median(times), all: times, rss: rssMb(server.child.pid) };
  } finally {
    c.close();
  }
}

try {
  const redis = await measure('redis');
  const garrison = await measure('garrison');
  console.log(`one sorted set of ${MEMBERS} members, DEBUG RELOAD (median of ${RUNS}):`);
  console.log('| server | reload (s) | runs (s) | RSS after (MB) |');
  console.log('|---|---|---|---|');
  for (const [name, m] of [['redis-server', redis], ['garrison', garrison]]) {
    console.log(`| ${name} | ${m.reload.toFixed(2)} | ${m.all.map((t) => t.toFixed(2)).join(' / ')} | ${m.rss.toFixed(0)} |`);
  }
  console.log(`reload ratio garrison/redis: ${(garrison.reload / redis.reload).toFixed(2)}`);
} finally {
  await stopAll();
}
