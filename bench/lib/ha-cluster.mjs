// Shared by the high-availability benchmarks (bench/failover.mjs, bench/partition.mjs): real
// redis-server / redis-sentinel or garrison-server / garrison-sentinel processes on loopback,
// started and killed by these helpers, one-shot commands, waiting for conditions, and the
// sentinels' events. Build first (`npm run build`): the RESP client comes from dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(join(repo, 'dist', 'test', 'helpers', 'resp-client.js'))) throw new Error('run `npm run build` first');
export const { RespClient, encodeCommand } = await import(join(repo, 'dist', 'test', 'helpers', 'resp-client.js'));
export const { freePort } = await import(join(repo, 'dist', 'test', 'helpers', 'free-port.js'));
/** The V8 flags Garrison's own launchers give its processes (src/tools/node-flags.ts). */
export const { SERVER_NODE_FLAGS } = await import(join(repo, 'dist', 'src', 'tools', 'node-flags.js'));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// Processes

const procs = new Set();
process.on('exit', () => { for (const p of procs) p.child.kill('SIGKILL'); });

export function launch(impl, kind, args, dir) {
  const cmd = impl === 'redis'
    ? [kind === 'server' ? 'redis-server' : 'redis-sentinel', args]
    : [process.execPath, [...SERVER_NODE_FLAGS, join(repo, 'bin', kind === 'server' ? 'garrison-server.js' : 'garrison-sentinel.js'), ...args]];
  const child = spawn(cmd[0], cmd[1], { stdio: 'ignore' });
  const p = { child, dir, exited: new Promise((r) => child.once('exit', r)) };
  procs.add(p);
  return p;
}

export async function stop(p) {
  if (!procs.has(p)) return;
  procs.delete(p);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
  rmSync(p.dir, { recursive: true, force: true });
}

export async function stopAll() {
  for (const p of [...procs]) await stop(p);
}

/** One command on a fresh connection, null on any failure or after `ms`. */
export async function call(port, args, ms = 500) {
  let c;
  try {
    const connecting = RespClient.connect(port);
    c = await Promise.race([connecting, sleep(ms).then(() => null)]);
    if (c === null) {
      connecting.then((late) => late.close(), () => {});
      return null;
    }
    c.writeRaw(encodeCommand(args));
    const r = await c.readWithin(ms);
    return r === 'timeout' || r === 'closed' ? null : r.value;
  } catch {
    return null;
  } finally {
    c?.close();
  }
}

export const fieldsOf = (a) => {
  const out = {};
  if (Array.isArray(a)) for (let i = 0; i + 1 < a.length; i += 2) out[String(a[i])] = String(a[i + 1]);
  return out;
};

export async function until(cond, ms, what) {
  const deadline = now() + ms;
  while (!(await cond())) {
    if (now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

export async function startServer(impl, extra) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'garrison-ha-bench-'));
  const p = launch(impl, 'server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--repl-diskless-sync-delay', '0', ...extra], dir);
  p.port = port;
  await until(async () => (await call(port, ['PING'])) !== null, 20_000, `${impl} server answers`);
  return p;
}

/** A sentinel monitoring 127.0.0.1:masterPort as mymaster (quorum 2). */
export async function startSentinel(impl, masterPort, { downAfterMs, failoverTimeoutMs }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'garrison-ha-bench-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor mymaster 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds mymaster ${downAfterMs}`,
    `sentinel failover-timeout mymaster ${failoverTimeoutMs}`, '',
  ].join('\n'));
  const p = launch(impl, 'sentinel', [conf], dir);
  p.port = port;
  await until(async () => (await call(port, ['PING'])) !== null, 20_000, `${impl} sentinel answers`);
  return p;
}

// ---------------------------------------------------------------------------------------------
// The sentinels' events

export const STEPS = ['+sdown', '+odown', '+try-failover', '+elected-leader', '+selected-slave', '+promoted-slave', '+switch-master', '+failover-end'];

/** Pattern-subscribes to every event of a sentinel; `onEvent(type, text, t)` for each. */
export async function listen(port, onEvent) {
  const c = await RespClient.connect(port);
  c.pushMode = true;
  c.writeRaw(encodeCommand(['PSUBSCRIBE', '*']));
  await c.read();
  (async () => {
    for (;;) {
      const r = await c.nextPush();
      const v = r.value;
      if (Array.isArray(v) && v[0] === 'pmessage') onEvent(String(v[2]), String(v[3]), now());
    }
  })();
  return c;
}


// ---------------------------------------------------------------------------------------------
// Runs and their statistics

/** The median of the numbers that are not NaN (NaN when none is). */
export function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * For each variant ({ name, extra }), `runs` runs of `oneRun(impl, extra)` per implementation in
 * ONLY (default redis then garrison), each described on stderr by `describe(result)`; every
 * process is killed at the end, also on an error. Returns [{ v, sides: { redis, garrison } }].
 */
export async function runVariants(variants, runs, oneRun, describe) {
  const results = [];
  try {
    for (const v of variants) {
      const sides = {};
      for (const impl of (process.env.ONLY ?? 'redis,garrison').split(',')) {
        const list = [];
        for (let i = 0; i < runs; i++) {
          const r = await oneRun(impl, v.extra);
          console.error(`${v.name} ${impl} run ${i + 1}: ${describe(r)}`);
          list.push(r);
        }
        sides[impl] = list;
      }
      results.push({ v, sides });
    }
  } finally {
    await stopAll();
  }
  return results;
}

/**
 * Two replicas of the master reached at 127.0.0.1:`masterPort` and three sentinels monitoring it
 * there (with `timing`), resolved once the replicas are in sync, every sentinel knows both
 * replicas and the two other sentinels, and their links are older than a second, as in a running
 * deployment.
 */
export async function startReplicasAndSentinels(impl, extra, masterPort, timing) {
  const replicas = [];
  for (let i = 0; i < 2; i++) replicas.push(await startServer(impl, [...extra, '--replicaof', '127.0.0.1', String(masterPort)]));
  await until(async () => {
    for (const r of replicas) if (!String(await call(r.port, ['INFO', 'replication'])).includes('master_link_status:up')) return false;
    return true;
  }, 30_000, 'replicas in sync');
  const sentinels = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(impl, masterPort, timing));
  await until(async () => {
    for (const s of sentinels) {
      const f = fieldsOf(await call(s.port, ['SENTINEL', 'MASTER', 'mymaster']));
      if (f['num-slaves'] !== '2' || f['num-other-sentinels'] !== '2') return false;
    }
    return true;
  }, 30_000, 'sentinels know the replicas and each other');
  await sleep(1500);
  return { replicas, sentinels };
}
