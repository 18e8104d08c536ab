import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedPorts, parseUpArgs, planNodes, type UpOptions } from './up-plan.js';

function options(args: string[]): UpOptions {
  const o = parseUpArgs(args);
  assert.ok(typeof o === 'object' && !('error' in o), JSON.stringify(o));
  return o;
}

test('garrison up: defaults, --sentinel brings 2 replicas and 3 sentinels with a majority quorum', () => {
  assert.deepEqual(options([]), {
    replicas: 0, sentinels: 0, port: 6379, dir: null, masterName: 'mymaster', quorum: 1, downAfterMs: 5000, failoverTimeoutMs: 60_000,
  });
  const s = options(['--sentinel']);
  assert.deepEqual([s.replicas, s.sentinels, s.quorum], [2, 3, 2]);
  const five = options(['--sentinels', '5', '--replicas', '1', '--port', '7000', '--dir', 'd', '--name', 'cache',
    '--down-after-ms', '1000', '--failover-timeout-ms', '3000']);
  assert.deepEqual(five, { replicas: 1, sentinels: 5, port: 7000, dir: 'd', masterName: 'cache', quorum: 3, downAfterMs: 1000, failoverTimeoutMs: 3000 });
  assert.deepEqual(fixedPorts(five), [7000, 7001, 27000, 27001, 27002, 27003, 27004]);
  assert.deepEqual(fixedPorts(options(['--sentinel'])), [6379, 6380, 6381, 26379, 26380, 26381]);
  assert.equal(parseUpArgs(['-h']), 'help');
});

test('garrison up: bad arguments are errors', () => {
  for (const [args, text] of [
    [['--replicas'], '--replicas needs a number'],
    [['--replicas', 'x'], '--replicas needs a number'],
    [['--sentinels', '0'], '--sentinels must be between 1 and 99'],
    [['--port', '70000'], '--port must be between 0 and 65535'],
    [['--sentinel', '--quorum', '4'], '--quorum 4 is more than the 3 sentinels'],
    [['--sentinel', '--port', '50000'], '--port 50000 leaves no room for every node (the last would be 70002)'],
    [['--name', 'a b'], '--name must not contain spaces'],
    [['--dir'], '--dir needs a value'],
    [['--frobnicate'], "unknown option '--frobnicate'"],
  ] as const) {
    assert.deepEqual(parseUpArgs(args), { error: text }, args.join(' '));
  }
});

test('garrison up: the config files of the plan (golden)', () => {
  const o = options(['--sentinels', '1', '--replicas', '1', '--down-after-ms', '1000']);
  const nodes = planNodes(o, [7000, 7001, 27000], '/d i r');
  assert.deepEqual(nodes.map((n) => [n.role, n.port, n.confPath, n.logPath]), [
    ['master', 7000, '/d i r/master-7000.conf', '/d i r/master-7000.log'],
    ['replica', 7001, '/d i r/replica-7001.conf', '/d i r/replica-7001.log'],
    ['sentinel', 27000, '/d i r/sentinel-27000.conf', '/d i r/sentinel-27000.log'],
  ]);
  assert.equal(nodes[1]!.confText, [
    '# Written by garrison up: the replica at 127.0.0.1:7001.',
    'port 7001', 'bind 127.0.0.1', 'dir "/d i r"', 'logfile "/d i r/replica-7001.log"', 'dbfilename "dump-7001.rdb"',
    'save ""', 'repl-diskless-sync-delay 0', 'replicaof 127.0.0.1 7000', '',
  ].join('\n'));
  assert.ok(!nodes[0]!.confText.includes('replicaof'));
  assert.equal(nodes[2]!.confText, [
    '# Written by garrison up: the sentinel 1 of 1 at 127.0.0.1:27000.',
    'port 27000', 'bind 127.0.0.1', 'dir "/d i r"', 'logfile "/d i r/sentinel-27000.log"',
    'sentinel monitor mymaster 127.0.0.1 7000 1', 'sentinel down-after-milliseconds mymaster 1000',
    'sentinel failover-timeout mymaster 60000', '',
  ].join('\n'));
});
