/**
 * MODULE and the protected-command gate. With `enable-module-command` at its default, replies are
 * compared with redis-server's in test/interop/scripts/module.redis; what needs a server started
 * with the parameter set (which the shared differential servers are not) is checked here, with
 * the replies and log lines redis-server 7.0.15 gives (observed on one started with
 * --enable-module-command yes): LOAD and LOADEX fail with "Error loading the extension" and log
 * why, LOADEX's bad CONFIG/ARGS arguments log Redis's notice, UNLOAD knows no module. Also the
 * gate's place in the dispatcher: after arity, before authentication, inside MULTI; and `local`
 * by peer address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer, listen } from '../../src/node/build.js';
import { nodeEnvironment, nullSink } from '../../src/runtime/node/index.js';
import { Config } from '../../src/server/config/config.js';
import type { Server } from '../../src/server/server.js';
import { encodeCommand, parseReply, RespClient, type Decoded } from '../helpers/resp-client.js';
import { fakeConnection } from '../helpers/fake-connection.js';
import { withServer } from '../helpers/server.js';

const notAllowed = (label: string, param: string): { error: string } => ({
  error: `ERR ${label} command not allowed. If the ${param} option is set to "local", you can run it from a local ` +
    'connection, otherwise you need to set this option in the configuration file, and then restart the server.',
});
const MODULE_REFUSED = notAllowed('MODULE', 'enable-module-command');
const DEBUG_REFUSED = notAllowed('DEBUG', 'enable-debug-command');
const LOAD_FAILED = { error: 'ERR Error loading the extension. Please check the server logs.' };
const NO_SUCH_MODULE = { error: 'ERR Error unloading module: no such module with that name' };

/** A server on a free loopback port whose log lines are kept (message part only, with the level mark). */
async function withLoggedServer(config: Record<string, string>, fn: (c: RespClient, log: string[]) => Promise<void>): Promise<void> {
  const cfg = new Config();
  for (const [k, v] of Object.entries({ port: '0', bind: '127.0.0.1', save: '', ...config })) assert.equal(cfg.set(k, [v]), null, k);
  const log: string[] = [];
  const server = buildServer({
    env: nodeEnvironment(), config: cfg,
    logSink: { write: (line) => { log.push(line.replace(/^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} [\d:.]+ /, '').replace(/\n$/, '')); } },
  });
  const [l] = await listen(server);
  const c = await RespClient.connect((l!.address as { port: number }).port);
  try {
    await fn(c, log);
  } finally {
    c.close();
    await server.close();
  }
}

/** Sends commands over a fake connection from `remoteAddress` (or a unix socket) and decodes the replies. */
async function askFrom(server: Server, peer: { remoteAddress: string; isUnixSocket?: boolean }, cmds: string[][]): Promise<Decoded[]> {
  let out = Buffer.alloc(0);
  const conn = fakeConnection((b) => { out = Buffer.concat([out, b]); }, { isUnixSocket: false, ...peer });
  server.acceptConnection(conn);
  conn.onData(Buffer.concat(cmds.map((a) => encodeCommand(a))));
  await new Promise((r) => setImmediate(r));
  const replies: Decoded[] = [];
  for (let pos = 0; pos < out.length;) {
    const r = parseReply(out, pos);
    assert.ok(r !== null, 'incomplete reply');
    replies.push(r[0]);
    pos = r[1];
  }
  return replies;
}

test('MODULE LIST and HELP answer; LOAD, LOADEX and UNLOAD are refused by default', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('MODULE', 'LIST'), []);
    const help = (await c.call('MODULE', 'HELP')) as Array<{ status: string }>;
    assert.equal(help[0]!.status, 'MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help.length, 11);
    assert.deepEqual(await c.call('MODULE', 'LOAD', '/x.so'), MODULE_REFUSED);
    assert.deepEqual(await c.call('MODULE', 'LOADEX', '/x.so', 'CONFIG', 'a'), MODULE_REFUSED);
    assert.deepEqual(await c.call('MODULE', 'UNLOAD', 'x'), MODULE_REFUSED);
    // Arity comes first.
    assert.deepEqual(await c.call('MODULE', 'UNLOAD'), { error: "ERR wrong number of arguments for 'module|unload' command" });
  });
});

