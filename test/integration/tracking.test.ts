/**
 * Client-side caching (CLIENT TRACKING) without Redis installed: the texts and bytes asserted here
 * are what redis-server 7.0.15 sends (test/interop/tracking.test.ts compares the two servers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawConn } from '../helpers/raw-conn.js';
import { withServer } from '../helpers/server.js';
import { encodeCommand, RespClient, waitFor } from '../helpers/resp-client.js';

const INV = (...keys: string[]): string => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;

/** A connection that keeps every byte it receives, to check replies and pushes in order. */
class Raw {
  private constructor(private readonly c: RawConn) {}

  static async open(port: number): Promise<Raw> {
    return new Raw(await RawConn.connect(port));
  }

  /** Sends a command and waits until the output ends with `expected`; returns and clears it. */
  async send(expected: string, ...argv: string[]): Promise<string> {
    this.c.write(encodeCommand(argv));
    return this.expect(expected);
  }

  async expect(expected: string): Promise<string> {
    await waitFor(() => this.c.text().endsWith(expected), 3000, `output ending with ${JSON.stringify(expected)}, got ${JSON.stringify(this.c.text())}`);
    return this.c.take().toString('latin1');
  }

  close(): void {
    this.c.close();
  }
}

test('CLIENT TRACKING argument errors, TRACKINGINFO and GETREDIR', async () => {
  await withServer({}, async (_s, c) => {
    const err = async (msg: string, ...argv: string[]): Promise<void> => assert.deepEqual(await c.call(...argv), { error: msg });
    await err('ERR PREFIX option requires BCAST mode to be enabled', 'CLIENT', 'TRACKING', 'on', 'PREFIX', 'x');
    await err('ERR OPTIN and OPTOUT are not compatible with BCAST', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN');
    await err("ERR You can't specify both OPTIN mode and OPTOUT mode", 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT');
    await err('ERR The client ID you want redirect to does not exist', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '9999');
    await err('ERR value is not an integer or out of range', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x');
    const me = String(await c.call('CLIENT', 'ID'));
    await err('ERR A client can only redirect to a single other client', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', me, 'REDIRECT', me);
    await err('ERR syntax error', 'CLIENT', 'TRACKING', 'on', 'PREFIX');
    await err('ERR syntax error', 'CLIENT', 'TRACKING', 'maybe');
    await err("ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.",
      'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a');
    await err('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled', 'CLIENT', 'CACHING', 'yes');
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['off'], 'redirect', -1, 'prefixes', []]);
    assert.equal(await c.call('CLIENT', 'GETREDIR'), -1);

    assert.deepEqual(await c.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'cd', 'PREFIX', 'ab'), { status: 'OK' });
    await err("ERR Prefix 'abc' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.",
      'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'abc');
    await err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      'CLIENT', 'TRACKING', 'on');
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['on', 'bcast'], 'redirect', 0, 'prefixes', ['ab', 'cd']]);
    assert.equal(await c.call('CLIENT', 'GETREDIR'), 0);
    assert.match(String(await c.call('CLIENT', 'INFO')), / flags=tB .* redir=0 resp=2/);
    assert.deepEqual(await c.call('CLIENT', 'TRACKING', 'off'), { status: 'OK' });

    assert.deepEqual(await c.call('CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP', 'REDIRECT', me), { status: 'OK' });
    await err('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.', 'CLIENT', 'CACHING', 'no');
    await err('ERR syntax error', 'CLIENT', 'CACHING', 'maybe');
    await err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      'CLIENT', 'TRACKING', 'on', 'OPTOUT');
    assert.deepEqual(await c.call('CLIENT', 'CACHING', 'yes'), { status: 'OK' });
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['on', 'optin', 'caching-yes', 'noloop'], 'redirect', Number(me), 'prefixes', []]);
    // Any other command ends CACHING's reach.
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['on', 'optin', 'noloop'], 'redirect', Number(me), 'prefixes', []]);
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['off'], 'redirect', -1, 'prefixes', []]);
  });
});

