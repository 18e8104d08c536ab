import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor } from '../helpers/resp-client.js';

const OK = { status: 'OK' };
const QUEUED = { status: 'QUEUED' };

test('MULTI/EXEC: queued replies, runtime errors inside the array, errors for misuse', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('EXEC'), { error: 'ERR EXEC without MULTI' });
    assert.deepEqual(await c.call('DISCARD'), { error: 'ERR DISCARD without MULTI' });
    await c.call('SET', 'str', 'hello');
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('MULTI'), { error: 'ERR MULTI calls can not be nested' });
    assert.deepEqual(await c.call('WATCH', 'x'), { error: 'ERR WATCH inside MULTI is not allowed' });
    assert.deepEqual(await c.call('INCR', 'str'), QUEUED);
    assert.deepEqual(await c.call('SET', 'n', '1'), QUEUED);
    assert.deepEqual(await c.call('INCR', 'n'), QUEUED);
    assert.deepEqual(await c.call('GET', 'missing'), QUEUED);
    // Neither the nested MULTI nor the WATCH error aborted the transaction.
    assert.deepEqual(await c.call('EXEC'), [
      { error: 'ERR value is not an integer or out of range' }, OK, 2, null,
    ]);
    assert.deepEqual(await c.call('EXEC'), { error: 'ERR EXEC without MULTI' });

    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('SET', 'n', '100'), QUEUED);
    assert.deepEqual(await c.call('DISCARD'), OK);
    assert.equal(await c.call('GET', 'n'), '2');
  });
});

test('a command rejected while queueing aborts EXEC with EXECABORT; a rejected EXEC discards', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('MULTI');
    assert.deepEqual(await c.call('SET', 'a'), { error: "ERR wrong number of arguments for 'set' command" });
    assert.deepEqual(await c.call('SET', 'a', '1'), QUEUED);
    assert.deepEqual(await c.call('EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });
    assert.equal(await c.call('GET', 'a'), null);
    assert.deepEqual(await c.call('EXEC'), { error: 'ERR EXEC without MULTI' });

    await c.call('MULTI');
    const unknown = await c.call('NOSUCH', 'x');
    assert.ok(typeof unknown === 'object' && unknown !== null && 'error' in unknown);
    assert.deepEqual(await c.call('EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });

    await c.call('MULTI');
    await c.call('SET', 'a', '1');
    assert.deepEqual(await c.call('EXEC', 'extra'), {
      error: "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
    });
    assert.deepEqual(await c.call('EXEC'), { error: 'ERR EXEC without MULTI' });
    assert.equal(await c.call('GET', 'a'), null);
  });
});

test('WATCH: another client\'s write aborts EXEC with a null array (RESP2 *-1, RESP3 _)', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await c.call('SET', 'w', '1');
      assert.deepEqual(await c.call('WATCH', 'w'), OK);
      await other.call('SET', 'w', '2');
      await c.call('MULTI');
      await c.call('INCR', 'w');
      assert.equal((await c.callRaw('EXEC')).raw.toString('latin1'), '*-1\r\n');
      assert.equal(await c.call('GET', 'w'), '2');
      // The WATCH is gone after EXEC: the same transaction now runs.
      await c.call('MULTI');
      await c.call('INCR', 'w');
      assert.deepEqual(await c.call('EXEC'), [3]);

      await c.call('HELLO', '3');
      await c.call('WATCH', 'w', 'other-key');
      await other.call('DEL', 'w');
      await c.call('MULTI');
      await c.call('PING');
      assert.equal((await c.callRaw('EXEC')).raw.toString('latin1'), '_\r\n');
    } finally {
      other.close();
    }
  });
});

test('WATCH: own writes abort; UNWATCH, DISCARD and untouched keys let EXEC run; databases are separate', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('WATCH', 'k');
    await c.call('SET', 'k', 'mine');
    await c.call('MULTI');
    await c.call('GET', 'k');
    assert.equal(await c.call('EXEC'), null);

    await c.call('WATCH', 'k');
    await c.call('UNWATCH');
    await c.call('SET', 'k', 'again');
    await c.call('MULTI');
    await c.call('GET', 'k');
    assert.deepEqual(await c.call('EXEC'), ['again']);

    await c.call('WATCH', 'k');
    await c.call('MULTI');
    await c.call('DISCARD');
    await c.call('SET', 'k', 'after-discard');
    await c.call('MULTI');
    await c.call('PING');
    assert.deepEqual(await c.call('EXEC'), [{ status: 'PONG' }]);

    // Deleting a missing key changes nothing.
    await c.call('WATCH', 'nokey');
    await c.call('DEL', 'nokey');
    await c.call('MULTI');
    await c.call('PING');
    assert.deepEqual(await c.call('EXEC'), [{ status: 'PONG' }]);

    // A watch in db 1 is not touched by a write in db 0.
    await c.call('SELECT', '1');
    await c.call('WATCH', 'k');
    await c.call('SELECT', '0');
    await c.call('SET', 'k', 'db0');
    await c.call('MULTI');
    await c.call('PING');
    assert.deepEqual(await c.call('EXEC'), [{ status: 'PONG' }]);
  });
});

