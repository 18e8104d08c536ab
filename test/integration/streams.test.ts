/**
 * Streams over real sockets: XREAD / XREADGROUP BLOCK woken by XADD (with `$` resolved when the
 * client blocked), timeouts, MULTI, the 7.0.15 errors of blocked XREADGROUP clients (group
 * destroyed, stream deleted), CLIENT UNBLOCK, and what stream commands propagate and notify
 * (facts checked against redis-server 7.0.15's AOF).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { block, blockedClients, connect, served } from '../helpers/blocking.js';
import { drain, record } from '../helpers/recorder.js';

test('XREAD BLOCK with $ is served by a later XADD, not by entries older than the block', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      await admin.call('XADD', 'k', '5-1', 'a', '1');
      const [r1] = await block(admin, c1!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
      const [r2] = await block(admin, c2!, 'XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'other', 'k', '0', '$');
      // Delete and recreate below the resolved ID: nobody is served, both keep waiting.
      await admin.call('DEL', 'k');
      await admin.call('XADD', 'k', '1-1', 'old', 'x');
      await admin.call('SET', 'other', 'str');
      assert.equal(await blockedClients(admin), 2);
      await admin.call('XADD', 'k', '6-1', 'b', '2', 'c', '3');
      assert.deepEqual(await r1, [['k', [['6-1', ['b', '2', 'c', '3']]]]]);
      assert.deepEqual(await r2, [['k', [['6-1', ['b', '2', 'c', '3']]]]]);
      assert.equal(await blockedClients(admin), 0);
    } finally {
      c1!.close(); c2!.close();
    }
  });
});

test('a blocked XREAD is served once the last ID passes its own, even with no entry left to give (7.0.15)', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      // An empty stream whose last ID is 5-0, swapped into the database a reader waits in.
      await admin.call('XADD', 'k', '5-0', 'f', 'v');
      await admin.call('XDEL', 'k', '5-0');
      await c1!.call('SELECT', '2');
      const [r1] = await block(admin, c1!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
      await admin.call('SWAPDB', '0', '2');
      assert.deepEqual(await served(r1), [['k', []]]);
      // An XADD trimmed away at once: the reader (XREADGROUP too) is served nothing; the group
      // keeps its last delivered ID (nothing was delivered) and gains the consumer.
      await c2!.call('SELECT', '2');
      await c2!.call('XGROUP', 'CREATE', 'k', 'g', '$');
      const [r2] = await block(admin, c1!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
      const [r3] = await block(admin, c2!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
      await admin.call('SELECT', '2');
      await admin.call('XADD', 'k', 'MAXLEN', '0', '6-0', 'f', 'v');
      assert.deepEqual(await served(r2), [['k', []]]);
      assert.deepEqual(await served(r3), [['k', []]]);
      assert.deepEqual(await admin.call('XINFO', 'GROUPS', 'k'), [['name', 'g', 'consumers', 1, 'pending', 0, 'last-delivered-id', '5-0', 'entries-read', null, 'lag', 0]]);
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('a blocked XREAD or XREADGROUP naming a stream twice is served that stream once, with its first ID (7.0.15)', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      await admin.call('XADD', 'k', '5-0', 'f', 'v');
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$');
      // The first occurrence's ID decides: 6-0 passes 5-0 (the second ID, 7-0, would not).
      const [r1] = await block(admin, c1!, 'XREAD', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'k', 'k', '5-0', '7-0');
      const [r2] = await block(admin, c2!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', 'k', '>', '>');
      await admin.call('XADD', 'k', '6-0', 'f', 'w');
      assert.deepEqual(await served(r1), [['k', [['6-0', ['f', 'w']]]]]);
      assert.deepEqual(await served(r2), [['k', [['6-0', ['f', 'w']]]]]);
      // The other way round, 7-0 passes the second ID (6-0) but not the first (8-0): the reader
      // waits for 9-0.
      const [r3] = await block(admin, c1!, 'XREAD', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'k', 'k', '8-0', '6-0');
      await admin.call('XADD', 'k', '7-0', 'f', 'x');
      assert.equal(await blockedClients(admin), 1);
      await admin.call('XADD', 'k', '9-0', 'f', 'y');
      assert.deepEqual(await served(r3), [['k', [['9-0', ['f', 'y']]]]]);
      // Not blocked: every occurrence gets its own reply, as in Redis.
      assert.deepEqual(await admin.call('XREAD', 'STREAMS', 'k', 'k', '7-0', '6-0'), [['k', [['9-0', ['f', 'y']]]], ['k', [['7-0', ['f', 'x']], ['9-0', ['f', 'y']]]]]);
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('XREAD BLOCK timeouts answer a null array; inside MULTI nothing blocks', async () => {
  await withServer({}, async (_s, admin) => {
    assert.equal(await admin.call('XREAD', 'BLOCK', '20', 'STREAMS', 'none', '$'), null);
    await admin.call('MULTI');
    await admin.call('XREAD', 'BLOCK', '0', 'STREAMS', 'none', '$');
    assert.deepEqual(await admin.call('EXEC'), [null]);
  });
});

test('blocked XREADGROUP: served entries propagate as XCLAIM; NOACK as CREATECONSUMER and SETID', async () => {
  await withServer({}, async (s, admin) => {
    const rec = record(s);
    const [c1, c2] = await connect(s, 2);
    try {
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$', 'MKSTREAM');
      const [r1] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 'k', '>');
      rec.props.length = 0;
      await admin.call('XADD', 'k', '1-1', 'f', 'v');
      assert.deepEqual(await r1, [['k', [['1-1', ['f', 'v']]]]]);
      const time = String(s.server.ks.now);
      const claim = rec.props.find((p) => p[0] === 'XCLAIM')!;
      assert.deepEqual(claim, ['XCLAIM', 'k', 'g', 'alice', '0', '1-1', 'TIME', claim[7], 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1']);
      assert.ok(Number(claim[7]) <= Number(time));
      const [r2] = await block(admin, c2!, 'XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'BLOCK', '0', 'STREAMS', 'k', '>');
      rec.props.length = 0;
      await admin.call('XADD', 'k', '2-1', 'f', 'w');
      assert.deepEqual(await r2, [['k', [['2-1', ['f', 'w']]]]]);
      const filtered = rec.props.filter((p) => p[0] !== 'MULTI' && p[0] !== 'EXEC');
      assert.deepEqual(filtered, [
        ['XADD', 'k', '2-1', 'f', 'w'],
        ['XGROUP', 'CREATECONSUMER', 'k', 'g', 'bob'],
        ['XGROUP', 'SETID', 'k', 'g', '2-1', 'ENTRIESREAD', '2'],
      ]);
    } finally {
      c1!.close(); c2!.close();
    }
  });
});

test('blocked XREADGROUP gets NOGROUP when its group is destroyed and UNBLOCKED when its stream goes', async () => {
  await withServer({}, async (s, admin) => {
    const [c1] = await connect(s, 1);
    try {
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$', 'MKSTREAM');
      const [r1] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
      await admin.call('XGROUP', 'DESTROY', 'k', 'g');
      assert.deepEqual(await r1, { error: 'NOGROUP the consumer group this client was blocked on no longer exists' });
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$');
      const [r2] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
      await admin.call('SET', 'k', 'string now');
      assert.deepEqual(await r2, { error: 'UNBLOCKED the stream key no longer exists' });
      await admin.call('DEL', 'k');
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$', 'MKSTREAM');
      const [r3] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
      await admin.call('DEL', 'k');
      assert.deepEqual(await r3, { error: 'UNBLOCKED the stream key no longer exists' });
      assert.equal(await blockedClients(admin), 0);
    } finally {
      c1!.close();
    }
  });
});

test('CLIENT UNBLOCK ERROR and TIMEOUT on a blocked XREAD', async () => {
  await withServer({}, async (_s, admin) => {
    const [c1] = await connect(_s, 1);
    try {
      const id = String(await c1!.call('CLIENT', 'ID'));
      const [r1] = await block(admin, c1!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
      assert.equal(await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
      assert.deepEqual(await r1, { error: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
      const [r2] = await block(admin, c1!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
      assert.equal(await admin.call('CLIENT', 'UNBLOCK', id), 1);
      assert.equal(await r2, null);
    } finally {
      c1!.close();
    }
  });
});

test('propagation and events of writes: generated IDs, exact trims, claims of deleted entries', async () => {
  await withServer({}, async (s, admin) => {
    const rec = record(s);
    const add = await drain(rec, admin, 'XADD', 's', 'MAXLEN', '~', '10', '1-*', 'a', '1');
    assert.deepEqual(add.props, [['XADD', 's', 'MAXLEN', '=', '1', '1-0', 'a', '1']]);
    assert.deepEqual(add.events, ['t:xadd:s']);
    await admin.call('XADD', 's', '2-1', 'a', '2');
    await admin.call('XADD', 's', '3-1', 'a', '3');
    const trim = await drain(rec, admin, 'XTRIM', 's', 'MAXLEN', '~', '0');
    assert.deepEqual(trim.props, [['XTRIM', 's', 'MAXLEN', '=', '0']]);
    assert.deepEqual(trim.events, ['t:xtrim:s']);
    assert.deepEqual((await drain(rec, admin, 'XTRIM', 's', 'MAXLEN', '0')).props, []);
    await admin.call('XADD', 's', '4-1', 'a', '4');
    await admin.call('XADD', 's', '5-1', 'a', '5');
    assert.deepEqual((await drain(rec, admin, 'XGROUP', 'CREATE', 's', 'g', '0')).events, ['t:xgroup-create:s']);
    await admin.call('XREADGROUP', 'GROUP', 'g', 'c1', 'STREAMS', 's', '>');
    const del = await drain(rec, admin, 'XDEL', 's', '4-1');
    assert.deepEqual(del.events, ['t:xdel:s']);
    const claim = await drain(rec, admin, 'XCLAIM', 's', 'g', 'c2', '0', '4-1', '5-1', 'JUSTID');
    const body = claim.props.filter((p) => p[0] !== 'MULTI' && p[0] !== 'EXEC');
    assert.equal(claim.props[0]![0], 'MULTI');
    assert.deepEqual(body.map((p) => [p[0], p[3], p[5], p[9]]), [['XCLAIM', 'c1', '4-1', '1'], ['XCLAIM', 'c2', '5-1', '1']]);
    assert.deepEqual(claim.events, ['t:xgroup-createconsumer:s']);
    const lastOnly = await drain(rec, admin, 'XCLAIM', 's', 'g', 'c2', '99999999', '5-1', 'LASTID', '9-0');
    assert.deepEqual(lastOnly.props, [['XGROUP', 'SETID', 's', 'g', '9-0', 'ENTRIESREAD', '5']]);
    const setid = await drain(rec, admin, 'XSETID', 's', '20-0');
    assert.deepEqual(setid.props, [['XSETID', 's', '20-0']]);
    assert.deepEqual(setid.events, ['t:xsetid:s']);
    assert.deepEqual((await drain(rec, admin, 'XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', 's', '0')).props, []);
  });
});

test('keyspace events of every stream command, in the order redis-server 7.0.15 publishes them', async () => {
  await withServer({}, async (s, admin) => {
    const rec = record(s);
    const seq = [
      ['XADD', 'ev', '1-1', 'a', '1'], ['XADD', 'ev', 'MAXLEN', '1', '2-1', 'a', '2'], ['XTRIM', 'ev', 'MAXLEN', '0'],
      ['XADD', 'ev', '3-1', 'a', '1'], ['XDEL', 'ev', '3-1'], ['XDEL', 'ev', '3-1'],
      ['XGROUP', 'CREATE', 'ev', 'g', '0'], ['XGROUP', 'CREATE', 'ev2', 'g', '0', 'MKSTREAM'], ['XGROUP', 'SETID', 'ev', 'g', '0'],
      ['XGROUP', 'CREATECONSUMER', 'ev', 'g', 'c'], ['XGROUP', 'DELCONSUMER', 'ev', 'g', 'c'], ['XGROUP', 'DELCONSUMER', 'ev', 'g', 'zz'],
      ['XADD', 'ev', '4-1', 'a', '1'], ['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 'ev', '>'], ['XCLAIM', 'ev', 'g', 'c3', '0', '4-1'],
      ['XAUTOCLAIM', 'ev', 'g', 'c4', '0', '0'], ['XACK', 'ev', 'g', '4-1'], ['XSETID', 'ev', '9-9'], ['XGROUP', 'DESTROY', 'ev', 'g'],
    ];
    rec.events.length = 0;
    for (const c of seq) await admin.call(...c);
    assert.deepEqual(rec.events.map((e) => e.split(':')[1]), [
      'xadd', 'xadd', 'xtrim', 'xtrim', 'xadd', 'xdel', 'xgroup-create', 'xgroup-create', 'xgroup-setid',
      'xgroup-createconsumer', 'xgroup-delconsumer', 'xadd', 'xgroup-createconsumer', 'xgroup-createconsumer',
      'xgroup-createconsumer', 'xsetid', 'xgroup-destroy',
    ]);
  });
});

test('a blocked XREADGROUP whose stream FLUSHDB, FLUSHALL or SWAPDB takes away gets UNBLOCKED; a blocked XREAD keeps waiting (7.0.15)', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      for (const takeAway of [['FLUSHDB'], ['FLUSHALL'], ['SWAPDB', '0', '1']]) {
        await admin.call('FLUSHALL');
        await admin.call('XADD', 'k', '1-0', 'f', 'v');
        await admin.call('XGROUP', 'CREATE', 'k', 'g', '$');
        const [group] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
        const [plain] = await block(admin, c2!, 'XREAD', 'BLOCK', '0', 'STREAMS', 'k', '$');
        await admin.call(...takeAway);
        assert.deepEqual(await served(group), { error: 'UNBLOCKED the stream key no longer exists' }, takeAway.join(' '));
        assert.equal(await blockedClients(admin), 1, `${takeAway.join(' ')}: XREAD still waits`);
        await admin.call('XADD', 'k', '2-0', 'f', 'v');
        assert.deepEqual(await served(plain), [['k', [['2-0', ['f', 'v']]]]]);
      }
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('COPY ... REPLACE over a stream a reader waits on: the copy is a new key (the XREADGROUP is re-checked: NOGROUP when the copy lacks its group)', async () => {
  await withServer({}, async (s, admin) => {
    const [c1] = await connect(s, 1);
    try {
      await admin.call('XADD', 'k', '1-0', 'f', 'v');
      await admin.call('XGROUP', 'CREATE', 'k', 'g', '$');
      await admin.call('XADD', 'other', '1-0', 'f', 'v');
      const [r] = await block(admin, c1!, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'k', '>');
      assert.equal(await admin.call('COPY', 'other', 'k', 'REPLACE'), 1);
      assert.deepEqual(await served(r), { error: 'NOGROUP the consumer group this client was blocked on no longer exists' });
    } finally {
      c1!.close();
    }
  });
});
