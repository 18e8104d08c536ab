/**
 * Blocking commands that name a key twice, against a real redis-server 7.0: Redis blocks a client
 * on a dict of keys, so a repeated key is waited on once (with its first occurrence's stream ID)
 * and the client is served once. Each case blocks a client on both servers, wakes it with the
 * same writes, and compares the served reply byte for byte, in RESP2 and RESP3, plus the dataset
 * left behind (DEBUG DIGEST). Found by test/interop/types-random.test.ts (XREAD, seed 2006).
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { blockedClients, served } from '../helpers/blocking.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';

const skip = requireBinaries('redis-server');

/** [the blocking command, the writes that wake it] */
const CASES: Array<[string[], string[][]]> = [
  [['BLPOP', 'k', 'k', '0'], [['RPUSH', 'k', 'a', 'b']]],
  [['BLMPOP', '0', '2', 'k', 'k', 'LEFT', 'COUNT', '5'], [['RPUSH', 'k', 'a', 'b', 'c']]],
  [['BZPOPMIN', 'z', 'z', '0'], [['ZADD', 'z', '1', 'a', '2', 'b']]],
  [['BZMPOP', '0', '2', 'z', 'z', 'MIN', 'COUNT', '3'], [['ZADD', 'z', '1', 'a', '2', 'b']]],
  [['BLMOVE', 'k', 'k', 'LEFT', 'RIGHT', '0'], [['RPUSH', 'k', 'a', 'b']]],
  [['XREAD', 'COUNT', '5', 'BLOCK', '0', 'STREAMS', 's', 't', 's', '$', '$', '$'], [['XADD', 's', '1-0', 'f', 'v']]],
  // The first occurrence's ID decides: 2-0 passes 1-0 but not the second ID, 3-0.
  [['XREAD', 'BLOCK', '0', 'STREAMS', 'u', 'u', '1-0', '3-0'], [['XADD', 'u', '2-0', 'f', 'v']]],
  [['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'w', 'w', '>', '>'], [['XADD', 'w', '5-0', 'f', 'v']]],
];

/** Runs one case on one server; returns the served reply's bytes and the digest after it. */
async function run(port: number, proto: string, [cmd, wake]: [string[], string[][]]): Promise<[string, string]> {
  const admin = await RespClient.connect(port);
  const blocked = await RespClient.connect(port);
  try {
    await admin.call('FLUSHALL');
    await admin.call('XADD', 'u', '1-0', 'f', 'v');
    await admin.call('XGROUP', 'CREATE', 'w', 'g', '$', 'MKSTREAM');
    await blocked.call('HELLO', proto);
    const before = await blockedClients(admin);
    const reply = blocked.callRaw(...cmd);
    await waitFor(async () => (await blockedClients(admin)) === before + 1, 5000, `${cmd[0]} to block`);
    for (const w of wake) await admin.call(...w);
    const r = await served(reply);
    const digest = await admin.callRaw('DEBUG', 'DIGEST');
    return [escapeBytes(r.raw), escapeBytes(digest.raw)];
  } finally {
    admin.close();
    blocked.close();
  }
}

describe('blocking commands naming a key twice: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;

  before(async () => {
    redis = await startRedis(['--enable-debug-command', 'yes']);
    garrison = await startGarrison({ save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
  });

  after(async () => {
    await garrison?.close();
    await redis?.stop();
  });

  for (const proto of ['2', '3']) {
    test(`served once, with the same reply and dataset (RESP${proto})`, async () => {
      for (const c of CASES) {
        const [r, g] = [await run(redis.port, proto, c), await run(garrison.port, proto, c)];
        assert.deepEqual(g, r, `${c[0].join(' ')} woken by ${c[1].map((w) => w.join(' ')).join('; ')}`);
      }
    });
  }
});
