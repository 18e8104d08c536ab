/** TIME, ROLE and SHUTDOWN (library servers close; a process hook receives the flags). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { withServer, startTestServer } from '../helpers/server.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';

test('TIME answers seconds and microseconds of the wall clock', async () => {
  await withServer({}, async (_s, c) => {
    const before = Date.now();
    const [sec, usec] = (await c.call('TIME')) as [string, string];
    const after = Date.now();
    assert.match(sec, /^\d+$/);
    assert.match(usec, /^\d{1,6}$/);
    const ms = Number(sec) * 1000 + Number(usec) / 1000;
    assert.ok(ms >= before - 2 && ms <= after + 2, `${ms} not within [${before}, ${after}]`);
    assert.deepEqual(await c.call('TIME', 'x'), { error: "ERR wrong number of arguments for 'time' command" });
  });
});

test('ROLE of a master without replicas', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('ROLE'), ['master', 0, []]);
    assert.equal((await c.callRaw('ROLE')).raw.toString('latin1'), '*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n');
  });
});

test('SHUTDOWN: flag errors, ABORT, and a library server that closes', async () => {
  const logs: string[] = [];
  const s = await startTestServer({ config: { save: '' } });
  s.server.logger.sink = { write: (l) => { logs.push(l); } };
  const c = await RespClient.connect(s.address.port);
  try {
    assert.deepEqual(await c.call('SHUTDOWN', 'foo'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'SAVE', 'NOSAVE'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'ABORT', 'NOW'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'ABORT'), { error: 'ERR No shutdown in progress.' });
    await c.call('MULTI');
    assert.deepEqual(await c.call('SHUTDOWN'), { error: 'ERR Command not allowed inside a transaction' });
    await c.call('DISCARD');
    c.writeRaw('SHUTDOWN NOSAVE\r\n');
    await c.waitClosed();
    assert.ok(logs.some((l) => / # User requested shutdown\.\.\.\n$/.test(l)));
    assert.ok(logs.some((l) => /ready to exit, bye bye\.\.\.\n$/.test(l)));
    // The listener is closed too.
    await waitFor(() => new Promise<boolean>((resolve) => {
      const sock = net.connect({ port: s.address.port, host: '127.0.0.1' });
      sock.once('connect', () => { sock.destroy(); resolve(false); });
      sock.once('error', () => resolve(true));
    }), 3000, 'listener closed');
  } finally {
    c.close();
    await s.close();
  }
});

test('SHUTDOWN hands its flags to the process hook, and reports a refusal', async () => {
  await withServer({}, async (s, c) => {
    const seen: unknown[] = [];
    s.server.onShutdown = (flags) => {
      seen.push(flags);
      return Promise.resolve(false);
    };
    assert.deepEqual(await c.call('SHUTDOWN', 'save', 'NOW', 'force'), { error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    assert.deepEqual(seen, [{ save: true, nosave: false, now: true, force: true }]);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' }, 'a refused shutdown leaves the server running');
  });
});
