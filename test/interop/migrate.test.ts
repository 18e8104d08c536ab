/**
 * MIGRATE, Garrison against redis-server 7.0: each source migrates to a target of its own, and
 * everything observable must match step by step.
 *
 * - Scenarios against real targets (a redis-server per source): every reply byte for byte; after
 *   each scenario both sources' and both targets' keyspaces (type, digest, TTL set or not), what
 *   each target received (its MONITOR feed: AUTH and SELECT only when needed, the RESTOREs and
 *   their DUMP payloads, TTLs masked), the sources' keyspace events, their replication streams
 *   (a migrated key leaves as one DEL), commandstats and errorstats.
 * - Scenarios against a scripted target (a TCP server of the test's that records what arrives
 *   and answers only when told): MIGRATE holds every other client until the target answers (a
 *   GET sent meanwhile is answered after it, and a blocked client's timeout passing meanwhile
 *   is answered after it too), replies cut short by a closed connection or a
 *   timeout (the keys already acknowledged are deleted, the rest stay), long and odd reply lines.
 * - Every type and encoding moved from redis-server to Garrison and back, digests compared.
 * - `redis-cli --cluster import` from Garrison into a three-node redis-server cluster: every key
 *   lands on the node of its slot with its value and TTL, and leaves Garrison.
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { blockedClients } from '../helpers/blocking.js';
import { answeredWithin, RespClient, waitFor, type RawReply } from '../helpers/resp-client.js';
import { refusedPort, requireBinaries, runTool, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { ReplicationTap } from './helpers/replication-tap.js';
import { escapeBytes } from './helpers/script.js';

const skip = requireBinaries('redis-server');

/**
 * A step: the connection it runs on and the command. `src` and `src2` are two connections to the
 * source, `tgt` one to its target; a name ending in `&` sends without waiting (its reply is read
 * by a later `read <conn>` step). `{port}` is replaced by the side's target port and `{dead}` by
 * a port nothing listens on.
 */
type Step = readonly string[];

interface Side {
  name: string;
  source: { port: number };
  target: RedisProcess;
  conns: Map<string, RespClient>;
  pending: Map<string, Array<Promise<RawReply>>>;
  tap: ReplicationTap;
  events: RespClient;
  eventLog: string[];
  monitor: RespClient;
  monitorLog: string[];
}

