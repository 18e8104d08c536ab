import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HdrHistogram, highestEquivalent, lowestEquivalent } from './hdr-histogram.js';

test('bucket edges follow hdr_histogram (1 ns lowest, 2 significant figures)', () => {
  // Exact below 256, then 128 buckets per power of two.
  assert.equal(lowestEquivalent(255), 255);
  assert.equal(highestEquivalent(255), 255);
  assert.equal(lowestEquivalent(256), 256);
  assert.equal(highestEquivalent(256), 257);
  assert.equal(lowestEquivalent(183_000), 182_272);
  assert.equal(highestEquivalent(183_000), 183_295);
});

test('single calls report the values redis-server 7.0 printed for them', () => {
  // Observed on redis-server 7.0.15: a 183 µs CONFIG GET -> p50=183.295, a 35 µs SET -> 35.071,
  // a 4 µs GET -> 4.015, a 12 µs CLIENT LIST -> 12.031.
  for (const [us, want] of [[183, 183_295], [35, 35_071], [4, 4_015], [12, 12_031]] as const) {
    const h = new HdrHistogram();
    h.record(us * 1000);
    assert.equal(h.valueAtPercentile(50), want);
    assert.equal(h.valueAtPercentile(99.9), want);
  }
});

test('percentiles pick the bucket where the running count reaches round(p% of total)', () => {
  const h = new HdrHistogram();
  for (let i = 1; i <= 100; i++) h.record(i * 1000); // 1..100 µs
  assert.equal(h.totalCount, 100);
  assert.equal(h.valueAtPercentile(50), highestEquivalent(50_000));
  assert.equal(h.valueAtPercentile(99), highestEquivalent(99_000));
  assert.equal(h.valueAtPercentile(100), highestEquivalent(100_000));
  assert.equal(h.valueAtPercentile(0), lowestEquivalent(1000));
  assert.equal(new HdrHistogram().valueAtPercentile(50), 0);
});

test('values are clamped into [1 ns, 1 s]', () => {
  const h = new HdrHistogram();
  h.record(0);
  h.record(5e12);
  assert.equal(h.valueAtPercentile(1), 1);
  assert.equal(h.valueAtPercentile(100), highestEquivalent(1_000_000_000));
});

test('histogram report: base-2 levels from 1024 ns, highest equivalent value in µs, cumulative counts', () => {
  const h = new HdrHistogram();
  // Redis printed 8:9 16:20 33:21 for calls of that shape.
  for (let i = 0; i < 9; i++) h.record(7000);
  for (let i = 0; i < 11; i++) h.record(12000);
  h.record(30000);
  assert.deepEqual(h.cumulative(), [[8, 9], [16, 20], [33, 21]]);
  assert.equal(h.totalCount, 21);
  assert.equal(highestEquivalent(131072), 132095);
  assert.equal(highestEquivalent(200), 200);
});

test('dense bucket index agrees with the hdr layout (lowest equivalent value) everywhere', async () => {
  const { bucketIndex, bucketLowest } = await import('./hdr-histogram.js');
  let prev = -1;
  for (let v = 1; v <= 1_000_000_000; v = v < 4096 ? v + 1 : Math.floor(v * 1.0007) + 1) {
    const i = bucketIndex(v);
    assert.equal(bucketLowest(i), lowestEquivalent(v), `value ${v}`);
    assert.ok(i >= prev, 'indexes grow with values');
    prev = i;
  }
});