test('RESP3 default mode: invalidations after the reply, once per key, NOLOOP, flushes', async () => {
  await withServer({}, async (s, b) => {
    const a = await Raw.open(s.address.port);
    try {
      await a.send('$7\r\nmodules\r\n*0\r\n', 'HELLO', '3');
      assert.equal(await a.send('+OK\r\n', 'CLIENT', 'TRACKING', 'on'), '+OK\r\n');
      assert.equal(await a.send('*2\r\n_\r\n_\r\n', 'MGET', 'k1', 'k2'), '*2\r\n_\r\n_\r\n');
      await b.call('SET', 'k1', 'x');
      assert.equal(await a.expect(INV('k1')), INV('k1'));
      await b.call('SET', 'k1', 'y'); // forgotten after the first invalidation
      // The writer's own invalidation comes after its reply.
      assert.equal(await a.send(INV('k2'), 'SET', 'k2', 'v'), `+OK\r\n${INV('k2')}`);
      // EXEC: the whole reply, then the invalidations.
      await a.send('_\r\n', 'GET', 'k3');
      await a.send('+OK\r\n', 'MULTI');
      await a.send('+QUEUED\r\n', 'SET', 'k3', '1');
      await a.send('+QUEUED\r\n', 'GET', 'k1');
      assert.equal(await a.send(INV('k3'), 'EXEC'), `*2\r\n+OK\r\n$1\r\ny\r\n${INV('k3')}`);
      await b.call('DEL', 'k1');
      assert.equal(await a.expect(INV('k1')), INV('k1'));
      // Flushes send a null to every tracking client, the flusher after its reply.
      await b.call('FLUSHDB');
      assert.equal(await a.expect('>2\r\n$10\r\ninvalidate\r\n_\r\n'), '>2\r\n$10\r\ninvalidate\r\n_\r\n');
      assert.equal(await a.send('invalidate\r\n_\r\n', 'FLUSHALL'), '+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n');
      // NOLOOP: nothing for the client's own writes.
      await a.send('+OK\r\n', 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
      await a.send('_\r\n', 'GET', 'n1');
      assert.equal(await a.send('+OK\r\n', 'SET', 'n1', '1'), '+OK\r\n');
      await a.send('$1\r\n1\r\n', 'GET', 'n1');
      await b.call('SET', 'n1', '2');
      assert.equal(await a.expect(INV('n1')), INV('n1'));
      // Expiry (lazy, by another client's read) invalidates.
      await b.call('SET', 'e1', 'v', 'PX', '20');
      await a.send('$1\r\nv\r\n', 'GET', 'e1');
      await waitFor(async () => (await b.call('GET', 'e1')) === null, 3000, 'e1 expired');
      assert.equal(await a.expect(INV('e1')), INV('e1'));
      assert.match(String(await b.call('INFO', 'clients')), /tracking_clients:1\r\n/);
    } finally {
      a.close();
    }
  });
});

test('BCAST: per prefix, sorted, batched per turn; RESP2 through a redirect subscribed to __redis__:invalidate', async () => {
  await withServer({}, async (s, b) => {
    const a = await Raw.open(s.address.port);
    const r = await RespClient.connect(s.address.port);
    const t = await RespClient.connect(s.address.port);
    try {
      await a.send('$7\r\nmodules\r\n*0\r\n', 'HELLO', '3');
      await a.send('+OK\r\n', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'zz', 'PREFIX', 'cd');
      await b.call('MSET', 'zz2', '1', 'cdz', '2', 'zz1', '3', 'other', '4');
      assert.equal(await a.expect(INV('zz1', 'zz2')), INV('cdz') + INV('zz1', 'zz2'));
      const info = String(await b.call('INFO', 'stats'));
      assert.match(info, /tracking_total_prefixes:2\r\n/);

      // RESP2: invalidations reach a redirect client in pub/sub context as messages.
      const rid = await r.call('CLIENT', 'ID');
      r.writeRaw(encodeCommand(['SUBSCRIBE', '__redis__:invalidate']));
      await r.read();
      assert.deepEqual(await t.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(rid)), { status: 'OK' });
      await t.call('GET', 'k1');
      await b.call('SET', 'k1', 'x');
      assert.equal((await r.read()).raw.toString('latin1'), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$2\r\nk1\r\n');
      await b.call('FLUSHALL');
      // The null is the tracking client's own (RESP2) null.
      assert.equal((await r.read()).raw.toString('latin1'), '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n');
      // The redirect client goes away: the redirect is broken (flag R), RESP2 hears nothing.
      r.close();
      await waitFor(async () => /connected_clients:3\r\n/.test(String(await b.call('INFO', 'clients'))), 3000, 'r gone');
      await t.call('GET', 'k2');
      await b.call('SET', 'k2', 'x');
      await waitFor(async () => / flags=tR /.test(String(await t.call('CLIENT', 'INFO'))), 3000, 'broken redirect');
      assert.deepEqual(await t.call('CLIENT', 'TRACKINGINFO'), ['flags', ['on', 'broken_redirect'], 'redirect', rid, 'prefixes', []]);
    } finally {
      a.close();
      r.close();
      t.close();
    }
  });
});

test('tracking-table-max-keys evicts keys and invalidates them', async () => {
  await withServer({}, async (s, b) => {
    const a = await RespClient.connect(s.address.port);
    try {
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on');
      await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '2');
      await a.call('MGET', 'm1', 'm2', 'm3', 'm4', 'm5');
      await b.call('PING'); // the next command trims the table
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push((await a.nextPush()).raw.toString('latin1'));
      assert.deepEqual(got, [INV('m1'), INV('m2'), INV('m3')]);
      const info = String(await b.call('INFO', 'stats'));
      assert.match(info, /tracking_total_keys:2\r\ntracking_total_items:2\r\n/);
      // Disabling tracking leaves the keys in the table (Redis cleans them lazily).
      await a.call('CLIENT', 'TRACKING', 'off');
      assert.match(String(await b.call('INFO', 'stats')), /tracking_total_keys:2\r\n/);
      await b.call('SET', 'm4', '1');
      assert.match(String(await b.call('INFO', 'stats')), /tracking_total_keys:1\r\ntracking_total_items:1\r\n/);
    } finally {
      a.close();
    }
  });
});

test('two given prefixes overlapping after the first: the error, then +OK, tracking on (Redis 7.0.15)', async () => {
  await withServer({}, async (s, b) => {
    const a = await Raw.open(s.address.port);
    try {
      const text = "-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client must not overlap.\r\n";
      assert.equal(await a.send('+OK\r\n', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'PREFIX', 'bc'), `${text}+OK\r\n`);
      await a.send('\r\n', 'CLIENT', 'TRACKINGINFO');
      assert.match(String(await b.call('INFO', 'stats')), /tracking_total_prefixes:3\r\n/);
      assert.match(String(await b.call('INFO', 'errorstats')), /errorstat_ERR:count=1\r\n/);
    } finally {
      a.close();
    }
  });
});
