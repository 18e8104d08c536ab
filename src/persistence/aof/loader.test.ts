import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../../keyspace/keyspace.js';
import { encodeCommand } from '../../protocol/command-encode.js';
import { ManualTime, MemoryFileSystem } from '../../../test/helpers/persistence-doubles.js';
import { DEFAULT_COMMAND_CONFIG } from '../../commands/context.js';
import { AofLoad } from './loader.js';
import type { AofFileInfo } from './manifest.js';

function setup(files: Record<string, Buffer>, loadTruncated: boolean) {
  const fs = new MemoryFileSystem();
  for (const [name, bytes] of Object.entries(files)) fs.files.set(`d/${name}`, bytes);
  const time = new ManualTime();
  const lines: string[] = [];
  const log = { notice: (m: string) => lines.push(`* ${m}`), warning: (m: string) => lines.push(`# ${m}`), verbose: () => {} };
  const ran: string[][] = [];
  const ks = new Keyspace(16, { onExpired: () => {}, onKeyModified: () => {}, notify: () => {}, expiryMode: () => 'delete' });
  const infos: AofFileInfo[] = Object.keys(files).map((name, i) => ({ name, seq: i + 1, type: i === 0 ? 'b' : 'i' }));
  const load = new AofLoad({
    fs, clock: time, log, ks, codec: null, decodeLimits: DEFAULT_COMMAND_CONFIG,
    target: { knows: (n) => n.toLowerCase() !== 'nosuch', run: (argv) => { ran.push(argv); } },
    dir: 'd', fileName: 'appendonly.aof', loadTruncated, isMaster: true,
  }, infos, Object.values(files).map((b) => b.length), true);
  while (!load.step()) { /* slices */ }
  return { load, lines, ran, fs };
}

const cmd = (...argv: string[]): Buffer => encodeCommand(argv);

test('base then incr files are replayed in order, with Redis\'s log lines', () => {
  const { load, lines, ran } = setup({
    'a.1.base.aof': Buffer.concat([cmd('SELECT', '0'), cmd('SET', 'k', '1')]),
    'a.1.incr.aof': Buffer.alloc(0),
    'a.2.incr.aof': Buffer.concat([Buffer.from('#TS:1700000000\r\n'), cmd('MULTI'), cmd('INCR', 'k'), cmd('EXEC')]),
  }, true);
  assert.equal(load.status, 'ok');
  assert.deepEqual(ran, [['SELECT', '0'], ['SET', 'k', '1'], ['INCR', 'k']]);
  assert.deepEqual(lines.map((l) => l.replace(/[\d.]+ seconds/, 'N seconds')), [
    '* DB loaded from base file a.1.base.aof: N seconds',
    '* DB loaded from incr file a.2.incr.aof: N seconds',
  ]);
});

test('a truncated last file is cut back to its last complete command (an open MULTI is reverted)', () => {
  const good = Buffer.concat([cmd('SET', 'a', '1'), cmd('SET', 'b', '2')]);
  const tail = Buffer.concat([cmd('MULTI'), cmd('SET', 'c', '3')]);
  const { load, lines, ran, fs } = setup({ 'a.1.base.aof': cmd('SET', 'z', '0'), 'a.1.incr.aof': Buffer.concat([good, tail]) }, true);
  assert.equal(load.status, 'truncated');
  assert.deepEqual(ran, [['SET', 'z', '0'], ['SET', 'a', '1'], ['SET', 'b', '2']]);
  assert.equal(fs.files.get('d/a.1.incr.aof')!.length, good.length);
  assert.deepEqual(lines.slice(1, 5), [
    '# Revert incomplete MULTI/EXEC transaction in AOF file a.1.incr.aof',
    '# !!! Warning: short read while loading the AOF file a.1.incr.aof!!!',
    `# !!! Truncating the AOF a.1.incr.aof at offset ${good.length} !!!`,
    '# AOF a.1.incr.aof loaded anyway because aof-load-truncated is enabled',
  ]);
});

test('without aof-load-truncated, or when the truncated file is not the last one, loading fails', () => {
  const cut = Buffer.concat([cmd('SET', 'a', '1'), cmd('SET', 'b', '2').subarray(0, 10)]);
  const r1 = setup({ 'a.1.base.aof': cut }, false);
  assert.equal(r1.load.status, 'failed');
  assert.match(r1.lines.at(-1)!, /^# Unexpected end of file reading the append only file a\.1\.base\.aof\. You can: 1\) Make a backup/);
  const r2 = setup({ 'a.1.base.aof': cut, 'a.1.incr.aof': cmd('SET', 'c', '3') }, true);
  assert.equal(r2.load.status, 'failed');
  assert.equal(r2.lines.at(-1), '# Fatal error: the truncated file is not the last file');
});

test('format errors and unknown commands fail with Redis\'s wording', () => {
  const r1 = setup({ 'a.1.base.aof': Buffer.from('SET k v\r\n') }, true);
  assert.equal(r1.load.status, 'failed');
  assert.equal(r1.lines.at(-1), '# Bad file format reading the append only file a.1.base.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>');
  const r2 = setup({ 'a.1.base.aof': cmd('NOSUCH', 'x') }, true);
  assert.equal(r2.lines.at(-1), "# Unknown command 'NOSUCH' reading the append only file a.1.base.aof");
  const r3 = setup({ 'a.1.base.rdb': Buffer.from('REDIS0010...') }, true);
  assert.equal(r3.load.status, 'failed');
});
