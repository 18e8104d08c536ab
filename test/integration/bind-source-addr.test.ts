/**
 * `bind-source-addr`: a replica's link to its master connects from that address (Redis's
 * connectWithMaster), on a best-effort basis as Redis binds it: an address this host does not
 * have is skipped and the link connects from any address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { info } from '../helpers/reply-fields.js';
import { startTestServer } from '../helpers/server.js';

/** The address the master sees its replica's link come from. */
async function linkSource(source: string): Promise<string> {
  // Protected mode would refuse a link from 127.0.0.2 (only 127.0.0.1 and ::1 are local to it).
  const master = await startTestServer({ config: { 'protected-mode': 'no' } });
  const replica = await startTestServer({ config: { replicaof: `127.0.0.1 ${master.address.port}`, 'bind-source-addr': source } });
  const m = await RespClient.connect(master.address.port);
  const r = await RespClient.connect(replica.address.port);
  try {
    await waitFor(async () => info(await r.call('INFO', 'replication'))['master_link_status'] === 'up', 10_000, 'the link up');
    const line = String(await m.call('CLIENT', 'LIST')).split('\n').find((l) => / flags=S /.test(l)) ?? '';
    return /^id=\d+ addr=([\d.]+):\d+ /.exec(line)?.[1] ?? line;
  } finally {
    m.close();
    r.close();
    await replica.close();
    await master.close();
  }
}

test("a replica's link connects from bind-source-addr; an address the host lacks is skipped", async () => {
  assert.equal(await linkSource('127.0.0.2'), '127.0.0.2');
  // 192.0.2.0/24 is reserved for documentation: no host has it, so the bind fails.
  assert.equal(await linkSource('192.0.2.1'), '127.0.0.1');
});
