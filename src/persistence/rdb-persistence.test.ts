import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATA_COMMANDS } from '../commands/index.js';
import type { CommandSpec } from '../commands/spec.js';
import { datasetDigest } from '../keyspace/digest.js';
import { FakeContext } from '../../test/helpers/fake-context.js';
import { ManualTime, MemoryFileSystem, RecordingCodec } from '../../test/helpers/persistence-doubles.js';
import { RdbPersistence } from './rdb-persistence.js';
import { datasetLoader, snapshotProvider } from './replication-ports.js';
import type { SnapshotSink } from './snapshot.js';

const TABLE = DATA_COMMANDS as readonly CommandSpec[];

function setup(savePoints: Array<[number, number]> = []) {
  const ctx = new FakeContext();
  const time = new ManualTime();
  ctx.ks.now = time.ms;
  const fs = new MemoryFileSystem();
  const codec = new RecordingCodec();
  const logs: string[] = [];
  const log = { notice: (m: string) => logs.push(m), warning: (m: string) => logs.push(m), verbose: () => {} };
  const p = new RdbPersistence({
    ks: ctx.ks, clock: time, scheduler: time, fs, pid: 42, tag: 't', log, codec,
    settings: {
      dir: () => '/data', dbfilename: () => 'dump.rdb', compression: () => true, checksum: () => true,
      savePoints: () => savePoints, stopWritesOnBgsaveError: () => true,
    },
    usedMemory: () => 1024 * 1024, redisVersion: '7.0.15', isMaster: () => true,
    decodeLimits: () => ({ listMaxListpackSize: -2, setMaxIntsetEntries: 512, hashMaxListpackEntries: 128, hashMaxListpackValue: 64, zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 }),
  });
  p.sliceLimits = { keys: 2, bytes: 1 << 20 };
  return { ctx, time, fs, codec, logs, p };
}

/** Lets promise callbacks (fsync completions) run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Loads `bytes` into a fresh keyspace through the codec and returns its digest. */
function digestOf(codec: RecordingCodec, bytes: Buffer): string {
  const { ctx, p } = setup();
  void codec;
  const q = new RdbPersistence({ ...(p as unknown as { d: ConstructorParameters<typeof RdbPersistence>[0] }).d, codec, ks: ctx.ks });
  q.loadNow(bytes);
  return datasetDigest(ctx.ks);
}

test('BGSAVE while writing: the file holds the dataset as it was when BGSAVE started', async () => {
  const { ctx, time, fs, codec, logs, p } = setup();
  for (let i = 0; i < 20; i++) ctx.exec(TABLE, ['SET', `k${i}`, `v${i}`]);
  ctx.exec(TABLE, ['RPUSH', 'list', 'a', 'b']);
  const before = datasetDigest(ctx.ks);
  assert.equal(p.startBgsave(), null);
  assert.equal(p.startBgsave(), 'Background save already in progress');
  let n = 0;
  while (p.bgsave !== null && n < 1000) {
    ctx.exec(TABLE, ['SET', `k${n % 25}`, 'changed']);
    ctx.exec(TABLE, ['RPUSH', 'list', 'c']);
    time.runOnce();
    await settle();
    n++;
  }
  assert.equal(p.bgsave, null);
  assert.notEqual(datasetDigest(ctx.ks), before);
  const file = fs.readFile('/data/dump.rdb');
  assert.ok(file !== null);
  assert.equal(digestOf(codec, file), before);
  assert.equal(p.saves, 1);
  assert.equal(p.lastBgsaveOk, true);
  assert.ok(p.changesSinceSave() > 0, 'writes made during the save still count as unsaved');
  assert.ok(p.lastCowSize > 0);
  assert.deepEqual(logs, ['Background saving started by pid 42', 'DB saved on disk', 'Background saving terminated with success']);
  assert.deepEqual([...fs.files.keys()], ['/data/dump.rdb'], 'no temporary file left');
  assert.equal(ctx.ks.writeBarrier, null);
});

