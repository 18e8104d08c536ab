/**
 * The active expiry driver on a clock that moves only with the work done: every deleted key
 * costs COST_US microseconds, so how many keys a cycle reaches follows from its time limit alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../keyspace/keyspace.js';
import { ActiveExpire, expireTuning } from './active-expire.js';

const COST_US = 1;

function setup(expiredKeys: number, opts: { aliveKeys?: number; ttlMs?: number } = {}) {
  let t = 0;
  const ks = new Keyspace(16, {
    onExpired: () => { t += COST_US; },
    onKeyModified: () => {},
    notify: () => {},
    expiryMode: () => 'delete',
  });
  ks.now = 100_000;
  const db = ks.dbs[0]!;
  for (let i = 0; i < expiredKeys; i++) {
    ks.setKey(db, `e${i}`, 'v');
    ks.setExpire(db, `e${i}`, 1000);
  }
  for (let i = 0; i < (opts.aliveKeys ?? 0); i++) {
    ks.setKey(db, `a${i}`, 'v');
    ks.setExpire(db, `a${i}`, ks.now + (opts.ttlMs ?? 60_000));
  }
  const cycles: number[] = [];
  const clock = { nowMs: () => ks.now, nowUs: () => ks.now * 1000, monotonicUs: () => t };
  const ae = new ActiveExpire(ks, clock, (ms) => cycles.push(ms));
  return { ks, db, ae, cycles, advance: (us: number) => { t += us; } };
}

test('active-expire-effort scales the cycle as Redis 7.0 does', () => {
  assert.deepEqual(expireTuning(1), { keysPerLoop: 20, fastDurationUs: 1000, slowTimePerc: 25, acceptableStale: 10 });
  assert.deepEqual(expireTuning(4), { keysPerLoop: 35, fastDurationUs: 1750, slowTimePerc: 31, acceptableStale: 7 });
  assert.deepEqual(expireTuning(10), { keysPerLoop: 65, fastDurationUs: 3250, slowTimePerc: 43, acceptableStale: 1 });
});

test('the slow cycle stops at slowTimePerc of the tick period, counting the time cap', () => {
  // Effort 1 at hz 10: 25 ms. Slices of 16 x 20 keys cost 320 µs: the 79th slice crosses 25 ms.
  const s = setup(40_000);
  s.ae.slow(10, 1);
  assert.equal(40_000 - s.db.dict.size, 79 * 320);
  assert.equal(s.ae.timelimitExit, true);
  assert.equal(s.ks.stats.expiredTimeCapReachedCount, 1);
  assert.equal(s.ks.stats.expiredStalePerc, 0.05, 'one update per cycle, every sampled key stale');
  assert.deepEqual(s.cycles, [25.28]);
  assert.equal(s.ks.stats.expireCycleCpuMs, 25.28);

  // Effort 10 at hz 10: 43 ms in slices of 16 x 65 keys (1040 µs): the 42nd slice crosses it.
  const e = setup(60_000);
  e.ae.slow(10, 10);
  assert.equal(60_000 - e.db.dict.size, 42 * 1040);
  // hz 100 at effort 1: 2.5 ms, crossed by the 8th slice.
  const h = setup(10_000);
  h.ae.slow(100, 1);
  assert.equal(10_000 - h.db.dict.size, 8 * 320);
});

test('a cycle ends without the cap once a slice finds few stale keys', () => {
  const s = setup(0, { aliveKeys: 1000 });
  s.ae.slow(10, 1);
  assert.equal(s.ks.lastCycleChecked, 20, 'one batch: nothing was stale');
  assert.equal(s.ae.timelimitExit, false);
  assert.equal(s.ks.stats.expiredTimeCapReachedCount, 0);
  assert.equal(s.db.dict.size, 1000);
});

test('the fast cycle runs only after a cycle hit its limit, for fastDurationUs, at most once per two of them', () => {
  const s = setup(100_000);
  s.ae.fast(1);
  assert.equal(s.db.dict.size, 100_000, 'no fast cycle before any cycle ran out of time');
  s.ae.slow(10, 1);
  const afterSlow = s.db.dict.size;
  assert.equal(s.ae.timelimitExit, true);
  // 1000 µs in slices of 320 µs: the 4th slice crosses it.
  s.ae.fast(1);
  assert.equal(afterSlow - s.db.dict.size, 4 * 320);
  assert.equal(s.ks.stats.expiredTimeCapReachedCount, 2);
  // It started 1280 µs ago: not again before 2000 µs have passed since its start.
  const afterFast = s.db.dict.size;
  s.ae.fast(1);
  assert.equal(s.db.dict.size, afterFast);
  s.advance(719);
  s.ae.fast(1);
  assert.equal(s.db.dict.size, afterFast, '1999 µs after the start');
  s.advance(1);
  s.ae.fast(1);
  assert.equal(afterFast - s.db.dict.size, 4 * 320);
});

test('a slow cycle that finishes its work clears the way for fast cycles', () => {
  const s = setup(30_000);
  s.ae.slow(10, 1);
  assert.equal(s.ae.timelimitExit, true);
  s.ae.slow(1, 1); // hz 1: 250 ms, enough for the rest
  assert.equal(s.db.dict.size, 0);
  assert.equal(s.ae.timelimitExit, false);
  s.advance(10_000);
  s.ks.setKey(s.db, 'late', 'v');
  s.ks.setExpire(s.db, 'late', 1000);
  s.ae.fast(1);
  assert.equal(s.db.dict.size, 1, 'no fast cycle: the last one did not run out of time');
});

test('avg_ttl follows Redis integer running average and is 0 once no key is volatile', () => {
  const s = setup(0, { aliveKeys: 20, ttlMs: 5049 });
  s.ae.slow(10, 1);
  // First sample: 5049, then (5049/50)*49 + 5049/50 in integers.
  assert.equal(s.db.avgTtl, 100 * 49 + 100);
  for (let i = 0; i < 20; i++) s.ks.removeExpire(s.db, `a${i}`);
  s.ae.slow(10, 1);
  assert.equal(s.db.avgTtl, 0);
});

test('nothing runs on a replica or with DEBUG SET-ACTIVE-EXPIRE 0', () => {
  const s = setup(1000);
  s.ks.activeExpireEnabled = false;
  s.ae.slow(10, 1);
  assert.equal(s.db.dict.size, 1000);
  assert.equal(s.cycles.length, 0);
  assert.equal(s.ks.stats.expiredStalePerc, 0);
});
