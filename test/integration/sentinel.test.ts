/**
 * Garrison sentinels in-process over real sockets, monitoring a Garrison master: discovery of each
 * other through hello messages on the master's pub/sub, the reply shapes of SENTINEL MASTER /
 * SENTINELS, votes through IS-MASTER-DOWN-BY-ADDR, CKQUORUM, events on the sentinel's own pub/sub,
 * and SDOWN -> ODOWN -> election when the master is closed (the failover then aborts: no replica).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSentinel, type RunningSentinel } from '../../src/index.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { fields } from '../helpers/reply-fields.js';
import { startTestServer } from '../helpers/server.js';
import { sentinelConfigLines } from '../../src/sentinel/config.js';

const open: Array<{ close(): unknown }> = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
});


async function client(port: number): Promise<RespClient> {
  const c = await RespClient.connect(port);
  open.push(c);
  return c;
}

async function sentinel(masterPort: number): Promise<{ s: RunningSentinel; c: RespClient; events: string[] }> {
  const s = await startSentinel({ sentinel: [`monitor mymaster 127.0.0.1 ${masterPort} 2`, 'down-after-milliseconds mymaster 500', 'failover-timeout mymaster 3000'] });
  open.push(s);
  const events: string[] = [];
  s.sentinel.eventListeners.push((e) => events.push(`${e.type} ${e.text}`));
  return { s, c: await client(s.address.port), events };
}

test('two sentinels discover each other, vote once per epoch, detect ODOWN and elect one leader', async () => {
  const master = await startTestServer();
  let masterOpen = true;
  open.push({ close: () => (masterOpen ? master.close() : undefined) });
  const a = await sentinel(master.address.port);
  const b = await sentinel(master.address.port);

  await waitFor(async () => fields(await a.c.call('SENTINEL', 'MASTER', 'mymaster'))['num-other-sentinels'] === '1' &&
    fields(await b.c.call('SENTINEL', 'MASTER', 'mymaster'))['num-other-sentinels'] === '1', 10_000, 'sentinels discover each other');

  const m = fields(await a.c.call('SENTINEL', 'MASTER', 'mymaster'));
  assert.deepEqual(Object.keys(m), [
    'name', 'ip', 'port', 'runid', 'flags', 'link-pending-commands', 'link-refcount', 'last-ping-sent', 'last-ok-ping-reply',
    'last-ping-reply', 'down-after-milliseconds', 'info-refresh', 'role-reported', 'role-reported-time', 'config-epoch',
    'num-slaves', 'num-other-sentinels', 'quorum', 'failover-timeout', 'parallel-syncs',
  ]);
  assert.equal(m['flags'], 'master');
  assert.equal(m['runid'], master.server.runId);
  const otherOf = async (): Promise<Record<string, string>> => fields((await a.c.call('SENTINEL', 'SENTINELS', 'mymaster') as Decoded[])[0]!);
  await waitFor(async () => (await otherOf())['flags'] === 'sentinel', 5000, 'link to the other sentinel');
  const o = await otherOf();
  assert.equal(o['runid'], b.s.sentinel.myId);
  assert.equal(o['name'], b.s.sentinel.myId);
  assert.equal(o['port'], String(b.s.address.port));
  assert.equal(o['flags'], 'sentinel');
  assert.equal((await a.c.call('SENTINEL', 'CKQUORUM', 'mymaster') as { status: string }).status,
    'OK 2 usable Sentinels. Quorum and failover authorization can be reached');
  assert.deepEqual(await a.c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster'), ['127.0.0.1', String(master.address.port)]);
  assert.deepEqual(await a.c.call('ROLE'), ['sentinel', ['mymaster']]);

  // Votes: first asker of epoch 5 wins it; the current epoch follows the request.
  const port = String(master.address.port);
  assert.deepEqual(await a.c.call('SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', port, '5', 'x'.repeat(40)), [0, 'x'.repeat(40), 5]);
  assert.deepEqual(await a.c.call('SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', port, '5', 'y'.repeat(40)), [0, 'x'.repeat(40), 5]);
  assert.deepEqual(await a.c.call('SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', port, '0', '*'), [0, '*', 0]);
  assert.ok(a.events.includes('+new-epoch 5'));
  assert.ok(a.events.includes(`+vote-for-leader ${'x'.repeat(40)} 5`));

  // Events are published on the sentinel's own channels.
  const sub = await client(a.s.address.port);
  await sub.call('PSUBSCRIBE', '*');
  await master.close();
  masterOpen = false;
  await waitFor(() => a.events.some((e) => e.startsWith('+odown')) && b.events.some((e) => e.startsWith('+odown')), 10_000, 'ODOWN on both');
  assert.ok(a.events.includes(`+sdown master mymaster 127.0.0.1 ${port}`));
  assert.ok(a.events.some((e) => e === `+odown master mymaster 127.0.0.1 ${port} #quorum 2/2`));
  await waitFor(() => [...a.events, ...b.events].some((e) => e.startsWith('-failover-abort-no-good-slave')), 10_000, 'the elected leader finds no replica');
  const elected = [...a.events, ...b.events].filter((e) => e.startsWith('+elected-leader'));
  assert.equal(elected.length, 1, 'one leader for the epoch');
  const pushed = (await sub.read()).value as Decoded[];
  assert.equal(pushed[0], 'pmessage');
  assert.match(String(pushed[2]), /^[+-]/);
});

test('auth-pass: the sentinel authenticates to a master with requirepass; SENTINEL SET and MONITOR/REMOVE', async () => {
  const master = await startTestServer({ config: { requirepass: 'sekret' } });
  open.push(master);
  const s = await startSentinel({ sentinel: [`monitor pm 127.0.0.1 ${master.address.port} 1`, 'auth-pass pm sekret'] });
  open.push(s);
  const c = await client(s.address.port);
  await waitFor(async () => fields(await c.call('SENTINEL', 'MASTER', 'pm'))['runid'] === master.server.runId, 5000, 'INFO read through AUTH');
  assert.equal(fields(await c.call('SENTINEL', 'MASTER', 'pm'))['flags'], 'master');

  assert.deepEqual(await c.call('SENTINEL', 'SET', 'pm', 'down-after-milliseconds', '1234', 'quorum', '3'), { status: 'OK' });
  const f = fields(await c.call('SENTINEL', 'MASTER', 'pm'));
  assert.deepEqual([f['down-after-milliseconds'], f['quorum']], ['1234', '3']);
  assert.deepEqual(await c.call('SENTINEL', 'SET', 'pm', 'quorum', '0'), { error: "ERR Invalid argument '0' for SENTINEL SET 'quorum'" });
  assert.deepEqual(await c.call('SENTINEL', 'MONITOR', 'other', '127.0.0.1', '1', '2'), { status: 'OK' });
  assert.deepEqual(await c.call('SENTINEL', 'MONITOR', 'other', '127.0.0.1', '1', '2'), { error: 'ERR Duplicate master name.' });
  assert.equal((await c.call('SENTINEL', 'MASTERS') as Decoded[]).length, 2);
  assert.deepEqual(await c.call('SENTINEL', 'REMOVE', 'other'), { status: 'OK' });
  assert.deepEqual(await c.call('SENTINEL', 'MASTER', 'other'), { error: 'ERR No such master with that name' });
  assert.deepEqual(await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'other'), null);
});

test('sentinel-pass: sentinels with requirepass authenticate to each other', async () => {
  const master = await startTestServer();
  open.push(master);
  const lines = (p: number): string[] => [`monitor am 127.0.0.1 ${p} 2`, 'down-after-milliseconds am 500', 'sentinel-pass sp'];
  const a = await startSentinel({ sentinel: lines(master.address.port), config: { requirepass: 'sp' } });
  open.push(a);
  const b = await startSentinel({ sentinel: lines(master.address.port), config: { requirepass: 'sp' } });
  open.push(b);
  const c = await client(a.address.port);
  assert.deepEqual(await c.call('AUTH', 'sp'), { status: 'OK' });
  const other = async (): Promise<Record<string, string>> => fields((await c.call('SENTINEL', 'SENTINELS', 'am') as Decoded[])[0] ?? []);
  await waitFor(async () => (await other())['flags'] === 'sentinel', 10_000, 'the other sentinel is known and linked');
  // Without AUTH its PINGs would get -NOAUTH and it would be in SDOWN after 500 ms.
  const started = Date.now();
  await waitFor(() => Date.now() - started > 1500, 3000, 'well past down-after');
  const o = await other();
  assert.equal(o['flags'], 'sentinel');
  assert.ok(Number(o['last-ok-ping-reply']) < 1500, JSON.stringify(o));
  assert.deepEqual(await c.call('SENTINEL', 'CONFIG', 'GET', 'sentinel-pass'), ['sentinel-pass', 'sp']);
});

test('sentinel lines apply as redis-sentinel orders them: globals, then monitor, then per-master lines', async () => {
  const myid = 'c'.repeat(40);
  const s = await startSentinel({ sentinel: ['down-after-milliseconds mymaster 7000', 'monitor mymaster 127.0.0.1 6399 2', `myid ${myid}`] });
  open.push(s);
  const c = await client(s.address.port);
  assert.equal(await c.call('SENTINEL', 'MYID'), myid);
  const m = fields(await c.call('SENTINEL', 'MASTER', 'mymaster'));
  assert.equal(m['down-after-milliseconds'], '7000');
});

test('a quorum of 2^31 or more is negative where Redis reads it as an int: CKQUORUM, +monitor, the config file', async () => {
  // Redis 7.0 keeps the quorum unsigned (SENTINEL MASTER shows 3000000000) but CKQUORUM compares
  // `usable < (int)master->quorum` and the +monitor event and the rewritten file print it with %d.
  const s = await startSentinel({ sentinel: ['monitor mymaster 127.0.0.1 6399 2'] });
  open.push(s);
  const events: string[] = [];
  s.sentinel.eventListeners.push((e) => events.push(`${e.type} ${e.text}`));
  const c = await client(s.address.port);
  assert.deepEqual(await c.call('SENTINEL', 'CKQUORUM', 'mymaster'), {
    error: 'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master' });
  assert.deepEqual(await c.call('SENTINEL', 'SET', 'mymaster', 'quorum', '2147483648'), { status: 'OK' });
  assert.equal(fields(await c.call('SENTINEL', 'MASTER', 'mymaster'))['quorum'], '2147483648');
  assert.deepEqual(await c.call('SENTINEL', 'CKQUORUM', 'mymaster'),
    { status: 'OK 1 usable Sentinels. Quorum and failover authorization can be reached' });
  assert.deepEqual(await c.call('SENTINEL', 'MONITOR', 'big', '127.0.0.1', '6398', '3000000000'), { status: 'OK' });
  assert.ok(events.includes('+monitor master big 127.0.0.1 6398 quorum -1294967296'), events.join('\n'));
  const lines = sentinelConfigLines(s.sentinel).map(([, l]) => l);
  assert.ok(lines.includes('sentinel monitor mymaster 127.0.0.1 6399 -2147483648'), lines.join('\n'));
  assert.ok(lines.includes('sentinel monitor big 127.0.0.1 6398 -1294967296'), lines.join('\n'));
});
