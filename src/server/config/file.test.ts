import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../lib/glob.js';
import { Config } from './config.js';
import {
  ConfigLoadFailure, formatFatalConfigError, loadConfigText, newLoadState, type ConfigFileHost, type ConfigLoadError,
} from './file.js';

/** An in-memory file system with a current directory. */
function fakeHost(files: Record<string, string>): ConfigFileHost & { dir: string } {
  const host = {
    dir: '/work',
    abs(p: string): string { return p.startsWith('/') ? p : `${host.dir}/${p}`; },
    readFile(p: string): string | { error: string } {
      const t = files[host.abs(p)];
      return t === undefined ? { error: 'No such file or directory' } : t;
    },
    glob(pattern: string): string[] {
      const abs = host.abs(pattern);
      return Object.keys(files).filter((f) => globMatch(abs, f)).sort();
    },
    chdir(p: string): string | null {
      const d = host.abs(p);
      if (!Object.keys(files).some((f) => f.startsWith(d + '/'))) return 'No such file or directory';
      host.dir = d;
      return null;
    },
    cwd(): string { return host.dir; },
    checkAppend(p: string): string | null { return host.abs(p).startsWith('/nope/') ? 'No such file or directory' : null; },
  };
  return host;
}

function load(text: string, files: Record<string, string> = {}, commands: string[] | null = ['get', 'set', 'debug', 'flushall']): Config {
  const c = new Config(undefined, { defaults: { dir: '/work' } });
  loadConfigText(text, c, fakeHost(files), newLoadState(commands));
  return c;
}

function failure(text: string, files: Record<string, string> = {}): ConfigLoadError {
  try {
    load(text, files);
  } catch (e) {
    if (e instanceof ConfigLoadFailure) return e.failure;
    throw e;
  }
  throw new Error('expected a failure');
}

test('comments, blank lines, indentation, quotes and case-insensitive names', () => {
  const c = load('# comment\n\n   Port 7000  \r\n\tmaxmemory 1mb\nrequirepass "a b\\x41"\nlogfile \'x y\'\n  # indented\n');
  assert.equal(c.int('port'), 7000);
  assert.equal(c.format('maxmemory'), '1048576');
  assert.equal(c.str('requirepass'), 'a bA');
  assert.equal(c.str('logfile'), 'x y');
});

test('multi-argument directives and aliases', () => {
  const c = load('bind 127.0.0.1 ::1\nslaveof 10.0.0.1 6380\nclient-output-buffer-limit replica 1gb 512mb 30\nhash-max-ziplist-entries 7\n');
  assert.equal(c.format('bind'), '127.0.0.1 ::1');
  assert.equal(c.format('replicaof'), '10.0.0.1 6380');
  assert.equal(c.format('client-output-buffer-limit'), 'normal 0 0 0 slave 1073741824 536870912 30 pubsub 33554432 8388608 60');
  assert.equal(c.int('hash-max-listpack-entries'), 7);
  // One quoted argument of a multi-argument directive is split at spaces (--save "3600 1").
  assert.equal(load('save "60 100 300 10"\nbind "127.0.0.1 ::1"\n').format('save'), '60 100 300 10');
  assert.equal(load('bind "127.0.0.1 ::1"\n').format('bind'), '127.0.0.1 ::1');
});

test('save lines: the first replaces the defaults, later ones add, save "" clears, and after an include they replace', () => {
  assert.equal(load('save 10 1\nsave 20 2\n').format('save'), '10 1 20 2');
  assert.equal(load('save 10 1\nsave 20 2\nsave ""\nsave 30 3\nsave 40 4\n').format('save'), '30 3 40 4');
  assert.equal(load('port 1\n').format('save'), '3600 1 300 100 60 10000');
  assert.equal(load('save 10 1\ninclude /e.conf\nsave 20 2\nsave 30 3\n', { '/e.conf': '' }).format('save'), '30 3');
});

