import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Config, DENIED_WHILE_LOADING } from './config.js';
import { ALL_PARAMS, type OutputLimits } from './params.js';
import { NOTIFY } from './notify.js';

const TESTDATA = new URL('../../../../src/server/config/testdata/', import.meta.url);

test('CONFIG GET * matches redis-server 7.0.15 byte for byte (every name, alias and default)', () => {
  // Captured from `redis-server --port 7431 --save '' --appendonly no` started in /tmp/cmp.
  const golden = readFileSync(new URL('redis-7.0.15-config-get-all.tsv', TESTDATA), 'latin1').trimEnd().split('\n');
  const c = new Config(undefined, { defaults: { dir: '/tmp/cmp' } });
  assert.equal(c.set('port', ['7431']), null);
  assert.equal(c.set('save', ['']), null);
  const mine = c.matching(['*']).map(([k, v]) => `${k}\t${v}`).sort();
  assert.deepEqual(mine, [...golden].sort());
});

test('hidden parameters answer only to their exact name', () => {
  const c = new Config();
  assert.deepEqual(c.matching(['rdb-key-save-delay']), [['rdb-key-save-delay', '0']]);
  assert.deepEqual(c.matching(['*key-save*']), []);
  assert.deepEqual(c.matching(['loading-process-events-interval-bytes']), [['loading-process-events-interval-bytes', '2097152']]);
});

test('matching: exact names keep the spelling given, each parameter once, patterns case-insensitive', () => {
  const c = new Config();
  assert.deepEqual(c.matching(['PORT', 'port', 'Port']), [['PORT', '6379']]);
  assert.deepEqual(c.matching(['port', '*ort']).map(([k]) => k).sort(),
    ['active-expire-effort', 'cluster-announce-bus-port', 'cluster-announce-port', 'cluster-announce-tls-port', 'cluster-port', 'port',
      'replica-announce-port', 'slave-announce-port', 'tls-port'].sort());
  assert.deepEqual(c.matching(['SLAVEOF']), [['SLAVEOF', '']]);
  assert.deepEqual(c.matching(['nosuch']), []);
  const zl = c.matching(['*ZIPLIST*']).map(([k]) => k).sort();
  assert.deepEqual(zl, ['hash-max-ziplist-entries', 'hash-max-ziplist-value', 'list-max-ziplist-size', 'zset-max-ziplist-entries', 'zset-max-ziplist-value']);
});

test('every row has a unique name and aliases, and its default parses back to the same text', () => {
  const seen = new Set<string>();
  for (const p of ALL_PARAMS) {
    for (const n of [p.name, ...(p.aliases ?? [])]) {
      assert.ok(!seen.has(n), `duplicate ${n}`);
      seen.add(n);
    }
  }
  const c = new Config();
  for (const p of ALL_PARAMS) {
    if (p.name === 'dir') continue;
    assert.equal(c.format(p.name), p.default, p.name);
  }
});

