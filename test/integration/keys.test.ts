/**
 * Generic key commands end to end: a server built on a fake Environment (virtual clock, fake
 * connection, no sockets, tick driven by hand) for expiry, propagation and WATCH; and a real
 * server over TCP for SCAN under concurrent writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/node/build.js';
import type { Connection, Environment } from '../../src/runtime/ports.js';
import { nodeEnvironment } from '../../src/runtime/node/index.js';
import { Config } from '../../src/server/config/config.js';
import type { Server } from '../../src/server/server.js';
import type { Client } from '../../src/server/client.js';
import { SeededRandom } from '../../src/lib/prng.js';
import { withServer } from '../helpers/server.js';
import { parseReply, RespClient, type Decoded } from '../helpers/resp-client.js';
import { fakeConnection } from '../helpers/fake-connection.js';

/** A server node on a virtual clock with one fake client connection; commands run synchronously. */
class Node {
  now = 1_700_000_000_000;
  /** How far the monotonic clock moves on each reading (0: frozen while a tick runs). */
  monoStepUs = 0;
  private mono = 0;
  readonly server: Server;
  readonly propagated: string[] = [];
  readonly events: string[] = [];
  private out: Buffer[] = [];
  private readonly conn: Connection;
  readonly client: Client;

  constructor(seed = 1) {
    const rng = new SeededRandom(seed);
    // Start from the real environment (so fields added to the port later are present) and
    // replace everything that makes a run nondeterministic.
    const clock = { nowMs: () => this.now, monotonicUs: () => this.now * 1000 + (this.mono += this.monoStepUs), nowUs: () => this.now * 1000 };
    const env: Environment = {
      ...nodeEnvironment(),
      clock,
      random: { float: () => rng.nextU32() / 2 ** 32, bytes: (n) => Buffer.from(Array.from({ length: n }, () => rng.nextU32() & 255)) },
      scheduler: { every: () => () => {}, soon: (fn) => { fn(); return () => {}; }, after: () => () => {} },
      transport: { listen: () => Promise.reject(new Error('no sockets in this test')), connect: () => Promise.reject(new Error('no sockets in this test')) },
      pid: 4242,
    };
    // No save points: FLUSHALL would otherwise save a dump.rdb into the working directory.
    const config = new Config();
    config.set('save', ['']);
    this.server = buildServer({ env, config, logSink: { write: () => {} } });
    this.server.propagationSinks.push({ propagate: (db, argv) => { this.propagated.push(`${db} ${argv.join(' ')}`); } });
    this.server.notifier = (type, event, db, key) => { this.events.push(`${type} ${event} ${db.id}:${key}`); };
    const out = this.out;
    this.conn = fakeConnection((d) => { out.push(Buffer.from(d)); });
    this.server.acceptConnection(this.conn);
    this.client = [...this.server.clients.values()].at(-1)!;
  }

  cmd(...args: string[]): Decoded {
    let req = `*${args.length}\r\n`;
    for (const a of args) req += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.out.length = 0;
    this.conn.onData(Buffer.from(req, 'latin1'));
    const buf = Buffer.concat(this.out);
    const r = parseReply(buf, 0);
    assert.ok(r !== null && r[1] === buf.length, `one complete reply for ${args.join(' ')}`);
    return r[0];
  }

  dbKeys(db = 0): number {
    return this.server.ks.dbs[db]!.dict.size;
  }
}

test('active expiry works in slices and stops at 25% of the tick period', () => {
  const n = new Node();
  for (let i = 0; i < 1000; i++) {
    n.cmd('SET', `v${i}`, 'x');
    n.cmd('PEXPIRE', `v${i}`, '100');
  }
  for (let i = 0; i < 10; i++) n.cmd('SET', `p${i}`, 'x');
  n.propagated.length = 0;
  n.events.length = 0;
  n.now += 100;
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 1010, 'nothing expires before its time is past (Redis: now > when)');
  n.now += 1;
  n.monoStepUs = 10_000; // every clock reading 10 ms later: the 25 ms budget (hz 10) allows 3 slices
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 1010 - 3 * 320, 'three slices of 320 keys, then the time cap');
  assert.equal(n.server.ks.stats.expiredTimeCapReachedCount, 1);
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 10);
  assert.equal(n.server.ks.stats.expiredKeys, 1000);
  assert.equal(n.propagated.length, 1000);
  assert.ok(n.propagated.every((p) => /^0 DEL v\d+$/.test(p)));
  assert.equal(n.events.filter((e) => e.startsWith('x expired 0:v')).length, 1000);
  assert.equal(n.cmd('DBSIZE'), 10);
});

