// Micro benchmark of the command hot path without sockets: a fake connection feeds pipelined
// redis-benchmark-style SET/GET batches into one Server and we time parse+dispatch+encode.
// Usage: [BATCHES=256] [ROUNDS=n] [ZSCORES=time] node bench/hot-path.mjs [set|get|incr|mset|zadd|lpush|sadd|hset] [pipeline=16] [seconds=3]
// BATCHES x pipeline distinct random keys are replayed: 256 keeps them cache-hot, 8192 spreads
// them over the 100k keyspace like redis-benchmark -r 100000 (cache misses included).
import { buildServer } from '../dist/src/node/build.js';
import { Config } from '../dist/src/server/config/config.js';
import { nodeEnvironment, nullSink } from '../dist/src/runtime/node/index.js';

const test = process.argv[2] ?? 'set';
const P = Number(process.argv[3] ?? 16);
const secs = Number(process.argv[4] ?? 3);
const env = nodeEnvironment();
const server = buildServer({ env, config: new Config(), logSink: nullSink });
let written = 0;
const conn = {
  remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 2, isUnixSocket: false,
  write(b) { written += b.length; }, pendingWriteBytes: () => 0, setNoDelay() {}, pauseReading() {}, resumeReading() {},
  end() {}, destroy() {}, onData: () => {}, onClose: () => {}, onDrain: () => {},
};
server.acceptConnection(conn);
const val = 'x'.repeat(32);
function cmd(args) { return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join(''); }
// ZSCORES=time makes ZADD scores millisecond timestamps with a fraction (doubles beyond the small
// integers V8 keeps unboxed), as sorted sets used as time indexes have; the default is
// redis-benchmark's integers below 100000.
const zscore = process.env.ZSCORES === 'time' ? (i) => String(1_764_000_000_000 + i * 1000 + 0.25) : (i) => String(i);
const batches = [];
const NB = Number(process.env.BATCHES ?? 256);
for (let b = 0; b < NB; b++) {
  let s = '';
  for (let i = 0; i < P; i++) {
    const k = `key:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`;
    if (test === 'set') s += cmd(['SET', k, val]);
    else if (test === 'get') s += cmd(['GET', k]);
    else if (test === 'incr') s += cmd(['INCR', `counter:${k.slice(4)}`]);
    else if (test === 'zadd') s += cmd(['ZADD', 'myzset', zscore(Math.floor(Math.random() * 100000)), `element:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`]);
    else if (test === 'lpush') s += cmd(['LPUSH', 'mylist', val]);
    else if (test === 'sadd') s += cmd(['SADD', 'myset', `element:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`]);
    else if (test === 'hset') s += cmd(['HSET', 'myhash', `element:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`, val]);
    else if (test === 'mset') { const a = ['MSET']; for (let j = 0; j < 10; j++) a.push(`key:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`, val); s += cmd(a); }
  }
  batches.push(Buffer.from(s, 'latin1'));
}
if (test === 'zadd') for (let i = 0; i < 100000; i++) conn.onData(Buffer.from(cmd(['ZADD', 'myzset', zscore(i), `element:${String(i).padStart(12, '0')}`])));
if (test === 'get') for (let i = 0; i < 100000; i++) conn.onData(Buffer.from(cmd(['SET', `key:${String(i).padStart(12, '0')}`, val])));
// ROUNDS=<n> replays the batches a fixed number of times instead (for `perf stat` comparisons).
const rounds = Number(process.env.ROUNDS ?? 0);
let n = 0;
// Replies are written once per event-loop turn (Server.flushPendingWrites): let the loop turn
// every 64 batches, as a server does between reads.
const turn = () => new Promise((r) => setImmediate(r));
await turn();
const t0 = performance.now();
while (rounds > 0 ? n < rounds * NB * P : performance.now() - t0 < secs * 1000) {
  for (let i = 0; i < NB; i++) {
    conn.onData(batches[i]);
    if ((i & 63) === 63) await turn();
  }
  n += NB * P;
}
await turn();
const us = ((performance.now() - t0) * 1000) / n;
console.log(`${test} P=${P}: ${us.toFixed(3)} us/command (${n} commands, ${written} bytes out)`);
