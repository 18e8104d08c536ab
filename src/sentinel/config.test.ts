import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySentinelDirective, mergeSentinelLines, sentinelConfigLines } from './config.js';
import { Sentinel } from './sentinel.js';
import { FakeProcessRunner } from '../../test/helpers/fake-processes.js';

function fresh(processes = new FakeProcessRunner()): Sentinel {
  const env = {
    clock: { nowMs: () => 1000, monotonicUs: () => 0, nowUs: () => 0 },
    random: { float: () => 0.5, bytes: (n: number) => Buffer.alloc(n) },
    transport: { listen: () => Promise.reject(new Error('no')), connect: () => Promise.reject(new Error('no')) },
    processes,
  };
  return new Sentinel({ env, log: () => {}, publish: () => {}, flushConfig: () => {}, port: () => 26379, setTimerHz: () => {} }, 'a'.repeat(40));
}

test('directives build the state; errors carry Redis texts', () => {
  const s = fresh();
  const lines = [
    'monitor mymaster 127.0.0.1 6379 2', 'down-after-milliseconds mymaster 5000', 'failover-timeout mymaster 60000',
    'parallel-syncs mymaster 2', 'auth-pass mymaster secret', 'config-epoch mymaster 3', 'leader-epoch mymaster 4',
    'known-replica mymaster 127.0.0.1 6380', 'known-slave mymaster 127.0.0.1 6381',
    `known-sentinel mymaster 127.0.0.1 26380 ${'b'.repeat(40)}`, 'current-epoch 4', `myid ${'c'.repeat(40)}`,
  ];
  for (const l of lines) assert.equal(applySentinelDirective(s, l.split(' ')), null, l);
  const m = s.masters.get('mymaster')!;
  assert.deepEqual([m.quorum, m.downAfterMs, m.failoverTimeoutMs, m.parallelSyncs, m.authPass, m.configEpoch, m.leaderEpoch],
    [2, 5000, 60000, 2, 'secret', 3, 4]);
  assert.deepEqual([...m.replicas.keys()], ['127.0.0.1:6380', '127.0.0.1:6381']);
  assert.equal(m.sentinels.get('b'.repeat(40))?.port, 26380);
  assert.equal(s.currentEpoch, 4);
  assert.equal(s.myId, 'c'.repeat(40));
  assert.equal(applySentinelDirective(s, ['monitor', 'mymaster', '127.0.0.1', '1', '1']), 'Duplicate master name.');
  assert.equal(applySentinelDirective(s, ['down-after-milliseconds', 'nosuch', '1']), 'No such master with specified name.');
  assert.equal(applySentinelDirective(s, ['bogus']), 'Unrecognized sentinel configuration statement.');
  assert.equal(applySentinelDirective(s, ['monitor', 'x', '127.0.0.1', '1', '0']), 'Quorum must be 1 or greater.');
});

test('state lines in Redis order, merged in place into the file', () => {
  const s = fresh();
  for (const l of ['monitor mymaster 127.0.0.1 6379 2', 'down-after-milliseconds mymaster 1000', 'known-replica mymaster 127.0.0.1 6380',
    `known-sentinel mymaster 127.0.0.1 26380 ${'b'.repeat(40)}`]) applySentinelDirective(s, l.split(' '));
  s.currentEpoch = 7;
  s.masters.get('mymaster')!.configEpoch = 7;
  assert.deepEqual(sentinelConfigLines(s).map(([, l]) => l), [
    `sentinel myid ${'a'.repeat(40)}`,
    'sentinel resolve-hostnames no',
    'sentinel announce-hostnames no',
    'sentinel monitor mymaster 127.0.0.1 6379 2',
    'sentinel down-after-milliseconds mymaster 1000',
    'sentinel config-epoch mymaster 7',
    'sentinel leader-epoch mymaster 0',
    'sentinel known-replica mymaster 127.0.0.1 6380',
    `sentinel known-sentinel mymaster 127.0.0.1 26380 ${'b'.repeat(40)}`,
    'sentinel current-epoch 7',
  ]);
  const old = [
    'port 26379', '# keep me', 'sentinel monitor mymaster 127.0.0.1 6000 2', 'sentinel down-after-milliseconds mymaster 1000',
    'sentinel known-slave mymaster 10.0.0.1 1', 'sentinel known-slave mymaster 10.0.0.2 2', 'sentinel current-epoch 1', '',
  ].join('\n');
  assert.equal(mergeSentinelLines(old, sentinelConfigLines(s)), [
    'port 26379', '# keep me', 'sentinel monitor mymaster 127.0.0.1 6379 2', 'sentinel down-after-milliseconds mymaster 1000',
    'sentinel known-replica mymaster 127.0.0.1 6380', 'sentinel current-epoch 7',
    `sentinel myid ${'a'.repeat(40)}`, 'sentinel config-epoch mymaster 7', 'sentinel leader-epoch mymaster 0',
    `sentinel known-sentinel mymaster 127.0.0.1 26380 ${'b'.repeat(40)}`, '',
  ].join('\n'));
});

