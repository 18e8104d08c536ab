/**
 * Which key serves a client blocked on several keys. Redis serves blocked clients key by key, in
 * the order the keys became ready (after the command, or after a whole EXEC), so a client waiting
 * on `a b` is served from `b` when `b` was written first, even when `a` holds something by the
 * time it is served; the first key in its arguments is only what a command served at once takes.
 * Facts checked against redis-server 7.0.15 for every blocking family.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { block, blockedClients, connect, served } from '../helpers/blocking.js';
import type { RespClient } from '../helpers/resp-client.js';
import { drain, record } from '../helpers/recorder.js';

/** Runs `cmds` as one transaction on `admin`. */
async function transaction(admin: RespClient, ...cmds: string[][]): Promise<void> {
  await admin.call('MULTI');
  for (const cmd of cmds) await admin.call(...cmd);
  await admin.call('EXEC');
}

test('lists, sorted sets and streams: a client blocked on two keys is served from the one written first', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      const cases: Array<{ blocking: string[]; writes: string[][]; want: unknown; left: string[] }> = [
        { blocking: ['BLPOP', 'a', 'b', '0'], writes: [['RPUSH', 'b', 'x'], ['RPUSH', 'a', 'y']], want: ['b', 'x'], left: ['LLEN', 'a'] },
        { blocking: ['BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '2'], writes: [['RPUSH', 'b', 'x'], ['RPUSH', 'a', 'y']], want: ['b', ['x']], left: ['LLEN', 'a'] },
        { blocking: ['BZPOPMIN', 'a', 'b', '0'], writes: [['ZADD', 'b', '1', 'x'], ['ZADD', 'a', '1', 'y']], want: ['b', 'x', '1'], left: ['ZCARD', 'a'] },
        { blocking: ['BZMPOP', '0', '2', 'a', 'b', 'MIN'], writes: [['ZADD', 'b', '1', 'x'], ['ZADD', 'a', '1', 'y']], want: ['b', [['x', '1']]], left: ['ZCARD', 'a'] },
        { blocking: ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', 'b', '$', '$'], writes: [['XADD', 'b', '1-0', 'f', 'x'], ['XADD', 'a', '1-0', 'f', 'y']], want: [['b', [['1-0', ['f', 'x']]]]], left: ['XLEN', 'a'] },
      ];
      for (const { blocking, writes, want, left } of cases) {
        await admin.call('FLUSHALL');
        const [reply] = await block(admin, c!, ...blocking);
        await transaction(admin, ...writes);
        assert.deepEqual(await served(reply), want, blocking.join(' '));
        // The other key's element stays where it was written.
        assert.equal(await admin.call(...left), 1, blocking.join(' '));
        assert.equal(await blockedClients(admin), 0);
      }
      // Served at once, the first non-empty key in argument order.
      await admin.call('FLUSHALL');
      await transaction(admin, ['RPUSH', 'b', 'x'], ['RPUSH', 'a', 'y']);
      assert.deepEqual(await c!.call('BLPOP', 'a', 'b', '0'), ['a', 'y']);
    } finally {
      c!.close();
    }
  });
});

test('a key that becomes a string wakes no list or sorted-set waiter: no lazy expiry of it in between (as Redis signals only the types that serve)', async () => {
  await withServer({ config: { 'enable-debug-command': 'yes' } }, async (s, admin) => {
    const [c1, c2] = await connect(s, 2);
    try {
      await admin.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      const [r1] = await block(admin, c1!, 'BLPOP', 'k', '0');
      const [r2] = await block(admin, c2!, 'BZPOPMIN', 'k', '0');
      const r = record(s);
      // A string whose time has already passed: re-running the waiters would expire it.
      assert.deepEqual(await drain(r, admin, 'SET', 'k', 'v', 'PXAT', '1'), { props: [['SET', 'k', 'v', 'PXAT', '1']], events: ['$:set:k', 'g:expire:k'] });
      assert.equal(await blockedClients(admin), 2);
      assert.equal(await admin.call('DBSIZE'), 1, 'still there, logically expired');
      // A list pushed over it (the expired string goes first) serves the list waiter.
      await admin.call('RPUSH', 'k', 'a');
      assert.deepEqual(await served(r1), ['k', 'a']);
      await admin.call('ZADD', 'k', '1', 'm');
      assert.deepEqual(await served(r2), ['k', 'm', '1']);
    } finally {
      c1!.close();
      c2!.close();
    }
  });
});

test('an overwrite wakes nobody (7.0 signals created keys only): SORT STORE over a string leaves a BLPOP waiting; RENAME, which deletes first, serves it', async () => {
  await withServer({}, async (s, admin) => {
    const [c] = await connect(s, 1);
    try {
      await admin.call('RPUSH', 'src', 'b', 'a');
      const [reply] = await block(admin, c!, 'BLPOP', 'k', '0');
      await admin.call('SET', 'k', 'x');
      await admin.call('SORT', 'src', 'ALPHA', 'STORE', 'k');
      assert.equal(await blockedClients(admin), 1, 'still waiting with a list under k');
      assert.deepEqual(await admin.call('LRANGE', 'k', '0', '-1'), ['a', 'b']);
      await admin.call('SET', 'k', 'x');
      await admin.call('RENAME', 'src', 'k');
      assert.deepEqual(await served(reply), ['k', 'b']);
    } finally {
      c!.close();
    }
  });
});
