/**
 * Sorted sets over real sockets (what a differential script cannot show): blocked BZPOPMIN /
 * BZPOPMAX / BZMPOP clients served in FIFO order, their timeout replies in RESP2 and RESP3, no
 * blocking inside MULTI, what served pops and ZMPOP propagate (ZPOPMIN/ZPOPMAX with Redis 7.0's
 * count rules), the keyspace events of the writes, and a key that changes type under a blocked
 * client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';
import { block, blockedClients, connect } from '../helpers/blocking.js';


function recordProps(s: RunningServer): string[][] {
  const props: string[][] = [];
  s.server.propagationSinks.push({ propagate: (_db, argv) => { props.push([...argv]); } });
  return props;
}

test('blocked BZPOPMIN/BZPOPMAX/BZMPOP clients are served in FIFO order and propagate ZPOPMIN/ZPOPMAX', async () => {
  await withServer({}, async (s, admin) => {
    const props = recordProps(s);
    const [c1, c2, c3] = await connect(s, 3);
    try {
      const [r1] = await block(admin, c1!, 'BZPOPMIN', 'none', 'z', '0');
      const [r2] = await block(admin, c2!, 'BZPOPMAX', 'z', '0');
      const [r3] = await block(admin, c3!, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5');
      props.length = 0;
      await admin.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      assert.deepEqual(await r1, ['z', 'a', '1']);
      assert.deepEqual(await r2, ['z', 'd', '4']);
      assert.deepEqual(await r3, ['z', [['b', '2'], ['c', '3']]]);
      assert.deepEqual(props, [
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMAX', 'z'],
        // The number actually popped, as redis-server 7.0.15 propagates a served BZMPOP.
        ['ZPOPMIN', 'z', '2'],
      ]);
      assert.equal(await admin.call('EXISTS', 'z'), 0);
      assert.equal(await blockedClients(admin), 0);
      // Served at once (not blocked): the same rewrites.
      await admin.call('ZADD', 'y', '1', 'a', '2', 'b');
      props.length = 0;
      assert.deepEqual(await c1!.call('BZMPOP', '0', '1', 'y', 'MAX'), ['y', [['b', '2']]]);
      assert.deepEqual(await c1!.call('ZMPOP', '1', 'y', 'MIN', 'COUNT', '3'), ['y', [['a', '1']]]);
      assert.deepEqual(props, [['ZPOPMAX', 'y', '1'], ['ZPOPMIN', 'y', '1']], 'ZMPOP COUNT 3 popped 1 (as Redis propagates it)');
    } finally {
      c1!.close(); c2!.close(); c3!.close();
    }
  });
});

test('timeouts answer a null array in RESP2 and RESP3; inside MULTI nothing blocks', async () => {
  await withServer({}, async (_s, admin) => {
    assert.equal((await admin.callRaw('BZPOPMIN', 'none', '0.05')).raw.toString(), '*-1\r\n');
    assert.equal((await admin.callRaw('BZMPOP', '0.05', '1', 'none', 'MAX')).raw.toString(), '*-1\r\n');
    await admin.call('HELLO', '3');
    assert.equal((await admin.callRaw('BZPOPMAX', 'none', '0.05')).raw.toString(), '_\r\n');
    await admin.call('MULTI');
    await admin.call('BZPOPMIN', 'none', '0');
    await admin.call('BZMPOP', '0', '1', 'none', 'MIN');
    assert.equal((await admin.callRaw('EXEC')).raw.toString(), '*2\r\n_\r\n_\r\n');
  });
});

test('a served pop in RESP3 carries a double score; ZADD/ZINCRBY/ZPOP events and del when emptied', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    const sub = await RespClient.connect(s.address.port);
    try {
      await c!.call('HELLO', '3');
      const [r] = await block(admin, c!, 'BZPOPMIN', 'k', '0');
      await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      await sub.call('PSUBSCRIBE', '__keyspace@0__:k');
      sub.pushMode = true;
      await admin.call('ZADD', 'k', '1.5', 'm');
      await r;
      assert.equal((await c!.callRaw('ZSCORE', 'none', 'x')).raw.toString(), '_\r\n');
      await admin.call('ZADD', 'k', '1', 'a', '2', 'b');
      await admin.call('ZINCRBY', 'k', '1', 'a');
      await admin.call('ZREM', 'k', 'a');
      await admin.call('ZPOPMAX', 'k');
      const events: string[] = [];
      for (let i = 0; i < 7; i++) events.push(String(((await sub.nextPush()).value as Decoded[])[3]));
      assert.deepEqual(events, ['zadd', 'zpopmin', 'del', 'zadd', 'zincr', 'zrem', 'zpopmax']);
      const del = ((await sub.nextPush()).value as Decoded[])[3];
      assert.equal(del, 'del');
    } finally {
      c!.close();
      sub.close();
    }
  });
});

test('the served RESP3 BZPOPMIN reply has the key, the member and a double', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      await c!.call('HELLO', '3');
      const before = await blockedClients(admin);
      const raw = c!.callRaw('BZPOPMIN', 'k', '0');
      await waitFor(async () => (await blockedClients(admin)) === before + 1, 5000, 'BZPOPMIN to block');
      await admin.call('ZADD', 'k', '2.5', 'm');
      assert.equal((await raw).raw.toString(), '*3\r\n$1\r\nk\r\n$1\r\nm\r\n,2.5\r\n');
    } finally {
      c!.close();
    }
  });
});

test('a key of another type under a blocked client is skipped; the client waits for a zset', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      const [r] = await block(admin, c!, 'BZPOPMIN', 'k', '0');
      await admin.call('SET', 'k', 'str');
      await admin.call('PING');
      assert.equal(await blockedClients(admin), 1);
      await admin.call('DEL', 'k');
      await admin.call('ZADD', 'k', '7', 'x');
      assert.deepEqual(await r, ['k', 'x', '7']);
    } finally {
      c!.close();
    }
  });
});
