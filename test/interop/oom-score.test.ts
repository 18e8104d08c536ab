/**
 * oom-score-adj as a process: redis-server 7.0 and garrison-server, started alike, take the same
 * steps (the start, becoming a replica, a master again, CONFIG SET of both parameters) and must
 * give the same replies and leave the same /proc/<pid>/oom_score_adj after each.
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { refusedPort } from '../helpers/free-port.js';
import { requireBinaries } from './helpers/redis-process.js';
import { launch, type Side } from './helpers/server-process.js';

const skip = requireBinaries('redis-server') ?? (existsSync('/proc/self/oom_score_adj') ? null : 'no /proc/self/oom_score_adj');

const STEPS: string[][] = [
  ['REPLICAOF', '127.0.0.1', '{dead}'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['CONFIG', 'SET', 'oom-score-adj', 'absolute'],
  ['CONFIG', 'SET', 'oom-score-adj-values', '-5 300 800'],
  ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
  ['CONFIG', 'SET', 'oom-score-adj-values', '1 2 3000'],
  ['CONFIG', 'SET', 'oom-score-adj', 'relative'],
  ['CONFIG', 'SET', 'oom-score-adj', 'no'],
];

async function run(side: Side, dead: number): Promise<string[]> {
  const p = await launch(side, ['--oom-score-adj', 'yes', '--oom-score-adj-values', '10 200 800']);
  const score = (): string => readFileSync(`/proc/${p.child.pid!}/oom_score_adj`, 'latin1').trim();
  const c = await RespClient.connect(p.port);
  try {
    const out = [`start ${score()}`];
    for (const step of STEPS) {
      const argv = step.map((a) => a.replace('{dead}', String(dead)));
      const reply = JSON.stringify(await c.call(...argv));
      // Garrison follows a role change on its next tick (Redis at once): wait for it to settle.
      if (argv[0] === 'REPLICAOF') {
        const want = argv[1] === 'NO' ? '10' : '200';
        await waitFor(() => score() === want, 2000, `${side}: score ${want} after ${argv.join(' ')}`).catch(() => undefined);
      }
      out.push(`${argv.join(' ')}: ${reply} -> ${score()}`);
    }
    return out;
  } finally {
    c.close();
    await p.stop();
  }
}

describe('oom-score-adj: garrison-server vs redis-server 7.0', { skip: skip ?? false }, () => {
  test('the score follows the role and the two parameters', { timeout: 60_000 }, async () => {
    const dead = await refusedPort();
    const redis = await run('redis', dead);
    const garrison = await run('garrison', dead);
    assert.deepEqual(garrison, redis);
    // Not two equal failures: the scores moved.
    assert.ok(redis.some((l) => l.endsWith('-> 200')) && redis[0] !== redis[redis.length - 1], redis.join('\n'));
  });
});
