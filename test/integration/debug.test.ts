/**
 * DEBUG: the enable-debug-command gate, DIGEST (golden values from redis-server 7.0), POPULATE,
 * OBJECT, PROTOCOL's RESP3 attribute and push forms byte for byte, SLEEP pausing every client
 * without blocking the event loop, SET-ACTIVE-EXPIRE and PAUSE-CRON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';

const DEBUG_ON = { config: { 'enable-debug-command': 'yes' } };
const NOT_ALLOWED = 'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local ' +
  'connection, otherwise you need to set this option in the configuration file, and then restart the server.';

test('DEBUG is refused unless enable-debug-command allows it (local counts loopback)', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('DEBUG', 'DIGEST'), { error: NOT_ALLOWED });
    assert.deepEqual(await c.call('DEBUG'), { error: "ERR wrong number of arguments for 'debug' command" });
  });
  await withServer({ config: { 'enable-debug-command': 'local' } }, async (_s, c) => {
    assert.deepEqual(await c.call('DEBUG', 'DIGEST'), { status: '0'.repeat(40) });
  });
});

test('DEBUG DIGEST and DIGEST-VALUE equal redis-server 7.0 for the same strings', async () => {
  await withServer(DEBUG_ON, async (_s, c) => {
    await c.call('SET', 'a', 'b');
    assert.deepEqual(await c.call('DEBUG', 'DIGEST'), { status: '479783d7290f02957dfbe3408a858ba13eea1709' });
    await c.call('SET', 'foo', 'bar');
    assert.deepEqual(await c.call('DEBUG', 'DIGEST-VALUE', 'foo', 'a', 'nosuch'), [
      { status: '68467c70ae30376e7ce005bcc8827f5ba7fd67dc' },
      { status: 'b78559cd22bce6e6df712eb99ce7f3b08e8f8f1f' },
      { status: '0'.repeat(40) },
    ]);
    assert.deepEqual(await c.call('DEBUG', 'DIGEST'), { status: '3f0c530442584cbf569d3774eff0c3f494c26181' });
    assert.deepEqual(await c.call('DEBUG', 'DIGEST', 'x'), { error: "ERR unknown subcommand or wrong number of arguments for 'DIGEST'. Try DEBUG HELP." });
  });
});

test('DEBUG POPULATE names keys and values like Redis and skips existing keys', async () => {
  await withServer(DEBUG_ON, async (s, c) => {
    await c.call('SET', 'key:1', 'mine');
    assert.deepEqual(await c.call('DEBUG', 'POPULATE', '3'), { status: 'OK' });
    assert.deepEqual(await c.call('MGET', 'key:0', 'key:1', 'key:2'), ['value:0', 'mine', 'value:2']);
    await c.call('DEBUG', 'POPULATE', '2', 'p', '10');
    assert.deepEqual(await c.call('MGET', 'p:0', 'p:1'), ['value:0\0\0\0', 'value:1\0\0\0']);
    await c.call('DEBUG', 'POPULATE', '1', 'q', '3');
    assert.equal(await c.call('GET', 'q:0'), 'val');
    assert.equal(s.server.ks.dbs[0]!.dict.size, 6);
    assert.deepEqual(await c.call('DEBUG', 'POPULATE', '-1'), { error: 'ERR value is out of range, must be positive' });
  });
});

test('DEBUG OBJECT reports encoding and serialized length', async () => {
  await withServer(DEBUG_ON, async (_s, c) => {
    await c.call('SET', 'a', 'b');
    await c.call('SET', 'n', '5');
    await c.call('SET', 'big', '10000000000');
    assert.match((await c.call('DEBUG', 'OBJECT', 'a') as { status: string }).status, /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:2 lru:\d+ lru_seconds_idle:\d+$/);
    assert.match((await c.call('DEBUG', 'OBJECT', 'n') as { status: string }).status, / refcount:2147483647 encoding:int serializedlength:2 /);
    assert.match((await c.call('DEBUG', 'OBJECT', 'big') as { status: string }).status, / encoding:int serializedlength:12 /);
    assert.deepEqual(await c.call('DEBUG', 'OBJECT', 'nosuch'), { error: 'ERR no such key' });
  });
});

test('DEBUG OBJECT: serialized length as in an RDB (LZF, listpacks, intsets), quicklist fields (redis-server 7.0.15 golden)', async () => {
  await withServer(DEBUG_ON, async (_s, c) => {
    await c.call('CONFIG', 'SET', 'list-max-listpack-size', '4');
    await c.call('RPUSH', 'a', ...Array.from({ length: 9 }, (_, i) => `v${i}`));
    await c.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
    await c.call('SET', 's1', 'x'.repeat(100));
    await c.call('HSET', 'h', 'f', 'v', 'g', '1');
    await c.call('ZADD', 'z', '1', 'a', '2.5', 'b');
    await c.call('SADD', 'si', '1', '2', '3');
    const tail = async (k: string): Promise<string> => {
      const line = (await c.call('DEBUG', 'OBJECT', k) as { status: string }).status;
      return line.replace(/^Value at:0x[0-9a-f]+ refcount:\d+ /, '').replace(/ lru:\d+ lru_seconds_idle:\d+/, '');
    };
    assert.equal(await tail('a'), 'encoding:quicklist serializedlength:64 ql_nodes:3 ql_avg_node:3.00 ql_listpack_max:4 ql_compressed:0 ql_uncompressed_size:57');
    assert.equal(await tail('s1'), 'encoding:raw serializedlength:13');
    assert.equal(await tail('h'), 'encoding:listpack serializedlength:19');
    assert.equal(await tail('z'), 'encoding:listpack serializedlength:21');
    assert.equal(await tail('si'), 'encoding:intset serializedlength:15');
    await c.call('CONFIG', 'SET', 'rdbcompression', 'no');
    assert.equal(await tail('s1'), 'encoding:raw serializedlength:102');
  });
});

test('DEBUG PROTOCOL attrib and push in RESP3, byte for byte', async () => {
  await withServer(DEBUG_ON, async (s, c) => {
    assert.equal((await c.callRaw('DEBUG', 'PROTOCOL', 'attrib')).raw.toString('latin1'), '$39\r\nSome real reply following the attribute\r\n');
    assert.deepEqual(await c.call('DEBUG', 'PROTOCOL', 'push'), { error: 'ERR RESP2 is not supported by this command' });
    // Switch this connection to RESP3 (without depending on HELLO being registered).
    for (const cl of s.server.clients.values()) cl.resp = 3;
    c.writeRaw('*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$6\r\nattrib\r\n*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$4\r\npush\r\n');
    const expected = '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n' +
      '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n';
    const chunks: Buffer[] = [];
    c.socket.removeAllListeners('data');
    c.socket.on('data', (d: Buffer) => chunks.push(d));
    await waitFor(() => Buffer.concat(chunks).length >= expected.length, 5000, 'RESP3 replies');
    assert.equal(Buffer.concat(chunks).toString('latin1'), expected);
  });
});

test('DEBUG SLEEP answers later and holds every other client meanwhile, without blocking the loop', async () => {
  await withServer(DEBUG_ON, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      const order: string[] = [];
      const t0 = Date.now();
      const sleeping = c.pipeline([['DEBUG', 'SLEEP', '0.3'], ['PING']]).then((r) => {
        order.push('sleeper');
        return r;
      });
      // Wait until the server has started the sleep (the pause is armed).
      await waitFor(() => s.server.pauseUntilMs !== 0, 2000, 'pause armed');
      const ticks = s.server.cronLoops;
      const pong = other.call('PING').then((r) => { order.push('other'); return r; });
      // The event loop keeps ticking while the clients wait.
      await waitFor(() => s.server.cronLoops > ticks, 2000, 'ticks during sleep');
      assert.deepEqual(order, []);
      const [ok, ping] = await sleeping;
      assert.deepEqual(ok!.value, { status: 'OK' });
      assert.deepEqual(ping!.value, { status: 'PONG' });
      assert.deepEqual(await pong, { status: 'PONG' });
      assert.ok(Date.now() - t0 >= 280, `slept ${Date.now() - t0} ms`);
      assert.equal(order[0], 'sleeper');
      assert.equal(s.server.pauseUntilMs, 0);
    } finally {
      other.close();
    }
  });
});

test('DEBUG SET-ACTIVE-EXPIRE 0 stops active expiry; PAUSE-CRON 1 stops the cron', async () => {
  await withServer(DEBUG_ON, async (s, c) => {
    const db = s.server.ks.dbs[0]!;
    assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { status: 'OK' });
    await c.call('SET', 'k', 'v');
    s.server.ks.setExpire(db, 'k', Date.now() + 20);
    const ticks = s.server.cronLoops;
    await waitFor(() => s.server.cronLoops >= ticks + 5 && Date.now() > (db.expires.get('k') ?? 0) + 50, 3000, 'ticks after the deadline');
    assert.equal(db.dict.has('k'), true, 'not expired actively');
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await waitFor(() => !db.dict.has('k'), 3000, 'active expiry');

    assert.deepEqual(await c.call('DEBUG', 'PAUSE-CRON', '1'), { status: 'OK' });
    assert.equal(s.server.cronPaused, true);
    await c.call('DEBUG', 'PAUSE-CRON', '0');
    assert.equal(s.server.cronPaused, false);
    const before = s.server.cronLoops;
    await waitFor(() => s.server.cronLoops > before, 3000, 'cron running again');
  });
});

test('DEBUG HELP, LOG, ERROR and unknown subcommands', async () => {
  await withServer(DEBUG_ON, async (_s, c) => {
    const help = (await c.call('DEBUG', 'HELP')) as Array<{ status: string }>;
    assert.equal(help[0]!.status, 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(help.some((l) => l.status.startsWith('DIGEST-VALUE')));
    assert.deepEqual(await c.call('DEBUG', 'LOG', 'hello'), { status: 'OK' });
    assert.deepEqual(await c.call('DEBUG', 'ERROR', 'MYERR a\r\nb'), { error: 'MYERR a  b' });
    assert.deepEqual(await c.call('DEBUG', 'FOO'), { error: "ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP." });
    // No AOF files: redis-server 7.0 exits here; Garrison answers an error instead (test/integration/aof.test.ts covers the load).
    assert.deepEqual(await c.call('DEBUG', 'LOADAOF'), { error: 'ERR Error trying to load the AOF files, check server logs.' });
  });
});