test('active-expire-effort through CONFIG SET: bigger slices, a longer time limit', () => {
  const n = new Node();
  assert.deepEqual(n.cmd('CONFIG', 'SET', 'active-expire-effort', '10'), { status: 'OK' });
  for (let i = 0; i < 5000; i++) n.cmd('SET', `v${i}`, 'x', 'PX', '100');
  n.now += 101;
  n.monoStepUs = 15_000; // 43 ms at effort 10 (hz 10): the third slice's reading is past it
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 5000 - 3 * 16 * 65);
  const stat = (name: string): string =>
    ((n.cmd('INFO', 'stats') as string).split('\r\n').find((l) => l.startsWith(`${name}:`)) ?? '').slice(name.length + 1);
  assert.equal(stat('expired_time_cap_reached_count'), '1');
  assert.ok(Number(stat('expire_cycle_cpu_milliseconds')) >= 45, 'the cycle took three 15 ms readings');
  // Each reply's write pass also ran a fast cycle (the tick hit its limit); with the clock still,
  // the one after RESETSTAT finishes the work within its limit and adds nothing.
  n.monoStepUs = 0;
  n.cmd('CONFIG', 'RESETSTAT');
  assert.equal(n.dbKeys(), 0);
  assert.equal(stat('expired_time_cap_reached_count'), '0');
  assert.equal(stat('expire_cycle_cpu_milliseconds'), '0');
});

test('after a tick that hit the time cap, the write pass of the next commands runs fast cycles', () => {
  const n = new Node();
  for (let i = 0; i < 5000; i++) n.cmd('SET', `v${i}`, 'x', 'PX', '100');
  n.now += 101;
  n.monoStepUs = 10_000; // every reading 10 ms later: 3 slices per tick, 1 per fast cycle (1 ms)
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 5000 - 3 * 320);
  n.propagated.length = 0;
  assert.deepEqual(n.cmd('PING'), { status: 'PONG' });
  assert.equal(n.dbKeys(), 5000 - 4 * 320, 'one fast slice before the reply was written');
  assert.equal(n.propagated.length, 320);
  assert.equal(n.server.ks.stats.expiredTimeCapReachedCount, 2);
  n.monoStepUs = 0; // time stands still: the next cycle is not capped and finishes the work
  n.cmd('PING');
  assert.equal(n.dbKeys(), 0);
  for (let i = 0; i < 10; i++) n.cmd('SET', `w${i}`, 'x', 'PX', '1');
  n.now += 2;
  n.cmd('PING');
  assert.equal(n.dbKeys(), 10, 'no fast cycle once the last cycle finished in time');
});

test('a mass expiry is worked off in one tick when the time budget allows', () => {
  const n = new Node();
  for (let i = 0; i < 1000; i++) {
    n.cmd('SET', `v${i}`, 'x');
    n.cmd('PEXPIRE', `v${i}`, '100');
  }
  n.now += 101;
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 0);
  assert.equal(n.server.ks.stats.expiredTimeCapReachedCount, 0);
});

test('active expiry shares its slice among databases and skips non-volatile ones', () => {
  const n = new Node();
  for (const db of ['0', '5']) {
    n.cmd('SELECT', db);
    for (let i = 0; i < 200; i++) {
      n.cmd('SET', `k${i}`, 'x');
      n.cmd('PEXPIRE', `k${i}`, '10');
    }
  }
  n.now += 11;
  n.monoStepUs = 30_000; // one slice per tick
  n.server.tick(n.now);
  const removed0 = 200 - n.dbKeys(0);
  const removed5 = 200 - n.dbKeys(5);
  assert.ok(removed0 > 20 && removed5 > 20, `both databases progress (${removed0}, ${removed5})`);
  assert.ok(removed0 + removed5 <= 320, 'within the slice budget');
});

test('a key lives through its own millisecond and expires once the time is past it (Redis: now > when)', () => {
  const n = new Node();
  n.cmd('SET', 'k', 'v', 'PX', '100');
  n.cmd('SET', 'w', 'v', 'PX', '100');
  n.now += 100; // exactly the expiry time
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 2, 'the active cycle leaves it');
  assert.equal(n.cmd('GET', 'k'), 'v');
  assert.equal(n.cmd('PTTL', 'k'), 0);
  assert.equal(n.cmd('TTL', 'k'), 0);
  assert.equal(n.cmd('EXISTS', 'k'), 1);
  assert.deepEqual((n.cmd('KEYS', '*') as string[]).sort(), ['k', 'w']);
  const [cursor, found] = n.cmd('SCAN', '0') as [string, string[]];
  assert.deepEqual([cursor, found.sort()], ['0', ['k', 'w']]);
  // WATCHed while alive: its expiry before EXEC is a change (Redis's isWatchedKeyExpired).
  n.cmd('WATCH', 'w');
  n.now += 1;
  n.cmd('MULTI');
  n.cmd('PING');
  assert.equal(n.cmd('EXEC'), null);
  assert.equal(n.cmd('PTTL', 'k'), -2);
  assert.equal(n.cmd('GET', 'k'), null);
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 0);
});