test('WATCH: a watched key that expires before EXEC aborts it; one already expired at WATCH does not', async () => {
  await withServer({}, async (s, c) => {
    const server = s.server;
    server.ks.activeExpireEnabled = false; // the key must stay in the dict, only logically expired
    await c.call('SET', 'e', 'v', 'PX', '30');
    const when = server.ks.dbs[0]!.expires.get('e')!;
    await c.call('WATCH', 'e');
    await c.call('MULTI');
    await c.call('PING');
    await waitFor(() => server.env.clock.nowMs() > when + 1, 2000, 'the key to expire');
    assert.ok(server.ks.dbs[0]!.dict.has('e'), 'not deleted yet');
    assert.equal(await c.call('EXEC'), null);

    // Expired before WATCH, then deleted lazily by a read: no logical change.
    await c.call('SET', 'e2', 'v', 'PX', '1');
    const when2 = server.ks.dbs[0]!.expires.get('e2')!;
    await waitFor(() => server.env.clock.nowMs() > when2 + 1, 2000, 'the key to expire');
    await c.call('WATCH', 'e2');
    assert.equal(await c.call('GET', 'e2'), null);
    await c.call('MULTI');
    await c.call('PING');
    assert.deepEqual(await c.call('EXEC'), [{ status: 'PONG' }]);

    // Expired before WATCH, then written again: that is a change.
    await c.call('SET', 'e3', 'v', 'PX', '1');
    const when3 = server.ks.dbs[0]!.expires.get('e3')!;
    await waitFor(() => server.env.clock.nowMs() > when3 + 1, 2000, 'the key to expire');
    await c.call('WATCH', 'e3');
    await c.call('SET', 'e3', 'new');
    await c.call('MULTI');
    await c.call('PING');
    assert.equal(await c.call('EXEC'), null);
  });
});

test('WATCH across SWAPDB and FLUSHDB with keys whose TTL has passed: what counts as a change (facts from redis-server 7.0.15)', async () => {
  await withServer({ config: { 'enable-debug-command': 'yes' } }, async (s, c) => {
    const w = await RespClient.connect(s.address.port);
    try {
      await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      /** Puts k in `db`: missing, live, or with its TTL already passed (still in the dict). */
      const put = async (db: number, kind: 'missing' | 'live' | 'expired'): Promise<void> => {
        if (kind === 'missing') return;
        await c.call('SELECT', String(db));
        await c.call('SET', 'k', 'v', ...(kind === 'live' ? [] : ['PXAT', '1']));
        await c.call('SELECT', '0');
      };
      /** Whether w's transaction, watching k in db 0 from before `change`, still runs. */
      const runs = async (change: () => Promise<void>): Promise<boolean> => {
        await w.call('WATCH', 'k');
        await change();
        await w.call('MULTI');
        await w.call('PING');
        return (await w.call('EXEC')) !== null;
      };
      const swap = async (): Promise<void> => { await c.call('SWAPDB', '0', '1'); };
      const cases: Array<[string, 'missing' | 'live' | 'expired', 'missing' | 'live' | 'expired', boolean]> = [
        ['expired when watched, the other database lacks it', 'expired', 'missing', true],
        ['missing when watched, an expired one swapped in', 'missing', 'expired', true],
        ['expired when watched, an expired one swapped in', 'expired', 'expired', true],
        ['expired when watched, a live one swapped in', 'expired', 'live', false],
        ['live when watched, swapped out', 'live', 'missing', false],
        ['missing on both sides', 'missing', 'missing', true],
      ];
      for (const [name, here, there, expected] of cases) {
        await c.call('FLUSHALL');
        await put(0, here);
        await put(1, there);
        assert.equal(await runs(swap), expected, name);
      }
      // A missing key that an expired one replaced is marked expired: swapping it out again is
      // no change, writing it is one.
      await c.call('FLUSHALL');
      await put(1, 'expired');
      assert.equal(await runs(async () => { await swap(); await swap(); }), true, 'expired swapped in and out');
      await c.call('FLUSHALL');
      await put(1, 'expired');
      assert.equal(await runs(async () => { await swap(); await c.call('SET', 'k', 'new'); }), false, 'expired swapped in, then written');
      await c.call('FLUSHALL');
      await put(0, 'expired');
      assert.equal(await runs(async () => { await c.call('FLUSHDB'); }), true, 'expired when watched, then flushed');
    } finally {
      w.close();
    }
  });
});

