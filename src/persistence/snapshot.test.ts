import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DATA_COMMANDS } from '../commands/index.js';
import type { CommandSpec } from '../commands/spec.js';
import { DigestBuilder, mixValueDigest } from '../keyspace/digest.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/value.js';
import type { Int64 } from '../lib/int64.js';
import { FakeContext } from '../../test/helpers/fake-context.js';
import { Snapshot, type ImageEncoder, type SnapshotSink } from './snapshot.js';

const TABLE = DATA_COMMANDS as readonly CommandSpec[];

/** What one key looks like in an image: its value's digest and its expiry. */
function describe(value: Value, expire: Int64 | null): string {
  const d = new DigestBuilder();
  mixValueDigest(d, value, expire !== null);
  return `${d.hex()} ${expire === null ? '-' : String(expire)}`;
}

/** The dataset as "db\0key" -> description, read straight from the Maps (no lazy expiry). */
function model(ks: Keyspace): Map<string, string> {
  const out = new Map<string, string>();
  for (const db of ks.dbs) {
    for (const [k, v] of db.dict) out.set(`${db.id}\0${k}`, describe(v, db.expires.has(k) ? db.getExpire(k) : null));
  }
  return out;
}

/** An encoder that records entries (as descriptions made when encoded) and fake bytes. */
class RecordingEncoder implements ImageEncoder {
  readonly entries = new Map<string, string>();
  readonly log: string[] = [];
  duplicates: string[] = [];
  private db = -1;
  private out: Buffer[] = [];
  header(aux: ReadonlyArray<readonly [string, string]>): void {
    this.log.push(`header ${aux.length}`);
    this.out.push(Buffer.from('HDR'));
  }
  selectDb(id: number): void {
    this.db = id;
    this.out.push(Buffer.from(`S${id}`));
  }
  entryBytes(key: string, value: Value, expireMs: Int64 | null): Buffer {
    return Buffer.from(JSON.stringify([key, describe(value, expireMs), String(expireMs)]), 'latin1');
  }
  raw(bytes: Buffer): void {
    const [key, description] = JSON.parse(bytes.toString('latin1')) as [string, string, string];
    this.record(key, description);
    this.out.push(Buffer.from(`E${key.length}:${key}`, 'latin1'));
  }
  private record(key: string, description: string): void {
    assert.ok(this.db >= 0, 'entry before SELECTDB');
    const k = `${this.db}\0${key}`;
    if (this.entries.has(k)) this.duplicates.push(k);
    this.entries.set(k, description);
  }
  entry(key: string, value: Value, expireMs: Int64 | null): void {
    this.record(key, describe(value, expireMs));
    this.out.push(Buffer.from(`E${key.length}:${key}`, 'latin1'));
  }
  end(): void {
    this.log.push('end');
    this.out.push(Buffer.from('END'));
  }
  take(): Buffer {
    const b = Buffer.concat(this.out);
    this.out = [];
    return b;
  }
  pendingLength(): number {
    let n = 0;
    for (const b of this.out) n += b.length;
    return n;
  }
}

class CollectingSink implements SnapshotSink {
  chunks: Buffer[] = [];
  ended = false;
  failed: string | null = null;
  readyNow = true;
  write(chunk: Buffer): void { this.chunks.push(chunk); }
  ready(): boolean { return this.readyNow; }
  end(): void { this.ended = true; }
  fail(reason: string): void { this.failed = reason; }
}

function startSnapshot(ctx: FakeContext, enc: RecordingEncoder, limits = { keys: 3, bytes: 1 << 20 }): Snapshot {
  const snap = new Snapshot(ctx.ks, enc, [['redis-ver', '7.0.15']], ctx.ks.now, limits);
  ctx.ks.writeBarrier = (db, key) => snap.beforeWrite(db, key);
  snap.onFinish = () => { ctx.ks.writeBarrier = null; };
  return snap;
}

