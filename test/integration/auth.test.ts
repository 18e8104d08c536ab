import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/node/build.js';
import { nodeEnvironment, nullSink } from '../../src/runtime/node/index.js';
import { Config } from '../../src/server/config/config.js';
import { encodeCommand, RespClient, type Decoded } from '../helpers/resp-client.js';
import { withServer } from '../helpers/server.js';
import { fakeConnection } from '../helpers/fake-connection.js';

const NOAUTH = { error: 'NOAUTH Authentication required.' };
const WRONGPASS = { error: 'WRONGPASS invalid username-password pair or user is disabled.' };

function mapOf(d: Decoded): Map<string, Decoded> {
  assert.ok(typeof d === 'object' && d !== null && !Array.isArray(d) && 'map' in d, `expected a map, got ${JSON.stringify(d)}`);
  const pairs = (d as { map: Array<[Decoded, Decoded]> }).map;
  return new Map(pairs.map(([k, v]) => [k as string, v]));
}

test('requirepass: NOAUTH until AUTH, WRONGPASS for bad credentials, failed AUTH keeps an earlier login', async () => {
  await withServer({ config: { requirepass: 's3cret' } }, async (_s, c) => {
    assert.deepEqual(await c.call('GET', 'a'), NOAUTH);
    assert.deepEqual(await c.call('PING'), NOAUTH);
    assert.deepEqual(await c.call('AUTH'), { error: "ERR wrong number of arguments for 'auth' command" });
    assert.deepEqual(await c.call('AUTH', 'a', 'b', 'c'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('AUTH', 'wrong'), WRONGPASS);
    assert.deepEqual(await c.call('AUTH', 'bob', 's3cret'), WRONGPASS);
    assert.deepEqual(await c.call('AUTH', 'default', 'S3CRET'), WRONGPASS);
    assert.deepEqual(await c.call('GET', 'a'), NOAUTH);
    assert.deepEqual(await c.call('AUTH', 's3cret'), { status: 'OK' });
    assert.equal(await c.call('GET', 'a'), null);
    assert.deepEqual(await c.call('AUTH', 'wrong'), WRONGPASS);
    assert.equal(await c.call('GET', 'a'), null); // still authenticated
    assert.deepEqual(await c.call('AUTH', 'default', 's3cret'), { status: 'OK' });
  });
});

test('unauthenticated clients get the parser\'s small limits; authenticating lifts them', async () => {
  await withServer({ config: { requirepass: 'pw' } }, async (s, c) => {
    const many = ['DEL', ...Array.from({ length: 20 }, (_, i) => `k${i}`)];
    const other = await RespClient.connect(s.address.port);
    try {
      other.writeRaw(encodeCommand(many));
      assert.deepEqual((await other.read()).value, { error: 'ERR Protocol error: unauthenticated multibulk length' });
      await other.waitClosed();
    } finally {
      other.close();
    }
    await c.call('AUTH', 'pw');
    assert.equal(await c.call(...many), 0);
  });
});

test('without a password: one-argument AUTH explains, the default user takes any password', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('AUTH', 'x'), {
      error: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    });
    assert.deepEqual(await c.call('AUTH', 'default', 'anything'), { status: 'OK' });
    assert.deepEqual(await c.call('AUTH', 'someone', 'anything'), WRONGPASS);
  });
});

test('HELLO: errors, AUTH and SETNAME options, Redis 7.0 reply map, RESP3 afterwards', async () => {
  await withServer({ config: { requirepass: 'pw' } }, async (s, c) => {
    assert.deepEqual(await c.call('HELLO', '3'), {
      error: 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    });
    assert.deepEqual(await c.call('HELLO', '4'), { error: 'NOPROTO unsupported protocol version' });
    assert.deepEqual(await c.call('HELLO', 'x'), { error: 'ERR Protocol version is not an integer or out of range' });
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'default'), { error: "ERR Syntax error in HELLO option 'AUTH'" });
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'default', 'bad'), WRONGPASS);
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'a b'), {
      error: 'ERR Client names cannot contain spaces, newlines or special characters.',
    });
    // That HELLO authenticated before refusing the name; the protocol is still RESP2.
    assert.equal((await c.callRaw('GET', 'nokey')).raw.toString('latin1'), '$-1\r\n');

    const m = mapOf(await c.call('HELLO', '3', 'auth', 'default', 'pw', 'setname', 'conn1'));
    assert.deepEqual([...m.keys()], ['server', 'version', 'proto', 'id', 'mode', 'role', 'modules']);
    assert.equal(m.get('server'), 'redis');
    assert.equal(m.get('version'), '7.0.15');
    assert.equal(m.get('proto'), 3);
    assert.equal(m.get('mode'), 'standalone');
    assert.equal(m.get('role'), 'master');
    assert.deepEqual(m.get('modules'), []);
    const me = [...s.server.clients.values()].find((cl) => cl.name === 'conn1');
    assert.ok(me !== undefined, 'SETNAME applied');
    assert.equal(m.get('id'), me.id);
    assert.equal((await c.callRaw('GET', 'nokey')).raw.toString('latin1'), '_\r\n');
    const back = await c.callRaw('HELLO', '2');
    assert.ok(back.raw.toString('latin1').startsWith('*14\r\n$6\r\nserver\r\n'));
    assert.equal((await c.callRaw('GET', 'nokey')).raw.toString('latin1'), '$-1\r\n');
  });
});