test('with enable-module-command yes, LOAD and LOADEX fail and log why; UNLOAD knows no module', async () => {
  await withLoggedServer({ 'enable-module-command': 'yes' }, async (c, log) => {
    assert.deepEqual(await c.call('MODULE', 'LOAD', '/nonexistent/x.so', 'a', 'b'), LOAD_FAILED);
    assert.deepEqual(log.slice(-1), ['# Module /nonexistent/x.so failed to load: Garrison cannot load Redis modules']);
    assert.deepEqual(await c.call('MODULE', 'LOADEX', '/m.so', 'config', 'a', 'b', 'ARGS', 'x', 'CONFIG'), LOAD_FAILED);
    assert.deepEqual(log.slice(-1), ['# Module /m.so failed to load: Garrison cannot load Redis modules']);
    // Bad LOADEX arguments: Redis's notice, and no attempt to load.
    const before = log.length;
    assert.deepEqual(await c.call('MODULE', 'LOADEX', '/m.so', 'CONFIG', 'a'), LOAD_FAILED);
    assert.deepEqual(await c.call('MODULE', 'LOADEX', '/m.so', 'CONFIG', 'a', 'b', 'foo'), LOAD_FAILED);
    assert.deepEqual(log.slice(before), [
      '* CONFIG specified without name value pair',
      '* Syntax Error from arguments to loadex around foo.',
    ]);
    assert.deepEqual(await c.call('MODULE', 'UNLOAD', 'anything'), NO_SUCH_MODULE);
    assert.deepEqual(await c.call('MODULE', 'LIST'), []);
    // Allowed commands queue in MULTI and fail at EXEC.
    assert.deepEqual(await c.call('MULTI'), { status: 'OK' });
    assert.deepEqual(await c.call('MODULE', 'LOAD', '/x.so'), { status: 'QUEUED' });
    assert.deepEqual(await c.call('EXEC'), [LOAD_FAILED]);
  });
});

test('protected commands are refused before authentication and abort a transaction', async () => {
  await withServer({ config: { requirepass: 'pw' } }, async (_s, c) => {
    // As redis-server 7.0.15: the protection check comes before NOAUTH.
    assert.deepEqual(await c.call('MODULE', 'LOAD', 'x'), MODULE_REFUSED);
    assert.deepEqual(await c.call('DEBUG', 'HELP'), DEBUG_REFUSED);
    assert.deepEqual(await c.call('MODULE', 'LIST'), { error: 'NOAUTH Authentication required.' });
    assert.deepEqual(await c.call('AUTH', 'pw'), { status: 'OK' });
    assert.deepEqual(await c.call('MULTI'), { status: 'OK' });
    assert.deepEqual(await c.call('MODULE', 'LIST'), { status: 'QUEUED' });
    assert.deepEqual(await c.call('MODULE', 'UNLOAD', 'x'), MODULE_REFUSED);
    assert.deepEqual(await c.call('EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });
    assert.match((await c.call('INFO', 'commandstats')) as string, /cmdstat_module\|unload:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0/);
  });
});

test('enable-module-command and enable-debug-command local: unix sockets, 127.0.0.1 and ::1 only', async () => {
  const cfg = new Config();
  assert.equal(cfg.set('enable-module-command', ['local']), null);
  assert.equal(cfg.set('enable-debug-command', ['local']), null);
  assert.equal(cfg.set('protected-mode', ['no']), null);
  const server = buildServer({ env: nodeEnvironment(), config: cfg, logSink: nullSink });
  try {
    const cmds = [['MODULE', 'UNLOAD', 'x'], ['DEBUG', 'DIGEST']];
    const allowed = [NO_SUCH_MODULE, { status: '0'.repeat(40) }];
    for (const peer of [{ remoteAddress: '127.0.0.1' }, { remoteAddress: '::1' }, { remoteAddress: '', isUnixSocket: true }]) {
      assert.deepEqual(await askFrom(server, peer, cmds), allowed, JSON.stringify(peer));
    }
    // Redis's islocalClient compares the address with 127.0.0.1 and ::1 exactly.
    for (const remoteAddress of ['10.0.0.1', '127.0.0.2']) {
      assert.deepEqual(await askFrom(server, { remoteAddress }, cmds), [MODULE_REFUSED, DEBUG_REFUSED], remoteAddress);
    }
  } finally {
    await server.close();
  }
});