test('an idle snapshot holds every key once, in database order, with TTLs', () => {
  const ctx = new FakeContext();
  ctx.ks.now = 1000;
  for (let i = 0; i < 10; i++) ctx.exec(TABLE, ['SET', `k${i}`, `v${i}`]);
  ctx.exec(TABLE, ['PEXPIRE', 'k3', '5000']);
  ctx.db = ctx.ks.dbs[2]!;
  ctx.exec(TABLE, ['RPUSH', 'list', 'a', 'b']);
  const expected = model(ctx.ks);
  const enc = new RecordingEncoder();
  const snap = startSnapshot(ctx, enc);
  const sink = new CollectingSink();
  assert.equal(snap.attach(sink), true);
  assert.equal(snap.keysTotal, 11);
  snap.runToEnd();
  assert.equal(snap.state, 'done');
  assert.equal(sink.ended, true);
  assert.deepEqual(enc.entries, expected);
  assert.equal(enc.duplicates.length, 0);
  assert.equal(snap.keysProcessed, 11);
  assert.equal(snap.cowBytes, 0);
  assert.match(Buffer.concat(sink.chunks).toString('latin1'), /^HDRS0E2:k\d/); // header, SELECT 0, a key of db 0
  assert.equal(ctx.ks.writeBarrier, null);
});

test('a key changed before its turn is written with its old value by the barrier, once', () => {
  const ctx = new FakeContext();
  for (let i = 0; i < 6; i++) ctx.exec(TABLE, ['SET', `k${i}`, 'old']);
  ctx.exec(TABLE, ['SADD', 's', 'a']);
  const expected = model(ctx.ks);
  const enc = new RecordingEncoder();
  const snap = startSnapshot(ctx, enc, { keys: 2, bytes: 1 << 20 });
  const sink = new CollectingSink();
  snap.attach(sink);
  snap.step();
  ctx.exec(TABLE, ['SET', 'k5', 'new']);
  ctx.exec(TABLE, ['SET', 'k5', 'newer']);
  ctx.exec(TABLE, ['SADD', 's', 'b']);
  ctx.exec(TABLE, ['DEL', 'k4']);
  ctx.exec(TABLE, ['SET', 'fresh', 'x']);
  ctx.exec(TABLE, ['SET', 'k0', 'changed-after-visit']);
  snap.runToEnd();
  assert.deepEqual(enc.entries, expected);
  assert.equal(enc.duplicates.length, 0);
  assert.ok(snap.cowBytes > 0);
});

test('attach is refused once the first slice ran; the last detach stops the snapshot', () => {
  const ctx = new FakeContext();
  for (let i = 0; i < 10; i++) ctx.exec(TABLE, ['SET', `k${i}`, '1']);
  const snap = startSnapshot(ctx, new RecordingEncoder());
  const s1 = new CollectingSink();
  const s2 = new CollectingSink();
  assert.equal(snap.attach(s1), true);
  assert.equal(snap.attach(s2), true);
  snap.step();
  assert.equal(snap.attach(new CollectingSink()), false);
  snap.detach(s1);
  assert.equal(snap.state, 'running');
  snap.detach(s2);
  assert.equal(snap.state, 'failed');
  assert.equal(ctx.ks.writeBarrier, null);
});

test('abort tells every consumer why', () => {
  const ctx = new FakeContext();
  ctx.exec(TABLE, ['SET', 'a', '1']);
  const snap = startSnapshot(ctx, new RecordingEncoder());
  const s = new CollectingSink();
  snap.attach(s);
  snap.abort('killed');
  assert.equal(s.failed, 'killed');
  assert.equal(s.ended, false);
});