test('a failed BGSAVE keeps the good file, removes the temporary one and denies writes', async () => {
  const { ctx, time, fs, p, logs } = setup([[3600, 1]]);
  ctx.exec(TABLE, ['SET', 'a', '1']);
  fs.files.set('/data/dump.rdb', Buffer.from('good'));
  fs.failSync = true;
  assert.equal(p.startBgsave(), null);
  time.runSoon();
  await settle();
  assert.equal(p.bgsave, null);
  assert.equal(p.lastBgsaveOk, false);
  assert.equal(p.writesDenied(), true);
  assert.equal(fs.readFile('/data/dump.rdb')!.toString(), 'good');
  assert.deepEqual([...fs.files.keys()], ['/data/dump.rdb']);
  assert.ok(logs.includes('Write error saving DB on disk: Input/output error'));
  assert.ok(logs.includes('Background saving error'));
  // A later good save clears the condition.
  fs.failSync = false;
  assert.equal(await p.saveNow(), null);
  assert.equal(p.writesDenied(), false);
});

test('SAVE into a directory that cannot be written reports the error with Redis wording', async () => {
  const { p, fs, logs } = setup();
  fs.failOpen = '/data/';
  assert.equal(await p.saveNow(), 'No such file or directory');
  assert.deepEqual(logs, ['Failed opening the temp RDB file temp-42-t.rdb (in server root dir /data) for saving: No such file or directory']);
  assert.equal(p.isSaving(), false);
});

test('a write error stops the snapshot and fails the save', async () => {
  const { ctx, p, fs, time } = setup();
  for (let i = 0; i < 10; i++) ctx.exec(TABLE, ['SET', `k${i}`, 'v']);
  fs.failWrite = true;
  assert.equal(p.startBgsave(), null);
  time.runSoon();
  await settle();
  assert.equal(p.bgsave, null);
  assert.equal(p.lastBgsaveOk, false);
  assert.equal(fs.files.size, 0);
  assert.equal(ctx.ks.writeBarrier, null);
});

test('save points: a background save starts once enough changes are old enough; a failure waits 5 s', async () => {
  const { ctx, time, p, fs, logs } = setup([[10, 3]]);
  ctx.exec(TABLE, ['SET', 'a', '1']);
  ctx.exec(TABLE, ['SET', 'b', '1']);
  time.ms += 11_000;
  p.cron(time.ms);
  assert.equal(p.bgsave, null, 'two changes are not enough');
  ctx.exec(TABLE, ['SET', 'c', '1']);
  p.cron(time.ms);
  assert.notEqual(p.bgsave, null);
  assert.ok(logs.includes('3 changes in 10 seconds. Saving...'));
  time.runSoon();
  await settle();
  assert.equal(p.changesSinceSave(), 0);
  // Failure, then the retry delay.
  for (const k of ['d', 'e', 'f']) ctx.exec(TABLE, ['SET', k, '1']);
  fs.failSync = true;
  time.ms += 11_000;
  p.cron(time.ms);
  time.runSoon();
  await settle();
  assert.equal(p.lastBgsaveOk, false);
  fs.failSync = false;
  time.ms += 1000;
  p.cron(time.ms);
  assert.equal(p.bgsave, null, 'within the retry delay');
  time.ms += 5000;
  p.cron(time.ms);
  assert.notEqual(p.bgsave, null);
});

test('loading in slices skips keys whose time has passed and reports progress', () => {
  const src = setup();
  src.ctx.exec(TABLE, ['SET', 'live', '1']);
  src.ctx.exec(TABLE, ['SET', 'dead', '1']);
  src.ctx.exec(TABLE, ['PEXPIRE', 'dead', '100']);
  src.ctx.exec(TABLE, ['SET', 'later', '1']);
  src.ctx.exec(TABLE, ['PEXPIRE', 'later', '100000']);
  for (let i = 0; i < 3000; i++) src.ctx.exec(TABLE, ['SET', `n${i}`, 'x']);
  const image = src.p.imageNow();
  const dst = setup();
  const q = new RdbPersistence({ ...(dst.p as unknown as { d: ConstructorParameters<typeof RdbPersistence>[0] }).d, codec: src.codec });
  dst.time.ms += 1000;
  dst.time.stepUs = 1500;
  let result: string | null | undefined;
  q.loadInSlices(image, (err) => { result = err; });
  dst.time.runOnce();
  assert.notEqual(q.loading, null, 'still loading after the first turn');
  dst.time.runSoon();
  assert.equal(result, null);
  assert.equal(q.loading, null);
  assert.equal(q.lastLoadKeysLoaded, 3002);
  assert.equal(q.lastLoadKeysExpired, 1);
  assert.equal(dst.ctx.ks.dbs[0]!.dict.has('dead'), false);
  assert.ok(dst.logs.includes('Loading RDB produced by version 7.0.15'));
  assert.ok(dst.logs.includes('RDB age 1 seconds'));
  assert.ok(dst.logs.includes('RDB memory usage when created 1.00 Mb'));
  assert.ok(dst.logs.includes('Done loading RDB, keys loaded: 3002, keys expired: 1.'));
});

