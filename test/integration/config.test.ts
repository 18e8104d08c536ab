/**
 * CONFIG over real sockets, in process: rebinding on CONFIG SET port/bind (and rolling back when
 * the new port is taken), the output-buffer limits reaching the server, RESETSTAT, REWRITE
 * without a config file, RESP3 maps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { withServer } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';
import { freePort } from '../helpers/free-port.js';


function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

test('CONFIG GET port reports the port chosen for port 0', async () => {
  await withServer({}, async (s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), ['port', String(s.address.port)]);
  });
});

test('CONFIG SET port moves the listener; a taken port is refused and nothing changes', async () => {
  await withServer({}, async (s, c) => {
    const oldPort = s.address.port;
    const next = await freePort();
    assert.deepEqual(await c.call('CONFIG', 'SET', 'port', String(next)), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), ['port', String(next)]);
    const c2 = await RespClient.connect(next);
    try {
      assert.deepEqual(await c2.call('PING'), { status: 'PONG' });
      assert.equal(await canConnect(oldPort), false);

      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
      const taken = (blocker.address() as net.AddressInfo).port;
      try {
        assert.deepEqual(await c2.call('CONFIG', 'SET', 'port', String(taken)),
          { error: "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs." });
        assert.deepEqual(await c2.call('CONFIG', 'GET', 'port'), ['port', String(next)]);
        assert.deepEqual(await c2.call('PING'), { status: 'PONG' });
        assert.equal(await canConnect(next), true);
      } finally {
        blocker.close();
      }
    } finally {
      c2.close();
    }
  });
});

test('a command pipelined behind CONFIG SET port waits for the rebind; a failed rebind counts as a failed call', async () => {
  await withServer({}, async (s, c) => {
    const next = await freePort();
    const replies = await c.pipeline([['CONFIG', 'SET', 'port', String(next)], ['CONFIG', 'GET', 'port'], ['PING']]);
    assert.deepEqual(replies.map((r) => r.raw.toString('latin1')), [
      '+OK\r\n', `*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`, '+PONG\r\n',
    ]);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      await c.call('CONFIG', 'RESETSTAT');
      const [set, get] = await c.pipeline([['CONFIG', 'SET', 'port', String(taken)], ['CONFIG', 'GET', 'port']]);
      assert.match(set!.raw.toString('latin1'), /^-ERR CONFIG SET failed \(possibly related to argument 'port'\)/);
      assert.equal(get!.raw.toString('latin1'), `*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`);
      const stats = String(await c.call('INFO', 'commandstats')) + String(await c.call('INFO', 'errorstats'));
      assert.match(stats, /cmdstat_config\|set:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
      assert.match(stats, /errorstat_ERR:count=1/);
    } finally {
      blocker.close();
    }
    void s;
  });
});

test('CONFIG SET port inside MULTI: EXEC waits for the rebind and answers in order', async () => {
  await withServer({}, async (_s, c) => {
    const next = await freePort();
    const replies = await c.pipeline([
      ['MULTI'], ['SET', 'a', '1'], ['CONFIG', 'SET', 'port', String(next)], ['CONFIG', 'GET', 'port'], ['EXEC'], ['GET', 'a'],
    ]);
    assert.deepEqual(replies.map((r) => r.raw.toString('latin1')), [
      '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '+QUEUED\r\n',
      `*3\r\n+OK\r\n+OK\r\n*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`, '$1\r\n1\r\n',
    ]);
    assert.equal(await canConnect(next), true);
  });
});

test('CONFIG SET bind rebinds on the same port', async () => {
  await withServer({}, async (s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'bind', '127.0.0.1 -::1'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
    const c2 = await RespClient.connect(s.address.port);
    assert.deepEqual(await c2.call('PING'), { status: 'PONG' });
    c2.close();
  });
});

test('client-output-buffer-limit reaches the server; RESETSTAT clears the counters', async () => {
  await withServer({}, async (s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 10mb 5mb 7 pubsub 1mb 512kb 3'), { status: 'OK' });
    assert.deepEqual(s.server.outputLimits.normal, { hard: 10 * 1024 * 1024, soft: 5 * 1024 * 1024, softSeconds: 7 });
    assert.deepEqual(s.server.outputLimits.pubsub, { hard: 1024 * 1024, soft: 512 * 1024, softSeconds: 3 });
    assert.deepEqual(s.server.outputLimits.replica, { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 });

    await c.call('SET', 'k', 'v');
    await c.call('GET', 'k');
    await c.call('GET', 'missing');
    assert.ok(s.server.stats.totalCommandsProcessed > 0);
    assert.ok(s.server.ks.stats.keyspaceHits > 0);
    assert.ok((s.server.commands.lookup('get')?.calls ?? 0) > 0);
    assert.deepEqual(await c.call('CONFIG', 'RESETSTAT'), { status: 'OK' });
    assert.equal(s.server.ks.stats.keyspaceHits, 0);
    assert.equal(s.server.ks.stats.keyspaceMisses, 0);
    assert.equal(s.server.commands.lookup('get')?.calls, 0);
    assert.equal(s.server.commands.lookup('config')?.subcommands?.get('set')?.calls, 0);
  });
});

test('CONFIG REWRITE without a config file, CONFIG GET as a RESP3 map, notify-keyspace-events as a mask', async () => {
  await withServer({}, async (s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { error: 'ERR The server is running without a config file' });
    await c.call('HELLO', '3');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), { map: [['maxmemory', '0']] });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEx'), { status: 'OK' });
    assert.equal(s.server.config.int('notify-keyspace-events'), 1 | 2 | 256);
  });
});

test('CONFIG SET refuses to turn TLS on (Garrison has none) and keeps the old values; other TLS parameters set', async () => {
  await withServer({}, async (_s, c) => {
    const refused = (name: string): { error: string } => ({
      error: `ERR CONFIG SET failed (possibly related to argument '${name}') - Unable to update TLS configuration. Check server logs.`,
    });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'tls-port', '6390'), refused('tls-port'));
    assert.deepEqual(await c.call('CONFIG', 'SET', 'tls-replication', 'yes'), refused('tls-replication'));
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxclients', '100', 'tls-cluster', 'yes'), refused('tls-cluster'));
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxclients'), ['maxclients', '10000']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'tls-port'), ['tls-port', '0']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'tls-replication'), ['tls-replication', 'no']);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'tls-cert-file', '/x.crt'), { status: 'OK' });
  });
});

test('a maxmemory limit logs that Garrison does not enforce it (at start and on CONFIG SET); 0 logs nothing', async () => {
  await withServer({ config: { maxmemory: '1mb' } }, async (s, c) => {
    const logs: string[] = [];
    s.server.logger.sink = { write: (l) => { logs.push(l); } };
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '0'), { status: 'OK' });
    assert.deepEqual(logs, []);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '2mb'), { status: 'OK' });
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, / # maxmemory is set to 2097152 bytes, but Garrison does not enforce it yet: no key is evicted and no write is refused/);
  });
});

test('CONFIG SET repl-backlog-size below 16 KB stores 16 KB, as Redis resizes it; activedefrag yes is refused', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'repl-backlog-size', '1k'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'repl-backlog-size'), ['repl-backlog-size', '16384']);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'repl-backlog-size', '20000'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'repl-backlog-size'), ['repl-backlog-size', '20000']);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'activedefrag', 'yes'), {
      error: "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution",
    });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'activedefrag'), ['activedefrag', 'no']);
  });
});
