import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, startTestServer } from '../helpers/server.js';
import { encodeCommand, RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';

const push = (...items: Decoded[]): Decoded => ({ push: items });

/** Sends a command whose output is not one plain reply (SUBSCRIBE...). */
function send(c: RespClient, ...args: string[]): void {
  c.writeRaw(encodeCommand(args));
}

async function hello3(c: RespClient): Promise<void> {
  const r = await c.call('HELLO', '3');
  assert.ok(typeof r === 'object' && r !== null && 'map' in r, `HELLO 3 failed: ${JSON.stringify(r)}`);
}

test('RESP2: confirmations count channels and patterns, messages and pmessages reach the subscriber', async () => {
  await withServer({}, async (s, pub) => {
    const sub = await RespClient.connect(s.address.port);
    try {
      send(sub, 'SUBSCRIBE', 'news', 'sport', 'news');
      assert.deepEqual((await sub.read()).raw.toString('latin1'), '*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n');
      assert.deepEqual((await sub.read()).value, ['subscribe', 'sport', 2]);
      assert.deepEqual((await sub.read()).value, ['subscribe', 'news', 2]);
      send(sub, 'PSUBSCRIBE', 'n*');
      assert.deepEqual((await sub.read()).value, ['psubscribe', 'n*', 3]);

      assert.equal(await pub.call('PUBLISH', 'news', 'hello'), 2); // channel + pattern
      assert.deepEqual((await sub.read()).value, ['message', 'news', 'hello']);
      assert.deepEqual((await sub.read()).value, ['pmessage', 'n*', 'news', 'hello']);
      assert.equal(await pub.call('PUBLISH', 'nothing', 'x'), 1); // pattern only
      assert.deepEqual((await sub.read()).value, ['pmessage', 'n*', 'nothing', 'x']);
      assert.equal(await pub.call('PUBLISH', 'sport', '\x00\xff\r\n'), 1);
      assert.deepEqual((await sub.read()).value, ['message', 'sport', '\x00\xff\r\n']);
      assert.equal(await pub.call('PUBLISH', 'other', 'x'), 0);

      // The subscribed context refuses other commands with Redis's text; PING answers an array.
      assert.deepEqual(await sub.call('GET', 'a'), {
        error: "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
      });
      assert.deepEqual(await sub.call('PING'), ['pong', '']);
      assert.deepEqual(await sub.call('PING', 'x'), ['pong', 'x']);

      send(sub, 'UNSUBSCRIBE', 'news', 'never');
      assert.deepEqual((await sub.read()).value, ['unsubscribe', 'news', 2]);
      assert.deepEqual((await sub.read()).value, ['unsubscribe', 'never', 2]);
      send(sub, 'PUNSUBSCRIBE');
      assert.deepEqual((await sub.read()).value, ['punsubscribe', 'n*', 1]);
      send(sub, 'UNSUBSCRIBE');
      assert.deepEqual((await sub.read()).value, ['unsubscribe', 'sport', 0]);
      send(sub, 'UNSUBSCRIBE');
      assert.deepEqual((await sub.read()).raw.toString('latin1'), '*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n');
      assert.equal(await sub.call('GET', 'a'), null); // back to normal
      assert.equal(await pub.call('PUBLISH', 'news', 'x'), 0);
    } finally {
      sub.close();
    }
  });
});

test('RESP3: confirmations and messages are pushes, and commands keep working while subscribed', async () => {
  await withServer({}, async (s, pub) => {
    const sub = await RespClient.connect(s.address.port);
    try {
      await hello3(sub);
      send(sub, 'SUBSCRIBE', 'ch');
      const conf = await sub.nextPush();
      assert.equal(conf.raw.toString('latin1'), '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
      send(sub, 'PSUBSCRIBE', 'c?');
      assert.deepEqual((await sub.nextPush()).value, push('psubscribe', 'c?', 2));
      assert.deepEqual(await sub.call('SET', 'k', 'v'), { status: 'OK' });
      assert.equal(await sub.call('GET', 'k'), 'v');
      assert.deepEqual(await sub.call('PING'), { status: 'PONG' });

      assert.equal(await pub.call('PUBLISH', 'ch', 'm1'), 2);
      assert.deepEqual((await sub.nextPush()).value, push('message', 'ch', 'm1'));
      assert.deepEqual((await sub.nextPush()).value, push('pmessage', 'c?', 'ch', 'm1'));

      // A client publishing to itself gets the push first, then PUBLISH's count.
      assert.equal(await sub.call('PUBLISH', 'ch', 'self'), 2);
      assert.deepEqual((await sub.nextPush()).value, push('message', 'ch', 'self'));
      assert.deepEqual((await sub.nextPush()).value, push('pmessage', 'c?', 'ch', 'self'));

      send(sub, 'UNSUBSCRIBE');
      assert.deepEqual((await sub.nextPush()).value, push('unsubscribe', 'ch', 1));
      send(sub, 'PUNSUBSCRIBE');
      assert.deepEqual((await sub.nextPush()).value, push('punsubscribe', 'c?', 0));
      send(sub, 'UNSUBSCRIBE');
      assert.equal((await sub.nextPush()).raw.toString('latin1'), '>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n');
    } finally {
      sub.close();
    }
  });
});

test('shard channels: SSUBSCRIBE/SPUBLISH, separate counts, PUBSUB SHARD* introspection', async () => {
  await withServer({}, async (s, c) => {
    const sub = await RespClient.connect(s.address.port);
    try {
      send(sub, 'SUBSCRIBE', 'a');
      assert.deepEqual((await sub.read()).value, ['subscribe', 'a', 1]);
      send(sub, 'SSUBSCRIBE', 's1', 's2', 's1');
      assert.deepEqual((await sub.read()).value, ['ssubscribe', 's1', 1]);
      assert.deepEqual((await sub.read()).value, ['ssubscribe', 's2', 2]);
      assert.deepEqual((await sub.read()).value, ['ssubscribe', 's1', 2]);
      assert.equal(await c.call('SPUBLISH', 's1', 'hi'), 1);
      assert.deepEqual((await sub.read()).value, ['smessage', 's1', 'hi']);
      assert.equal(await c.call('PUBLISH', 's1', 'not shard'), 0);
      assert.equal(await c.call('SPUBLISH', 'a', 'not a shard subscriber'), 0);
      assert.deepEqual(((await c.call('PUBSUB', 'SHARDCHANNELS')) as string[]).sort(), ['s1', 's2']);
      assert.deepEqual(await c.call('PUBSUB', 'SHARDCHANNELS', '*2'), ['s2']);
      assert.deepEqual(await c.call('PUBSUB', 'SHARDNUMSUB', 's1', 'zz'), ['s1', 1, 'zz', 0]);
      assert.deepEqual(await c.call('PUBSUB', 'CHANNELS'), ['a']);

      // Leaving the regular channel keeps the subscribed context while shard channels remain.
      send(sub, 'UNSUBSCRIBE', 'a');
      assert.deepEqual((await sub.read()).value, ['unsubscribe', 'a', 0]);
      const get = await sub.call('GET', 'x');
      assert.ok(typeof get === 'object' && get !== null && 'error' in get, 'still in the subscribed context');
      send(sub, 'SUNSUBSCRIBE');
      assert.deepEqual((await sub.read()).value, ['sunsubscribe', 's1', 1]);
      assert.deepEqual((await sub.read()).value, ['sunsubscribe', 's2', 0]);
      assert.equal(await sub.call('GET', 'x'), null);
    } finally {
      sub.close();
    }
  });
});

test('PUBSUB CHANNELS/NUMSUB/NUMPAT, client class, and cleanup when a subscriber disconnects', async () => {
  await withServer({}, async (s, c) => {
    const a = await RespClient.connect(s.address.port);
    const b = await RespClient.connect(s.address.port);
    try {
      send(a, 'SUBSCRIBE', 'x', 'y');
      await a.read();
      await a.read();
      send(b, 'SUBSCRIBE', 'x');
      await b.read();
      send(a, 'PSUBSCRIBE', 'p*', 'q*');
      await a.read();
      await a.read();
      send(b, 'PSUBSCRIBE', 'p*');
      await b.read();
      assert.deepEqual(((await c.call('PUBSUB', 'CHANNELS')) as string[]).sort(), ['x', 'y']);
      assert.deepEqual(await c.call('PUBSUB', 'CHANNELS', 'y*'), ['y']);
      assert.deepEqual(await c.call('PUBSUB', 'NUMSUB', 'x', 'y', 'z'), ['x', 2, 'y', 1, 'z', 0]);
      assert.deepEqual(await c.call('PUBSUB', 'NUMSUB'), []);
      assert.equal(await c.call('PUBSUB', 'NUMPAT'), 2); // unique patterns
      assert.deepEqual(await c.call('PUBSUB', 'CHANNELS', 'a', 'b'), {
        error: "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
      });
      const classes = [...s.server.clients.values()].map((cl) => cl.clientClass).sort();
      assert.deepEqual(classes, ['normal', 'pubsub', 'pubsub']);

      a.close();
      await waitFor(async () => JSON.stringify(await c.call('PUBSUB', 'NUMSUB', 'x', 'y')) === JSON.stringify(['x', 1, 'y', 0]), 5000, 'subscriber cleanup');
      assert.equal(await c.call('PUBSUB', 'NUMPAT'), 1);
      assert.deepEqual(await c.call('PUBSUB', 'CHANNELS'), ['x']);
      assert.equal(await c.call('PUBLISH', 'x', 'm'), 1);
      assert.equal(await c.call('PUBLISH', 'pp', 'm'), 1);
    } finally {
      a.close();
      b.close();
    }
  });
});

test('SUBSCRIBE inside MULTI: the confirmations sit inside EXEC\'s array; SSUBSCRIBE is refused there', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('MULTI'), { status: 'OK' });
    assert.deepEqual(await c.call('SUBSCRIBE', 'a', 'b'), { status: 'QUEUED' });
    assert.deepEqual(await c.call('SSUBSCRIBE', 's'), { status: 'QUEUED' });
    // Redis writes EXEC's two-element header, then both confirmations (which a client reads as
    // the array's elements), then the SSUBSCRIBE error.
    const exec = await c.callRaw('EXEC');
    assert.equal(exec.raw.toString('latin1'),
      '*2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n');
    assert.deepEqual((await c.read()).value, { error: "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client" });
    assert.deepEqual(await c.call('PING'), ['pong', '']); // subscribed now
  });
});

