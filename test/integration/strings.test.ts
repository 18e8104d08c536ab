/**
 * String and bitmap commands over a real socket, for what a differential script cannot show:
 * what each command propagates (Redis 7.0's rewrites: SET EX -> SET PXAT, GETEX -> PEXPIREAT /
 * PERSIST / DEL, GETDEL -> DEL, GETSET -> SET, INCRBYFLOAT -> SET KEEPTTL), which keyspace events
 * it raises, and TTLs that actually run out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { waitFor } from '../helpers/resp-client.js';
import { drain, record } from '../helpers/recorder.js';


test('SET with a relative TTL propagates an absolute PXAT; GET tokens are dropped', async () => {
  await withServer({}, async (s, c) => {
    const r = record(s);
    const before = Date.now();
    const a = await drain(r, c, 'SET', 'k', 'v', 'EX', '100');
    assert.equal(a.props.length, 1);
    const [cmd, key, val, opt, when] = a.props[0]!;
    assert.deepEqual([cmd, key, val, opt], ['SET', 'k', 'v', 'PXAT']);
    const ms = Number(when);
    assert.ok(ms >= before + 100_000 && ms <= Date.now() + 100_000, `PXAT ${when}`);
    assert.deepEqual(a.events, ['$:set:k', 'g:expire:k']);

    const b = await drain(r, c, 'SETEX', 'k', '10', 'v2');
    assert.equal(b.props[0]![0], 'SET');
    assert.equal(b.props[0]![3], 'PXAT');
    const c2 = await drain(r, c, 'PSETEX', 'k', '5000', 'v3');
    assert.deepEqual(c2.props[0]!.slice(0, 4), ['SET', 'k', 'v3', 'PXAT']);
    const d = await drain(r, c, 'SET', 'k', 'v4', 'PXAT', '99999999999999', 'GET');
    assert.deepEqual(d.props, [['SET', 'k', 'v4', 'PXAT', '99999999999999']]);

    const e = await drain(r, c, 'SET', 'k', 'v5', 'get', 'KEEPTTL', 'GET');
    assert.deepEqual(e.props, [['SET', 'k', 'v5', 'KEEPTTL']]);
    const f = await drain(r, c, 'SET', 'k', 'v6');
    assert.deepEqual(f.props, [['SET', 'k', 'v6']]);
    assert.deepEqual(f.events, ['$:set:k']);
  });
});

test('writes that change nothing propagate nothing', async () => {
  await withServer({}, async (s, c) => {
    const r = record(s);
    await c.call('SET', 'k', 'v');
    assert.deepEqual((await drain(r, c, 'SET', 'k', 'x', 'NX')).props, []);
    assert.deepEqual((await drain(r, c, 'SET', 'nokey', 'x', 'XX', 'GET')).props, []);
    assert.deepEqual((await drain(r, c, 'SETNX', 'k', 'x')).props, []);
    assert.deepEqual((await drain(r, c, 'MSETNX', 'k', 'x', 'other', 'y')).props, []);
    assert.deepEqual((await drain(r, c, 'GETEX', 'k')).props, []);
    assert.deepEqual((await drain(r, c, 'GETEX', 'k', 'PERSIST')).props, [], 'no TTL to remove');
    assert.deepEqual((await drain(r, c, 'GETDEL', 'nokey')).props, []);
    assert.deepEqual((await drain(r, c, 'SETRANGE', 'k', '3', '')).props, []);
    assert.deepEqual((await drain(r, c, 'INCR', 'k')).props, [], 'error: not an integer');
    await c.call('SETBIT', 'b', '3', '1');
    const same = await drain(r, c, 'SETBIT', 'b', '3', '1');
    assert.deepEqual(same.props, []);
    assert.deepEqual(same.events, []);
    assert.deepEqual((await drain(r, c, 'SETBIT', 'b', '3', '0')).props, [['SETBIT', 'b', '3', '0']]);
    // BITFIELD writes that leave every field as it was, or fail on overflow, change nothing (as
    // redis-server 7.0.15: no event, no dirty, not propagated); padding the string is a change.
    await c.call('SET', 'bf', 'abc');
    for (const cmd of [['SET', 'u8', '0', '97'], ['INCRBY', 'i8', '#1', '0'], ['OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '5']]) {
      const f = await drain(r, c, 'BITFIELD', 'bf', ...cmd);
      assert.deepEqual([f.props, f.events], [[], []], cmd.join(' '));
    }
    const grown = await drain(r, c, 'BITFIELD', 'bf', 'SET', 'u8', '100', '0');
    assert.deepEqual([grown.props, grown.events], [[['BITFIELD', 'bf', 'SET', 'u8', '100', '0']], ['$:setbit:bf']]);
    assert.deepEqual((await drain(r, c, 'BITOP', 'AND', 'dest', 'nokey')).props, [], 'empty result, no destination');
  });
});

test('GETEX, GETDEL, GETSET and INCRBYFLOAT propagate their effect', async () => {
  await withServer({}, async (s, c) => {
    const r = record(s);
    await c.call('SET', 'k', 'v');
    const a = await drain(r, c, 'GETEX', 'k', 'PX', '100000');
    assert.equal(a.props.length, 1);
    assert.deepEqual(a.props[0]!.slice(0, 2), ['PEXPIREAT', 'k']);
    assert.ok(Number(a.props[0]![2]) > Date.now() + 90_000);
    assert.deepEqual(a.events, ['g:expire:k']);
    const at = await drain(r, c, 'GETEX', 'k', 'EXAT', '99999999999');
    assert.deepEqual(at.props, [['PEXPIREAT', 'k', '99999999999000']]);
    const p = await drain(r, c, 'GETEX', 'k', 'PERSIST');
    assert.deepEqual(p.props, [['PERSIST', 'k']]);
    assert.deepEqual(p.events, ['g:persist:k']);
    const past = await drain(r, c, 'GETEX', 'k', 'PXAT', '1');
    assert.deepEqual(past.props, [['DEL', 'k']]);
    assert.deepEqual(past.events, ['g:del:k']);
    assert.equal(await c.call('EXISTS', 'k'), 0);

    await c.call('SET', 'k', 'v');
    const del = await drain(r, c, 'GETDEL', 'k');
    assert.deepEqual(del.props, [['DEL', 'k']]);
    assert.deepEqual(del.events, ['g:del:k']);

    const gs = await drain(r, c, 'GETSET', 'k', 'new');
    assert.deepEqual(gs.props, [['SET', 'k', 'new']]);
    assert.deepEqual(gs.events, ['$:set:k']);

    await c.call('SET', 'f', '10.5', 'EX', '100');
    const fl = await drain(r, c, 'INCRBYFLOAT', 'f', '0.1');
    assert.deepEqual(fl.props, [['SET', 'f', '10.6', 'KEEPTTL']]);
    assert.deepEqual(fl.events, ['$:incrbyfloat:f']);
    assert.equal(await c.call('TTL', 'f'), 100);
  });
});

test('keyspace event names of the other string and bitmap writes', async () => {
  await withServer({}, async (s, c) => {
    const r = record(s);
    const cases: Array<[string[], string[]]> = [
      [['APPEND', 'a', 'x'], ['$:append:a']],
      [['INCR', 'n'], ['$:incrby:n']],
      [['DECRBY', 'n', '5'], ['$:incrby:n']],
      [['SETRANGE', 'a', '5', 'y'], ['$:setrange:a']],
      [['MSET', 'm1', '1', 'm2', '2'], ['$:set:m1', '$:set:m2']],
      [['SETBIT', 'b', '100', '1'], ['$:setbit:b']],
      [['BITFIELD', 'b', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0', '1'], ['$:setbit:b']],
      [['BITOP', 'NOT', 'dest', 'b'], ['$:set:dest']],
      [['BITOP', 'OR', 'dest', 'nokey'], ['g:del:dest']],
    ];
    for (const [cmd, events] of cases) {
      assert.deepEqual((await drain(r, c, ...cmd)).events, events, cmd.join(' '));
    }
  });
});

test('writing over keys whose TTL has passed expires them first (event, DEL propagated with the write in MULTI/EXEC, as 7.0 does): SET and MSET alike', async () => {
  await withServer({ config: { 'enable-debug-command': 'yes' } }, async (s, c) => {
    const r = record(s);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    for (const write of [['SET', 'a', '1'], ['MSET', 'a', '1', 'b', '2']]) {
      await c.call('SET', 'a', 'old', 'PXAT', '1');
      await c.call('SET', 'b', 'old', 'PXAT', '1');
      const d = await drain(r, c, ...write);
      const expect = write[0] === 'SET'
        ? { props: [['MULTI'], ['DEL', 'a'], write, ['EXEC']], events: ['x:expired:a', '$:set:a'] }
        : { props: [['MULTI'], ['DEL', 'a'], ['DEL', 'b'], write, ['EXEC']], events: ['x:expired:a', '$:set:a', 'x:expired:b', '$:set:b'] };
      assert.deepEqual(d, expect, write.join(' '));
    }
  });
});

test('TTLs set by SET PX, PSETEX and GETEX run out', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('SET', 'a', 'v', 'PX', '40'), { status: 'OK' });
    assert.deepEqual(await c.call('PSETEX', 'b', '40', 'v'), { status: 'OK' });
    await c.call('SET', 'c', 'v');
    assert.equal(await c.call('GETEX', 'c', 'PX', '40'), 'v');
    await c.call('SET', 'd', 'v', 'PX', '40');
    assert.deepEqual(await c.call('SET', 'd', 'w', 'KEEPTTL'), { status: 'OK' });
    await c.call('SET', 'e', 'v', 'PX', '40');
    assert.equal(await c.call('GETEX', 'e', 'PERSIST'), 'v');
    await waitFor(async () => (await c.call('EXISTS', 'a', 'b', 'c', 'd')) === 0, 5000, 'keys to expire');
    assert.equal(await c.call('GET', 'e'), 'v');
    assert.equal(await c.call('TTL', 'e'), -1);
  });
});

test('INCR stops exactly at the int64 bounds', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('SET', 'n', '9223372036854775806');
    assert.equal(await c.call('INCR', 'n'), 9223372036854775807n);
    assert.deepEqual(await c.call('INCR', 'n'), { error: 'ERR increment or decrement would overflow' });
    assert.equal(await c.call('GET', 'n'), '9223372036854775807');
    await c.call('SET', 'n', '-9223372036854775807');
    assert.equal(await c.call('DECR', 'n'), -9223372036854775808n);
    assert.deepEqual(await c.call('DECR', 'n'), { error: 'ERR increment or decrement would overflow' });
    assert.deepEqual(await c.call('DECRBY', 'n', '-9223372036854775808'), { error: 'ERR decrement would overflow' });
  });
});

test('binary values survive SETRANGE, APPEND, BITOP and BITFIELD byte for byte', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('SET', 'k', Buffer.from([0x00, 0xff, 0x80]));
    assert.equal(await c.call('APPEND', 'k', Buffer.from([0xfe, 0x00])), 5);
    assert.equal(await c.call('SETRANGE', 'k', '7', Buffer.from([0xc3, 0xa9])), 9);
    assert.equal(await c.call('GET', 'k'), '\x00\xff\x80\xfe\x00\x00\x00\xc3\xa9');
    assert.equal(await c.call('BITOP', 'NOT', 'n', 'k'), 9);
    assert.equal(await c.call('GET', 'n'), '\xff\x00\x7f\x01\xff\xff\xff\x3c\x56');
    assert.deepEqual(await c.call('BITFIELD', 'n', 'GET', 'u16', '56', 'GET', 'u16', '#3', 'SET', 'u8', '#0', '200'), [0x3c56, 0xff3c, 255]);
    assert.equal(await c.call('GETRANGE', 'n', '0', '0'), '\xc8');
  });
});

test('a large bitmap: SETBIT far out, then BITCOUNT, BITPOS and GETBIT agree', async () => {
  await withServer({}, async (_s, c) => {
    const far = 8 * 1024 * 1024 * 3 + 5; // ~3 MB in
    assert.equal(await c.call('SETBIT', 'big', String(far), '1'), 0);
    assert.equal(await c.call('STRLEN', 'big'), Math.floor(far / 8) + 1);
    assert.equal(await c.call('SETBIT', 'big', '17', '1'), 0);
    assert.equal(await c.call('BITCOUNT', 'big'), 2);
    assert.equal(await c.call('BITPOS', 'big', '1'), 17);
    assert.equal(await c.call('BITPOS', 'big', '1', '3'), far);
    assert.equal(await c.call('BITPOS', 'big', '1', '18', '-1', 'BIT'), far);
    assert.equal(await c.call('GETBIT', 'big', String(far)), 1);
    assert.equal(await c.call('BITCOUNT', 'big', String(far), String(far), 'BIT'), 1);
  });
});
