/**
 * Protected mode from real sockets: with no password set, redis-server 7.0 accepts a TCP peer only
 * from exactly 127.0.0.1 or ::1 (a peer at 127.0.0.2, another loopback address, gets the DENIED
 * text and is closed). Garrison must answer each source address the same way.
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { requireBinaries, startRedis } from './helpers/redis-process.js';
import { startGarrison } from './helpers/garrison.js';
import { settleWithin } from '../helpers/resp-client.js';

const skip = requireBinaries('redis-server');

/**
 * Sends PING from `source`: what came back, and whether the server then kept the connection open
 * (it answered PONG) or closed it (DENIED). Fails if neither happens within 5 s.
 */
function pingFrom(port: number, source: string): Promise<string> {
  let s: net.Socket | undefined;
  const outcome = new Promise<string>((resolve) => {
    let got = '';
    s = net.connect({ host: '127.0.0.1', port, localAddress: source }, () => s!.write('PING\r\n'));
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got === '+PONG\r\n') resolve(`${got} (open)`);
    });
    s.on('close', () => resolve(`${got} (closed)`));
    s.on('error', () => {});
  });
  return settleWithin(outcome, 5000, () => `no PONG and no close for a PING from ${source}`).finally(() => s?.destroy());
}

describe('protected mode by source address: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  test('127.0.0.1 is served; 127.0.0.2 is denied and closed', async () => {
    const redis = await startRedis(['--protected-mode', 'yes']);
    const garrison = await startGarrison({ 'protected-mode': 'yes', save: '', appendonly: 'no' });
    try {
      for (const source of ['127.0.0.1', '127.0.0.2']) {
        const want = await pingFrom(redis.port, source);
        assert.equal(await pingFrom(garrison.port, source), want, source);
      }
      assert.match(await pingFrom(redis.port, '127.0.0.2'), /^-DENIED Redis is running in protected mode.* \(closed\)$/s);
    } finally {
      await garrison.close();
      await redis.stop();
    }
  });
});
