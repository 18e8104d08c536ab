import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_MANIFEST, filesToLoad, formatManifest, manifestErrorLog, ManifestError, parseManifest, upgradedManifest,
  withIncrAsHistory, withLastIncr, withNewBase, withNewIncr, withoutHistory,
} from './manifest.js';

// Written by redis-server 7.0.15 (appendonly yes, then BGREWRITEAOF).
const REDIS_PLAIN = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
// Written by redis-server 7.0.15 with --appendfilename 'my "x" aof'.
const REDIS_QUOTED = 'file "my \\"x\\" aof.2.base.rdb" seq 2 type b\nfile "my \\"x\\" aof.2.incr.aof" seq 2 type i\n';

test('golden manifests from redis-server parse and format back byte for byte', () => {
  for (const text of [REDIS_PLAIN, REDIS_QUOTED]) {
    const m = parseManifest(text);
    assert.equal(formatManifest(m), text);
  }
  const q = parseManifest(REDIS_QUOTED);
  assert.equal(q.base?.name, 'my "x" aof.2.base.rdb');
  assert.equal(q.incrSeq, 2);
  assert.equal(q.baseSeq, 2);
});

test('the transitions of a rewrite follow Redis: new incr, new base, old files to history in order', () => {
  let m = withNewBase(EMPTY_MANIFEST, 'appendonly.aof', false);
  m = withNewIncr(m, 'appendonly.aof');
  assert.equal(formatManifest(m), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  // BGREWRITEAOF: a new incr, then (when done) a new base and the older incr files as history.
  m = withNewIncr(m, 'appendonly.aof');
  m = withNewIncr(m, 'appendonly.aof');
  m = withNewBase(m, 'appendonly.aof', true);
  m = withIncrAsHistory(m, true);
  assert.equal(formatManifest(m), [
    'file appendonly.aof.2.base.rdb seq 2 type b',
    'file appendonly.aof.1.incr.aof seq 1 type h',
    'file appendonly.aof.2.incr.aof seq 2 type h',
    'file appendonly.aof.1.base.aof seq 1 type h',
    'file appendonly.aof.3.incr.aof seq 3 type i',
    '',
  ].join('\n'));
  assert.deepEqual(filesToLoad(m).map((f) => f.name), ['appendonly.aof.2.base.rdb', 'appendonly.aof.3.incr.aof']);
  assert.equal(formatManifest(withoutHistory(m)), 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
  // AOF off: every incr file becomes history.
  assert.equal(withIncrAsHistory(m, false).incr.length, 0);
  const last = withLastIncr(EMPTY_MANIFEST, 'x');
  assert.equal(last.name, 'x.1.incr.aof');
  assert.equal(withLastIncr(last.manifest, 'x').name, 'x.1.incr.aof');
  assert.equal(formatManifest(upgradedManifest('appendonly.aof')), 'file appendonly.aof seq 1 type b\n');
});

test('comments are skipped and unknown keys tolerated; keys are case-insensitive', () => {
  const m = parseManifest('# comment\nFILE a.1.base.aof SEQ 1 TYPE b extra 7\n');
  assert.equal(m.base?.name, 'a.1.base.aof');
});

test('invalid manifests give Redis error texts', () => {
  const cases: Array<[string, string]> = [
    ['', 'Found an empty AOF manifest'],
    ['\n', 'Invalid AOF manifest file format'],
    ['file a seq 1\n', 'Invalid AOF manifest file format'],
    ['file a seq 0 type b\n', 'Invalid AOF manifest file format'],
    ['file a/b seq 1 type b\n', "File can't be a path, just a filename"],
    ['file a seq 1 type b\nfile b seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile b seq 2 type i\n', 'Found a non-monotonic sequence number'],
    ['file a seq 1 type x\n', 'Unknown AOF file type'],
    ['file "a seq 1 type b\n', 'Invalid AOF manifest file format'],
    [`file ${'a'.repeat(1100)} seq 1 type b\n`, 'The AOF manifest file contains too long line'],
  ];
  for (const [text, msg] of cases) {
    assert.throws(() => parseManifest(text), (e: unknown) => e instanceof ManifestError && e.message === msg, JSON.stringify(text));
  }
  try {
    parseManifest('file a seq 1 type b\nfile a seq 1 type x\n');
  } catch (e) {
    assert.deepEqual(manifestErrorLog(e as ManifestError), [
      '\n*** FATAL AOF MANIFEST FILE ERROR ***\n',
      'Reading the manifest file, at line 2\n',
      ">>> 'file a seq 1 type x'\n",
      'Unknown AOF file type\n',
    ]);
  }
});
