import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../lib/prng.js';
import { EventLoop, SimProcess } from './event-loop.js';
import { SimDisk, type DiskOptions } from './disk.js';
import { Trace } from './trace.js';

function setup(opts: Partial<DiskOptions> = {}, seed = 1): { loop: EventLoop; disk: SimDisk; proc: SimProcess } {
  const loop = new EventLoop();
  const disk = new SimDisk('h', loop, new SeededRandom(seed), new Trace(() => loop.nowUs), { syncLatencyMs: 2, tornWrites: false, ...opts }, () => 1000);
  return { loop, disk, proc: new SimProcess('p') };
}

async function runAll(loop: EventLoop): Promise<void> {
  while (loop.runOne()) await Promise.resolve();
  await Promise.resolve();
}

test('a crash keeps what was synced and loses the unsynced tail', async () => {
  const { loop, disk, proc } = setup();
  const fs = disk.view(proc, () => '/d');
  fs.mkdir('/d');
  const h = fs.open('aof', 'w');
  h.write(Buffer.from('one;'));
  const synced = { done: false };
  void h.sync().then(() => { synced.done = true; });
  h.write(Buffer.from('two;'));
  assert.equal(fs.readFile('aof')!.toString(), 'one;two;');
  assert.equal(synced.done, false);
  await runAll(loop);
  assert.equal(synced.done, true);
  assert.equal(loop.nowUs, 2000, 'sync takes its virtual latency');
  h.write(Buffer.from('three;'));
  assert.equal(h.size(), 14);
  proc.alive = false;
  disk.crash();
  const after = disk.view(new SimProcess('p2'), () => '/d');
  assert.equal(after.readFile('aof')!.toString(), 'one;', 'only the bytes written before sync() was called survive');
  assert.equal(disk.peek('/d/aof')!.toString(), 'one;');
});

test('a sync that has not completed when the process crashes makes nothing durable', () => {
  const { disk, proc } = setup();
  const fs = disk.view(proc, () => '/');
  const h = fs.open('f', 'a');
  h.write(Buffer.from('abc'));
  void h.sync();
  proc.alive = false;
  disk.crash();
  assert.equal(disk.peek('/f')!.length, 0);
});

test('torn writes keep a random prefix of the unsynced tail', async () => {
  const lengths = new Set<number>();
  for (let seed = 1; seed <= 30; seed++) {
    const { loop, disk, proc } = setup({ tornWrites: true }, seed);
    const fs = disk.view(proc, () => '/');
    const h = fs.open('f', 'w');
    h.write(Buffer.from('synced|'));
    void h.sync();
    await runAll(loop);
    h.write(Buffer.from('0123456789'));
    disk.crash();
    const got = disk.peek('/f')!.toString();
    assert.ok('synced|0123456789'.startsWith(got) && got.startsWith('synced|'), got);
    lengths.add(got.length);
  }
  assert.ok(lengths.size > 3, `prefix lengths vary: ${[...lengths].join(',')}`);
});

test('rename is atomic and durable at once; the contents only as far as they were synced', async () => {
  const { loop, disk, proc } = setup();
  const fs = disk.view(proc, () => '/');
  const old = fs.open('dump.rdb', 'w');
  old.write(Buffer.from('OLD'));
  void old.sync();
  await runAll(loop);
  const tmp = fs.open('temp-1.rdb', 'w');
  tmp.write(Buffer.from('NEW'));
  fs.rename('temp-1.rdb', 'dump.rdb');
  assert.equal(fs.readFile('dump.rdb')!.toString(), 'NEW');
  assert.equal(fs.readFile('temp-1.rdb'), null);
  disk.crash();
  assert.equal(disk.peek('/dump.rdb')!.toString(), '', 'renamed without fsync: the new name, none of its bytes');
});

test('open w truncates to a new inode, a, appends; stat, readdir, mkdir, unlink, errors', () => {
  const { disk, proc } = setup();
  const fs = disk.view(proc, () => '/data');
  assert.throws(() => fs.open('x', 'w'), { code: 'ENOENT' });
  fs.mkdir('/data/sub/deeper');
  fs.open('x', 'w').write(Buffer.from('12345'));
  const a = fs.open('x', 'a');
  assert.equal(a.size(), 5);
  a.write(Buffer.from('67'));
  assert.equal(a.size(), 7);
  assert.equal(fs.stat('x')!.size, 7);
  assert.equal(fs.stat('sub')!.isDirectory, true);
  assert.equal(fs.stat('nope'), null);
  fs.open('x', 'w');
  assert.equal(fs.readFile('x')!.length, 0);
  a.write(Buffer.from('to the old inode'));
  assert.equal(fs.readFile('x')!.length, 0);
  assert.deepEqual(fs.readdir('/data'), ['sub', 'x']);
  assert.deepEqual(fs.readdir('/none'), []);
  assert.throws(() => fs.rename('missing', 'y'), { code: 'ENOENT' });
  fs.unlink('x');
  fs.unlink('x');
  assert.equal(fs.readFile('x'), null);
  const h = fs.open('y', 'w');
  h.close();
  assert.throws(() => h.write(Buffer.from('late')), { code: 'EBADF' });
});