test('a paused master hides expired keys without deleting them, until the pause ends (Redis 7.0)', () => {
  const n = new Node();
  n.cmd('SET', 'k', 'v', 'PX', '100');
  n.cmd('SET', 'p', 'v');
  assert.deepEqual(n.cmd('CLIENT', 'PAUSE', '1000', 'WRITE'), { status: 'OK' });
  n.now += 101;
  n.propagated.length = 0;
  n.events.length = 0;
  assert.equal(n.cmd('GET', 'k'), null);
  assert.equal(n.cmd('EXISTS', 'k'), 0);
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 2, 'neither the read nor the active cycle deleted it');
  assert.deepEqual(n.propagated, []);
  // No expired event: only the two reads' keymiss (lookupKey answers NULL for the hidden key).
  assert.deepEqual(n.events, ['m keymiss 0:k', 'm keymiss 0:k']);
  n.now += 1000;
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 1);
  assert.deepEqual(n.propagated, ['0 DEL k']);
});

test('lazy expiry on access, with active expiry off', () => {
  const n = new Node();
  n.server.ks.activeExpireEnabled = false;
  n.cmd('SET', 'k', 'v');
  n.cmd('PEXPIRE', 'k', '100');
  n.now += 101;
  n.server.tick(n.now);
  assert.equal(n.dbKeys(), 1, 'still stored: nobody looked');
  n.propagated.length = 0;
  assert.equal(n.cmd('GET', 'k'), null);
  assert.equal(n.dbKeys(), 0);
  assert.deepEqual(n.propagated, ['0 DEL k']);
  assert.ok(n.events.includes('x expired 0:k'));
});

test('RANDOMKEY never returns a logically expired key', () => {
  const n = new Node(99);
  n.server.ks.activeExpireEnabled = false;
  for (let i = 0; i < 100; i++) {
    n.cmd('SET', `e${i}`, 'x');
    n.cmd('PEXPIRE', `e${i}`, '5');
  }
  n.cmd('SET', 'alive', 'x');
  n.now += 6;
  for (let i = 0; i < 30; i++) assert.equal(n.cmd('RANDOMKEY'), 'alive');
  n.cmd('DEL', 'alive');
  assert.equal(n.cmd('RANDOMKEY'), null);
  assert.equal(n.dbKeys(), 0, 'expired keys met on the way were deleted');
});

test('EXPIRE propagates PEXPIREAT with the absolute time; a past time propagates DEL', () => {
  const n = new Node();
  n.cmd('SET', 'k', 'v');
  n.propagated.length = 0;
  n.events.length = 0;
  assert.equal(n.cmd('EXPIRE', 'k', '100', 'NX'), 1);
  assert.equal(n.cmd('EXPIRE', 'k', '100', 'NX'), 0);
  assert.equal(n.cmd('PEXPIRETIME', 'k'), n.now + 100_000);
  assert.equal(n.cmd('EXPIRE', 'k', '-5'), 1);
  for (const cmd of [['FLUSHALL'], ['FLUSHDB'], ['SWAPDB', '0', '1'], ['SWAPDB', '0', '0']]) {
    assert.deepEqual(n.cmd(...cmd), { status: 'OK' });
  }
  assert.deepEqual(n.propagated, [
    `0 PEXPIREAT k ${n.now + 100_000} NX`,
    '0 DEL k',
    '0 FLUSHALL', '0 FLUSHDB', '0 SWAPDB 0 1', '0 SWAPDB 0 0',
  ]);
  assert.deepEqual(n.events, ['g expire 0:k', 'g del 0:k']);
});

test('FLUSHALL, FLUSHDB and SWAPDB invalidate WATCH on keys that exist (Redis 7.0 rules)', () => {
  const n = new Node();
  const s = n.server;
  const c = n.client;
  const watch = (db: number, key: string): void => { s.unwatchAll(c); s.watchKey(c, s.ks.dbs[db]!, key); };

  watch(0, 'nokey');
  n.cmd('FLUSHALL');
  assert.equal(c.watchDirty, false, 'a missing key is not touched by FLUSHALL');

  n.cmd('SET', 'k', 'v');
  watch(0, 'k');
  n.cmd('FLUSHALL');
  assert.equal(c.watchDirty, true);

  n.cmd('SET', 'k', 'v');
  watch(0, 'k');
  n.cmd('SELECT', '1');
  n.cmd('FLUSHDB');
  assert.equal(c.watchDirty, false, 'another database was flushed');
  n.cmd('SELECT', '0');
  n.cmd('FLUSHDB');
  assert.equal(c.watchDirty, true);

  watch(0, 'k');
  n.cmd('SELECT', '1');
  n.cmd('SET', 'k', 'in-db-1');
  n.cmd('SELECT', '0');
  watch(0, 'k');
  n.cmd('SWAPDB', '0', '1');
  assert.equal(c.watchDirty, true, 'the key appears in db 0 through the swap');
  assert.equal(n.cmd('GET', 'k'), 'in-db-1');

  watch(0, 'other');
  n.cmd('SWAPDB', '0', '1');
  assert.equal(c.watchDirty, false, 'neither database holds the watched key');
});