test('include reads relative to the current directory (after dir), globs may match nothing', () => {
  const files = { '/work/a.conf': 'port 7001\n', '/etc/conf.d/1.conf': 'hz 11\n', '/etc/conf.d/2.conf': 'hz 12\n', '/data/x': '', '/data/b.conf': 'timeout 9\n' };
  const c = load('include a.conf\ninclude /etc/conf.d/*.conf\ninclude /none/*.conf\ndir /data\ninclude b.conf\n', files);
  assert.equal(c.int('port'), 7001);
  assert.equal(c.int('hz'), 12);
  assert.equal(c.int('timeout'), 9);
  assert.equal(c.str('dir'), '/data');
  assert.deepEqual(failure('include missing.conf\n'), { kind: 'open', path: 'missing.conf', message: 'No such file or directory' });
});

test('non-parameter directives are recorded; rename-command is checked against the command table', () => {
  const c = load('rename-command DEBUG ""\nrename-command flushall nukeall\nuser alice on >pw ~* +@all\nloadmodule /m.so a b\nmod.opt 5\nsentinel\nlist-max-ziplist-entries 5\nlua-replicate-commands yes\n');
  assert.deepEqual(c.directives.renameCommands, [['DEBUG', ''], ['flushall', 'nukeall']]);
  assert.deepEqual(c.directives.users, [['alice', 'on', '>pw', '~*', '+@all']]);
  assert.deepEqual(c.directives.loadModules, [['/m.so', 'a', 'b']]);
  assert.deepEqual(c.directives.moduleConfigs, [['mod.opt', '5']]);
  assert.equal(failure('rename-command foo bar\n').kind === 'directive' && failure('rename-command foo bar\n').message, 'No such command in rename-command');
  const f = failure('rename-command get set\n');
  assert.ok(f.kind === 'directive' && f.message === 'Target command name already exists');
});

test('errors carry the line and Redis wording, and print like redis-server', () => {
  const cases: Array<[string, number | null, string, string]> = [
    ['port 1\nfoo bar\n', 2, 'foo bar', 'Bad directive or wrong number of arguments'],
    ['port\n', 1, 'port', 'wrong number of arguments'],
    ['port 1 2\n', 1, 'port 1 2', 'wrong number of arguments'],
    ['\n\n  port abc  \n', 3, 'port abc', "argument couldn't be parsed into an integer"],
    ['requirepass "abc\n', 1, 'requirepass "abc', 'Unbalanced quotes in configuration line'],
    ['user\n', 1, 'user', 'Bad directive or wrong number of arguments'],
    ['loadmodule\n', 1, 'loadmodule', 'Bad directive or wrong number of arguments'],
    ['a.b\n', 1, 'a.b', 'Module config specified without value'],
    ['sentinel monitor m 1 2 3\n', 1, 'sentinel monitor m 1 2 3', 'sentinel directive while not in sentinel mode'],
    ['list-max-ziplist-entries 1 2\n', 1, 'list-max-ziplist-entries 1 2', 'Bad directive or wrong number of arguments'],
    ['dir /nowhere\n', 1, 'dir /nowhere', 'No such file or directory'],
    ['save 1 2 3\n', 1, 'save 1 2 3', 'Invalid save parameters'],
    ['logfile /nope/x.log\n', null, '', "Can't open the log file: No such file or directory"],
    ['cluster-enabled yes\nreplicaof h 1\n', null, '', 'replicaof directive not allowed in cluster mode'],
  ];
  for (const [text, line, shown, message] of cases) {
    const f = failure(text);
    assert.deepEqual(f, { kind: 'directive', line, text: shown, message }, text);
  }
  const f = failure('port 1\nfoo "bar"\n');
  assert.ok(f.kind === 'directive');
  assert.equal(formatFatalConfigError(f),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo \"bar\"'\nBad directive or wrong number of arguments\n");
  const noLine = failure('logfile /nope/x\n');
  assert.ok(noLine.kind === 'directive');
  assert.equal(formatFatalConfigError(noLine), "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
});

test('hz out of range is capped like Redis after loading', () => {
  assert.equal(load('hz 0\n').int('hz'), 1);
  assert.equal(load('hz 100000\n').int('hz'), 500);
});
