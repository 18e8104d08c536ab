/**
 * Hash commands over a real socket, for what a differential script cannot show: what each write
 * propagates (HINCRBYFLOAT as HSET with the result, no-op writes nothing), the keyspace events
 * delivered to a subscriber (hset, hdel then del, hincrby, hincrbyfloat), WATCH invalidation by
 * in-place changes, RESP3 reply bytes (HGETALL map, HRANDFIELD nested pairs), random replies'
 * invariants, and a full HSCAN of a big hash table while it changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, startTestServer } from '../helpers/server.js';
import { RespClient, encodeCommand, type Decoded } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';

function recordProps(s: RunningServer): string[][] {
  const props: string[][] = [];
  s.server.propagationSinks.push({ propagate: (_db, argv) => { props.push([...argv]); } });
  return props;
}

test('hash writes propagate their effect; writes that change nothing propagate nothing', async () => {
  await withServer({}, async (s, c) => {
    const props = recordProps(s);
    await c.call('HSET', 'h', 'a', '1', 'b', '2');
    await c.call('HMSET', 'h', 'a', '3');
    assert.equal(await c.call('HSETNX', 'h', 'a', 'x'), 0);
    assert.equal(await c.call('HSETNX', 'h', 'c', 'x'), 1);
    assert.equal(await c.call('HINCRBYFLOAT', 'h', 'f', '10.5'), '10.5');
    assert.equal(await c.call('HINCRBYFLOAT', 'h', 'f', '0.1'), '10.6');
    assert.equal(await c.call('HINCRBY', 'h', 'n', '-3'), -3);
    assert.deepEqual(await c.call('HINCRBY', 'h', 'a', 'x'), { error: 'ERR value is not an integer or out of range' });
    assert.equal(await c.call('HDEL', 'h', 'nofield'), 0);
    assert.equal(await c.call('HDEL', 'nokey', 'a'), 0);
    assert.equal(await c.call('HDEL', 'h', 'a', 'b', 'c', 'f', 'n', 'never-reached'), 5);
    assert.equal(await c.call('EXISTS', 'h'), 0);
    assert.deepEqual(props, [
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HMSET', 'h', 'a', '3'],
      ['HSETNX', 'h', 'c', 'x'],
      ['HSET', 'h', 'f', '10.5'],
      ['HSET', 'h', 'f', '10.6'],
      ['HINCRBY', 'h', 'n', '-3'],
      ['HDEL', 'h', 'a', 'b', 'c', 'f', 'n', 'never-reached'],
    ]);
  });
});

test('keyspace events reach a subscriber: hset, hincrby, hincrbyfloat, hdel then del', async () => {
  const s = await startTestServer({ config: { 'notify-keyspace-events': 'KEA' } });
  const sub = await RespClient.connect(s.address.port);
  const c = await RespClient.connect(s.address.port);
  try {
    sub.socket.write(encodeCommand(['SUBSCRIBE', '__keyevent@0__:hset', '__keyevent@0__:hdel', '__keyevent@0__:del',
      '__keyevent@0__:hincrby', '__keyevent@0__:hincrbyfloat']));
    for (let i = 1; i <= 5; i++) assert.equal(((await sub.read()).value as Decoded[])[2], i);
    const next = async (): Promise<Decoded> => ((await sub.read()).value as Decoded[]).slice(1);
    await c.call('HSET', 'k', 'a', '1');
    assert.deepEqual(await next(), ['__keyevent@0__:hset', 'k']);
    await c.call('HSETNX', 'k', 'a', '2'); // no change: no event
    await c.call('HINCRBY', 'k', 'a', '2');
    assert.deepEqual(await next(), ['__keyevent@0__:hincrby', 'k']);
    await c.call('HINCRBYFLOAT', 'k', 'b', '2.5');
    assert.deepEqual(await next(), ['__keyevent@0__:hincrbyfloat', 'k']);
    await c.call('HDEL', 'k', 'a');
    assert.deepEqual(await next(), ['__keyevent@0__:hdel', 'k']);
    await c.call('HDEL', 'k', 'b', 'zz');
    assert.deepEqual(await next(), ['__keyevent@0__:hdel', 'k']);
    assert.deepEqual(await next(), ['__keyevent@0__:del', 'k']);
  } finally {
    sub.close();
    c.close();
    await s.close();
  }
});

test('WATCH: in-place hash changes abort the transaction, failed writes do not', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await c.call('HSET', 'w', 'a', '1');
      for (const cmd of [['HSET', 'w', 'a', '2'], ['HINCRBY', 'w', 'n', '1'], ['HINCRBYFLOAT', 'w', 'n', '1'], ['HDEL', 'w', 'n'], ['HSETNX', 'w', 'z', '1']]) {
        await c.call('WATCH', 'w');
        await other.call(...cmd);
        await c.call('MULTI');
        await c.call('HGET', 'w', 'a');
        assert.equal(await c.call('EXEC'), null, `${cmd.join(' ')} must invalidate the WATCH`);
      }
      for (const cmd of [['HSETNX', 'w', 'a', '9'], ['HDEL', 'w', 'nofield'], ['HINCRBY', 'w', 'a', 'x'], ['HGET', 'w', 'a']]) {
        await c.call('WATCH', 'w');
        await other.call(...cmd);
        await c.call('MULTI');
        await c.call('HGET', 'w', 'a');
        assert.deepEqual(await c.call('EXEC'), ['2'], `${cmd.join(' ')} must not invalidate the WATCH`);
      }
    } finally {
      other.close();
    }
  });
});

test('RESP3: HGETALL is a map, HRANDFIELD WITHVALUES nests pairs, missing keys answer %0 and _', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('HELLO', '3');
    await c.call('HSET', 'h', 'a', '1', 'b', '2');
    assert.equal((await c.callRaw('HGETALL', 'h')).raw.toString('latin1'), '%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
    assert.equal((await c.callRaw('HGETALL', 'nokey')).raw.toString('latin1'), '%0\r\n');
    assert.equal((await c.callRaw('HRANDFIELD', 'nokey')).raw.toString('latin1'), '_\r\n');
    assert.equal((await c.callRaw('HRANDFIELD', 'h', '5', 'WITHVALUES')).raw.toString('latin1'),
      '*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n');
    const neg = (await c.call('HRANDFIELD', 'h', '-6', 'WITHVALUES')) as Decoded[];
    assert.equal(neg.length, 6);
    for (const p of neg) assert.ok(JSON.stringify(p) === '["a","1"]' || JSON.stringify(p) === '["b","2"]');
  });
});

test('HRANDFIELD: positive counts give distinct fields, negative counts repeat, over both encodings', async () => {
  await withServer({}, async (_s, c) => {
    const fields = Array.from({ length: 600 }, (_, i) => `f${i}`);
    await c.call('HSET', 'small', ...fields.slice(0, 20).flatMap((f) => [f, `v-${f}`]));
    await c.call('HSET', 'big', ...fields.flatMap((f) => [f, `v-${f}`]));
    assert.equal(await c.call('OBJECT', 'ENCODING', 'big'), 'hashtable');
    for (const [key, size] of [['small', 20], ['big', 600]] as const) {
      const some = (await c.call('HRANDFIELD', key, '15')) as string[];
      assert.equal(new Set(some).size, 15);
      for (const f of some) assert.ok(fields.indexOf(f) >= 0 && fields.indexOf(f) < size);
      const pairs = (await c.call('HRANDFIELD', key, '10', 'WITHVALUES')) as string[];
      for (let i = 0; i < pairs.length; i += 2) assert.equal(pairs[i + 1], `v-${pairs[i]}`);
      const many = (await c.call('HRANDFIELD', key, String(-3 * size))) as string[];
      assert.equal(many.length, 3 * size);
      assert.ok(new Set(many).size < many.length, 'a negative count repeats fields');
      assert.ok(new Set(many).size > size / 4, 'and picks many different ones');
      const one = await c.call('HRANDFIELD', key);
      assert.ok(typeof one === 'string' && fields.includes(one));
    }
  });
});

test('HSCAN walks a big hash table completely while it changes, with COUNT and MATCH', async () => {
  await withServer({}, async (_s, c) => {
    const n = 3000;
    for (let i = 0; i < n; i += 500) {
      await c.call('HSET', 'big', ...Array.from({ length: 500 }, (_, j) => [`f${i + j}`, String(i + j)]).flat());
    }
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await c.call('HSCAN', 'big', cursor, 'COUNT', '97')) as [string, string[]];
      assert.ok(items.length <= 2 * 97);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      await c.call('HSET', 'big', `new${calls}`, 'x');
      await c.call('HDEL', 'big', `f${n - 1 - calls}`);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    assert.ok(calls > 20);
    for (let i = 0; i < n - calls; i++) assert.equal(seen.get(`f${i}`), String(i), `f${i}`);
    const [cur, matched] = (await c.call('HSCAN', 'big', '0', 'MATCH', 'f1??', 'COUNT', '100000')) as [string, string[]];
    assert.equal(cur, '0');
    assert.equal(matched.length, 2 * 100);
  });
});