test('RESET: leaves MULTI, WATCH and subscriptions, back to RESP2, db 0, no name, and deauthenticates', async () => {
  await withServer({ config: { requirepass: 'pw' } }, async (s, c) => {
    await c.call('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'before');
    await c.call('SELECT', '4');
    await c.call('SET', 'in4', 'x');
    await c.call('WATCH', 'in4');
    c.writeRaw(encodeCommand(['SUBSCRIBE', 'ch']));
    await c.nextPush();
    await c.call('MULTI');
    await c.call('SET', 'queued', '1');
    const me = [...s.server.clients.values()][0]!;
    assert.equal(me.subscriptionCount(), 1);
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assert.equal(me.name, '');
    assert.equal(me.resp, 2);
    assert.equal(me.db.id, 0);
    assert.equal(me.multi, null);
    assert.equal(me.watched, null);
    assert.equal(me.subscriptionCount(), 0);
    assert.equal(s.server.pubsub.channels.size, 0);
    assert.deepEqual(await c.call('GET', 'in4'), NOAUTH);
    await c.call('AUTH', 'pw');
    assert.equal((await c.callRaw('GET', 'in4')).raw.toString('latin1'), '$-1\r\n'); // db 0, RESP2
    assert.deepEqual(await c.call('EXEC'), { error: 'ERR EXEC without MULTI' });
    assert.equal(await c.call('GET', 'queued'), null);
  });
});

test('protected mode: a non-loopback peer without a password gets Redis 7.0.15\'s DENIED text', async () => {
  const DENIED =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";
  const attempt = async (remoteAddress: string, config: Record<string, string>, unix = false): Promise<{ written: string; ended: boolean; accepted: boolean }> => {
    const cfg = new Config();
    for (const [k, v] of Object.entries(config)) assert.equal(cfg.set(k, [v]), null);
    const server = buildServer({ env: nodeEnvironment(), config: cfg, logSink: nullSink });
    let written = '';
    let ended = false;
    const conn = fakeConnection((d) => { written += d.toString('latin1'); }, {
      remoteAddress, localAddress: '10.0.0.2', isUnixSocket: unix,
      end: () => { ended = true; }, destroy: () => { ended = true; },
    });
    server.acceptConnection(conn);
    const accepted = server.clients.size === 1;
    const endedAtAccept = ended;
    await server.close();
    return { written, ended: endedAtAccept, accepted };
  };
  // Redis 7.0.15 accepts exactly 127.0.0.1 and ::1: another loopback address is denied too.
  for (const addr of ['10.0.0.1', '127.1.2.3', '127.0.0.2']) {
    const denied = await attempt(addr, {});
    assert.equal(denied.written, DENIED, addr);
    assert.ok(denied.ended && !denied.accepted, addr);
  }
  for (const [addr, cfg, unix] of [
    ['127.0.0.1', {}, false], ['::1', {}, false], ['::ffff:127.0.0.1', {}, false],
    ['10.0.0.1', { requirepass: 'x' }, false], ['10.0.0.1', { 'protected-mode': 'no' }, false], ['', {}, true],
  ] as const) {
    const r = await attempt(addr, cfg, unix);
    assert.ok(r.accepted && r.written === '' && !r.ended, `${addr} ${JSON.stringify(cfg)} should be accepted: ${JSON.stringify(r)}`);
  }
});