test('WATCH on a stream: XDEL and XADD count as changes; consumer-group commands and XSETID do not (7.0.15)', async () => {
  await withServer({}, async (_s, c) => {
    const w = await RespClient.connect(_s.address.port);
    try {
      const cases: Array<[string[], boolean]> = [
        [['XGROUP', 'DESTROY', 's', 'g2'], true],
        [['XGROUP', 'CREATE', 's', 'g3', '0'], true],
        [['XGROUP', 'SETID', 's', 'g', '0'], true],
        [['XGROUP', 'CREATECONSUMER', 's', 'g', 'n'], true],
        [['XACK', 's', 'g', '1-0'], true],
        [['XCLAIM', 's', 'g', 'n', '0', '1-0'], true],
        [['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'], true],
        [['XSETID', 's', '5-0'], true],
        [['XDEL', 's', '1-0'], false],
        [['XADD', 's', '3-0', 'f', 'v'], false],
      ];
      for (const [cmd, runs] of cases) {
        await c.call('FLUSHALL');
        await c.call('XADD', 's', '1-0', 'f', 'v');
        await c.call('XADD', 's', '2-0', 'f', 'v');
        await c.call('XGROUP', 'CREATE', 's', 'g', '0');
        await c.call('XGROUP', 'CREATE', 's', 'g2', '0');
        await c.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>');
        await w.call('WATCH', 's');
        await c.call(...cmd);
        await w.call('MULTI');
        await w.call('PING');
        assert.equal((await w.call('EXEC')) !== null, runs, cmd.join(' '));
      }
    } finally {
      w.close();
    }
  });
});

test('EXEC propagates its writes wrapped in MULTI/EXEC, and nothing for a read-only transaction', async () => {
  await withServer({}, async (s, c) => {
    const seen: string[] = [];
    s.server.propagationSinks.push({ propagate: (db, argv) => seen.push(`${db}:${argv.join(' ')}`) });
    await c.call('MULTI');
    await c.call('GET', 'a');
    await c.call('SET', 'a', '1');
    await c.call('SELECT', '2');
    await c.call('SET', 'b', '2');
    await c.call('INCR', 'a');
    await c.call('SELECT', '0');
    assert.equal((await c.call('EXEC') as unknown[]).length, 6);
    assert.deepEqual(seen, ['0:MULTI', '0:SET a 1', '2:SET b 2', '2:INCR a', '2:EXEC']);

    seen.length = 0;
    await c.call('MULTI');
    await c.call('GET', 'a');
    await c.call('PING');
    await c.call('EXEC');
    await c.call('SET', 'plain', 'x');
    assert.deepEqual(seen, ['0:SET plain x']);

    // A transaction that propagates a single command is not wrapped (Redis 7.0).
    seen.length = 0;
    await c.call('MULTI');
    await c.call('GET', 'a');
    await c.call('SET', 'only', '1');
    await c.call('EXEC');
    assert.deepEqual(seen, ['0:SET only 1']);
  });
});

test('EXEC encodes each reply in the protocol in force when it runs (HELLO inside MULTI)', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('MULTI');
    await c.call('GET', 'missing');
    await c.call('HELLO', '3');
    await c.call('GET', 'missing');
    const raw = (await c.callRaw('EXEC')).raw.toString('latin1');
    assert.ok(raw.startsWith('*3\r\n$-1\r\n%7\r\n'), raw);
    assert.ok(raw.endsWith('*0\r\n_\r\n'), raw);
  });
});

test('commands inside EXEC see the time EXEC started (a PX 1 key is still there for the next command)', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('MULTI');
    await c.call('SET', 'short', 'v', 'PX', '1');
    for (let i = 0; i < 50; i++) await c.call('SET', `filler${i}`, 'x'.repeat(1000));
    await c.call('GET', 'short');
    const r = await c.call('EXEC') as unknown[];
    assert.equal(r[r.length - 1], 'v');
  });
});
