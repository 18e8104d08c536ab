/**
 * Command timing reads the clock once per command: the commands of one read run back to back and
 * the reading that ends one starts the next (Server.chainUs). Counted with a clock that counts its
 * readings, on a server fed through a fake connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/node/build.js';
import { Config } from '../../src/server/config/config.js';
import { nodeEnvironment, nullSink } from '../../src/runtime/node/index.js';
import type { Clock } from '../../src/runtime/ports.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { fakeConnection } from '../helpers/fake-connection.js';

test('a batch of 16 SETs reads the monotonic clock 16 times plus once for the batch', async () => {
  const base = nodeEnvironment();
  const reads = { n: 0 };
  const clock: Clock = {
    nowMs: () => base.clock.nowMs(),
    nowUs: () => base.clock.nowUs(),
    monotonicUs: () => { reads.n++; return base.clock.monotonicUs(); },
  };
  const server = buildServer({ env: { ...base, clock }, config: new Config(), logSink: nullSink });
  let out = '';
  const conn = fakeConnection((b) => { out += b.toString('latin1'); });
  server.acceptConnection(conn);
  const batch = Buffer.concat(Array.from({ length: 16 }, (_, i) => encodeCommand(['SET', `k${i}`, 'v'])));
  reads.n = 0;
  conn.onData(batch);
  assert.equal(reads.n, 17);
  // A command that does not run (unknown) does not start the next one's time: it reads its own.
  reads.n = 0;
  conn.onData(Buffer.concat([encodeCommand(['SET', 'a', 'b']), encodeCommand(['NOSUCH']), encodeCommand(['SET', 'a', 'c'])]));
  assert.equal(reads.n, 1 + 1 + 2);
  await new Promise((r) => setImmediate(r));
  assert.equal(out, '+OK\r\n'.repeat(17) + "-ERR unknown command 'NOSUCH', with args beginning with: \r\n+OK\r\n");
  await server.close();
});
