/**
 * maxclients against `ulimit -n`, side by side with a real redis-server 7.0: both processes start
 * under `ulimit -n 100` with the default maxclients (10000). What each logs about its descriptor
 * limit, what CONFIG GET/SET maxclients answer, and what a client past maxclients gets must be the
 * same. Without CAP_SYS_RESOURCE both reduce maxclients to 68; with it both raise the limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RespClient, callFresh, waitFor, type Decoded } from '../helpers/resp-client.js';
import { freePort, requireBinaries } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server');
const BIN = fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url));

interface Proc { port: number; child: ChildProcess; log: () => string; exited: Promise<void> }

async function startUnderUlimit(cmd: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn('bash', ['-c', `ulimit -n 100 && exec ${cmd} --port ${port} --bind 127.0.0.1 --save "" --appendonly no`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor(() => text.includes('Ready to accept connections'), 10_000, `${cmd} to start`);
  return { port, child, log: () => text, exited };
}

/** The lines about the descriptor limit, without pid, role and time. */
function limitLines(log: string): string[] {
  return log.split('\n')
    .filter((l) => /open files|maxclients|Failed applying new configuration/.test(l))
    .map((l) => l.replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ /, ''));
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
