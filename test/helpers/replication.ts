/**
 * Replication test helpers over a RespClient: INFO sections as records, waiting for a replica to
 * catch up, DEBUG DIGEST, and a replica that never acknowledges.
 */
import { RawConn } from './raw-conn.js';
import { info } from './reply-fields.js';
import { waitFor, type Decoded, type RespClient } from './resp-client.js';

export async function replInfo(c: RespClient): Promise<Record<string, string>> {
  return info(await c.call('INFO', 'replication'));
}

export async function statsInfo(c: RespClient): Promise<Record<string, string>> {
  return info(await c.call('INFO', 'stats'));
}

/** Waits until the replica's link is up and it has applied everything the master has produced. */
export async function caughtUp(master: RespClient, replica: RespClient, withinMs = 10_000): Promise<void> {
  await waitFor(async () => {
    const m = await replInfo(master);
    const r = await replInfo(replica);
    return r['master_link_status'] === 'up' && r['master_repl_offset'] === m['master_repl_offset'];
  }, withinMs, 'replica caught up');
}

export async function digest(c: RespClient): Promise<Decoded> {
  return c.call('DEBUG', 'DIGEST');
}

/** A replica (listening port 12345) that synchronises and then never acknowledges anything. */
export async function silentReplica(port: number): Promise<RawConn> {
  const r = await RawConn.connect(port);
  r.write('*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$5\r\n12345\r\n');
  await waitFor(() => r.text().startsWith('+OK\r\n'), 5000, 'REPLCONF answered');
  r.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
  await waitFor(() => r.text().includes('+FULLRESYNC'), 5000, 'a full resync');
  return r;
}
