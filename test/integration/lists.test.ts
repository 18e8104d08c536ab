/**
 * Blocking list commands over real sockets (what a differential script cannot show): FIFO serving
 * of several blocked clients, timeout reply bytes in RESP2 and RESP3, BLMOVE chains, pipelined
 * commands queued behind a blocked command, disconnects while blocked, CLIENT UNBLOCK, INFO
 * blocked_clients, wake-ups by MULTI/EXEC, RENAME, MOVE and SWAPDB, keys changing type under a
 * blocked client, and what served commands propagate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';
import { block, blockedClients, connect } from '../helpers/blocking.js';


function recordProps(s: RunningServer): string[][] {
  const props: string[][] = [];
  s.server.propagationSinks.push({ propagate: (_db, argv) => { props.push([...argv]); } });
  return props;
}

test('several clients blocked on one key are served first come, first served', async () => {
  await withServer({}, async (s, admin) => {
    const clients = await connect(s, 3);
    try {
      const replies: Array<Promise<Decoded>> = [];
      for (const c of clients) replies.push((await block(admin, c, 'BLPOP', 'q', '0'))[0]);
      assert.equal(await blockedClients(admin), 3);
      assert.equal(await admin.call('RPUSH', 'q', 'a', 'b', 'c', 'd'), 4);
      assert.deepEqual(await Promise.all(replies), [['q', 'a'], ['q', 'b'], ['q', 'c']]);
      assert.equal(await blockedClients(admin), 0);
      assert.deepEqual(await admin.call('LRANGE', 'q', '0', '-1'), ['d']);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

test('one push serves only as many clients as it has elements; the others keep their place', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      const [r1] = await block(admin, c1!, 'BRPOP', 'q', '0');
      const [r2] = await block(admin, c2!, 'BRPOP', 'q', 'other', '0');
      await admin.call('LPUSH', 'q', 'x');
      assert.deepEqual(await r1, ['q', 'x']);
      assert.equal(await blockedClients(admin), 1);
      assert.equal(await admin.call('EXISTS', 'q'), 0);
      await admin.call('RPUSH', 'other', 'y');
      assert.deepEqual(await r2, ['other', 'y']);
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('timeout replies: null array in RESP2 for every list command (BLMOVE too), _ in RESP3', async () => {
  await withServer({}, async (s, c) => {
    assert.equal((await c.callRaw('BLPOP', 'none', '0.05')).raw.toString(), '*-1\r\n');
    assert.equal((await c.callRaw('BRPOP', 'none', 'none2', '0.05')).raw.toString(), '*-1\r\n');
    assert.equal((await c.callRaw('BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.05')).raw.toString(), '*-1\r\n');
    assert.equal((await c.callRaw('BRPOPLPUSH', 'none', 'd', '0.05')).raw.toString(), '*-1\r\n');
    assert.equal((await c.callRaw('BLMPOP', '0.05', '1', 'none', 'LEFT')).raw.toString(), '*-1\r\n');
    await c.call('HELLO', '3');
    assert.equal((await c.callRaw('BLPOP', 'none', '0.05')).raw.toString(), '_\r\n');
    assert.equal((await c.callRaw('BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.05')).raw.toString(), '_\r\n');
    assert.equal((await c.callRaw('BLMPOP', '0.05', '1', 'none', 'LEFT')).raw.toString(), '_\r\n');
    await c.call('HELLO', '2');
    assert.equal(await blockedClients(c), 0);
    assert.equal(s.server.blocking.clients.size, 0);
  });
});

test('a served BLPOP in RESP3 answers a plain array; BLMPOP nests the elements', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      await c!.call('HELLO', '3');
      const r = (async () => (await c!.callRaw('BLMPOP', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2')).raw.toString())();
      await waitFor(async () => (await blockedClients(admin)) === 1);
      await admin.call('RPUSH', 'b', '1', '2', '3');
      assert.equal(await r, '*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n');
    } finally {
      c!.close();
    }
  });
});

test('BLMOVE chain: one push moves the element through every blocked client; each propagates its effect', async () => {
  await withServer({}, async (s, admin) => {
    const props = recordProps(s);
    const [a, b, d] = await connect(s, 3);
    try {
      const [ra] = await block(admin, a!, 'BLMOVE', 'l1', 'l2', 'RIGHT', 'LEFT', '0');
      const [rb] = await block(admin, b!, 'BLMOVE', 'l2', 'l3', 'LEFT', 'RIGHT', '0');
      const [rd] = await block(admin, d!, 'BRPOPLPUSH', 'l3', 'l4', '0');
      props.length = 0;
      await admin.call('RPUSH', 'l1', 'x');
      assert.deepEqual(await Promise.all([ra, rb, rd]), ['x', 'x', 'x']);
      assert.deepEqual(await admin.call('LRANGE', 'l4', '0', '-1'), ['x']);
      assert.equal(await admin.call('EXISTS', 'l1', 'l2', 'l3'), 0);
      assert.deepEqual(props, [
        ['RPUSH', 'l1', 'x'],
        ['LMOVE', 'l1', 'l2', 'right', 'left'],
        ['LMOVE', 'l2', 'l3', 'left', 'right'],
        ['RPOPLPUSH', 'l3', 'l4'],
      ]);
    } finally {
      a!.close();
      b!.close();
      d!.close();
    }
  });
});

test('served BLPOP/BLMPOP propagate as LPOP/RPOP and raise the pop and del events', async () => {
  await withServer({}, async (s, admin) => {
    const props = recordProps(s);
    const [c1, c2] = await connect(s, 2);
    try {
      await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      const sub = await RespClient.connect(s.address.port);
      try {
        await sub.call('PSUBSCRIBE', '__keyspace@0__:*');
        sub.pushMode = true;
        const [r1] = await block(admin, c1!, 'BLPOP', 'k', '0');
        const [r2] = await block(admin, c2!, 'BLMPOP', '0', '1', 'k', 'RIGHT', 'COUNT', '5');
        props.length = 0;
        await admin.call('RPUSH', 'k', 'a', 'b', 'c');
        assert.deepEqual(await r1, ['k', 'a']);
        assert.deepEqual(await r2, ['k', ['c', 'b']]);
        assert.deepEqual(props, [['RPUSH', 'k', 'a', 'b', 'c'], ['LPOP', 'k'], ['RPOP', 'k', '2']]);
        const events: string[] = [];
        for (let i = 0; i < 4; i++) {
          const m = (await sub.nextPush()).value as Decoded[];
          events.push(String(m[3]));
        }
        assert.deepEqual(events, ['rpush', 'lpop', 'rpop', 'del']);
      } finally {
        sub.close();
      }
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('commands pipelined behind a blocked command run after it is served, in order', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      c!.writeRaw('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n');
      await waitFor(async () => (await blockedClients(admin)) === 1);
      assert.equal(await c!.readWithin(50), 'timeout', 'nothing answered while blocked');
      await admin.call('RPUSH', 'k', 'v1', 'v2');
      assert.deepEqual((await c!.read()).value, ['k', 'v1']);
      assert.equal((await c!.read()).raw.toString(), '+PONG\r\n');
      assert.equal((await c!.read()).value, 1);
    } finally {
      c!.close();
    }
  });
});

test('a client that disconnects while blocked is forgotten: the next push stays in the list', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    void (await block(admin, c!, 'BLPOP', 'k', '0'))[0].catch(() => {});
    c!.close();
    await waitFor(async () => (await blockedClients(admin)) === 0, 5000, 'the blocked client to go');
    assert.equal(await admin.call('RPUSH', 'k', 'v'), 1);
    assert.deepEqual(await admin.call('LRANGE', 'k', '0', '-1'), ['v']);
  });
});

test('CLIENT UNBLOCK: TIMEOUT answers the timeout reply, ERROR the UNBLOCKED error; pipelined input resumes', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      const id = String(await c!.call('CLIENT', 'ID'));
      assert.equal(await admin.call('CLIENT', 'UNBLOCK', id), 0, 'not blocked yet');
      c!.writeRaw(Buffer.concat([
        Buffer.from('*6\r\n$6\r\nBLMOVE\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n0\r\n'),
        Buffer.from('*1\r\n$4\r\nPING\r\n'),
      ]));
      await waitFor(async () => (await blockedClients(admin)) === 1);
      assert.equal(await admin.call('CLIENT', 'UNBLOCK', id, 'TIMEOUT'), 1);
      assert.equal((await c!.read()).raw.toString(), '*-1\r\n');
      assert.equal((await c!.read()).raw.toString(), '+PONG\r\n');
      const r = c!.callRaw('BRPOP', 'a', '0');
      await waitFor(async () => (await blockedClients(admin)) === 1);
      assert.equal(await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
      assert.equal((await r).raw.toString(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
      assert.equal(await blockedClients(admin), 0);
      // The unblocked client no longer waits: a later push is not taken by it.
      await admin.call('RPUSH', 'a', 'v');
      assert.equal(await admin.call('LLEN', 'a'), 1);
    } finally {
      c!.close();
    }
  });
});

test('pushes inside MULTI/EXEC wake blocked clients after EXEC, with the final state', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      const [r1] = await block(admin, c1!, 'BLPOP', 'k', '0');
      await admin.call('MULTI');
      await admin.call('LPUSH', 'k', 'a');
      await admin.call('LPUSH', 'k', 'b');
      await admin.call('LPUSH', 'k', 'c');
      assert.deepEqual(await admin.call('EXEC'), [1, 2, 3]);
      assert.deepEqual(await r1, ['k', 'c']);
      // A push undone within the same transaction wakes nobody.
      const [r2] = await block(admin, c2!, 'BLPOP', 'k2', '0');
      await admin.call('MULTI');
      await admin.call('LPUSH', 'k2', 'a');
      await admin.call('DEL', 'k2');
      await admin.call('EXEC');
      assert.equal(await c2!.readWithin(50), 'timeout');
      assert.equal(await blockedClients(admin), 1);
      await admin.call('RPUSH', 'k2', 'z');
      assert.deepEqual(await r2, ['k2', 'z']);
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('RENAME, MOVE and SWAPDB bringing a list onto a blocked key serve the client', async () => {
  await withServer({}, async (s, admin) => {
    const [c1, c2, c3] = await connect(s, 3);
    try {
      const [r1] = await block(admin, c1!, 'BLPOP', 'target', '0');
      await admin.call('RPUSH', 'src', 'renamed');
      await admin.call('RENAME', 'src', 'target');
      assert.deepEqual(await r1, ['target', 'renamed']);

      const [r2] = await block(admin, c2!, 'BRPOP', 'moved', '0');
      await admin.call('SELECT', '1');
      await admin.call('RPUSH', 'moved', 'from-db1');
      assert.equal(await admin.call('MOVE', 'moved', '0'), 1);
      assert.deepEqual(await r2, ['moved', 'from-db1']);

      const [r3] = await block(admin, c3!, 'BLMPOP', '0', '1', 'swapped', 'LEFT');
      await admin.call('RPUSH', 'swapped', 'from-db1');
      await admin.call('SWAPDB', '0', '1');
      assert.deepEqual(await r3, ['swapped', ['from-db1']]);
      await admin.call('SELECT', '0');
      assert.equal(await admin.call('EXISTS', 'swapped'), 0);
    } finally {
      c1!.close();
      c2!.close();
      c3!.close();
    }
  });
});

test('a blocked key that becomes another type keeps the client waiting (Redis 7.0), no WRONGTYPE', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      const [r] = await block(admin, c!, 'BLPOP', 'k', 'k2', '0');
      await admin.call('SET', 'k', 'string');
      assert.equal(await c!.readWithin(50), 'timeout');
      assert.equal(await blockedClients(admin), 1);
      await admin.call('RPUSH', 'k2', 'v');
      assert.deepEqual(await r, ['k2', 'v']);
    } finally {
      c!.close();
    }
  });
});

test('the same key named twice, and a finite timeout that passes, leave no client behind', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      const [r] = await block(admin, c!, 'BLPOP', 'k', 'k', '0');
      await admin.call('RPUSH', 'k', 'v');
      assert.deepEqual(await r, ['k', 'v']);
      const t0 = Date.now();
      const [r2] = await block(admin, c!, 'BRPOPLPUSH', 'k', 'd', '0.2');
      assert.equal(await r2, null);
      assert.ok(Date.now() - t0 >= 150, 'waited about the timeout');
      assert.equal(await blockedClients(admin), 0);
      assert.equal(s.server.blocking.clients.size, 0);
    } finally {
      c!.close();
    }
  });
});

test('a blocking command counts once in commandstats: served, timed out, or unblocked (as Redis 7.0.15)', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      await admin.call('CONFIG', 'RESETSTAT');
      const [r1] = await block(admin, c!, 'BLPOP', 'k', '0');
      await admin.call('RPUSH', 'k', 'v');
      await r1;
      await c!.call('BLPOP', 'k', '0.01');
      const id = String(await c!.call('CLIENT', 'ID'));
      const [r2] = await block(admin, c!, 'BLPOP', 'k', '0');
      await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR');
      await r2;
      const stats = String(await admin.call('INFO', 'commandstats'));
      assert.match(stats, /cmdstat_blpop:calls=3,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
      assert.match(String(await admin.call('INFO', 'errorstats')), /errorstat_UNBLOCKED:count=1/);
    } finally {
      c!.close();
    }
  });
});
