/**
 * Lent chunks (Connection.lendsChunks): accepted TCP connections hand the server a view of one
 * shared read buffer, which the next read overwrites. The server parses it in place and must copy
 * out whatever it has not consumed when the callback returns: a command cut by the end of a read,
 * the commands queued behind a blocked client or a paused one, a large argument being collected.
 * Each test overwrites every chunk with garbage right after the server's data callback, as the
 * next read would, and checks that nothing the server kept came from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { buildServer } from '../../src/node/build.js';
import { Config } from '../../src/server/config/config.js';
import { nodeEnvironment, nullSink } from '../../src/runtime/node/index.js';
import type { Connection } from '../../src/runtime/ports.js';
import type { Server } from '../../src/server/server.js';
import { encodeCommand, parseReply } from '../helpers/resp-client.js';
import { fakeConnection } from '../helpers/fake-connection.js';

const SHARED = Buffer.alloc(256 * 1024);

interface Lender { conn: Connection; out: Buffer[]; send(bytes: Buffer, cuts?: number[]): void }

function lender(server: Server): Lender {
  const out: Buffer[] = [];
  const conn = fakeConnection((b) => { out.push(Buffer.from(b)); }, { lendsChunks: true });
  server.acceptConnection(conn);
  return {
    conn, out,
    /** Delivers `bytes` as reads ending at each of `cuts`, each through the shared buffer. */
    send(bytes: Buffer, cuts: number[] = []): void {
      let from = 0;
      for (const to of [...cuts, bytes.length]) {
        const view = SHARED.subarray(0, to - from);
        bytes.copy(view, 0, from, to);
        conn.onData(view);
        view.fill(0xee);
        from = to;
      }
    },
  };
}

async function replies(l: Lender, n: number): Promise<unknown[]> {
  await new Promise((r) => setImmediate(r));
  const buf = Buffer.concat(l.out);
  l.out.length = 0;
  const got: unknown[] = [];
  let at = 0;
  while (at < buf.length) {
    const r = parseReply(buf, at);
    assert.ok(r !== null, 'complete replies');
    got.push(r[0]);
    at = r[1];
  }
  assert.equal(got.length, n, `replies: ${buf.toString('latin1')}`);
  return got;
}

/** Runs `fn` against a server built in this process (no sockets), closed afterwards. */
async function onServer(fn: (server: Server) => Promise<void>): Promise<void> {
  const server = buildServer({ env: nodeEnvironment(), config: new Config(), logSink: nullSink });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const cmds = (...list: string[][]): Buffer => Buffer.concat(list.map((a) => encodeCommand(a)));

test('lent chunks: a pipeline cut at every byte runs as if it arrived whole', async () => {
  await onServer(async (server) => {
    const bytes = cmds(['SET', 'key:1', 'value-one'], ['APPEND', 'key:1', '+two'], ['GET', 'key:1']);
    for (let cut = 1; cut < bytes.length; cut++) {
      const l = lender(server);
      l.send(bytes, [cut]);
      assert.deepEqual(await replies(l, 3), [{ status: 'OK' }, 13, 'value-one+two'], `cut at ${cut}`);
    }
    // Three reads, the middle one inside the second command's value.
    const l = lender(server);
    l.send(cmds(['SET', 'a', 'x'.repeat(100)], ['SET', 'b', 'y'.repeat(100)], ['MGET', 'a', 'b']), [50, 170]);
    assert.deepEqual(await replies(l, 3), [{ status: 'OK' }, { status: 'OK' }, ['x'.repeat(100), 'y'.repeat(100)]]);
  });
});

test('lent chunks: commands queued behind a blocked client, and a large argument across reads', async () => {
  await onServer(async (server) => {
    const waiter = lender(server);
    // BLPOP blocks; the two commands after it in the same read wait in the parser.
    waiter.send(cmds(['BLPOP', 'q', '0'], ['SET', 'after', 'blocked'], ['GET', 'after']));
    await replies(waiter, 0);
    const pusher = lender(server);
    pusher.send(cmds(['RPUSH', 'q', 'item']));
    assert.deepEqual(await replies(pusher, 1), [1]);
    assert.deepEqual(await replies(waiter, 3), [['q', 'item'], { status: 'OK' }, 'blocked']);

    // An argument past the parser's big-argument threshold, cut in three reads, the last of which
    // also carries the next command.
    const big = Buffer.alloc(100_000);
    for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
    const bytes = cmds(['SET', 'big', big.toString('latin1')], ['STRLEN', 'big'], ['GETRANGE', 'big', '99990', '-1']);
    const l = lender(server);
    l.send(bytes, [20, 60_000]);
    assert.deepEqual(await replies(l, 3), [{ status: 'OK' }, 100_000, big.subarray(99_990).toString('latin1')]);
  });
});

test('lent chunks: writes postponed by CLIENT PAUSE run from copies once it ends', async () => {
  await onServer(async (server) => {
    const admin = lender(server);
    admin.send(cmds(['CLIENT', 'PAUSE', '100000', 'WRITE']));
    assert.deepEqual(await replies(admin, 1), [{ status: 'OK' }]);
    const writer = lender(server);
    writer.send(cmds(['SET', 'p', 'paused-value'], ['GET', 'p'], ['INCR', 'n']));
    await replies(writer, 0);
    admin.send(cmds(['CLIENT', 'UNPAUSE']));
    assert.deepEqual(await replies(admin, 1), [{ status: 'OK' }]);
    assert.deepEqual(await replies(writer, 3), [{ status: 'OK' }, 'paused-value', 1]);
  });
});
