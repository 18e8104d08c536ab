/**
 * `tcp-keepalive` (Redis's anetKeepAlive on every TCP client, accepted or a replica's link to its
 * master): the kernel's keepalive timer of the socket, read from /proc/net/tcp (Linux), runs with
 * the configured idle time; 0 leaves it off; CONFIG SET applies to the connections made after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { info } from '../helpers/reply-fields.js';
import { startTestServer } from '../helpers/server.js';

const PROC = '/proc/net/tcp';

/** The timer of the socket 127.0.0.1:local <-> 127.0.0.1:remote: its kind (2 = keepalive) and seconds left. */
function timerOf(local: number, remote: number): { kind: number; seconds: number } {
  const hexPort = (p: number): string => p.toString(16).toUpperCase().padStart(4, '0');
  const want = [`0100007F:${hexPort(local)}`, `0100007F:${hexPort(remote)}`];
  for (const line of readFileSync(PROC, 'latin1').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== want[0] || f[2] !== want[1]) continue;
    const [kind, when] = f[5]!.split(':');
    // Clock ticks of USER_HZ (100 per second).
    return { kind: parseInt(kind!, 16), seconds: parseInt(when!, 16) / 100 };
  }
  throw new Error(`no socket ${want.join(' -> ')} in ${PROC}`);
}

async function serverSideTimer(port: number): Promise<{ kind: number; seconds: number }> {
  const c = await RespClient.connect(port);
  try {
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    return timerOf(port, c.socket.localPort!);
  } finally {
    c.close();
  }
}

test('tcp-keepalive sets the keepalive timer of accepted connections; 0 leaves it off', { skip: existsSync(PROC) ? false : 'no /proc/net/tcp' }, async () => {
  const s = await startTestServer();
  const admin = await RespClient.connect(s.address.port);
  try {
    const byDefault = await serverSideTimer(s.address.port);
    assert.equal(byDefault.kind, 2, 'the keepalive timer runs');
    assert.ok(byDefault.seconds > 290 && byDefault.seconds <= 300, `${byDefault.seconds} s to the first probe (default 300)`);
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'tcp-keepalive', '60'), { status: 'OK' });
    const sixty = await serverSideTimer(s.address.port);
    assert.equal(sixty.kind, 2);
    assert.ok(sixty.seconds > 50 && sixty.seconds <= 60, `${sixty.seconds} s to the first probe`);
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'tcp-keepalive', '0'), { status: 'OK' });
    assert.equal((await serverSideTimer(s.address.port)).kind, 0, 'no timer with tcp-keepalive 0');
  } finally {
    admin.close();
    await s.close();
  }
});

test("a replica's link to its master gets the same keepalive", { skip: existsSync(PROC) ? false : 'no /proc/net/tcp' }, async () => {
  const master = await startTestServer();
  const replica = await startTestServer({ config: { replicaof: `127.0.0.1 ${master.address.port}`, 'tcp-keepalive': '120' } });
  const m = await RespClient.connect(master.address.port);
  const r = await RespClient.connect(replica.address.port);
  try {
    await waitFor(async () => info(await r.call('INFO', 'replication'))['master_link_status'] === 'up', 10_000, 'the link up');
    const line = String(await m.call('CLIENT', 'LIST')).split('\n').find((l) => / flags=S /.test(l)) ?? '';
    const linkPort = Number(/ addr=127\.0\.0\.1:(\d+) /.exec(line)?.[1]);
    assert.ok(linkPort > 0, line);
    const t = timerOf(linkPort, master.address.port);
    assert.equal(t.kind, 2, 'the keepalive timer runs on the replica side of the link');
    assert.ok(t.seconds > 110 && t.seconds <= 120, `${t.seconds} s to the first probe`);
  } finally {
    m.close();
    r.close();
    await replica.close();
    await master.close();
  }
});