/** One random command against a small key space across three databases. */
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const arbKey = fc.constantFrom(...KEYS);
const arbOp: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constant('SET'), arbKey, fc.string({ maxLength: 4 })).map(([c, k, v]) => [c, k, v]),
  fc.tuple(fc.constant('APPEND'), arbKey, fc.string({ maxLength: 3 })).map(([c, k, v]) => [c, k, v]),
  fc.tuple(fc.constant('DEL'), arbKey).map(([c, k]) => [c, k]),
  fc.tuple(fc.constant('PEXPIRE'), arbKey, fc.integer({ min: -5, max: 50 })).map(([c, k, t]) => [c, k, String(t)]),
  fc.tuple(fc.constant('PERSIST'), arbKey).map(([c, k]) => [c, k]),
  fc.tuple(fc.constant('SADD'), arbKey, fc.constantFrom('x', 'y', 'z')).map(([c, k, m]) => [c, k, m]),
  fc.tuple(fc.constant('SREM'), arbKey, fc.constantFrom('x', 'y', 'z')).map(([c, k, m]) => [c, k, m]),
  fc.tuple(fc.constant('RPUSH'), arbKey, fc.constantFrom('1', '2')).map(([c, k, m]) => [c, k, m]),
  fc.tuple(fc.constant('LPOP'), arbKey).map(([c, k]) => [c, k]),
  fc.tuple(fc.constant('HSET'), arbKey, fc.constantFrom('f1', 'f2'), fc.string({ maxLength: 2 })).map(([c, k, f, v]) => [c, k, f, v]),
  fc.tuple(fc.constant('RENAME'), arbKey, arbKey).map(([c, k, d]) => [c, k, d]),
  fc.tuple(fc.constant('MOVE'), arbKey, fc.constantFrom('0', '1', '2')).map(([c, k, d]) => [c, k, d]),
  fc.tuple(fc.constant('COPY'), arbKey, arbKey).map(([c, k, d]) => [c, k, d, 'REPLACE']),
  fc.tuple(fc.constant('PFADD'), arbKey, fc.constantFrom('p', 'q')).map(([c, k, e]) => [c, k, e]),
  fc.tuple(fc.constant('GET'), arbKey).map(([c, k]) => [c, k]),
  fc.constant(['FLUSHDB']).map((a) => [...a]),
  fc.tuple(fc.constant('SWAPDB'), fc.constantFrom('0', '1', '2'), fc.constantFrom('0', '1', '2')).map(([c, a, b]) => [c, a, b]),
);
type Step = { kind: 'cmd'; db: number; argv: string[] } | { kind: 'slice' } | { kind: 'time'; ms: number };
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 }), arbOp).map(([db, argv]) => ({ kind: 'cmd' as const, db, argv })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'slice' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }).map((ms) => ({ kind: 'time' as const, ms })) },
);

function run(ctx: FakeContext, db: number, argv: string[]): void {
  ctx.db = ctx.ks.dbs[db]!;
  ctx.exec(TABLE, argv);
}

test('property: with random commands between slices, the image is the dataset at the start', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), arbOp), { maxLength: 40 }),
    fc.array(arbStep, { maxLength: 80 }),
    fc.integer({ min: 1, max: 4 }),
    (setup, steps, sliceKeys) => {
      const ctx = new FakeContext();
      ctx.ks.now = 1_000_000;
      for (const [db, argv] of setup) run(ctx, db, argv);
      const expected = model(ctx.ks);
      const enc = new RecordingEncoder();
      const snap = startSnapshot(ctx, enc, { keys: sliceKeys, bytes: 1 << 20 });
      const sink = new CollectingSink();
      snap.attach(sink);
      for (const s of steps) {
        if (s.kind === 'cmd') run(ctx, s.db, s.argv);
        else if (s.kind === 'time') ctx.ks.now += s.ms;
        else snap.step();
      }
      snap.runToEnd();
      assert.deepEqual(enc.duplicates, []);
      assert.deepEqual(enc.entries, expected);
      assert.equal(snap.keysProcessed, expected.size);
      assert.equal(sink.ended, true);
      // Once done, writes no longer pay for the snapshot.
      assert.equal(ctx.ks.writeBarrier, null);
    },
  ), { numRuns: 300 });
});
