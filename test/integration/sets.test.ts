/**
 * Set commands over a real socket, for what a differential script cannot show: what SPOP and
 * the other writes propagate (Redis 7.0: SPOP -> SREM, SPOP count -> SREMs in MULTI/EXEC or DEL),
 * keyspace events as a subscriber receives them, WATCH invalidation, RESP3 wire types, and the
 * set-max-intset-entries parameter taking effect through CONFIG SET.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { encodeCommand, RespClient } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';

/** Records what the server propagates. */
function recordProps(s: RunningServer): string[][] {
  const props: string[][] = [];
  s.server.propagationSinks.push({ propagate: (_db, argv) => { props.push([...argv]); } });
  return props;
}

async function propsOf(props: string[][], c: RespClient, ...cmd: string[]): Promise<string[][]> {
  props.length = 0;
  await c.call(...cmd);
  return props.map((p) => [...p]);
}

test('SPOP propagates SREM, SREM batches in MULTI/EXEC, or DEL, as Redis 7.0', async () => {
  await withServer({}, async (s, c) => {
    const props = recordProps(s);
    await c.call('SADD', 's', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10');
    const one = await propsOf(props, c, 'SPOP', 's');
    assert.equal(one.length, 1);
    assert.deepEqual(one[0]!.slice(0, 2), ['SREM', 's']);

    props.length = 0;
    const popped = await c.call('SPOP', 's', '3') as string[];
    assert.equal(popped.length, 3);
    assert.deepEqual(props, [['MULTI'], ...popped.map((m) => ['SREM', 's', m]), ['EXEC']]);

    props.length = 0;
    const single = await c.call('SPOP', 's', '1') as string[];
    assert.deepEqual(props, [['SREM', 's', single[0]!]], 'a single SREM is not wrapped');

    assert.deepEqual(await propsOf(props, c, 'SPOP', 's', '0'), []);
    assert.deepEqual(await propsOf(props, c, 'SPOP', 'nokey', '3'), []);
    assert.deepEqual(await propsOf(props, c, 'SPOP', 's', '100'), [['DEL', 's']]);
    assert.equal(await c.call('EXISTS', 's'), 0);
  });
});

test('SPOP count inside MULTI/EXEC is wrapped once by the transaction', async () => {
  await withServer({}, async (s, c) => {
    const props = recordProps(s);
    await c.call('SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    props.length = 0;
    await c.call('MULTI');
    await c.call('SPOP', 's', '2');
    await c.call('SADD', 't', 'x');
    const exec = await c.call('EXEC') as [string[], number];
    const popped = exec[0];
    assert.deepEqual(props, [['MULTI'], ['SREM', 's', popped[0]!], ['SREM', 's', popped[1]!], ['SADD', 't', 'x'], ['EXEC']]);
  });
});

test('keyspace events reach a subscriber in Redis order (srem before del, smove as srem + sadd)', async () => {
  await withServer({}, async (s, c) => {
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const sub = await RespClient.connect(s.address.port);
    try {
      sub.writeRaw(encodeCommand(['PSUBSCRIBE', '__keyevent@0__:*']));
      assert.deepEqual((await sub.read()).value, ['psubscribe', '__keyevent@0__:*', 1]);
      const next = async (): Promise<string> => {
        const v = (await sub.read()).value as string[];
        return `${v[2]!.slice('__keyevent@0__:'.length)} ${v[3]}`;
      };
      await c.call('SADD', 'a', 'x', 'y');
      assert.equal(await next(), 'sadd a');
      await c.call('SMOVE', 'a', 'b', 'x');
      assert.deepEqual([await next(), await next()], ['srem a', 'sadd b']);
      await c.call('SREM', 'a', 'y');
      assert.deepEqual([await next(), await next()], ['srem a', 'del a']);
      await c.call('SADD', 'a', '1');
      await next();
      await c.call('SUNIONSTORE', 'd', 'a', 'b');
      assert.equal(await next(), 'sunionstore d');
      await c.call('SINTERSTORE', 'd', 'a', 'b');
      assert.equal(await next(), 'del d');
      await c.call('SDIFFSTORE', 'd', 'a', 'b');
      assert.equal(await next(), 'sdiffstore d');
      await c.call('SPOP', 'a');
      assert.deepEqual([await next(), await next()], ['spop a', 'del a']);
      // Nothing was emitted for the no-ops in between: the next event is this one.
      await c.call('SADD', 'b', 'x');
      await c.call('SREM', 'b', 'nope');
      await c.call('SET', 'k', 'v');
      assert.equal(await next(), 'set k');
    } finally {
      sub.close();
    }
  });
});

test('WATCH: a set write from another client aborts EXEC; a write that changes nothing does not', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await c.call('SADD', 's', 'a');
      await c.call('WATCH', 's');
      await other.call('SADD', 's', 'a'); // no change
      await other.call('SREM', 's', 'zz'); // no change
      await c.call('MULTI');
      await c.call('SCARD', 's');
      assert.deepEqual(await c.call('EXEC'), [1]);
      await c.call('WATCH', 's');
      await other.call('SPOP', 's');
      await c.call('MULTI');
      await c.call('SCARD', 's');
      assert.equal((await c.callRaw('EXEC')).raw.toString('latin1'), '*-1\r\n');
    } finally {
      other.close();
    }
  });
});

test('RESP3 wire types: set replies for SMEMBERS/SINTER/SPOP count, arrays for SRANDMEMBER count', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('HELLO', '3');
    await c.call('SADD', 's', '2', '1');
    assert.equal((await c.callRaw('SMEMBERS', 's')).raw.toString('latin1'), '~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal((await c.callRaw('SINTER', 's', 'nokey')).raw.toString('latin1'), '~0\r\n');
    assert.equal((await c.callRaw('SRANDMEMBER', 's', '5')).raw.toString('latin1'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    assert.equal((await c.callRaw('SRANDMEMBER', 'nokey')).raw.toString('latin1'), '_\r\n');
    assert.equal((await c.callRaw('SMISMEMBER', 's', '1', '3')).raw.toString('latin1'), '*2\r\n:1\r\n:0\r\n');
    assert.equal((await c.callRaw('SPOP', 's', '5')).raw.toString('latin1'), '~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });
});

test('CONFIG SET set-max-intset-entries changes when sets convert', async () => {
  await withServer({}, async (_s, c) => {
    assert.equal((await c.call('CONFIG', 'SET', 'set-max-intset-entries', '2') as { status: string }).status, 'OK');
    await c.call('SADD', 's', '1', '2');
    assert.equal(await c.call('OBJECT', 'ENCODING', 's'), 'intset');
    await c.call('SADD', 's', '3');
    assert.equal(await c.call('OBJECT', 'ENCODING', 's'), 'hashtable');
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
    await c.call('SADD', 't', '1', '2', '3');
    assert.equal(await c.call('OBJECT', 'ENCODING', 't'), 'intset');
  });
});
