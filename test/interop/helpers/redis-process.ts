/**
 * Real Redis processes for the interop suite: finds the binaries, picks a free port (listen on
 * port 0, close, retry when the server then loses the race for it), starts `redis-server` in the
 * foreground with a temp dir, waits until it answers PING, and stops it.
 *
 * Availability policy: under CI=true a missing binary is a failure (the suite must not go green
 * by skipping the oracle); elsewhere the caller skips with a visible message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RespClient } from '../../helpers/resp-client.js';

export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Full path of a binary on PATH, or null. */
export function findBinary(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : null;
}

/**
 * Decides whether tests needing `binaries` can run. Returns null when they can, or the skip
 * message. Under CI=true a missing binary throws instead (the suite fails).
 */
export function requireBinaries(...binaries: string[]): string | null {
  const missing = binaries.filter((b) => findBinary(b) === null);
  if (missing.length === 0) return null;
  const msg = `interop: ${missing.join(', ')} not found on PATH`;
  if (IN_CI) throw new Error(`${msg} (CI=true: the Redis 7.0 oracle is mandatory; install redis-server and redis-tools)`);
  process.stderr.write(`\n*** ${msg}: SKIPPING these interop tests (install Redis 7.0 to run them) ***\n\n`);
  return `${msg} (skipped; set CI=true to make this an error)`;
}

export { freePort, refusedPort } from '../../helpers/free-port.js';
import { freePort } from '../../helpers/free-port.js';

/** True once port answers +PONG; false after 10 s or as soon as the process has exited. */
async function answersPing(port: number, hasExited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!hasExited() && Date.now() < deadline) {
    try {
      const c = await RespClient.connect(port);
      const r = await c.call('PING');
      c.close();
      if (typeof r === 'object' && r !== null && 'status' in r && r.status === 'PONG') return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export interface RedisProcess {
  readonly port: number;
  readonly version: string;
  readonly dir: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `redis-server --version` -> "7.0.15" (or null). */
export function redisVersion(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const m = /v=(\d+\.\d+\.\d+)/.exec(r.stdout ?? '');
  return m ? m[1]! : null;
}

/**
 * Starts a foreground redis-server on a free loopback port (or the one `--port` in `extra`
 * names). `extra` are more `--opt value` arguments, after the defaults (so they win). Retries on EADDRINUSE (another process took the port between probe and bind).
 */
export async function startRedis(extra: string[] = [], attempts = 5): Promise<RedisProcess> {
  let lastErr = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    // A `--port` in `extra` wins (a restart on the same address); otherwise a free one.
    const fixed = extra.indexOf('--port');
    const port = fixed >= 0 ? Number(extra[fixed + 1]) : await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'garrison-interop-'));
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--enable-debug-command', 'yes', '--daemonize', 'no', '--dir', dir, '--logfile', '', ...extra,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => { log += d.toString('utf8'); });
    child.stderr!.on('data', (d: Buffer) => { log += d.toString('utf8'); });
    let exited = false;
    child.once('exit', () => { exited = true; });
    const stop = async (): Promise<void> => {
      if (!exited) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (await answersPing(port, () => exited)) return { port, version: redisVersion() ?? 'unknown', dir, child, stop };
    await stop();
    lastErr = log.trim().split('\n').slice(-5).join('\n');
    if (!/Address already in use/i.test(log)) break;
  }
  throw new Error(`could not start redis-server: ${lastErr || 'no output'}`);
}

/** Runs a binary to completion with a time limit; resolves with its output (never rejects on exit code). */
export function runTool(
  cmd: string,
  args: string[],
  opts: { input?: Buffer | string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 30_000} ms; stderr: ${err}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on('error', () => { /* tool exited before reading everything */ });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export interface RedisSentinelProcess {
  readonly port: number;
  /** Its sentinel.conf (redis-sentinel rewrites it). */
  readonly conf: string;
  stop(): Promise<void>;
}

/**
 * Starts a real redis-sentinel on a free loopback port with the given `sentinel ...` directives
 * (without the keyword) in a fresh sentinel.conf, and waits until it answers PING.
 */
export async function startRedisSentinel(lines: readonly string[]): Promise<RedisSentinelProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'garrison-rsentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, ...lines.map((l) => `sentinel ${l}`), ''].join('\n'));
  const child = spawn('redis-sentinel', [conf], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (await answersPing(port, () => exited)) return { port, conf, stop };
  await stop();
  throw new Error('redis-sentinel did not answer PING within 10 s');
}