test('type errors use Redis 7.0 wording', () => {
  const c = new Config();
  const cases: Array<[string, string, string]> = [
    ['port', 'abc', "argument couldn't be parsed into an integer"],
    ['port', '01', "argument couldn't be parsed into an integer"],
    ['port', '70000', 'argument must be between 0 and 65535 inclusive'],
    ['maxclients', '-1', 'argument must be between 1 and 4294967295 inclusive'],
    ['hash-max-listpack-entries', '-1', 'argument must be between 0 and 9223372036854775807 inclusive'],
    ['hash-max-listpack-value', '-1', 'argument must be a memory value'],
    ['maxmemory', '1.5mb', 'argument must be a memory value'],
    ['proto-max-bulk-len', '18446744073709551615', 'argument must be between 1048576 and 9223372036854775807 inclusive'],
    ['maxmemory-clients', '101%', 'percentage argument must be less or equal to 100'],
    ['maxmemory-clients', '-5', 'argument must be a memory or percent value'],
    ['unixsocketperm', '999', "argument couldn't be parsed as an octal number"],
    ['unixsocketperm', '1000', 'argument must be between 0 and 777 inclusive'],
    ['appendonly', 'maybe', "argument must be 'yes' or 'no'"],
    ['loglevel', 'x', 'argument(s) must be one of the following: debug, verbose, notice, warning'],
    ['shutdown-on-sigterm', 'save nosave', "shutdown options SAVE and NOSAVE can't be used simultaneously"],
    ['save', '1 2 3', 'Invalid save parameters'],
    ['save', '0 1', 'Invalid save parameters'],
    ['notify-keyspace-events', 'Z', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    ['client-output-buffer-limit', 'normal 1 2', 'Wrong number of arguments in buffer limit configuration.'],
    ['client-output-buffer-limit', 'master 1 2 3', 'Invalid client class specified in buffer limit configuration.'],
    ['client-output-buffer-limit', 'replica 1gb 2k x', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'],
    ['oom-score-adj-values', '1 2', 'wrong number of arguments'],
    ['oom-score-adj-values', '1 2 2001', 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.'],
    ['replicaof', 'host 99999', 'Invalid master port'],
    ['dbfilename', 'a/b', "dbfilename can't be a path, just a filename"],
    ['latency-tracking-info-percentiles', '101', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]'],
  ];
  for (const [name, value, err] of cases) assert.equal(c.set(name, [value]), err, `${name} ${value}`);
});

test('values read back as Redis prints them', () => {
  const c = new Config();
  const cases: Array<[string, string, string]> = [
    ['maxmemory', '1gb', '1073741824'],
    ['maxmemory', '1g', '1000000000'],
    ['maxmemory', '5kB', '5120'],
    ['maxmemory', '', '0'],
    ['maxmemory', '99999999999999999999', '18446744073709551615'],
    ['maxmemory-clients', '10%', '10%'],
    ['hz', '1000', '500'],
    ['hz', '0', '1'],
    ['oom-score-adj', 'relative', 'yes'],
    ['appendfsync', 'ALWAYS', 'always'],
    ['shutdown-on-sigterm', 'now nosave', 'nosave now'],
    ['shutdown-on-sigterm', 'default force', 'force'],
    ['latency-tracking-info-percentiles', '50 99.5 100 0.001', '50 99.5 100 0.001'],
    ['client-output-buffer-limit', 'pubsub 1mb 2mb 3', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3'],
    ['notify-keyspace-events', 'AnKE', 'AKE'],
    ['notify-keyspace-events', 'gx$', 'g$x'],
    ['bind', '127.0.0.1 -::1', '127.0.0.1 -::1'],
    ['save', '', ''],
    ['replicaof', 'no one', ''],
    ['replicaof', 'h 1', 'h 1'],
  ];
  for (const [name, value, out] of cases) {
    assert.equal(c.set(name, [value]), null, `${name} ${value}`);
    assert.equal(c.format(name), out, `${name} ${value}`);
  }
  assert.equal(c.int('notify-keyspace-events'), NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.EXPIRED);
  const limits = c.get('client-output-buffer-limit') as OutputLimits;
  assert.deepEqual(limits.pubsub, { hard: 1048576, soft: 2097152, softSeconds: 3 });
});

test('CONFIG SET: unknown, immutable, protected and duplicate names with Redis precedence', () => {
  const c = new Config();
  assert.equal(c.configSet([['foo', 'bar']], false), "Unknown option or number of arguments for CONFIG SET - 'foo'");
  assert.equal(c.configSet([['Foo', '1'], ['port', '1']], false), "Unknown option or number of arguments for CONFIG SET - 'Foo'");
  assert.equal(c.configSet([['daemonize', 'yes'], ['foo', '1']], false),
    "CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config");
  assert.equal(c.configSet([['port', 'x'], ['DAEMONIZE', 'yes']], false),
    "CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config");
  assert.equal(c.configSet([['dir', '/tmp']], false), "CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  assert.equal(c.configSet([['port', '1'], ['PORT', '2']], false), "CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter");
  assert.equal(c.configSet([['slave-read-only', 'yes'], ['replica-read-only', 'yes']], false), null);
  assert.equal(c.configSet([['PORT', 'abc']], false), "CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer");
  assert.equal(c.configSet([['SLAVE-READ-ONLY', 'x']], false), "CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'");
  assert.equal(c.configSet([['dbfilename', 'x.rdb']], true), null);
  assert.equal(c.str('dbfilename'), 'x.rdb');
});

test('CONFIG SET while loading: appendonly and dir refuse (DENIED_WHILE_LOADING), after the earlier pairs\' own errors', () => {
  const c = new Config();
  assert.equal(c.configSet([['appendonly', 'no']], false, true), DENIED_WHILE_LOADING);
  assert.equal(c.configSet([['maxclients', '100'], ['DIR', '/tmp']], true, true), DENIED_WHILE_LOADING);
  assert.equal(c.int('maxclients'), 10000, 'nothing is applied');
  // dir without enable-protected-configs: the protected error comes first, as in redis-server.
  assert.equal(c.configSet([['dir', '/tmp']], false, true), "CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  assert.equal(c.configSet([['nosuch', '1'], ['appendonly', 'no']], false, true), "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  assert.equal(c.configSet([['appendonly', 'no'], ['nosuch', '1']], false, true), DENIED_WHILE_LOADING);
  assert.equal(c.configSet([['maxclients', '100']], false, true), null);
  assert.equal(c.configSet([['appendonly', 'no']], false, false), null);
  const denying = ALL_PARAMS.filter((p) => p.denyLoading === true).map((p) => p.name).sort();
  assert.deepEqual(denying, ['appendonly', 'dir']);
});

test('CONFIG SET is all or nothing: a bad value restores the ones set before it', () => {
  const c = new Config();
  assert.match(String(c.configSet([['maxmemory', '1mb'], ['hz', '20'], ['maxmemory-policy', 'bogus']], false)), /maxmemory-policy/);
  assert.equal(c.format('maxmemory'), '0');
  assert.equal(c.format('hz'), '10');
});

test('CONFIG SET runs apply actions once, and rolls every value back when one fails (also asynchronously)', async () => {
  const c = new Config();
  const calls: string[] = [];
  c.onApply(['maxmemory', 'maxmemory-policy'], () => { calls.push('mem'); return null; });
  assert.equal(c.configSet([['maxmemory', '1mb'], ['maxmemory-policy', 'allkeys-lru']], false), null);
  assert.deepEqual(calls, ['mem']);
  // Unchanged values do not trigger their action.
  assert.equal(c.configSet([['maxmemory', '1mb']], false), null);
  assert.deepEqual(calls, ['mem']);

  let fail = true;
  c.onApply(['timeout'], () => Promise.resolve(fail ? 'Unable to do it' : null));
  const seen: unknown[] = [];
  c.watch('hz', (v) => seen.push(v));
  const r = c.configSet([['hz', '30'], ['timeout', '5']], false);
  assert.ok(r instanceof Promise);
  assert.equal(await r, "CONFIG SET failed (possibly related to argument 'timeout') - Unable to do it");
  assert.equal(c.int('hz'), 10);
  assert.equal(c.int('timeout'), 0);
  assert.deepEqual(seen, [10, 30, 10]);
  fail = false;
  assert.equal(await c.configSet([['timeout', '5']], false), null);
  assert.equal(c.int('timeout'), 5);
});

test('library-style set() splits a multi-argument value like CONFIG SET', () => {
  const c = new Config();
  assert.equal(c.set('save', ['900 1 300 10']), null);
  assert.equal(c.format('save'), '900 1 300 10');
  assert.equal(c.set('bind', ['']), null);
  assert.equal(c.format('bind'), '');
  assert.equal(c.set('nosuch', ['1']), "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
});
