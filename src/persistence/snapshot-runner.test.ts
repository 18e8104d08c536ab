import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyspace } from '../keyspace/keyspace.js';
import type { Clock, Scheduler } from '../runtime/ports.js';
import type { Snapshot } from './snapshot.js';
import { SnapshotRunner } from './snapshot-runner.js';

/** A snapshot of `keys` keys that records how many each step was allowed to take. */
class CountingSnapshot {
  state: 'running' | 'done' = 'running';
  onFinish: () => void = () => {};
  readonly steps: number[] = [];
  constructor(private left: number) {}
  isReady(): boolean { return true; }
  beforeWrite(): void {}
  step(keyLimit = Infinity): boolean {
    const n = Math.min(keyLimit, 256, this.left);
    this.steps.push(n);
    this.left -= n;
    if (this.left === 0) {
      this.state = 'done';
      this.onFinish();
      return true;
    }
    return false;
  }
}

/** Clock and scheduler that record every delay asked for; callbacks run when the test says. */
class RecordingTime implements Clock, Scheduler {
  us = 0;
  readonly delays: number[] = [];
  private queue: Array<() => void> = [];
  nowMs(): number { return Math.floor(this.us / 1000); }
  monotonicUs(): number { this.us += 100; return this.us; }
  nowUs(): number { return this.us; }
  every(): () => void { return () => {}; }
  soon(fn: () => void): () => void { return this.after(0, fn); }
  after(ms: number, fn: () => void): () => void {
    this.delays.push(ms);
    let live = true;
    this.queue.push(() => { if (live) fn(); });
    return () => { live = false; };
  }
  runAll(): void {
    while (this.queue.length !== 0) {
      const q = this.queue;
      this.queue = [];
      for (const f of q) f();
    }
  }
}

function run(keyDelayUs: number, keys: number): { steps: number[]; delays: number[] } {
  const time = new RecordingTime();
  const ks = new Keyspace(1, { onExpired() {}, onKeyModified() {}, notify() {}, expiryMode: () => 'delete' });
  const runner = new SnapshotRunner(ks, time, time);
  runner.keyDelayUs = keyDelayUs;
  const snap = new CountingSnapshot(keys);
  runner.start(snap as unknown as Snapshot);
  assert.notEqual(ks.writeBarrier, null, 'the write barrier is installed while the snapshot runs');
  time.runAll();
  assert.equal(snap.state, 'done');
  assert.equal(ks.writeBarrier, null);
  return { steps: snap.steps, delays: time.delays };
}

test('rdb-key-save-delay: each turn takes the keys its 2 ms cover at that rate, then waits their cost', () => {
  // 100 µs per key: 20 keys a turn, 2 ms apart (Redis's child: 10,000 keys/s).
  const slow = run(100, 70);
  assert.deepEqual(slow.steps, [20, 20, 20, 10]);
  assert.deepEqual(slow.delays, [0, 2, 2, 2]);
  // One key per second.
  const crawl = run(1_000_000, 3);
  assert.deepEqual(crawl.steps, [1, 1, 1]);
  assert.deepEqual(crawl.delays, [0, 1000, 1000]);
  // Negative: one µs every 10 keys; a turn is then bounded by the slice limit, not the delay.
  const fast = run(-10, 600);
  assert.deepEqual(fast.steps, [256, 256, 88]);
  assert.deepEqual(fast.delays, [0, 2, 2]);
});

test('without rdb-key-save-delay a turn runs slices until its budget is spent', () => {
  const { steps, delays } = run(0, 10_000);
  // The clock advances 100 µs per reading: a 2 ms budget allows about 20 slices a turn.
  assert.ok(steps.length >= 40);
  assert.ok(steps.every((n, i) => n === 256 || i === steps.length - 1));
  assert.ok(delays.every((d) => d === 0), 'full speed: the next turn comes at once');
  assert.ok(delays.length < steps.length, 'several slices share a turn');
});