test('a corrupt image fails the load with the decoder message', () => {
  const { p, time } = setup();
  let result: string | null | undefined;
  p.loadInSlices(Buffer.from('{"k":"aux","aux":[]}\n{"k":"e"'), (err) => { result = err; });
  time.runSoon();
  assert.equal(result, 'Unexpected EOF reading RDB file');
  assert.equal(p.loading, null);
});

test('images for other consumers: sinks that ask in the same turn share one snapshot', () => {
  const { ctx, time, p } = setup();
  for (let i = 0; i < 10; i++) ctx.exec(TABLE, ['SET', `k${i}`, 'v']);
  const mk = () => {
    const s = { bytes: [] as Buffer[], ended: false, write(b: Buffer) { s.bytes.push(b); }, ready: () => true, end() { s.ended = true; }, fail() {} };
    return s;
  };
  const a = mk();
  const b = mk();
  const aux = [['repl-id', 'x'], ['repl-offset', '5']] as const;
  p.streamImage(a as SnapshotSink, aux);
  p.streamImage(b as SnapshotSink, aux);
  assert.equal(p.runner.active.length, 1);
  time.runOnce();
  const c = mk();
  p.streamImage(c as SnapshotSink, aux);
  assert.equal(p.runner.active.length, 2, 'a snapshot already under way is not shared');
  time.runSoon();
  assert.ok(a.ended && b.ended && c.ended);
  assert.deepEqual(Buffer.concat(a.bytes), Buffer.concat(b.bytes));
  assert.ok(Buffer.concat(a.bytes).toString('latin1').includes('"repl-offset","5"'));
});

test('BGSAVE into a directory that cannot be written starts, then fails like a child would', async () => {
  const { ctx, p, fs, time, logs } = setup([[3600, 1]]);
  ctx.exec(TABLE, ['SET', 'a', '1']);
  fs.failOpen = '/data/';
  assert.equal(p.startBgsave(), null);
  assert.notEqual(p.bgsave, null);
  time.runSoon();
  await settle();
  assert.equal(p.bgsave, null);
  assert.equal(p.lastBgsaveOk, false);
  assert.equal(p.writesDenied(), true);
  assert.deepEqual(logs, [
    'Background saving started by pid 42',
    'Failed opening the temp RDB file temp-42-t.rdb (in server root dir /data) for saving: No such file or directory',
    'Background saving error',
  ]);
});

test('replication ports: an image with repl aux fields, loaded back with them', () => {
  const src = setup();
  for (let i = 0; i < 5; i++) src.ctx.exec(TABLE, ['SET', `k${i}`, 'v']);
  const chunks: Buffer[] = [];
  let ended = false;
  const sink: SnapshotSink = { write: (b) => { chunks.push(b); }, ready: () => true, end: () => { ended = true; }, fail: () => {} };
  snapshotProvider(src.p).start(sink, { replId: 'abc', replOffset: 77, replStreamDb: 3 });
  src.time.runSoon();
  assert.ok(ended);
  const dst = setup();
  const q = new RdbPersistence({ ...(dst.p as unknown as { d: ConstructorParameters<typeof RdbPersistence>[0] }).d, codec: src.codec });
  let info: unknown = null;
  datasetLoader(q).load(Buffer.concat(chunks), (err, i) => { assert.equal(err, null); info = i; });
  dst.time.runSoon();
  assert.deepEqual(info, { replId: 'abc', replOffset: 77, replStreamDb: 3 });
  assert.equal(dst.ctx.ks.dbs[0]!.dict.size, 5);
});
