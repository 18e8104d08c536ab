/** Helpers for tests of blocking commands over real sockets. */
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/index.js';
import { RespClient, settleWithin, waitFor, type Decoded } from './resp-client.js';

/** INFO clients' blocked_clients. */
export async function blockedClients(c: RespClient): Promise<number> {
  const m = /blocked_clients:(\d+)/.exec(String(await c.call('INFO', 'clients')));
  assert.ok(m, 'INFO clients has blocked_clients');
  return Number(m[1]);
}

/** Opens `n` extra connections (closed by the caller through the returned list). */
export async function connect(s: RunningServer, n: number): Promise<RespClient[]> {
  const out: RespClient[] = [];
  for (let i = 0; i < n; i++) out.push(await RespClient.connect(s.address.port));
  return out;
}

/** Sends a blocking command and waits until the server counts one more blocked client. */
export async function block(admin: RespClient, c: RespClient, ...cmd: string[]): Promise<[Promise<Decoded>]> {
  const before = await blockedClients(admin);
  const reply = c.call(...cmd);
  await waitFor(async () => (await blockedClients(admin)) === before + 1, 5000, `${cmd[0]} to block`);
  return [reply]; // wrapped: an async function would otherwise wait for the reply itself
}

/** The reply of a blocked client, which must arrive within `ms` (a test fails instead of hanging). */
export function served<T = Decoded>(reply: Promise<T>, ms = 5000, who = 'the blocked client'): Promise<T> {
  return settleWithin(reply, ms, () => `${who} was not served within ${ms} ms`);
}
