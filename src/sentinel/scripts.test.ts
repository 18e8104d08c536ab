/**
 * The script queue on a fake runner and a manual clock: concurrency and queue limits, Redis's
 * retry rule (status 1 or a signal, delay doubling, ten starts at most), the error and timeout
 * events, SIGKILL after script-max-runtime, and the PENDING-SCRIPTS reply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeProcessRunner } from '../../test/helpers/fake-processes.js';
import { map } from '../protocol/reply.js';
import { SCRIPT_MAX_QUEUE, SCRIPT_MAX_RETRY, SCRIPT_MAX_RUNNING } from './constants.js';
import { scriptRetryDelay, ScriptQueue } from './scripts.js';

function setup(maxRuntimeMs = 60_000, retryDelayMs = 30_000) {
  const clock = { now: 1_000_000 };
  const runner = new FakeProcessRunner();
  const events: string[] = [];
  const q = new ScriptQueue({
    runner, now: () => clock.now, timing: { scriptMaxRuntimeMs: maxRuntimeMs, scriptRetryDelayMs: retryDelayMs },
    event: (level, type, text) => events.push(`${level} ${type} ${text}`),
  });
  return { clock, runner, events, q };
}

test('retry delay doubles after the first retry', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => scriptRetryDelay(30_000, n)), [30_000, 60_000, 120_000, 240_000]);
});

test('at most 16 scripts run at once; the others wait in order', () => {
  const { runner, q, events } = setup();
  for (let i = 0; i < SCRIPT_MAX_RUNNING + 2; i++) q.schedule('/s', String(i));
  q.tick();
  assert.equal(runner.children.length, SCRIPT_MAX_RUNNING);
  assert.equal(q.running, SCRIPT_MAX_RUNNING);
  assert.equal(q.jobs.length, SCRIPT_MAX_RUNNING + 2);
  assert.ok(events.includes(`debug +script-child ${runner.children[0]!.pid}`));
  runner.children[3]!.exit(0);
  q.tick(); // reaps the ended one
  q.tick(); // starts the next in line
  assert.deepEqual(runner.children.map((c) => c.argv[1]).slice(SCRIPT_MAX_RUNNING), ['16']);
  assert.equal(q.jobs.length, SCRIPT_MAX_RUNNING + 1);
  assert.ok(events.includes(`debug -script-child ${runner.children[3]!.pid} 0 0`));
  assert.ok(!events.some((e) => e.includes('-script-error')), 'a clean exit reports nothing');
});

test('past 256 queued jobs the oldest one not running is dropped', () => {
  const { q } = setup();
  q.schedule('/s', 'first');
  q.tick(); // 'first' runs: it is kept
  for (let i = 0; i < SCRIPT_MAX_QUEUE; i++) q.schedule('/s', String(i));
  assert.equal(q.jobs.length, SCRIPT_MAX_QUEUE);
  assert.deepEqual(q.jobs.slice(0, 2).map((j) => j.argv[1]), ['first', '1']);
  assert.equal(q.jobs[q.jobs.length - 1]!.argv[1], String(SCRIPT_MAX_QUEUE - 1));
});

test('status 1 and signals are retried with a growing delay; other statuses end the job with -script-error', () => {
  const { clock, runner, q, events } = setup(60_000, 1000);
  q.schedule('/notify', '+sdown', 'master m 127.0.0.1 6379');
  q.tick();
  runner.children[0]!.exit(1);
  q.tick();
  assert.equal(q.jobs.length, 1);
  assert.deepEqual(q.pendingReply(), [map(['argv', ['/notify', '+sdown', 'master m 127.0.0.1 6379'], 'flags', 'scheduled', 'pid', '0', 'run-delay', '1000', 'retry-num', '1'])]);
  clock.now += 999;
  q.tick();
  assert.equal(runner.children.length, 1, 'not before the retry delay');
  clock.now += 1;
  q.tick();
  assert.equal(runner.children.length, 2);
  runner.children[1]!.exit(0, 15); // killed by SIGTERM: retried too, after 2 x the delay
  q.tick();
  assert.equal(q.jobs[0]!.startTimeMs, clock.now + 2000);
  clock.now += 2000;
  q.tick();
  assert.equal(runner.children.length, 3);
  runner.children[2]!.exit(2); // exec failure status: final
  q.tick();
  assert.equal(q.jobs.length, 0);
  assert.equal(q.running, 0);
  assert.ok(events.includes('warning -script-error /notify 0 2'));
});

test('a job is started ten times at most', () => {
  const { clock, runner, q, events } = setup(60_000, 1);
  q.schedule('/fail');
  for (let n = 1; n <= SCRIPT_MAX_RETRY; n++) {
    q.tick();
    assert.equal(runner.children.length, n);
    runner.children[n - 1]!.exit(1);
    q.tick();
    clock.now += 1 << n;
  }
  q.tick();
  assert.equal(runner.children.length, SCRIPT_MAX_RETRY);
  assert.equal(q.jobs.length, 0);
  assert.deepEqual(events.filter((e) => e.startsWith('warning')), ['warning -script-error /fail 0 1']);
});

test('a script running past script-max-runtime is reported and killed, then retried', () => {
  const { clock, runner, q, events } = setup(5000, 1000);
  q.schedule('/slow', 'x');
  q.tick();
  const child = runner.children[0]!;
  clock.now += 3000;
  q.tick();
  assert.deepEqual(q.pendingReply(), [map(['argv', ['/slow', 'x'], 'flags', 'running', 'pid', String(child.pid), 'run-time', '3000', 'retry-num', '1'])]);
  clock.now += 2001;
  q.tick();
  assert.ok(child.killed);
  assert.ok(events.includes(`warning -script-timeout /slow ${child.pid}`));
  child.exit(0, 9);
  q.tick();
  assert.equal(q.jobs.length, 1);
  assert.equal(q.jobs[0]!.running, false);
  assert.equal(q.jobs[0]!.retryNum, 1);
});

test('killAll kills what runs', () => {
  const { runner, q } = setup();
  q.schedule('/a');
  q.schedule('/b');
  q.tick();
  q.killAll();
  assert.deepEqual(runner.children.map((c) => c.killed), [true, true]);
});
