/**
 * MIGRATE between two Garrison servers and against a target the test drives (no Redis needed;
 * test/interop/migrate.test.ts compares every case with redis-server 7.0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';

const OK = { status: 'OK' };

/** A TCP server that records what arrives and answers only when the test writes. */
async function scriptedTarget(): Promise<{ port: number; sockets: net.Socket[]; received: () => string; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  let data = '';
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d: Buffer) => { data += d.toString('latin1'); });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    received: () => data,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('MIGRATE moves keys with their TTL to another Garrison, COPY keeps them, the link is cached', async () => {
  await withServer({}, async (_target, t) => {
    await withServer({}, async (_source, c) => {
      const port = String(t.socket.remotePort);
      await c.call('SET', 'a', 'va');
      await c.call('SET', 'b', 'vb', 'PX', '100000');
      await c.call('RPUSH', 'l', 'x', 'y');
      assert.deepEqual(await c.call('MIGRATE', '127.0.0.1', port, '', '4', '1000', 'KEYS', 'a', 'b', 'nosuch'), OK);
      assert.deepEqual(await c.call('MIGRATE', '127.0.0.1', port, 'l', '4', '1000', 'COPY'), OK);
      assert.equal(await c.call('DBSIZE'), 1);
      assert.equal(await c.call('LLEN', 'l'), 2);
      await t.call('SELECT', '4');
      assert.deepEqual(await t.call('MGET', 'a', 'b'), ['va', 'vb']);
      const pttl = (await t.call('PTTL', 'b')) as number;
      assert.ok(pttl > 90_000 && pttl <= 100_000, `TTL carried over: ${pttl}`);
      assert.deepEqual(await t.call('LRANGE', 'l', '0', '-1'), ['x', 'y']);
      assert.match(String(await c.call('INFO', 'stats')), /\r\nmigrate_cached_sockets:1\r\n/);
      assert.deepEqual(await c.call('MIGRATE', '127.0.0.1', port, 'l', '4', '1000'), {
        error: 'ERR Target instance replied with error: BUSYKEY Target key name already exists.',
      });
      assert.equal(await c.call('EXISTS', 'l'), 1);
      assert.deepEqual(await c.call('MIGRATE', '127.0.0.1', port, 'gone', '4', '1000'), { status: 'NOKEY' });
    });
  });
});

test('MIGRATE inside MULTI: EXEC waits for each MIGRATE and goes on with its queue', async () => {
  await withServer({}, async (_target, t) => {
    await withServer({}, async (_source, c) => {
      const port = String(t.socket.remotePort);
      await c.call('MSET', 'a', '1', 'b', '2');
      assert.deepEqual(await c.call('MULTI'), OK);
      for (const cmd of [
        ['MIGRATE', '127.0.0.1', port, 'a', '0', '1000'],
        ['INCR', 'n'],
        ['MIGRATE', '127.0.0.1', port, 'missing', '0', '1000'],
        ['MIGRATE', '127.0.0.1', port, '', '0', '1000', 'KEYS', 'b', 'n'],
        ['EXISTS', 'a', 'b', 'n'],
      ]) assert.deepEqual(await c.call(...cmd), { status: 'QUEUED' });
      assert.deepEqual(await c.call('EXEC'), [OK, 1, { status: 'NOKEY' }, OK, 0]);
      assert.deepEqual(await t.call('MGET', 'a', 'b', 'n'), ['1', '2', '1']);
      assert.match(String(await c.call('INFO', 'commandstats')), /cmdstat_migrate:calls=3,.*failed_calls=0/);
      assert.match(String(await c.call('INFO', 'commandstats')), /cmdstat_exec:calls=1,/);
    });
  });
});

test('while MIGRATE waits for its target every other client waits; a client that leaves still gets its keys moved', async () => {
  const target = await scriptedTarget();
  try {
    await withServer({}, async (_s, c) => {
      const other = await RespClient.connect(c.socket.remotePort!);
      const mover = await RespClient.connect(c.socket.remotePort!);
      try {
        await c.call('SET', 'k', 'v');
        await c.call('SET', 'n', '1');
        mover.writeRaw(`*6\r\n$7\r\nMIGRATE\r\n$9\r\n127.0.0.1\r\n$${String(target.port).length}\r\n${target.port}\r\n$1\r\nk\r\n$1\r\n0\r\n$4\r\n5000\r\n`);
        await waitFor(() => target.received().includes('RESTORE'), 5000, 'the RESTORE at the target');
        const incr = other.call('INCR', 'n');
        let answered = false;
        void incr.then(() => { answered = true; });
        // A bounded look: the INCR must not be answered while the target is silent.
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(answered, false);
        mover.close(); // the client leaves; its MIGRATE still completes
        target.sockets[0]!.write('+OK\r\n+OK\r\n');
        assert.equal(await incr, 2);
        assert.equal(await c.call('EXISTS', 'k'), 0);
      } finally {
        other.close();
        mover.close();
      }
    });
  } finally {
    await target.close();
  }
});