/**
 * Loads `stable:0..total-1`, then runs a full SCAN (COUNT `count`) while `between(call, writer)`
 * runs after each call on a second connection; returns the keys seen and the number of calls.
 */
async function scanWhileWriting(
  port: number, c: RespClient, total: number, count: string,
  between: (call: number, writer: RespClient) => Promise<void>,
): Promise<{ seen: Set<string>; calls: number }> {
  const cmds: string[][] = [];
  for (let i = 0; i < total; i++) cmds.push(['SET', `stable:${i}`, 'v']);
  await c.pipeline(cmds);
  const writer = await RespClient.connect(port);
  try {
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const r = await c.call('SCAN', cursor, 'COUNT', count) as [string, string[]];
      cursor = r[0];
      for (const k of r[1]) seen.add(k);
      await between(calls, writer);
      calls++;
      assert.ok(calls < 5000, 'scan terminates');
    } while (cursor !== '0');
    for (let i = 0; i < total; i++) assert.ok(seen.has(`stable:${i}`), `missed stable:${i}`);
    return { seen, calls };
  } finally {
    writer.close();
  }
}

test('SCAN over TCP returns every key present throughout, while another client grows the table and shrinks it again', async () => {
  await withServer({}, async (s, c) => {
    let added = 0;
    const { calls } = await scanWhileWriting(s.address.port, c, 3000, '20', async (call, writer) => {
      // 200 new keys a call for 60 calls (3000 -> 15000 keys: the table goes from 8192 to 16384
      // and 32768 slots, moving entries a few at a time), then all of them deleted (3000 live in
      // 32768 slots is under 1/8: it shrinks, incrementally too).
      const batch: string[][] = [];
      if (call < 60) for (let j = 0; j < 200; j++) batch.push(['SET', `grow:${added++}`, 'v']);
      else if (call === 60) for (let j = 0; j < added; j++) batch.push(['DEL', `grow:${j}`]);
      if (batch.length > 0) await writer.pipeline(batch);
    });
    assert.ok(calls > 60, `the scan outlived the growth (${calls} calls)`);
    // A client's cursor may be any 64-bit value; bits beyond the table play no part.
    const r = await c.call('SCAN', '18446744073709551615') as [string, string[]];
    assert.equal(r[0], '0');
  });
});

test('SCAN over TCP returns every key present throughout, despite concurrent writes', async () => {
  await withServer({}, async (s, c) => {
    const total = 3000;
    await c.pipeline(Array.from({ length: 500 }, (_, i) => ['SET', `churn:${i}`, 'v']));
    let churn = 500;
    const { calls } = await scanWhileWriting(s.address.port, c, total, '37', async (call, writer) => {
      // Another client deletes and adds keys.
      await writer.pipeline([['DEL', `churn:${call}`], ['SET', `churn:${churn++}`, 'v'], ['SET', `new:${call}`, 'v']]);
    });
    assert.ok(calls >= Math.floor(total / 37), 'COUNT bounds the work per call');
  });
});

test('SCAN over TCP: MATCH, TYPE, binary keys, and invalid cursors', async () => {
  await withServer({}, async (_s, c) => {
    await c.pipeline([['SET', 'a:1', 'v'], ['SET', 'a:2', 'v'], ['SET', 'b:1', 'v'], ['SET', Buffer.from([0, 0xff, 0x41]), 'v']]);
    const all = async (...opts: string[]): Promise<string[]> => {
      const out: string[] = [];
      let cursor = '0';
      do {
        const r = await c.call('SCAN', cursor, ...opts) as [string, string[]];
        cursor = r[0];
        out.push(...r[1]);
      } while (cursor !== '0');
      return out.sort();
    };
    assert.deepEqual(await all('MATCH', 'a:*', 'COUNT', '1'), ['a:1', 'a:2']);
    assert.deepEqual(await all('TYPE', 'string', 'MATCH', '\x00*'), ['\x00\xffA']);
    assert.deepEqual(await all('TYPE', 'hash'), []);
    assert.deepEqual(await c.call('SCAN', 'junk'), { error: 'ERR invalid cursor' });
    assert.deepEqual(await c.call('SCAN', '0', 'COUNT', '0'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('TYPE', 'a:1'), { status: 'string' });
    assert.deepEqual((await c.call('KEYS', 'a:?') as string[]).sort(), ['a:1', 'a:2']);
  });
});
