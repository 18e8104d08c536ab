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

const skip = requireBinaries('redis-server');

/** Sends PING from `source` and returns what came back before the server closed or 2 s passed. */
function pingFrom(port: number, source: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port, localAddress: source }, () => s.write('PING\r\n'));
    const timer = setTimeout(() => { s.destroy(); resolve(`${got} (open)`); }, 2000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got === '+PONG\r\n') { clearTimeout(timer); s.destroy(); resolve(`${got} (open)`); }
    });
    s.on('close', () => { clearTimeout(timer); resolve(`${got} (closed)`); });
    s.on('error', () => {});
  });
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
