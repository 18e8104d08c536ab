import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHello, parseHello, parseInfo } from './probes.js';

test('hello: the exact 8-field format and back', () => {
  const h = { ip: '127.0.0.1', port: 26379, runId: 'a'.repeat(40), currentEpoch: 3, masterName: 'mymaster', masterIp: '10.0.0.1', masterPort: 6379, masterConfigEpoch: 2 };
  const text = formatHello(h);
  assert.equal(text, `127.0.0.1,26379,${'a'.repeat(40)},3,mymaster,10.0.0.1,6379,2`);
  assert.deepEqual(parseHello(text), h);
  assert.equal(parseHello('1,2,3'), null);
});

test('INFO of a master: run id, role, replicas', () => {
  const info = `# Server\r\nrun_id:${'f'.repeat(40)}\r\n# Replication\r\nrole:master\r\nconnected_slaves:2\r\n` +
    'slave0:ip=127.0.0.1,port=6380,state=online,offset=100,lag=0\r\nslave1:ip=::1,port=6381,state=online,offset=100,lag=1\r\nmaster_failover_state:no-failover\r\n';
  const f = parseInfo(info);
  assert.equal(f.runId, 'f'.repeat(40));
  assert.equal(f.role, 'master');
  assert.deepEqual(f.replicas, [{ ip: '127.0.0.1', port: 6380 }, { ip: '::1', port: 6381 }]);
});

test('INFO of a replica: master address, link, priority, offset, announced', () => {
  const info = 'role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:down\r\nmaster_link_down_since_seconds:7\r\n' +
    'slave_repl_offset:4242\r\nslave_priority:10\r\nreplica_announced:0\r\n';
  const f = parseInfo(info);
  assert.deepEqual([f.role, f.masterHost, f.masterPort, f.masterLinkUp, f.masterLinkDownSinceSeconds, f.slaveReplOffset, f.slavePriority, f.replicaAnnounced],
    ['slave', '127.0.0.1', 6379, false, 7, 4242, 10, false]);
});
