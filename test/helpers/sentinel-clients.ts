/**
 * Real Redis clients that find the master through Sentinel and must follow a failover: ioredis
 * (`new Redis({ sentinels, name })`), node-redis (`createSentinel`) and redis-py
 * (`Sentinel(...).master_for`, a script run with Debian's /usr/bin/python3). Each one writes and
 * reads through the master, waits until the write reached the replicas, lets the test kill the
 * master, then retries one write until the client has reconnected to the new master, and reads
 * both values back. The result names the port the client talked to before and after.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { settleWithin, waitFor } from './resp-client.js';

export interface Addr { host: string; port: number }
export interface FollowResult { before: number; after: number; attempts: number }
/** What the test does once the client works: kill the master (resolves once it is gone). */
export type Kill = () => Promise<void>;

const FAILOVER_TIMEOUT_MS = 30_000;
export const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = fileURLToPath(new URL('../../../test/helpers/sentinel_client.py', import.meta.url));
const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Retries `write` until it resolves; returns the number of attempts. */
async function writeUntilAccepted(write: () => Promise<unknown>): Promise<number> {
  let attempts = 0;
  let last: unknown = null;
  await waitFor(async () => {
    attempts++;
    try {
      await write();
      return true;
    } catch (e) {
      last = e;
      return false;
    }
  }, FAILOVER_TIMEOUT_MS, () => `a write accepted after the failover (last error: ${String(last)})`);
  return attempts;
}

function tcpPort(info: string): number {
  return Number(/^tcp_port:(\d+)\r?$/m.exec(info)?.[1]);
}

export async function ioredisFollows(sentinels: readonly Addr[], name: string, replicas: number, kill: Kill): Promise<FollowResult> {
  const io = new Redis({ sentinels: sentinels.map((a) => ({ host: a.host, port: a.port })), name, maxRetriesPerRequest: 2 });
  io.on('error', () => { /* reconnection noise while the master is down */ });
  try {
    assert.equal(await io.set('io:before', 'one'), 'OK');
    assert.equal(await io.get('io:before'), 'one');
    assert.equal(await io.wait(replicas, 5000), replicas);
    const before = tcpPort(await io.info('server'));
    await kill();
    const attempts = await writeUntilAccepted(() => io.set('io:after', 'two'));
    assert.equal(await io.get('io:after'), 'two');
    assert.equal(await io.get('io:before'), 'one');
    return { before, after: tcpPort(await io.info('server')), attempts };
  } finally {
    io.disconnect();
  }
}

export async function nodeRedisFollows(sentinels: readonly Addr[], name: string, replicas: number, kill: Kill): Promise<FollowResult> {
  const nr = createSentinel({ name, sentinelRootNodes: sentinels.map((a) => ({ host: a.host, port: a.port })) });
  const trace: string[] = [];
  nr.setTracer(trace);
  nr.on('error', (e: unknown) => { trace.push(`error event: ${String(e)}`); });
  // Every step has a deadline: node-redis's sentinel pool can wait on a command forever, and a
  // hang then fails naming the step and the client's last trace lines.
  const step = <T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> =>
    settleWithin(p, ms, () => `${what}: no answer within ${ms} ms; client trace:\n${trace.slice(-40).join('\n')}`);
  await step(nr.connect(), 'connect');
  try {
    assert.equal(await step(nr.set('nr:before', 'one'), 'SET before'), 'OK');
    assert.equal(await step(nr.get('nr:before'), 'GET before'), 'one');
    assert.equal(await step(nr.sendCommand(false, ['WAIT', String(replicas), '5000']), 'WAIT'), replicas);
    const info = async (): Promise<string> => String(await step(nr.sendCommand(false, ['INFO', 'server']), 'INFO'));
    const before = tcpPort(await info());
    await step(kill(), 'stopping the master', 20_000);
    const attempts = await writeUntilAccepted(() => step(nr.set('nr:after', 'two'), 'SET after the kill', FAILOVER_TIMEOUT_MS));
    assert.equal(await step(nr.get('nr:after'), 'GET after'), 'two');
    assert.equal(await step(nr.get('nr:before'), 'GET before, after'), 'one');
    return { before, after: tcpPort(await info()), attempts };
  } finally {
    await step(nr.destroy(), 'destroy');
  }
}

/**
 * Null when /usr/bin/python3 has redis-py; otherwise the reason to skip. Under CI=true a missing
 * redis-py throws (the suite fails instead of going green by skipping).
 */
export function redisPyMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import redis.sentinel'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  const msg = `redis-py is not importable by ${PYTHON} (${(r.error?.message ?? r.stderr).trim().split('\n').pop() ?? ''})`;
  if (IN_CI) throw new Error(`${msg}; CI=true: install Debian's python3-redis (.ci/run does)`);
  process.stderr.write(`\n*** ${msg}: SKIPPING the redis-py Sentinel test (apt-get install python3-redis) ***\n\n`);
  return `${msg} (skipped; set CI=true to make this an error)`;
}

/** The redis-py script (sentinel_client.py) against the sentinels; see its header. */
export async function redisPyFollows(sentinels: readonly Addr[], name: string, kill: Kill): Promise<FollowResult> {
  const child = spawn(PYTHON, [PY_SCRIPT, name, ...sentinels.map((a) => `${a.host}:${a.port}`)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitFor(() => /^ready \d+$/m.test(out) || child.exitCode !== null, 20_000, 'redis-py ready');
    const before = Number(/^ready (\d+)$/m.exec(out)?.[1]);
    assert.ok(before > 0, `redis-py: ${out}${err}`);
    await kill();
    child.stdin.write('killed\n');
    const code = await exit;
    assert.equal(code, 0, `redis-py exited with ${String(code)}: ${out}${err}`);
    const m = /^wrote (\d+) (\d+)$/m.exec(out);
    assert.ok(m !== null, out);
    return { before, after: Number(m[1]), attempts: Number(m[2]) };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
