import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Config } from './config.js';
import { loadConfigText, newLoadState, type ConfigFileHost } from './file.js';
import { REWRITE_SIGNATURE, rewriteConfigText } from './rewrite.js';

const TESTDATA = new URL('../../../../src/server/config/testdata/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, TESTDATA), 'latin1');

const host: ConfigFileHost = {
  readFile: () => ({ error: 'No such file or directory' }), glob: () => [], chdir: () => null, cwd: () => '/tmp/rw', checkAppend: () => null,
};
const USERS = ['default on nopass ~* &* +@all'];

function loaded(text: string): Config {
  const c = new Config(undefined, { defaults: { dir: '/tmp/rw' } });
  loadConfigText(text, c, host, newLoadState(null));
  return c;
}

// The goldens come from redis-server 7.0.15 itself: it was started on rewrite-in.conf with
// `--save '' --logfile /tmp/rw/log.txt --daemonize yes`, the same CONFIG SETs were sent and CONFIG
// REWRITE run. Garrison's output equals Redis's except (1) Redis appends new lines in its hash
// table's order, random per process, where Garrison uses table order, and (2) Redis also wrote
// `pidfile "/var/run/redis.pid"` because it daemonized.
test('CONFIG REWRITE keeps comments and order, rewrites in place, appends after the signature (golden)', () => {
  const input = read('rewrite-in.conf');
  const c = loaded(input + '\nsave ""\nlogfile "/tmp/rw/log.txt"\ndaemonize yes');
  assert.equal(c.configSet([
    ['maxmemory', '0'], ['hz', '20'], ['slave-read-only', 'no'], ['notify-keyspace-events', ''],
    ['client-output-buffer-limit', 'pubsub 64mb 16mb 90'], ['appendonly', 'no'], ['loglevel', 'verbose'],
    ['requirepass', ''], ['masterauth', 'a"b c'],
  ], true), null);
  const out1 = rewriteConfigText(input, c, { users: USERS, cwd: '/tmp/rw' });
  assert.equal(out1, read('rewrite-out-1.conf'));

  assert.equal(c.configSet([['maxmemory-policy', 'allkeys-lru'], ['lfu-log-factor', '11'], ['zset-max-ziplist-entries', '99'],
    ['repl-backlog-size', '3mb'], ['maxmemory-clients', '5%']], true), null);
  assert.equal(rewriteConfigText(out1, c, { users: USERS, cwd: '/tmp/rw' }), read('rewrite-out-2.conf'));
});

test('unknown and unparsable lines become "# ???" comments; other directives keep their place', () => {
  const text = 'port 7436\nsave 10 1\nbogus 1\n"unbalanced\na.b c\nsentinel foo\nlist-max-ziplist-entries 5\nloadmodule /x.so\nuser bob on\nslave-priority 5\nslaveof 1.2.3.4 5\nrename-command foo bar\n';
  const c = loaded('port 7436\nsave 10 1\n');
  const out = rewriteConfigText(text, c, { users: USERS, cwd: '/tmp/rw' });
  // What redis-server 7.0.15 wrote for this file (its appended lines reordered to Garrison's table order).
  assert.equal(out, [
    'port 7436', 'save 10 1', '# ??? bogus 1', '# ??? "unbalanced', '# ??? a.b c', 'sentinel foo', '# ??? list-max-ziplist-entries 5',
    '', 'user default on nopass ~* &* +@all', 'replica-priority 100', '', 'rename-command foo bar', '', REWRITE_SIGNATURE,
    'dir "/tmp/rw"', 'latency-tracking-info-percentiles 50 99 99.9', '',
  ].join('\n'));
});

test('a fresh file gets only what differs from the defaults (plus dir, save, percentiles, users)', () => {
  const c = new Config(undefined, { defaults: { dir: '/d' } });
  assert.equal(c.set('port', ['7000']), null);
  assert.equal(c.set('unixsocketperm', ['700']), null);
  assert.equal(c.set('maxmemory', ['3gb']), null);
  assert.equal(c.set('bind', ['127.0.0.1']), null);
  assert.equal(c.set('notify-keyspace-events', ['Ex']), null);
  assert.equal(c.set('dbfilename', ['my "db".rdb']), null);
  const out = rewriteConfigText(null, c, { users: null, cwd: '/d' });
  assert.equal(out, [
    REWRITE_SIGNATURE,
    'dbfilename "my \\"db\\".rdb"',
    'port 7000',
    'unixsocketperm 700',
    'maxmemory 3gb',
    'dir "/d"',
    'save 3600 1',
    'save 300 100',
    'save 60 10000',
    'notify-keyspace-events "xE"',
    'bind 127.0.0.1',
    'latency-tracking-info-percentiles 50 99 99.9',
    '',
  ].join('\n'));
});

test('rewriting converges: like Redis, the final newline of the file turns into one blank line, then nothing changes', () => {
  const c = loaded('port 7000\nsave 1 1\nsave 2 2\nmaxmemory 5mb\n');
  const once = rewriteConfigText('port 7000\nsave 1 1\nsave 2 2\nmaxmemory 5mb\n', c, { users: USERS, cwd: '/tmp/rw' });
  const twice = rewriteConfigText(once, c, { users: USERS, cwd: '/tmp/rw' });
  assert.equal(twice, once + '\n');
  assert.equal(rewriteConfigText(twice, c, { users: USERS, cwd: '/tmp/rw' }), twice);
});