const SCENARIOS: Record<string, Step[]> = {
  'one key, then again (NOKEY), then from a missing key': [
    ['src', 'SET', 'a', '1'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000'],
    ['src', 'EXISTS', 'a'],
    ['tgt', 'GET', 'a'],
    ['src', 'MIGRATE', '127.0.0.1', '{dead}', 'nokey', '0', '1000'],
  ],
  'KEYS with TTLs, missing keys and every type': [
    ['src', 'SET', 's', 'v'],
    ['src', 'SET', 'n', '12345'],
    ['src', 'PEXPIRE', 'n', '100000'],
    ['src', 'RPUSH', 'l', 'a', 'b', 'c'],
    ['src', 'HSET', 'h', 'f', 'v', 'g', 'w'],
    ['src', 'SADD', 'set', '1', '2', '3'],
    ['src', 'ZADD', 'z', '1', 'a', '2.5', 'b'],
    ['src', 'XADD', 'x', '1-1', 'f', 'v'],
    ['src', 'PFADD', 'hll', 'a', 'b'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS', 's', 'missing', 'n', 'l', 'h', 'set', 'z', 'x', 'hll'],
    ['src', 'DBSIZE'],
    ['tgt', 'DBSIZE'],
  ],
  'an existing target key: BUSYKEY, then REPLACE; COPY keeps the source': [
    ['src', 'SET', 'a', 'new'],
    ['tgt', 'SET', 'a', 'old'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000'],
    ['src', 'GET', 'a'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'COPY'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'copy', 'REPLACE'],
    ['src', 'GET', 'a'],
    ['tgt', 'GET', 'a'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'replace'],
    ['src', 'EXISTS', 'a'],
  ],
  'KEYS with one key the target refuses: the others move, the first error is answered': [
    ['src', 'MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
    ['tgt', 'MSET', 'b', 'x', 'd', 'y'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS', 'a', 'b', 'c', 'd'],
    ['src', 'MGET', 'a', 'b', 'c', 'd'],
    ['tgt', 'MGET', 'a', 'b', 'c', 'd'],
  ],
  'a key named twice: the second RESTORE finds it (BUSYKEY), or replaces it': [
    ['src', 'MSET', 'a', '1', 'b', '2'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS', 'a', 'a'],
    ['src', 'EXISTS', 'a'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'REPLACE', 'KEYS', 'b', 'b'],
    ['src', 'EXISTS', 'b'],
    ['tgt', 'MGET', 'a', 'b'],
  ],
  'databases: SELECT only when it changes, and again after an error': [
    ['src', 'MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '3', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'b', '3', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'c', '99', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'c', '3', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'd', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'e', '-1', '1000'],
    ['src', 'SELECT', '2'],
    ['src', 'SET', 'f', 'in2'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'f', '3', '1000'],
    ['src', 'SELECT', '0'],
    ['tgt', 'SELECT', '3'],
    ['tgt', 'MGET', 'a', 'b', 'c', 'f'],
    ['tgt', 'SELECT', '0'],
  ],
  'argument errors, in Redis order': [
    ['src', 'SET', 'a', '1'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', 'x', '1000', 'foo'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', 'x', 'y'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '1', 'y'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', 'x', '10'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'KEYS', 'a'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'AUTH'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'AUTH2', 'u'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000', 'COPY', 'KEYS'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '9223372036854775808'],
    ['src', 'COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', '', '0', '0', 'AUTH', 'KEYS', 'KEYS', 'a'],
    ['src', 'COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', 'k', '0', '0', 'KEYS', 'a'],
    ['src', 'COMMAND', 'GETKEYSANDFLAGS', 'MIGRATE', 'h', '1', '', '0', '0', 'AUTH2', 'KEYS', 'KEYS', 'x', 'y'],
    ['src', 'COMMAND', 'GETKEYSANDFLAGS', 'MIGRATE', 'h', '1', '', '0', '0', 'REPLACE', 'KEYS', 'a', 'b'],
    ['src', 'GET', 'a'],
  ],
  'targets that cannot be reached': [
    ['src', 'SET', 'a', '1'],
    ['src', 'MIGRATE', '127.0.0.1', '{dead}', 'a', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', 'abc', 'a', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '-1', 'a', '0', '1000'],
    ['src', 'MIGRATE', '', '{port}', 'a', '0', '1000'],
    ['src', 'MIGRATE', 'nonexistent.invalid', '{port}', 'a', '0', '1000'],
    ['src', 'GET', 'a'],
    ['src', 'MIGRATE', 'localhost', '{port}', 'a', '0', '1000'],
    ['src', 'EXISTS', 'a'],
  ],
  'a target with a password and users: AUTH and AUTH2': [
    ['tgt', 'ACL', 'SETUSER', 'mover', 'on', '>pw2', '~*', '+@all'],
    ['tgt', 'CONFIG', 'SET', 'requirepass', 'secret'],
    ['src', 'MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['src', 'MIGRATE', '127.0.0.1', ' {port}', 'a', '5', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', ' {port}', 'a', '5', '1000', 'AUTH', 'wrong'],
    ['src', 'MIGRATE', '127.0.0.1', ' {port}', 'a', '5', '1000', 'AUTH', 'secret'],
    ['src', 'MIGRATE', '127.0.0.1', ' {port}', 'b', '5', '1000', 'AUTH2', 'mover', 'nope'],
    ['src', 'MIGRATE', '127.0.0.1', ' {port}', '', '5', '1000', 'AUTH2', 'mover', 'pw2', 'KEYS', 'b', 'c'],
    ['src', 'DBSIZE'],
    ['tgt', 'AUTH', 'secret'],
    ['tgt', 'CONFIG', 'SET', 'requirepass', ''],
    ['tgt', 'ACL', 'DELUSER', 'mover'],
  ],
  'the target closed the cached connection: MIGRATE dials again': [
    ['src', 'MSET', 'a', '1', 'b', '2'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000'],
    ['kill-links'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'b', '0', '1000'],
    ['tgt', 'MGET', 'a', 'b'],
  ],
  'MIGRATE inside MULTI: EXEC waits for each and goes on': [
    ['src', 'MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['tgt', 'SET', 'c', 'x'],
    ['src', 'MULTI'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'a', '0', '1000'],
    ['src', 'INCR', 'n'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', 'missing', '0', '1000'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS', 'b', 'c', 'n'],
    ['src', 'MIGRATE', '127.0.0.1', '{dead}', 'c', '0', '1000'],
    ['src', 'MGET', 'a', 'b', 'c', 'n'],
    ['src', 'EXEC'],
    ['tgt', 'MGET', 'a', 'b', 'c', 'n'],
  ],
  'a key in a transaction that ran before, and one that expired': [
    // Active expiry off: the expired key must be found (and deleted) by MIGRATE's own lookup.
    ['src', 'DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    ['src', 'MULTI'],
    ['src', 'SET', 'a', '1'],
    ['src', 'SET', 'b', '2', 'PX', '1'],
    ['src', 'EXEC'],
    ['src', 'DEBUG', 'SLEEP', '0.01'],
    ['src', 'MIGRATE', '127.0.0.1', '{port}', '', '0', '1000', 'KEYS', 'b', 'a'],
    ['src', 'DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ['tgt', 'KEYS', '*'],
  ],
};

/** Connections whose MONITOR feed is not compared: their payloads depend on the clock. */
function maskMonitorLine(line: string): string {
  // `+1700000000.123456 [0 127.0.0.1:5555] "RESTORE" "k" "99991" ...`: drop the time and the
  // client address, and mask a RESTORE's non-zero TTL (milliseconds left, read from each clock).
  const m = /^\+?\d+\.\d+ \[(\d+) [^\]]*\] (.*)$/.exec(line);
  if (m === null) return line;
  let rest = m[2]!;
  rest = rest.replace(/^("RESTORE(?:-ASKING)?" "(?:[^"\\]|\\.)*") "([1-9]\d*)"/, '$1 "<ttl>"');
  return `[${m[1]}] ${rest}`;
}

/** Everything the connection receives from now on, each reply as `show` renders it. */
function collect(c: RespClient, show: (raw: Buffer) => string): string[] {
  const log: string[] = [];
  const pump = async (): Promise<void> => {
    for (;;) {
      let r: RawReply;
      try {
        r = await c.read();
      } catch {
        return;
      }
      log.push(show(r.raw));
    }
  };
  void pump();
  return log;
}

async function openSide(name: string, sourcePort: number): Promise<Side> {
  const target = await startRedis();
  const src = await RespClient.connect(sourcePort);
  const events = await RespClient.connect(sourcePort);
  await src.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  await events.call('PSUBSCRIBE', '__key*__:*');
  const eventLog = collect(events, (raw) => escapeBytes(raw));
  const monitor = await RespClient.connect(target.port);
  await monitor.call('MONITOR');
  const monitorLog = collect(monitor, (raw) => maskMonitorLine(raw.toString('latin1').replace(/\r\n$/, '')));
  const tap = await ReplicationTap.open(sourcePort);
  await tap.streaming();
  return {
    name, source: { port: sourcePort }, target, conns: new Map([['src', src]]), pending: new Map(), tap, events, eventLog,
    monitor, monitorLog,
  };
}

async function conn(side: Side, name: string): Promise<RespClient> {
  let c = side.conns.get(name);
  if (c === undefined) {
    c = await RespClient.connect(name.startsWith('tgt') ? side.target.port : side.source.port);
    side.conns.set(name, c);
  }
  return c;
}

/** Runs the steps on one side; one observation (raw reply) per step. */
async function play(side: Side, steps: readonly Step[], dead: number): Promise<string[]> {
  const out: string[] = [];
  for (const step of steps) {
    const [who, ...rest] = step;
    const argv = rest.map((a) => a.replace('{port}', String(side.target.port)).replace('{dead}', String(dead)));
    if (who === 'kill-links') {
      // The target drops the connections MIGRATE opened (not the test's own, nor MONITOR).
      const tgt = await conn(side, 'tgt');
      const list = String(await tgt.call('CLIENT', 'LIST'));
      let n = 0;
      for (const line of list.split('\n')) {
        const id = /^id=(\d+) /.exec(line)?.[1];
        if (id !== undefined && / cmd=(restore|select|auth)/.test(line)) {
          await tgt.call('CLIENT', 'KILL', 'ID', id);
          n++;
        }
      }
      out.push(`(killed ${n})`);
      continue;
    }
    if (who === 'read') {
      const q = side.pending.get(argv[0]!)!;
      out.push(escapeBytes((await q.shift()!).raw));
      continue;
    }
    const name = who!.replace(/&$/, '');
    const c = await conn(side, name);
    if (who!.endsWith('&')) {
      const q = side.pending.get(name) ?? [];
      side.pending.set(name, q);
      q.push(c.callRaw(...argv));
      out.push('(sent)');
      continue;
    }
    out.push(escapeBytes((await c.callRaw(...argv)).raw));
  }
  return out;
}

/** Every key of databases 0-5 with its type, digest and whether it has a TTL. */
async function keyspace(port: number): Promise<string[]> {
  const c = await RespClient.connect(port);
  try {
    const out: string[] = [];
    for (let db = 0; db <= 5; db++) {
      await c.call('SELECT', String(db));
      const keys = ((await c.call('KEYS', '*')) as string[]).sort();
      for (const k of keys) {
        const [type, digest, pttl] = await Promise.all([c.call('TYPE', k), c.call('DEBUG', 'DIGEST-VALUE', k), c.call('PTTL', k)]);
        out.push(`${db} ${k} ${JSON.stringify(type)} ${JSON.stringify(digest)} ttl:${(pttl as number) > 0 ? 'yes' : String(pttl)}`);
      }
    }
    return out;
  } finally {
    c.close();
  }
}

/** The commandstats and errorstats lines of the commands a scenario runs on the source. */
async function stats(port: number): Promise<string[]> {
  const c = await RespClient.connect(port);
  try {
    const info = String(await c.call('INFO', 'commandstats'));
    const errors = String(await c.call('INFO', 'errorstats'));
    const lines = info.split('\r\n').filter((l) => /^cmdstat_(migrate|del):/.test(l)).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''));
    return [...lines, ...errors.split('\r\n').filter((l) => l.startsWith('errorstat_'))];
  } finally {
    c.close();
  }
}

/** Waits until a marker has gone through the side's event feed, target MONITOR and replication tap. */
async function settle(side: Side, marker: string): Promise<void> {
  const src = await conn(side, 'src');
  await src.call('SELECT', '0');
  await src.call('SET', `__marker__`, marker);
  await side.tap.until((cmd) => cmd[0] === 'SET' && cmd[2] === marker, 0);
  await waitFor(() => side.eventLog.some((e) => e.includes(marker) || e.includes('__marker__')), 5000, 'marker event');
  const tgt = await conn(side, 'tgt');
  await tgt.call('ECHO', marker);
  await waitFor(() => side.monitorLog.some((l) => l.includes(`"ECHO" "${marker}"`)), 5000, 'marker in MONITOR');
}

describe('MIGRATE: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;
  let sides: Side[] = [];
  let dead = 0;

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
    sides = [await openSide('redis', redis.port), await openSide('garrison', garrison.port)];
    dead = await refusedPort();
  });

  after(async () => {
    for (const s of sides) {
      s.tap.close();
      s.events.close();
      s.monitor.close();
      for (const c of s.conns.values()) c.close();
      await s.target.stop();
    }
    await garrison?.close();
    await redis?.stop();
  });

  let round = 0;
  for (const [name, steps] of Object.entries(SCENARIOS)) {
    test(name, async () => {
      round++;
      const observed: Array<{ replies: string[]; events: string[]; monitor: string[]; stream: string[][]; keys: string[]; target: string[]; stats: string[] }> = [];
      for (const side of sides) {
        const src = await conn(side, 'src');
        const tgt = await conn(side, 'tgt');
        await src.call('FLUSHALL');
        await src.call('CONFIG', 'RESETSTAT');
        await tgt.call('FLUSHALL');
        await settle(side, `start-${round}`);
        const events0 = side.eventLog.length;
        const monitor0 = side.monitorLog.length;
        const stream0 = side.tap.commands.length;
        const replies = await play(side, steps, dead);
        const st = await stats(side.source.port);
        await settle(side, `end-${round}`);
        observed.push({
          replies,
          events: side.eventLog.slice(events0).filter((e) => !e.includes('__marker__')),
          monitor: side.monitorLog.slice(monitor0).filter((l) => !l.includes('"ECHO"')),
          // Absolute expiry times come from each server's clock.
          stream: side.tap.commands.slice(stream0).filter((c) => !(c[0] === 'SET' && c[1] === '__marker__'))
            .map((c) => c.map((a, i) => (i > 1 && /^\d{13}$/.test(a) ? '<time>' : a))),
          keys: (await keyspace(side.source.port)).filter((k) => !k.includes('__marker__')),
          target: await keyspace(side.target.port),
          stats: st,
        });
      }
      const [r, g] = observed as [typeof observed[0], typeof observed[0]];
      for (let i = 0; i < steps.length; i++) assert.equal(g.replies[i], r.replies[i], `step ${i + 1}: ${steps[i]!.join(' ')}`);
      assert.deepEqual(g.keys, r.keys, 'source keyspace');
      assert.deepEqual(g.target, r.target, 'target keyspace');
      assert.deepEqual(g.monitor, r.monitor, 'what the target received (MONITOR)');
      assert.deepEqual(g.events, r.events, 'keyspace events of the source');
      assert.deepEqual(g.stream, r.stream, 'replication stream of the source');
      assert.deepEqual(g.stats, r.stats, 'commandstats and errorstats');
    });
  }
});

/**
 * A target the test drives: it records what each connection sends and answers only what the
 * test writes. Lets a scenario stop MIGRATE in the middle of its exchange.
 */
class ScriptedTarget {
  readonly sockets: net.Socket[] = [];
  readonly received: Buffer[] = [];
  private server!: net.Server;
  port = 0;

  async start(): Promise<void> {
    this.server = net.createServer((s) => {
      const i = this.sockets.length;
      this.sockets.push(s);
      this.received.push(Buffer.alloc(0));
      s.on('data', (d: Buffer) => { this.received[i] = Buffer.concat([this.received[i]!, d]); });
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Waits until the last connection has received `n` commands (counted by their `*` headers). */
  async commands(n: number): Promise<void> {
    await waitFor(() => this.sockets.length > 0 && countCommands(this.received[this.sockets.length - 1]!) >= n, 5000, `${n} commands at the target`);
  }

  last(): net.Socket {
    return this.sockets[this.sockets.length - 1]!;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Top-level RESP arrays in a buffer of commands (the RESTORE payloads are length-prefixed). */
function countCommands(b: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos < b.length && b[pos] === 0x2a) {
    const eol = b.indexOf('\r\n', pos);
    if (eol < 0) break;
    let argc = Number(b.toString('latin1', pos + 1, eol));
    pos = eol + 2;
    let complete = true;
    while (argc-- > 0) {
      const e = b.indexOf('\r\n', pos);
      if (e < 0) { complete = false; break; }
      const len = Number(b.toString('latin1', pos + 1, e));
      pos = e + 2 + len + 2;
      if (pos > b.length) { complete = false; break; }
    }
    if (!complete) break;
    n++;
  }
  return n;
}

describe('MIGRATE against a scripted target: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ save: '', appendonly: 'no' });
  });

  after(async () => {
    await garrison?.close();
    await redis?.stop();
  });

  /**
   * Runs `script` against each server with a fresh scripted target and a connection to the
   * emptied server; the observations `script` returns must be equal.
   */
  async function both(script: (a: RespClient, t: ScriptedTarget, port: number) => Promise<string[]>): Promise<void> {
    const results: string[][] = [];
    for (const port of [redis.port, garrison.port]) {
      const t = new ScriptedTarget();
      await t.start();
      const a = await RespClient.connect(port);
      try {
        await a.call('FLUSHALL');
        results.push(await script(a, t, port));
      } finally {
        a.close();
        await t.close();
      }
    }
    assert.deepEqual(results[1], results[0]);
  }

  test('other clients wait until the target answered: a GET sent meanwhile sees the key gone', async () => {
    await both(async (a, t, port) => {
      const b = await RespClient.connect(port);
      try {
        await a.call('SLOWLOG', 'RESET');
        await a.call('CONFIG', 'RESETSTAT');
        await a.call('SET', 'k', 'v');
        const migrating = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), 'k', '0', '5000');
        await t.commands(2); // SELECT, RESTORE
        const got = b.callRaw('GET', 'k');
        // Nothing may answer the GET while MIGRATE waits (a bounded look, not a sleep to order events).
        const early = await answeredWithin(got, 150);
        t.last().write('+OK\r\n+OK\r\n');
        const replies = [String(early), escapeBytes((await migrating).raw), escapeBytes((await got).raw), t.received.at(-1)!.toString('latin1').split('\r\n')[2]!];
        // SLOWLOG times the whole command, the wait for the target included (about 150 ms here).
        const [entry] = (await a.call('SLOWLOG', 'GET', '1')) as Array<[number, number, number, string[]]>;
        const stats = String(await a.call('INFO', 'commandstats')).match(/cmdstat_migrate:calls=(\d+),usec=(\d+)/)!;
        return [...replies, JSON.stringify(entry![3].map((x) => (x === String(t.port) ? '{port}' : x))), String(entry![2] >= 100_000), stats[1]!, String(Number(stats[2]) >= 100_000)];
      } finally {
        b.close();
      }
    });
  });

  test('a blocked client whose timeout passes while MIGRATE waits is answered once MIGRATE is done', async () => {
    await both(async (a, t, port) => {
      const c = await RespClient.connect(port);
      try {
        await a.call('SET', 'k', 'v');
        const blpop = c.callRaw('BLPOP', 'nolist', '0.05');
        await waitFor(async () => (await blockedClients(a)) === 1, 5000, 'BLPOP blocked');
        const migrating = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), 'k', '0', '5000');
        await t.commands(2);
        // The 50 ms deadline passes during this look; Redis's event loop is blocked in MIGRATE.
        const early = await answeredWithin(blpop, 300);
        t.last().write('+OK\r\n+OK\r\n');
        return [String(early), escapeBytes((await migrating).raw), escapeBytes((await blpop).raw)];
      } finally {
        c.close();
      }
    });
  });

  test('the connection closes after some replies: the acknowledged keys are deleted, IOERR', async () => {
    await both(async (a, t) => {
      await a.call('MSET', 'a', '1', 'b', '2', 'c', '3');
      const migrating = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), '', '0', '5000', 'KEYS', 'a', 'b', 'c');
      await t.commands(4);
      t.last().end('+OK\r\n+OK\r\n-ERR no\r\n'); // SELECT, a, then b refused; c never answered
      return [escapeBytes((await migrating).raw), JSON.stringify(await a.call('MGET', 'a', 'b', 'c')), String(await a.call('INFO', 'stats')).match(/migrate_cached_sockets:\d+/)![0]];
    });
  });

  test('the connection closes before any reply: MIGRATE dials again once, then IOERR', async () => {
    await both(async (a, t) => {
      await a.call('SET', 'a', '1');
      const migrating = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), 'a', '0', '5000');
      await t.commands(2);
      t.last().destroy();
      await waitFor(() => t.sockets.length === 2 && countCommands(t.received[1]!) >= 2, 5000, 'the second attempt');
      t.last().destroy();
      return [escapeBytes((await migrating).raw), String(await a.call('EXISTS', 'a')), String(t.sockets.length)];
    });
  });

  test('no reply within the timeout: IOERR reading, nothing deleted, the connection dropped', async () => {
    await both(async (a, t) => {
      await a.call('MSET', 'a', '1', 'b', '2');
      const migrating = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), '', '0', '200', 'KEYS', 'a', 'b');
      await t.commands(3);
      t.last().write('+OK\r\n');
      const reply = escapeBytes((await migrating).raw);
      await waitFor(() => t.last().destroyed || t.last().readableEnded, 5000, 'the source closing the connection');
      return [reply, JSON.stringify(await a.call('MGET', 'a', 'b')), String(t.sockets.length)];
    });
  });

  test('odd reply lines: an error with a carriage return inside, a line longer than 1023 bytes', async () => {
    await both(async (a, t) => {
      await a.call('MSET', 'a', '1', 'b', '2', 'c', '3');
      const first = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), '', '0', '5000', 'KEYS', 'a', 'b');
      await t.commands(3);
      t.last().write('+OK\r\n-ERR one\rtwo\r\n+OK\r\n');
      const r1 = escapeBytes((await first).raw);
      const second = a.callRaw('MIGRATE', '127.0.0.1', String(t.port), '', '0', '5000', 'KEYS', 'a', 'c');
      await waitFor(() => countCommands(t.received.at(-1)!) >= 6, 5000, 'the second MIGRATE');
      t.last().write(`+OK\r\n-${'x'.repeat(1100)}\r\n`);
      const r2 = escapeBytes((await second).raw, 4000);
      return [r1, r2, JSON.stringify(await a.call('MGET', 'a', 'b', 'c'))];
    });
  });
});

