/**
 * Client-side caching (CLIENT TRACKING) against a real redis-server 7.0: the same steps on several
 * connections per server, and everything each connection received after each step (replies,
 * `invalidate` pushes, RESP2 messages on `__redis__:invalidate`, `tracking-redir-broken`) compared
 * byte for byte, in arrival order.
 *
 * After each step the runner waits for the step's reply, makes a round trip on a separate
 * connection (the server has then run its write pass, BCAST messages included) and waits until
 * no connection has received anything for a short while.
 *
 * Normalised because they legitimately differ: client ids (the steps name connections, `@r`
 * standing for r's id; ids in GETREDIR, TRACKINGINFO, tracking-redir-broken and HELLO replies are
 * printed back as names). Which keys tracking-table-max-keys evicts is random in Redis (a radix
 * tree random walk), so that scenario compares counts only.
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawConn } from '../helpers/raw-conn.js';
import { encodeCommand, parseReply, RespClient, waitFor } from '../helpers/resp-client.js';
import { requireBinaries } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { sideBySide } from './helpers/side-by-side.js';
import { scenarioTests, type Step } from './helpers/scenarios.js';

const skip = requireBinaries('redis-server');

const QUIET_MS = 40;

/** A raw connection with its client id (for REDIRECT and for naming ids in replies). */
interface Conn {
  readonly raw: RawConn;
  readonly id: number;
}

async function openConn(port: number): Promise<Conn> {
  const raw = await RawConn.connect(port);
  raw.write(encodeCommand(['CLIENT', 'ID']));
  await waitFor(() => frames(raw) >= 1, 3000, 'CLIENT ID');
  return { raw, id: Number(/^:(\d+)/.exec(raw.take().toString('latin1'))![1]) };
}

/** Complete top-level frames received so far. */
function frames(c: RawConn): number {
  let n = 0;
  let pos = 0;
  for (;;) {
    const r = parseReply(c.received, pos);
    if (r === null) return n;
    n++;
    pos = r[1];
  }
}

async function play(port: number, steps: readonly Step[]): Promise<string[]> {
  const admin = await RespClient.connect(port);
  const conns = new Map<string, Conn>();
  const out: string[] = [];
  try {
    await admin.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    // Clients of the previous scenario are gone before this one starts.
    await waitFor(async () => /tracking_clients:0\r\n/.test(String(await admin.call('INFO', 'clients'))), 5000, 'no tracking clients');
    await admin.call('FLUSHALL');
    await admin.call('CONFIG', 'RESETSTAT');
    const names = new Map<number, string>();
    const open = async (name: string): Promise<Conn> => {
      let c = conns.get(name);
      if (c === undefined) {
        c = await openConn(port);
        conns.set(name, c);
        names.set(c.id, name);
      }
      return c;
    };
    for (const [name] of steps) await open(name);
    for (const s of steps) for (const a of s.slice(1)) if (a.startsWith('@')) await open(a.slice(1));
    const idName = (n: string): string => names.get(Number(n)) ?? n;
    const normalise = (s: string): string => s
      .replace(/(\$8\r\nredirect\r\n|\$21\r\ntracking-redir-broken\r\n):(\d+)/g, (_m, p: string, n: string) => `${p}:<${idName(n)}>`)
      .replace(/(\$2\r\nid\r\n):(\d+)/g, (_m, p: string, n: string) => `${p}:<${idName(n)}>`);
    for (const [name, ...rawArgv] of steps) {
      const c = conns.get(name)!.raw;
      const argv = rawArgv.map((a) => (a.startsWith('@') ? String(conns.get(a.slice(1))!.id) : a));
      const before = frames(c);
      c.write(encodeCommand(argv));
      await waitFor(() => frames(c) > before, 3000, `reply to ${argv.join(' ')}`);
      await admin.call('PING');
      await waitFor(() => [...conns.values()].every((x) => Date.now() - x.raw.lastDataMs >= QUIET_MS), 3000, 'quiet');
      const got: string[] = [];
      for (const [n, x] of conns) {
        const b = x.raw.take();
        if (b.length === 0) continue;
        let text = normalise(b.toString('latin1'));
        // GETREDIR and CLIENT ID answer an id.
        if (n === name && argv[0]!.toUpperCase() === 'CLIENT' && /^(GETREDIR|ID)$/i.test(argv[1] ?? '')) {
          text = text.replace(/^:(\d+)\r\n/, (_m, id: string) => `:<${idName(id)}>\r\n`);
        }
        got.push(`${n} <- ${escapeBytes(Buffer.from(text, 'latin1'), 2000)}`);
      }
      out.push(`${name}: ${rawArgv.join(' ')} => ${got.join(' | ')}`);
    }
  } finally {
    await admin.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    admin.close();
    for (const c of conns.values()) c.raw.close();
  }
  return out;
}

