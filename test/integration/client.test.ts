/** CLIENT: ids and names, LIST/INFO line format and filters, KILL forms, PAUSE, REPLY, NO-EVICT. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';

const FIELDS = ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
  'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp'];

function parseLine(line: string): Map<string, string> {
  return new Map(line.split(' ').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
  }));
}

function lines(r: Decoded): Array<Map<string, string>> {
  assert.equal(typeof r, 'string');
  const text = r as string;
  if (text === '') return [];
  assert.ok(text.endsWith('\n'));
  return text.slice(0, -1).split('\n').map(parseLine);
}

test('ID, SETNAME/GETNAME and the name rules', async () => {
  await withServer({}, async (_s, c) => {
    const id = await c.call('CLIENT', 'ID');
    assert.equal(typeof id, 'number');
    assert.equal(await c.call('CLIENT', 'GETNAME'), null);
    assert.deepEqual(await c.call('CLIENT', 'SETNAME', 'worker-1'), { status: 'OK' });
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'worker-1');
    const bad = { error: 'ERR Client names cannot contain spaces, newlines or special characters.' };
    for (const name of ['a b', 'a\nb', 'caf\xe9', '\x7f', 'tab\t']) assert.deepEqual(await c.call('CLIENT', 'SETNAME', name), bad);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'worker-1', 'a refused name leaves the old one');
    assert.deepEqual(await c.call('CLIENT', 'SETNAME', ''), { status: 'OK' });
    assert.equal(await c.call('CLIENT', 'GETNAME'), null);
    assert.deepEqual(await c.call('CLIENT', 'SETNAME'), { error: "ERR wrong number of arguments for 'client|setname' command" });
    assert.deepEqual(await c.call('CLIENT', 'NOSUCH'), { error: "ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP." });
  });
});

test('CLIENT INFO / LIST print Redis 7.0\'s fields in order', async () => {
  await withServer({}, async (s, c) => {
    await c.call('CLIENT', 'SETNAME', 'me');
    await c.call('SELECT', '3');
    const [self] = lines(await c.call('CLIENT', 'INFO'));
    assert.deepEqual([...self!.keys()], FIELDS);
    assert.equal(self!.get('id'), String(await c.call('CLIENT', 'ID')));
    assert.equal(self!.get('name'), 'me');
    assert.equal(self!.get('db'), '3');
    assert.equal(self!.get('flags'), 'N');
    assert.equal(self!.get('cmd'), 'client|info');
    assert.equal(self!.get('laddr'), `127.0.0.1:${s.address.port}`);
    assert.equal(self!.get('argv-mem'), '10');
    assert.equal(self!.get('multi'), '-1');
    assert.equal(self!.get('resp'), '2');
    assert.equal(self!.get('user'), 'default');
    const other = await RespClient.connect(s.address.port);
    try {
      await other.call('CLIENT', 'NO-EVICT', 'on');
      await other.call('MULTI');
      await other.call('SET', 'x', 'y');
      const all = lines(await c.call('CLIENT', 'LIST'));
      assert.equal(all.length, 2);
      const o = all.find((l) => l.get('id') !== self!.get('id'))!;
      assert.equal(o.get('flags'), 'xe');
      assert.equal(o.get('multi'), '1');
      assert.equal(o.get('multi-mem'), '5', 'the queued argv bytes: SET x y');
      assert.equal(o.get('cmd'), 'set');
      await other.call('DISCARD');
      // RESP3 clients get a verbatim string.
      await c.call('HELLO', '3');
      const v = await c.call('CLIENT', 'INFO');
      assert.equal((v as { format: string }).format, 'txt');
    } finally {
      other.close();
    }
  });
});

test('CLIENT LIST filters: TYPE and ID', async () => {
  await withServer({}, async (s, c) => {
    const sub = await RespClient.connect(s.address.port);
    try {
      const subId = await sub.call('CLIENT', 'ID');
      const myId = await c.call('CLIENT', 'ID');
      await sub.call('SUBSCRIBE', 'ch');
      await waitFor(async () => lines(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).length === 1, 2000, 'pubsub client');
      const [p] = lines(await c.call('CLIENT', 'LIST', 'TYPE', 'PubSub'));
      assert.equal(p!.get('id'), String(subId));
      assert.equal(p!.get('flags'), 'P');
      assert.equal(p!.get('sub'), '1');
      assert.deepEqual(lines(await c.call('CLIENT', 'LIST', 'TYPE', 'normal')).map((l) => l.get('id')), [String(myId)]);
      assert.deepEqual(lines(await c.call('CLIENT', 'LIST', 'TYPE', 'replica')), []);
      assert.deepEqual(lines(await c.call('CLIENT', 'LIST', 'TYPE', 'slave')), []);
      assert.deepEqual(lines(await c.call('CLIENT', 'LIST', 'TYPE', 'master')), []);
      assert.deepEqual(await c.call('CLIENT', 'LIST', 'TYPE', 'foo'), { error: "ERR Unknown client type 'foo'" });
      assert.deepEqual(lines(await c.call('CLIENT', 'LIST', 'ID', String(subId), '999', String(myId), String(subId))).map((l) => l.get('id')),
        [String(subId), String(myId), String(subId)]);
      assert.deepEqual(await c.call('CLIENT', 'LIST', 'ID', String(myId), 'x'), { error: 'ERR Invalid client ID' });
      assert.deepEqual(await c.call('CLIENT', 'LIST', 'ID'), { error: 'ERR syntax error' });
      assert.deepEqual(await c.call('CLIENT', 'LIST', 'TYPE', 'normal', 'x'), { error: 'ERR syntax error' });
      assert.deepEqual(await c.call('CLIENT', 'LIST', 'foo'), { error: 'ERR syntax error' });
    } finally {
      sub.close();
    }
  });
});

test('CLIENT KILL: the old addr form and the filter form', async () => {
  await withServer({}, async (s, c) => {
    const a = await RespClient.connect(s.address.port);
    const b = await RespClient.connect(s.address.port);
    const d = await RespClient.connect(s.address.port);
    try {
      const [aInfo] = lines(await a.call('CLIENT', 'INFO'));
      assert.deepEqual(await c.call('CLIENT', 'KILL', aInfo!.get('addr')!), { status: 'OK' });
      await a.waitClosed();
      assert.deepEqual(await c.call('CLIENT', 'KILL', aInfo!.get('addr')!), { error: 'ERR No such client' });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'nosuch'), { error: 'ERR No such client' });

      const bId = await b.call('CLIENT', 'ID');
      assert.equal(await c.call('CLIENT', 'KILL', 'ID', String(bId)), 1);
      await b.waitClosed();
      assert.equal(await c.call('CLIENT', 'KILL', 'ID', String(bId)), 0);
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'ID', '0'), { error: 'ERR client-id should be greater than 0' });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'ID', 'x'), { error: 'ERR client-id should be greater than 0' });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'TYPE', 'foo'), { error: "ERR Unknown client type 'foo'" });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'USER', 'nosuch'), { error: "ERR No such user 'nosuch'" });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'SKIPME', 'maybe'), { error: 'ERR syntax error' });
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'MAXAGE', '10'), { error: 'ERR syntax error' }, 'MAXAGE is Redis 7.4');
      assert.deepEqual(await c.call('CLIENT', 'KILL', 'ID', '1', 'TYPE'), { error: 'ERR syntax error' });
      assert.equal(await c.call('CLIENT', 'KILL', 'LADDR', '1.2.3.4:5'), 0);

      // TYPE normal skips the caller by default; LADDR matches the server side of the socket.
      assert.equal(await c.call('CLIENT', 'KILL', 'TYPE', 'normal', 'LADDR', `127.0.0.1:${s.address.port}`, 'USER', 'default'), 1);
      await d.waitClosed();
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      // SKIPME no: the caller is killed too, after its reply.
      assert.equal(await c.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no'), 1);
      await c.waitClosed();
    } finally {
      a.close();
      b.close();
      d.close();
    }
  });
});

test('CLIENT KILL by address kills the caller itself with the old form', async () => {
  await withServer({}, async (_s, c) => {
    const [me] = lines(await c.call('CLIENT', 'INFO'));
    assert.deepEqual(await c.call('CLIENT', 'KILL', me!.get('addr')!), { status: 'OK' });
    await c.waitClosed();
  });
});

test('CLIENT PAUSE ALL holds every command until UNPAUSE', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      const otherId = String(await other.call('CLIENT', 'ID'));
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', '100000'), { status: 'OK' });
      let answered = false;
      const pending = other.call('GET', 'k').then((r) => { answered = true; return r; });
      const admin = await RespClient.connect(s.address.port);
      try {
        // The paused client shows flag b; LIST itself is paused for the admin too, so read it from the server.
        await waitFor(() => s.server.isPostponed([...s.server.clients.values()].find((x) => String(x.id) === otherId)!), 2000, 'postponed');
        assert.equal(answered, false);
        s.server.unpauseClients();
        assert.equal(await pending, null);
      } finally {
        admin.close();
      }
    } finally {
      other.close();
    }
  });
});

test('CLIENT PAUSE WRITE holds writes only, and ends by itself', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await c.call('SET', 'k', 'old');
      const t0 = Date.now();
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', '300', 'WRITE'), { status: 'OK' });
      assert.equal(await other.call('GET', 'k'), 'old', 'reads go on');
      let written = false;
      const pendingSet = other.call('SET', 'k', 'new').then((r) => { written = true; return r; });
      await waitFor(() => lines0(s).some((l) => l.includes('flags=b')), 2000, 'flag b');
      assert.equal(written, false);
      assert.equal(await c.call('GET', 'k'), 'old');
      assert.deepEqual(await pendingSet, { status: 'OK' });
      assert.ok(Date.now() - t0 >= 250, 'the write waited for the pause to end');
      assert.equal(await c.call('GET', 'k'), 'new');
      // A longer or wider pause wins while one runs; UNPAUSE ends it.
      await c.call('CLIENT', 'PAUSE', '100000', 'WRITE');
      await c.call('CLIENT', 'PAUSE', '10', 'ALL');
      assert.equal(s.server.pauseWritesOnly, false);
      assert.ok(s.server.pauseUntilMs > Date.now() + 50000);
      s.server.unpauseClients();
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', '10', 'NONE'), { error: 'ERR CLIENT PAUSE mode must be WRITE or ALL' });
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', 'x'), { error: 'ERR timeout is not an integer or out of range' });
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', '-1'), { error: 'ERR timeout is negative' });
      assert.deepEqual(await c.call('CLIENT', 'PAUSE', '10', 'WRITE', 'x'),
        { error: "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP." });
      assert.deepEqual(await c.call('CLIENT', 'UNPAUSE'), { status: 'OK' });
    } finally {
      other.close();
    }
  });
});

function lines0(s: { server: { clients: Map<number, unknown> } }): string[] {
  // CLIENT LIST as the server would print it, without going through a (possibly paused) client.
  return [...(s.server as unknown as { clients: Map<number, { id: number; multi: unknown }> }).clients.values()]
    .map((cl) => `id=${cl.id} flags=${(s.server as unknown as { isPostponed(x: unknown): boolean }).isPostponed(cl) ? 'b' : 'N'}`);
}

test('CLIENT PAUSE WRITE also holds an EXEC whose queue writes', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await other.call('MULTI');
      await other.call('GET', 'k');
      await c.call('CLIENT', 'PAUSE', '100000', 'WRITE');
      // A read-only transaction runs...
      assert.deepEqual(await other.call('EXEC'), [null]);
      // ...a writing one waits.
      await other.call('MULTI');
      let done = false;
      const queued = other.call('INCR', 'k').then((r) => { done = true; return r; });
      await waitFor(() => lines0(s).some((l) => l.includes('flags=b')), 2000, 'INCR postponed while queueing');
      assert.equal(done, false);
      await c.call('CLIENT', 'UNPAUSE');
      assert.deepEqual(await queued, { status: 'QUEUED' });
      assert.deepEqual(await other.call('EXEC'), [1]);
    } finally {
      other.close();
    }
  });
});

test('CLIENT REPLY OFF / SKIP / ON', async () => {
  await withServer({}, async (_s, c) => {
    // OFF: nothing comes back until ON, whose OK is the next reply.
    c.writeRaw('CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY ON\r\n');
    assert.deepEqual((await c.read()).value, { status: 'OK' });
    assert.equal(await c.call('GET', 'a'), '1');
    // SKIP: neither SKIP's reply nor the next command's.
    c.writeRaw('CLIENT REPLY SKIP\r\nSET a 2\r\nGET a\r\n');
    assert.equal((await c.read()).value, '2');
    // SKIP while OFF stays OFF.
    c.writeRaw('CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nPING\r\nPING\r\nCLIENT REPLY ON\r\n');
    assert.deepEqual((await c.read()).value, { status: 'OK' });
    assert.deepEqual(await c.call('CLIENT', 'REPLY', 'maybe'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('ECHO', 'still here'), 'still here');
  });
});

test('CLIENT NO-EVICT, GETREDIR, TRACKINGINFO and HELP', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('CLIENT', 'NO-EVICT', 'ON'), { status: 'OK' });
    assert.equal(lines(await c.call('CLIENT', 'INFO'))[0]!.get('flags'), 'e');
    assert.deepEqual(await c.call('CLIENT', 'NO-EVICT', 'off'), { status: 'OK' });
    assert.equal(lines(await c.call('CLIENT', 'INFO'))[0]!.get('flags'), 'N');
    assert.deepEqual(await c.call('CLIENT', 'NO-EVICT', 'maybe'), { error: 'ERR syntax error' });
    assert.equal(await c.call('CLIENT', 'GETREDIR'), -1);
    assert.deepEqual(await c.call('CLIENT', 'TRACKINGINFO'), ['flags', ['off'], 'redirect', -1, 'prefixes', []]);
    const help = (await c.call('CLIENT', 'HELP')) as Array<{ status: string }>;
    assert.equal(help[0]!.status, 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help[help.length - 1]!.status, '    Prints this help.');
  });
});
