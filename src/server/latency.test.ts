/** Latency monitor units: the per-second sample ring, the histogram report, the sparkline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_TS_LEN, LatencyMonitor, LatencyTimeSeries, renderSparkline } from './latency.js';

test('one sample per second: a later sample in the same second only raises it; the ring keeps 160', () => {
  const ts = new LatencyTimeSeries();
  ts.add(100, 5);
  ts.add(100, 3);
  ts.add(100, 9);
  ts.add(101, 2);
  assert.deepEqual(ts.history(), [{ time: 100, latencyMs: 9 }, { time: 101, latencyMs: 2 }]);
  assert.equal(ts.max, 9);
  for (let t = 200; t < 200 + LATENCY_TS_LEN + 5; t++) ts.add(t, 1);
  assert.equal(ts.history().length, LATENCY_TS_LEN);
  assert.equal(ts.history()[0]!.time, 205);
  assert.equal(ts.latest().time, 200 + LATENCY_TS_LEN + 4);
});

test('threshold: nothing is recorded at 0 or below the threshold', () => {
  let now = 1_000_000;
  const m = new LatencyMonitor(() => now);
  m.addSampleIfNeeded('command', 500);
  assert.equal(m.events.size, 0);
  m.thresholdMs = 10;
  m.addSampleIfNeeded('command', 9.99);
  assert.equal(m.events.size, 0);
  m.addSampleIfNeeded('command', 10.5);
  now += 1000;
  m.addSampleIfNeeded('expire-cycle', 12);
  assert.deepEqual([...m.events.keys()], ['command', 'expire-cycle']);
  assert.equal(m.events.get('command')!.latest().latencyMs, 10);
  assert.equal(m.reset('command'), 1);
  assert.equal(m.reset(), 1);
});

test('sparkline: filled bars on 4 rows, then vertical labels (as LATENCY GRAPH printed by redis-server 7.0)', () => {
  const out = renderSparkline([{ value: 10, label: '2s' }, { value: 50, label: '1s' }, { value: 20, label: '0s' }], 80, 4);
  assert.equal(out, ' # \n | \n |_\n_||\n   \n210\nsss\n');
});
