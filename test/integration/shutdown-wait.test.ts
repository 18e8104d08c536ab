/**
 * SHUTDOWN on a library server with replicas (server/shutdown.ts): the wait for lagging replicas,
 * ABORT, NOW, shutdown-timeout 0, and a Garrison replica that catches up before its master closes.
 * test/interop/shutdown-wait.test.ts compares the same behaviour, and the log lines, with
 * redis-server 7.0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/index.js';
import { answeredWithin, encodeCommand, RespClient, settleWithin, waitFor } from '../helpers/resp-client.js';
import { silentReplica } from '../helpers/replication.js';
import { startTestServer } from '../helpers/server.js';
import { info } from '../helpers/reply-fields.js';

/** The server's log lines from now on, without their prefixes. */
function captureLog(s: RunningServer): string[] {
  const lines: string[] = [];
  s.server.logger.sink = { write: (l) => { lines.push(l.replace(/^\d+:[A-Z] \d\d \w{3} \d{4} [\d:.]+ /, '').trimEnd()); } };
  return lines;
}

/** Whether the server stopped accepting connections (SHUTDOWN went through). */
async function closed(s: RunningServer): Promise<boolean> {
  try {
    const c = await RespClient.connect(s.address.port);
    c.close();
    return false;
  } catch {
    return true;
  }
}

test('a lagging replica holds SHUTDOWN and pauses writes; ABORT answers the callers, who carry on', async () => {
  const s = await startTestServer({ config: { 'shutdown-timeout': '10' } });
  const log = captureLog(s);
  const replica = await silentReplica(s.address.port);
  const [a, b] = [await RespClient.connect(s.address.port), await RespClient.connect(s.address.port)];
  try {
    assert.deepEqual(await b.call('SET', 'k', 'v'), { status: 'OK' });
    const aId = await a.call('CLIENT', 'ID');
    const shutdown = a.call('SHUTDOWN');
    assert.equal(await answeredWithin(shutdown, 200), 'waiting');
    const set = b.call('SET', 'k', 'w');
    assert.equal(await answeredWithin(set, 200), 'waiting', 'writes are paused');
    const reader = await RespClient.connect(s.address.port);
    assert.deepEqual(await reader.call('GET', 'k'), 'v', 'reads are served');
    assert.equal(info(await reader.call('INFO', 'clients'))['blocked_clients'], '2');
    // Only the shutdown's end releases its callers (Redis 7.0.15 crashes here; 7.2 answers 0).
    assert.equal(await reader.call('CLIENT', 'UNBLOCK', String(aId)), 0);
    assert.deepEqual(await reader.call('SHUTDOWN', 'ABORT'), { status: 'OK' });
    assert.deepEqual(await settleWithin(shutdown, 5000, () => 'the SHUTDOWN caller was not answered'), { error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    assert.deepEqual(await settleWithin(set, 5000, () => 'the paused SET was not answered'), { status: 'OK' });
    // The aborted caller goes on (Redis 7.0.15 crashes on its next command).
    assert.deepEqual(await a.call('GET', 'k'), 'w');
    assert.deepEqual(await reader.call('SHUTDOWN', 'ABORT'), { error: 'ERR No shutdown in progress.' });
    reader.close();
    assert.equal(await closed(s), false);
    assert.deepEqual(log.filter((l) => /shut/i.test(l)), [
      '# User requested shutdown...', '* Waiting for replicas before shutting down.', '* Shutdown manually aborted.',
    ]);
  } finally {
    a.close();
    b.close();
    replica.socket.destroy();
    await s.close();
  }
});

test('SHUTDOWN NOW and shutdown-timeout 0 do not wait for a lagging replica', async () => {
  for (const [config, args] of [[{ 'shutdown-timeout': '10' }, ['SHUTDOWN', 'NOW']], [{ 'shutdown-timeout': '0' }, ['SHUTDOWN']]] as const) {
    const s = await startTestServer({ config });
    const replica = await silentReplica(s.address.port);
    const c = await RespClient.connect(s.address.port);
    try {
      assert.deepEqual(await c.call('SET', 'k', 'v'), { status: 'OK' });
      c.writeRaw(encodeCommand([...args]));
      await waitFor(() => closed(s), 5000, `${args.join(' ')} with ${JSON.stringify(config)} to close the server`);
    } finally {
      c.close();
      replica.socket.destroy();
      await s.close();
    }
  }
});

test('the timeout ends the wait: the server closes once shutdown-timeout has passed', async () => {
  const s = await startTestServer({ config: { 'shutdown-timeout': '1' } });
  const log = captureLog(s);
  const replica = await silentReplica(s.address.port);
  const c = await RespClient.connect(s.address.port);
  try {
    assert.deepEqual(await c.call('SET', 'k', 'v'), { status: 'OK' });
    const t0 = Date.now();
    c.writeRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
    assert.equal(await c.readWithin(700), 'timeout', 'still waiting before the timeout');
    await waitFor(() => closed(s), 5000, 'the server to close after the timeout');
    assert.ok(Date.now() - t0 >= 900, `closed after ${Date.now() - t0} ms`);
    const lagging = log.find((l) => l.startsWith('# Lagging replica')) ?? log.join('\n');
    assert.match(lagging, /^# Lagging replica 127\.0\.0\.1:12345 reported offset \d+ behind master, lag=[12], state=online\.$/);
    assert.ok(log.includes('* 0 of 1 replicas are in sync when shutting down.'), log.join('\n'));
  } finally {
    c.close();
    replica.socket.destroy();
    await s.close();
  }
});

test('a Garrison replica catches up before its master closes: the write pipelined with SHUTDOWN is not lost', async () => {
  const master = await startTestServer({ config: { 'shutdown-timeout': '10' } });
  const log = captureLog(master);
  const replicaServer = await startTestServer({ config: { replicaof: `127.0.0.1 ${master.address.port}` } });
  const m = await RespClient.connect(master.address.port);
  const r = await RespClient.connect(replicaServer.address.port);
  try {
    await waitFor(async () => info(await m.call('INFO', 'replication'))['slave0']?.includes('state=online') === true, 10_000, 'the replica online');
    m.writeRaw('*3\r\n$3\r\nSET\r\n$4\r\nlast\r\n$5\r\nwrite\r\n*1\r\n$8\r\nSHUTDOWN\r\n');
    await waitFor(() => closed(master), 5000, 'the master to close');
    assert.deepEqual(await r.call('GET', 'last'), 'write');
    // It did wait: the write had not been acknowledged when SHUTDOWN ran.
    assert.deepEqual(log.filter((l) => /shut|replicas are/i.test(l)), [
      '# User requested shutdown...', '* Waiting for replicas before shutting down.', '* 1 of 1 replicas are in sync when shutting down.',
    ]);
  } finally {
    m.close();
    r.close();
    await replicaServer.close();
    await master.close();
  }
});