/** In a step's arguments, `@x` stands for connection x's client id. */
const SCENARIOS: Record<string, Step[]> = {
  'argument errors and TRACKINGINFO': [
    ['a', 'HELLO', '3'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'PREFIX', 'x'], ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTOUT'], ['a', 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', 'abc'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '0'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '-1'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@r', 'REDIRECT', '@b'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@r', 'REDIRECT', '@r'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'foo'], ['a', 'CLIENT', 'TRACKING', 'maybe'], ['a', 'CLIENT', 'TRACKING'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'PREFIX'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT'],
    ['a', 'CLIENT', 'TRACKING', 'maybe', 'BCAST'], ['a', 'CLIENT', 'TRACKING', 'off', 'BOGUS'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', '', 'PREFIX', 'a'],
    // Redis 7.0.15 answers an error and +OK here, and enables tracking with the overlapping prefixes.
    ['z', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'PREFIX', 'bc'], ['z', 'CLIENT', 'TRACKINGINFO'],
    ['z', 'INFO', 'errorstats'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'cd'], ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'abc'], ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'zz'], ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'zz'],
    ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'CLIENT', 'TRACKING', 'on'], ['a', 'CLIENT', 'TRACKING', 'on', 'OPTIN'], ['a', 'CLIENT', 'CACHING', 'yes'],
    ['a', 'CLIENT', 'TRACKING', 'off'], ['a', 'CLIENT', 'TRACKING', 'off'], ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'CLIENT', 'CACHING', 'no'], ['a', 'CLIENT', 'CACHING'], ['a', 'CLIENT', 'CACHING', 'yes', 'x'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'OPTIN'], ['a', 'CLIENT', 'CACHING', 'no'], ['a', 'CLIENT', 'CACHING', 'maybe'],
    ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'CLIENT', 'TRACKINGINFO'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'OPTOUT'], ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST'], ['a', 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP'],
    ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'CLIENT', 'TRACKING', 'off'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'OPTOUT', 'REDIRECT', '@r'], ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'CLIENT', 'CACHING', 'no'],
    ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'HELLO', '2'], ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'RESET'], ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'COMMAND', 'INFO', 'client|tracking', 'client|caching', 'client|getredir', 'client|trackinginfo'],
    ['a', 'COMMAND', 'DOCS', 'client|tracking'], ['a', 'COMMAND', 'DOCS', 'client|caching'],
  ],
  'RESP3 default mode': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on'],
    ['a', 'GET', 'k1'], ['a', 'MGET', 'k2', 'k3'], ['b', 'SET', 'k1', 'x'], ['b', 'SET', 'k1', 'y'],
    ['a', 'SET', 'k2', 'v'], ['a', 'SET', 'k2', 'v'], ['a', 'GET', 'k1'], ['b', 'DEL', 'k1'], ['b', 'DEL', 'k3'], ['b', 'SET', 'k3', '1'],
    ['a', 'MULTI'], ['a', 'GET', 'k4'], ['a', 'SET', 'k4', '1'], ['a', 'SET', 'k3', '2'], ['a', 'EXEC'],
    ['a', 'STRLEN', 's1'], ['a', 'TYPE', 't1'], ['a', 'EXISTS', 'x1', 'x2'], ['a', 'ZRANGE', 'z1', '0', '-1'],
    ['a', 'XREAD', 'STREAMS', 'st1', '0'], ['a', 'SORT_RO', 'l1'], ['a', 'SET', 'g1', 'v', 'GET'],
    ['b', 'MSET', 's1', '1', 't1', '1', 'x1', '1', 'x2', '2', 'z1', '1', 'st1', '1', 'l1', '1', 'g1', '1'],
    ['a', 'MGET', 'r1', 'r2'], ['b', 'SET', 'r1', 'x'], ['a', 'MGET', 'r1', 'r2'], ['b', 'RENAME', 'r1', 'r2'],
    ['a', 'GET', 'sw'], ['b', 'SWAPDB', '0', '1'], ['b', 'SWAPDB', '0', '1'], ['b', 'SET', 'sw', '1'],
    ['a', 'GET', 'e1'], ['b', 'SET', 'e1', '1'], ['a', 'GET', 'e1'], ['b', 'EXPIRE', 'e1', '-1'],
    ['a', 'GET', 'db1'], ['b', 'SELECT', '1'], ['b', 'SET', 'db1', 'x'],
  ],
  'flushes': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on'], ['c', 'CLIENT', 'TRACKING', 'on', 'BCAST'],
    ['d', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@r'], ['r', 'SUBSCRIBE', '__redis__:invalidate'],
    ['a', 'GET', 'k1'], ['b', 'FLUSHDB'], ['a', 'FLUSHALL'], ['a', 'FLUSHALL', 'ASYNC'], ['b', 'FLUSHDB', 'SYNC'],
    ['a', 'GET', 'k1'], ['b', 'SET', 'k1', 'v'], ['a', 'GET', 'k1'], ['b', 'FLUSHALL'], ['b', 'SET', 'k1', 'v'],
  ],
  'NOLOOP': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on', 'NOLOOP'],
    ['a', 'GET', 'k1'], ['a', 'SET', 'k1', 'v'], ['a', 'GET', 'k1'], ['b', 'SET', 'k1', 'w'],
    ['a', 'GET', 'k1'], ['a', 'MULTI'], ['a', 'SET', 'k1', 'x'], ['a', 'EXEC'], ['b', 'SET', 'k1', 'z'],
    ['c', 'HELLO', '3'], ['c', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'p:', 'NOLOOP'],
    ['c', 'MSET', 'p:1', '1', 'p:2', '2'], ['b', 'MSET', 'p:1', '1', 'q', '2'], ['c', 'SET', 'p:3', '3'],
    ['c', 'MULTI'], ['c', 'SET', 'p:4', '4'], ['c', 'SET', 'p:5', '4'], ['c', 'EXEC'],
  ],
  'BCAST with prefixes': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'cd'],
    ['b', 'HELLO', '3'], ['b', 'CLIENT', 'TRACKING', 'on', 'BCAST'],
    ['c', 'SET', 'abx', '1'], ['c', 'MSET', 'zz1', '1', 'cdz', '2', 'abb', '3', 'aba', '4', 'other', '5'],
    ['a', 'MSET', 'cd1', '1', 'ab1', '1'], ['a', 'GET', 'ab1'], ['c', 'DEL', 'ab1', 'cd1', 'nope'],
    ['c', 'MULTI'], ['c', 'SET', 'cd9', '1'], ['c', 'INCR', 'ab9'], ['c', 'DEL', 'cd9'], ['c', 'EXEC'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ef'], ['c', 'SET', 'efg', '1'],
    ['a', 'CLIENT', 'TRACKINGINFO'], ['b', 'CLIENT', 'TRACKINGINFO'], ['c', 'CLIENT', 'GETREDIR'],
    ['a', 'CLIENT', 'TRACKING', 'off'], ['c', 'SET', 'abx', '1'], ['c', 'FLUSHALL'],
  ],
  'OPTIN and OPTOUT': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on', 'OPTIN'],
    ['a', 'GET', 'o1'], ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'CLIENT', 'ID'], ['a', 'GET', 'o2'], ['a', 'GET', 'o3'],
    ['b', 'MSET', 'o1', '1', 'o2', '2', 'o3', '3'],
    ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'PING'], ['a', 'GET', 'o4'],
    ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'NOSUCHCOMMAND'], ['a', 'GET', 'o6'],
    ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'MULTI'], ['a', 'GET', 'o5'], ['a', 'EXEC'], ['a', 'CLIENT', 'TRACKINGINFO'],
    ['b', 'MSET', 'o4', '1', 'o5', '2', 'o6', '3'],
    ['a', 'MULTI'], ['a', 'CLIENT', 'CACHING', 'yes'], ['a', 'GET', 'o7'], ['a', 'EXEC'], ['a', 'GET', 'o8'],
    ['b', 'MSET', 'o7', '1', 'o8', '2'],
    ['a', 'CLIENT', 'TRACKING', 'off'], ['a', 'CLIENT', 'TRACKING', 'on', 'OPTOUT'],
    ['a', 'CLIENT', 'CACHING', 'no'], ['a', 'CLIENT', 'TRACKINGINFO'], ['a', 'GET', 'o1'], ['a', 'GET', 'o2'],
    ['b', 'MSET', 'o1', '1', 'o2', '2'],
  ],
  'RESP2 redirect': [
    ['r', 'SUBSCRIBE', '__redis__:invalidate'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@r'], ['a', 'CLIENT', 'GETREDIR'],
    ['a', 'GET', 'k1'], ['b', 'SET', 'k1', 'x'], ['a', 'GET', 'k1'], ['b', 'FLUSHALL'],
    ['s', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@s'], ['a', 'MGET', 'k1', 'k2'],
    ['b', 'MSET', 'k1', 'x', 'k2', 'y'], ['b', 'FLUSHALL'],
    ['t', 'HELLO', '3'], ['t', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@r', 'BCAST', 'PREFIX', 'p:', 'NOLOOP'],
    ['b', 'FLUSHALL'], ['b', 'MSET', 'p:1', 'x', 'p:2', 'y', 'q', 'z'], ['t', 'MSET', 'p:3', 'x', 'p:2', 'y'],
    ['r', 'UNSUBSCRIBE'], ['b', 'SET', 'p:1', 'x'], ['r', 'SUBSCRIBE', 'other'], ['b', 'SET', 'p:1', 'x'],
    ['r', 'QUIT'], ['b', 'SET', 'p:1', 'x'], ['t', 'CLIENT', 'TRACKINGINFO'], ['t', 'CLIENT', 'GETREDIR'],
    ['b', 'SET', 'p:1', 'y'], ['t', 'CLIENT', 'TRACKING', 'on', 'BCAST'], ['t', 'CLIENT', 'TRACKINGINFO'],
    ['u', 'CLIENT', 'TRACKING', 'on'], ['u', 'GET', 'k5'], ['b', 'SET', 'k5', '1'],
    ['v', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@v'], ['v', 'GET', 'k6'], ['b', 'SET', 'k6', '1'],
    ['a', 'GET', 'k7'], ['s', 'QUIT'], ['b', 'SET', 'k7', '1'], ['a', 'CLIENT', 'TRACKINGINFO'],
  ],
  'tracking turned off in the EXEC that wrote a tracked key: the held invalidation keeps the old redirect': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on'], ['a', 'GET', 'o1'], ['a', 'MULTI'], ['a', 'SET', 'o1', '1'],
    ['a', 'CLIENT', 'TRACKING', 'off'], ['a', 'EXEC'], ['a', 'PING'],
    ['s', 'SUBSCRIBE', '__redis__:invalidate'], ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@s'], ['a', 'GET', 'o2'],
    ['a', 'MULTI'], ['a', 'SET', 'o2', '1'], ['a', 'CLIENT', 'TRACKING', 'off'], ['a', 'EXEC'], ['a', 'CLIENT', 'GETREDIR'],
  ],
  'pipelines and self invalidation': [
    ['a', 'HELLO', '3'], ['a', 'CLIENT', 'TRACKING', 'on'], ['a', 'GET', 'p1'], ['a', 'SET', 'p1', 'v'],
    ['a', 'GET', 'p1'], ['a', 'APPEND', 'p1', 'x'], ['a', 'GET', 'p1'], ['a', 'MULTI'], ['a', 'DEL', 'p1'], ['a', 'GET', 'p1'],
    ['a', 'SET', 'p1', 'z'], ['a', 'EXEC'], ['a', 'GET', 'p1'], ['a', 'FLUSHDB'],
    ['a', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@a'], ['a', 'GET', 'q1'], ['b', 'SET', 'q1', '1'],
  ],
};

/** Runs `fn` with two fresh connections to `port` (a tracks, b writes), closing them after. */
async function withTwo<T>(port: number, fn: (a: RespClient, b: RespClient) => Promise<T>): Promise<T> {
  const a = await RespClient.connect(port);
  const b = await RespClient.connect(port);
  try {
    return await fn(a, b);
  } finally {
    a.close();
    b.close();
  }
}

describe('CLIENT TRACKING: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  const servers = sideBySide();
  scenarioTests(servers, SCENARIOS, play);

  test('CLIENT CACHING YES still applies to a command CLIENT PAUSE held back', async () => {
    const run = (port: number): Promise<string[]> => withTwo(port, async (a, b) => {
      await b.call('FLUSHALL');
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on', 'OPTIN');
      await a.call('CLIENT', 'CACHING', 'yes');
      await b.call('CLIENT', 'PAUSE', '300', 'ALL');
      // Sent during the pause: held back, it runs when the pause ends, CACHING YES applying.
      const held = a.callRaw('GET', 'w1');
      const got = [(await held).raw.toString('latin1')];
      await b.call('SET', 'w1', 'v');
      const p = await a.nextPushWithin(2000);
      got.push(p === 'timeout' ? 'no invalidation' : p.raw.toString('latin1'));
      return got;
    });
    assert.deepEqual(await run(servers.garrison.port), await run(servers.redis.port));
  });

  test('expiry (lazy and active) invalidates', async () => {
    const run = (port: number): Promise<string[]> => withTwo(port, async (a, b) => {
      await b.call('FLUSHALL');
      await a.call('HELLO', '3');
      await a.call('CLIENT', 'TRACKING', 'on');
      await b.call('SET', 'e1', 'v', 'PX', '30');
      await b.call('SET', 'e2', 'v', 'PX', '30');
      await a.call('MGET', 'e1', 'e2');
      await waitFor(async () => (await b.call('PTTL', 'e2')) === -2 || (await b.call('EXISTS', 'e2')) === 0, 3000, 'e2 expired');
      // e1 goes by active expiry (or by b's read below); either way a hears of both.
      const got: string[] = [];
      await waitFor(async () => {
        const p = await a.nextPushWithin(50);
        if (p !== 'timeout') got.push(p.raw.toString('latin1'));
        return got.length >= 2;
      }, 5000, 'two invalidations');
      return got.sort();
    });
    assert.deepEqual(await run(servers.garrison.port), await run(servers.redis.port));
  });

  test('tracking-table-max-keys evicts and invalidates (counts; Redis picks keys at random)', async () => {
    const run = (port: number): Promise<string> => withTwo(port, async (a, b) => {
      try {
        await b.call('FLUSHALL');
        await waitFor(async () => /tracking_clients:0\r\n/.test(String(await b.call('INFO', 'clients'))), 5000, 'no tracking clients');
        await a.call('HELLO', '3');
        await a.call('CLIENT', 'TRACKING', 'on');
        await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '2');
        await a.call('MGET', 'm1', 'm2', 'm3', 'm4', 'm5');
        const before = String(await b.call('INFO', 'stats'));
        let pushes = 0;
        await waitFor(async () => {
          const p = await a.nextPushWithin(50);
          if (p !== 'timeout') pushes++;
          return pushes >= 3;
        }, 5000, 'three evictions');
        const extra = await a.nextPushWithin(100);
        const info = String(await b.call('INFO', 'clients')) + String(await b.call('INFO', 'stats'));
        const lines = (s: string): string => s.split('\r\n').filter((l) => l.startsWith('tracking_')).join(',');
        return `pushes=${pushes} extra=${extra === 'timeout' ? 'none' : 'some'} before=${lines(before)} after=${lines(info)}`;
      } finally {
        await b.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
      }
    });
    assert.equal(await run(servers.garrison.port), await run(servers.redis.port));
  });

  test('INFO tracking fields and CLIENT LIST flags', async () => {
    const run = async (port: number): Promise<string> => {
      const a = await RespClient.connect(port);
      const b = await RespClient.connect(port);
      const r = await RespClient.connect(port);
      try {
        await b.call('FLUSHALL');
        await waitFor(async () => /tracking_clients:0\r\n/.test(String(await b.call('INFO', 'clients'))), 5000, 'no tracking clients');
        const rid = await r.call('CLIENT', 'ID');
        await a.call('HELLO', '3');
        await a.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'y', 'REDIRECT', String(rid));
        await b.call('CLIENT', 'TRACKING', 'on');
        await b.call('MGET', 'k1', 'k2', 'k3');
        const aid = await a.call('CLIENT', 'ID');
        const bid = await b.call('CLIENT', 'ID');
        const flags = async (): Promise<string> => {
          const list = String(await b.call('CLIENT', 'LIST'));
          return list.split('\n').filter((l) => l !== '').map((l) => {
            const id = Number(/id=(\d+)/.exec(l)![1]);
            const who = id === aid ? 'a' : id === bid ? 'b' : id === rid ? 'r' : '?';
            const redir = /redir=(-?\d+)/.exec(l)![1]!;
            return `${who}:${/flags=(\S+)/.exec(l)![1]}:${redir === String(rid) ? 'r' : redir}`;
          }).sort().join(' ');
        };
        const info = async (): Promise<string> => (String(await b.call('INFO', 'clients')) + String(await b.call('INFO', 'stats')))
          .split('\r\n').filter((l) => l.startsWith('tracking_')).join(',');
        const out = [await flags(), await info()];
        r.close();
        await waitFor(async () => /connected_clients:2\r\n/.test(String(await b.call('INFO', 'clients'))), 5000, 'r gone');
        await b.call('SET', 'x1', '1');
        await a.nextPushWithin(2000);
        out.push(await flags());
        await b.call('CLIENT', 'TRACKING', 'off');
        out.push(await info());
        await b.call('SET', 'k1', '1');
        out.push(await info());
        return out.join('\n');
      } finally {
        a.close();
        b.close();
        r.close();
      }
    };
    assert.equal(await run(servers.garrison.port), await run(servers.redis.port));
  });
});