/** Values of every type and encoding, as commands. */
const TYPED_VALUES: string[][] = [
  ['SET', 'str-int', '12345'], ['SET', 'str-embstr', 'hello'], ['SET', 'str-raw', 'x'.repeat(100)],
  ['RPUSH', 'list-lp', 'a', '1', 'b'], ['RPUSH', 'list-ql', ...Array.from({ length: 200 }, (_, i) => `item-${i}`)],
  ['HSET', 'hash-lp', 'f', 'v', 'n', '1'], ['HSET', 'hash-ht', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['SADD', 'set-int', '1', '2', '300000'], ['SADD', 'set-ht', 'a', 'b', 'c'], ['SADD', 'set-big', ...Array.from({ length: 600 }, (_, i) => String(i))],
  ['ZADD', 'zset-lp', '1', 'a', '2.5', 'b'], ['ZADD', 'zset-sl', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['XADD', 'stream', '1-1', 'f', 'v'], ['XADD', 'stream', '2-1', 'g', 'w'], ['XGROUP', 'CREATE', 'stream', 'grp', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'stream', '>'],
];

describe('MIGRATE of every type between redis-server 7.0 and Garrison', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;
  let garrison2: GarrisonHandle;

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
    garrison2 = await startGarrison({ save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
  });

  after(async () => {
    await garrison2?.close();
    await garrison?.close();
    await redis?.stop();
  });

  test('redis-server to Garrison, Garrison to redis-server, Garrison to Garrison: the same values and encodings', async () => {
    const port = (w: string): number => (w === 'redis' ? redis.port : w === 'garrison' ? garrison.port : garrison2.port);
    const landed: string[] = [];
    for (const [from, to] of [['redis', 'garrison'], ['garrison', 'redis'], ['garrison', 'garrison2']] as const) {
      const src = await RespClient.connect(port(from));
      const dst = await RespClient.connect(port(to));
      try {
        await src.call('FLUSHALL');
        await dst.call('FLUSHALL');
        for (const cmd of TYPED_VALUES) await src.call(...cmd);
        const keys = ((await src.call('KEYS', '*')) as string[]).sort();
        const digests = await Promise.all(keys.map(async (k) => [k, await src.call('DEBUG', 'DIGEST-VALUE', k)]));
        assert.deepEqual(await src.call('MIGRATE', '127.0.0.1', String(port(to)), '', '2', '5000', 'KEYS', ...keys), { status: 'OK' });
        assert.equal(await src.call('DBSIZE'), 0, `${from} kept keys`);
        await dst.call('SELECT', '2');
        assert.deepEqual(await Promise.all(keys.map(async (k) => [k, await dst.call('DEBUG', 'DIGEST-VALUE', k)])), digests, `${from} to ${to}: values`);
        // The consumer group and its pending entry came along.
        assert.equal(((await dst.call('XPENDING', 'stream', 'grp')) as unknown[])[0], 1);
        // Encodings as the target rebuilds them (RESTORE makes a HyperLogLog embstr where PFADD left it raw).
        landed.push(JSON.stringify(await Promise.all(keys.map(async (k) => [k, await dst.call('OBJECT', 'ENCODING', k)]))));
      } finally {
        src.close();
        dst.close();
      }
    }
    assert.equal(landed[1], landed[0], 'encodings on redis-server and on Garrison after the same MIGRATE');
    assert.equal(landed[2], landed[0], 'encodings on Garrison from Garrison');
  });
});

describe('redis-cli --cluster import from Garrison into a redis-server cluster', { skip: requireBinaries('redis-server', 'redis-cli') ?? false }, () => {
  let nodes: RedisProcess[] = [];
  let garrison: GarrisonHandle;

  before(async () => {
    for (let i = 0; i < 3; i++) nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']));
    garrison = await startGarrison({ save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
    const create = await runTool('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeoutMs: 60_000 });
    assert.equal(create.code, 0, create.stdout.toString() + create.stderr);
    for (const n of nodes) {
      const c = await RespClient.connect(n.port);
      try {
        await waitFor(async () => /cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO'))), 20_000, 'cluster_state:ok');
      } finally {
        c.close();
      }
    }
  });

  after(async () => {
    await garrison?.close();
    for (const n of nodes) await n.stop();
    nodes = [];
  });

  test('every key moves to the node of its slot, values intact, and leaves Garrison', async () => {
    const g = await RespClient.connect(garrison.port);
    const clients = await Promise.all(nodes.map((n) => RespClient.connect(n.port)));
    try {
      for (let i = 0; i < 60; i++) await g.call('SET', `key:${i}`, `value-${i}`);
      for (const cmd of TYPED_VALUES) await g.call(...cmd);
      await g.call('PEXPIRE', 'key:7', '100000');
      const keys = ((await g.call('KEYS', '*')) as string[]).sort();
      const digests = new Map<string, unknown>();
      for (const k of keys) digests.set(k, await g.call('DEBUG', 'DIGEST-VALUE', k));
      const r = await runTool('redis-cli', ['--cluster', 'import', `127.0.0.1:${nodes[0]!.port}`, '--cluster-from', `127.0.0.1:${garrison.port}`, '--cluster-replace'], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout.toString() + r.stderr);
      assert.equal(await g.call('DBSIZE'), 0, 'the import moved (not copied) every key');
      for (const k of keys) {
        const slot = (await clients[0]!.call('CLUSTER', 'KEYSLOT', k)) as number;
        const holders: number[] = [];
        for (let i = 0; i < clients.length; i++) if ((await clients[i]!.call('EXISTS', k)) === 1) holders.push(i);
        assert.equal(holders.length, 1, `${k} on exactly one node`);
        const owner = clients[holders[0]!]!;
        assert.equal(await owner.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)) as number > 0, true);
        assert.deepEqual(await owner.call('DEBUG', 'DIGEST-VALUE', k), digests.get(k), `${k} intact`);
        // The TTL came along (only key:7 had one).
        const pttl = (await owner.call('PTTL', k)) as number;
        assert.ok(k === 'key:7' ? pttl > 0 && pttl <= 100_000 : pttl === -1, `${k} PTTL ${pttl}`);
      }
    } finally {
      g.close();
      for (const c of clients) c.close();
    }
  });
});