test('script paths must be executable; deny-scripts-reconfig takes yes or no and is written when no', () => {
  const runner = new FakeProcessRunner();
  runner.executables = new Set(['/ok/notify.sh', '/ok/reconf.sh']);
  const s = fresh(runner);
  applySentinelDirective(s, 'monitor mymaster 127.0.0.1 6379 2'.split(' '));
  assert.equal(applySentinelDirective(s, ['notification-script', 'mymaster', '/missing.sh']), 'Notification script seems non existing or non executable.');
  assert.equal(applySentinelDirective(s, ['client-reconfig-script', 'mymaster', '/missing.sh']), 'Client reconfiguration script seems non existing or non executable.');
  assert.equal(applySentinelDirective(s, ['notification-script', 'mymaster', '/ok/notify.sh']), null);
  assert.equal(applySentinelDirective(s, ['client-reconfig-script', 'mymaster', '/ok/reconf.sh']), null);
  const m = s.masters.get('mymaster')!;
  assert.deepEqual([m.notificationScript, m.clientReconfigScript], ['/ok/notify.sh', '/ok/reconf.sh']);
  assert.equal(applySentinelDirective(s, ['deny-scripts-reconfig', 'maybe']), 'Please specify yes or no for the deny-scripts-reconfig options.');
  assert.equal(s.denyScriptsReconfig, true);
  assert.ok(!sentinelConfigLines(s).some(([k]) => k === 'deny-scripts-reconfig'), 'the default is not written');
  assert.equal(applySentinelDirective(s, ['deny-scripts-reconfig', 'NO']), null);
  assert.equal(s.denyScriptsReconfig, false);
  const lines = sentinelConfigLines(s).map(([, l]) => l);
  assert.deepEqual(lines.slice(0, 4), [
    `sentinel myid ${'a'.repeat(40)}`, 'sentinel resolve-hostnames no', 'sentinel announce-hostnames no', 'sentinel deny-scripts-reconfig no',
  ]);
  assert.ok(lines.includes('sentinel notification-script mymaster /ok/notify.sh'));
  assert.ok(lines.includes('sentinel client-reconfig-script mymaster /ok/reconf.sh'));
});

test('resolve-hostnames and announce-hostnames: yes or no; written when yes, and over a line already in the file', () => {
  const s = fresh();
  assert.equal(applySentinelDirective(s, ['resolve-hostnames', 'maybe']), 'Please specify yes or no for the resolve-hostnames option.');
  assert.equal(applySentinelDirective(s, ['announce-hostnames', 'maybe']), 'Please specify yes or no for the announce-hostnames option.');
  assert.equal(mergeSentinelLines('port 1\n', sentinelConfigLines(s)), `port 1\nsentinel myid ${'a'.repeat(40)}\nsentinel current-epoch 0\n`);
  assert.equal(applySentinelDirective(s, ['resolve-hostnames', 'YES']), null);
  const withYes = mergeSentinelLines('port 1\n', sentinelConfigLines(s));
  assert.ok(withYes.includes('sentinel resolve-hostnames yes\n') && !withYes.includes('announce-hostnames'), withYes);
  s.resolveHostnames = false;
  assert.ok(mergeSentinelLines(withYes, sentinelConfigLines(s)).includes('sentinel resolve-hostnames no\n'), 'the old yes is overwritten');
});

test('rename-command: one renaming per command (case-insensitive), written as given', () => {
  const s = fresh();
  applySentinelDirective(s, 'monitor m 127.0.0.1 6379 2'.split(' '));
  assert.equal(applySentinelDirective(s, ['rename-command', 'm', 'CONFIG', 'cfg2']), null);
  assert.equal(applySentinelDirective(s, ['rename-command', 'm', 'config', 'x']), 'Same command renamed multiple times with rename-command.');
  assert.ok(sentinelConfigLines(s).some(([, l]) => l === 'sentinel rename-command m CONFIG cfg2'));
  assert.equal(s.masters.get('m')!.mapCommand('Config'), 'cfg2');
});

test('new sentinel credentials drop the links to the other sentinels only (they reconnect with them)', () => {
  const s = fresh();
  for (const l of ['monitor m 127.0.0.1 6379 2', `known-sentinel m 127.0.0.1 26380 ${'b'.repeat(40)}`]) applySentinelDirective(s, l.split(' '));
  const m = s.masters.get('m')!;
  const peer = [...m.sentinels.values()][0]!;
  const closed: string[] = [];
  const fakeLink = (name: string) => ({ close: () => { closed.push(name); } }) as unknown as NonNullable<typeof peer.link.cc>;
  for (const [ri, name] of [[m, 'master'], [peer, 'peer']] as const) {
    ri.link.cc = fakeLink(`${name} cc`);
    ri.link.pc = fakeLink(`${name} pc`);
    ri.link.disconnected = false;
  }
  s.dropSentinelLinks();
  assert.deepEqual(closed, ['peer cc', 'peer pc']);
  assert.equal(peer.link.disconnected, true);
  assert.equal(m.link.disconnected, false);
});
