/** Small probes of a server's state for persistence tests: one INFO field, the dataset digest. */
import assert from 'node:assert/strict';
import type { RespClient } from './resp-client.js';

/** The value of `field` in INFO `section` ('' when absent). */
export async function infoField(c: RespClient, section: string, field: string): Promise<string> {
  const text = (await c.call('INFO', section)) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m === null ? '' : m[1]!.trim();
}

/** DEBUG DIGEST's hex string (the server needs enable-debug-command). */
export async function datasetDigest(c: RespClient): Promise<string> {
  const r = await c.call('DEBUG', 'DIGEST');
  assert.ok(typeof r === 'object' && r !== null && 'status' in r, JSON.stringify(r));
  return r.status;
}