test('keyspace notifications: K and E channels for SET, DEL, EXPIRE and expiry, filtered by class', async () => {
  const s = await startTestServer({ config: { 'notify-keyspace-events': 'KEA' } });
  const sub = await RespClient.connect(s.address.port);
  const c = await RespClient.connect(s.address.port);
  try {
    send(sub, 'PSUBSCRIBE', '__key*@*__:*');
    assert.deepEqual((await sub.read()).value, ['psubscribe', '__key*@*__:*', 1]);
    const next = async (): Promise<Decoded> => (await sub.read()).value;

    await c.call('SET', 'foo', 'bar');
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@0__:foo', 'set']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@0__:set', 'foo']);

    await c.call('EXPIRE', 'foo', '100');
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@0__:foo', 'expire']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@0__:expire', 'foo']);

    await c.call('DEL', 'foo', 'missing');
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@0__:foo', 'del']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@0__:del', 'foo']);

    await c.call('SELECT', '5');
    await c.call('SET', '\x00k\xff', 'v', 'PX', '1');
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@5__:\x00k\xff', 'set']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@5__:set', '\x00k\xff']);
    // SET with PX also reports "expire"; then the key expires (actively or on access).
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@5__:\x00k\xff', 'expire']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@5__:expire', '\x00k\xff']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@5__:\x00k\xff', 'expired']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@5__:expired', '\x00k\xff']);
    assert.equal(await c.call('GET', '\x00k\xff'), null);

    // Only keyevent, only strings: SET arrives, DEL (generic) does not.
    s.server.config.set('notify-keyspace-events', ['E$']);
    await c.call('SET', 'k2', 'v');
    await c.call('DEL', 'k2');
    await c.call('SET', 'k3', 'v');
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@5__:set', 'k2']);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyevent@5__:set', 'k3']);

    // Off: a marker published by hand is the next thing to arrive.
    s.server.config.set('notify-keyspace-events', ['']);
    await c.call('SET', 'k4', 'v');
    await c.call('DEL', 'k4');
    assert.equal(await c.call('PUBLISH', '__keyspace@0__:marker', 'm'), 1);
    assert.deepEqual(await next(), ['pmessage', '__key*@*__:*', '__keyspace@0__:marker', 'm']);
  } finally {
    sub.close();
    c.close();
    await s.close();
  }
});
