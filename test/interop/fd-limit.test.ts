/**
 * maxclients against `ulimit -n`, side by side with a real redis-server 7.0: both processes start
 * under `ulimit -n 100` with the default maxclients (10000). What each logs about its descriptor
 * limit, what CONFIG GET/SET maxclients answer, and what a client past maxclients gets must be the
 * same. Without CAP_SYS_RESOURCE both reduce maxclients to 68; with it both raise the limit.
 * Under `ulimit -n 64` both start (Garrison's module graph then loads one file at a time), and
 * under 32 both refuse to.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RespClient, callFresh, waitFor, type Decoded } from '../helpers/resp-client.js';
import { freePort, requireBinaries } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server');
const BIN = fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url));

interface Proc { port: number; child: ChildProcess; log: () => string; exited: Promise<void> }

async function startUnderUlimit(cmd: string, limit = 100): Promise<Proc> {
  const port = await freePort();
  const child = spawn('bash', ['-c', `ulimit -n ${limit} && exec ${cmd} --port ${port} --bind 127.0.0.1 --save "" --appendonly no`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor(() => text.includes('Ready to accept connections'), 10_000, `${cmd} to start`);
  return { port, child, log: () => text, exited };
}

/** Log lines without pid, role and time. */
function strip(lines: string[]): string[] {
  return lines.map((l) => l.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ /, ''));
}

/** The lines about the descriptor limit, without pid, role and time. */
function limitLines(log: string): string[] {
  return strip(log.split('\n').filter((l) => /open files|maxclients|Failed applying new configuration/.test(l)));
}

describe('maxclients under ulimit -n 100: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: Proc;
  let garrison: Proc;
  before(async () => {
    redis = await startUnderUlimit('redis-server');
    garrison = await startUnderUlimit(`"${process.execPath}" "${BIN}"`);
  });
  after(async () => {
    for (const p of [redis, garrison]) {
      if (p === undefined) continue;
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });

  test('the start-up lines about the limit are the same', () => {
    const expected = limitLines(redis.log());
    assert.ok(expected.length > 0, redis.log());
    assert.deepEqual(limitLines(garrison.log()), expected);
  });

  test('CONFIG GET/SET maxclients answer the same, and log the same', async () => {
    const script: string[][] = [
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'SET', 'maxclients', '50'],
      ['CONFIG', 'SET', 'maxclients', '200'],
      ['CONFIG', 'GET', 'maxclients'],
      ['CONFIG', 'SET', 'maxclients', '68'],
      ['CONFIG', 'SET', 'maxclients', '69'],
      ['CONFIG', 'GET', 'maxclients'],
    ];
    const run = async (port: number): Promise<Decoded[]> => {
      const c = await RespClient.connect(port);
      try {
        const out: Decoded[] = [];
        for (const cmd of script) out.push(await c.call(...cmd));
        return out;
      } finally {
        c.close();
      }
    };
    const expected = await run(redis.port);
    assert.deepEqual(await run(garrison.port), expected);
    const redisLines = limitLines(redis.log());
    await waitFor(() => limitLines(garrison.log()).length >= redisLines.length, 5_000, 'Garrison to log as many lines');
    assert.deepEqual(limitLines(garrison.log()), redisLines);
  });

  test('a client past maxclients gets the same answer', async () => {
    const maxOf = async (port: number): Promise<number> => {
      const r = await callFresh(port, 'CONFIG', 'GET', 'maxclients');
      return Number((r as string[])[1]);
    };
    const max = await maxOf(redis.port);
    assert.equal(await maxOf(garrison.port), max);
    // Only meaningful where the limit was reduced (no CAP_SYS_RESOURCE): fill it on both.
    if (max > 1000) return;
    const pastTheLimit = async (port: number): Promise<Decoded | null> => {
      const held: RespClient[] = [];
      try {
        for (let i = 0; i < max; i++) {
          const c = await RespClient.connect(port);
          held.push(c);
          await c.call('PING');
        }
        return await callFresh(port, 'PING');
      } finally {
        for (const c of held) c.close();
      }
    };
    const expected = await pastTheLimit(redis.port);
    assert.deepEqual(expected, { error: 'ERR max number of clients reached' });
    assert.deepEqual(await pastTheLimit(garrison.port), expected);
  });
});

describe('ulimit -n 64 and 32: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  test('under 64 both start and log the same lines about the limit', async () => {
    const procs: Proc[] = [];
    try {
      procs.push(await startUnderUlimit('redis-server', 64));
      procs.push(await startUnderUlimit(`"${process.execPath}" "${BIN}"`, 64));
      const [redis, garrison] = procs as [Proc, Proc];
      assert.ok(limitLines(redis.log()).length > 0, redis.log());
      assert.deepEqual(limitLines(garrison.log()), limitLines(redis.log()));
      const maxclients = await callFresh(redis.port, 'CONFIG', 'GET', 'maxclients');
      assert.deepEqual(await callFresh(garrison.port, 'CONFIG', 'GET', 'maxclients'), maxclients);
    } finally {
      for (const p of procs) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
  });

  test('under 32 both exit with status 1 and the same line (without CAP_SYS_RESOURCE)', () => {
    const run = (cmd: string): { status: number | null; lines: string[] } => {
      const r = spawnSync('bash', ['-c', `ulimit -n 32 && exec ${cmd} --port 0 --save "" --appendonly no`], { encoding: 'utf8', timeout: 20_000 });
      return { status: r.status, lines: limitLines(r.stdout + r.stderr).concat(strip((r.stdout + r.stderr).split('\n').filter((l) => l.includes("'ulimit -n'")))) };
    };
    const expected = run('redis-server');
    if (expected.status === 0 || expected.lines.some((l) => l.includes('Increased maximum number of open files'))) return;
    assert.equal(expected.status, 1);
    assert.ok(expected.lines.length > 0);
    assert.deepEqual(run(`"${process.execPath}" "${BIN}"`), expected);
  });
});
