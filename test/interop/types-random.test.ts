/**
 * Strings and bitmaps, keys, lists, hashes, sets, small sorted sets, HyperLogLogs, geo sets,
 * streams (explicit IDs) and their consumer groups under random operations in three databases,
 * Garrison against redis-server 7.0: one seeded sequence goes to both servers, and every reply
 * must match.
 * Replies must be byte-identical, except a few replies whose element order Redis leaves to its
 * hash table (SMEMBERS, HGETALL and the like), which are compared as multisets.
 *
 * The scripts in scripts/*.redis check each command and error case once, on hand-picked values.
 * This test checks what only sequences reach:
 * - keys changing type under commands of other families (WRONGTYPE);
 * - encodings converting both ways at thresholds lowered for the test;
 * - integer and float edges reached by INCRBY, INCRBYFLOAT, HINCRBY and HINCRBYFLOAT;
 * - list indexes and counts from both ends;
 * - stores over their own sources;
 * - keys moved, copied and swapped between databases, and the SELECTs the replication stream
 *   carries for them;
 * - consumer groups' pending entries, claims and what they propagate (XCLAIM ... TIME, whose
 *   time is masked, as are idle times: see maskTimes);
 * - SORT with BY, GET and STORE patterns over the other keys;
 * - HSCAN, SSCAN and ZSCAN over whole collections (COUNT 1000), whose elements are compared
 *   without order (with the same cursor) as SMEMBERS is; SRANDMEMBER, HRANDFIELD and
 *   ZRANDMEMBER by what does not depend on their random picks (randomReply); SPOP of a whole set;
 * - keys of every type whose TTL ran out between two batches (active expiry is off: the first
 *   command to touch one removes it, at the same point on both servers);
 * - DUMP payloads, byte for byte where Redis's bytes are defined, and each server's payload
 *   restored on the other (runExchange), with RESTORE's options and errors.
 * Two more connections, the blockers, send blocking commands (BLPOP and the rest, BZPOPMIN,
 * BZMPOP, XREAD and XREADGROUP with BLOCK 0) at points of the sequence: both servers must block
 * them or answer them alike, serve them at the same points with the same replies, and at the end
 * of a batch CLIENT UNBLOCK releases the ones still waiting.
 * After every batch both servers must also agree on:
 * - the digest and OBJECT ENCODING of each key;
 * - the keyspace notifications, in order (a subscriber to `__key*__:*` on each);
 * - the changes counter (`rdb_changes_since_last_save`);
 * - the replication stream (a listening replica on each, `helpers/replication-tap.ts`), command
 *   by command.
 * One command in 40 opens a transaction (MULTI, 1-4 commands, EXEC or DISCARD); EXEC's elements
 * are compared as replies to their queued commands. The checks between batches use a second
 * connection, since a batch can end inside a transaction.
 * The whole sequence runs once in RESP2 and once (another seed) in RESP3.
 * `INTEROP_SEED=<n>` replays another sequence.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient, type Decoded, type RawReply } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { DBS, FAMILIES, generator, rng, KEYS_PER_FAMILY, LEX_KEY, SMALL_ENCODINGS, type Cmd, type Exchange, type Step } from './helpers/random-commands.js';
import { ReplicationTap } from './helpers/replication-tap.js';
import { served } from '../helpers/blocking.js';

const skip = requireBinaries('redis-server');
const SEED = Number(process.env['INTEROP_SEED'] ?? 20261206);
/**
 * The default sequence must reach every case listed at the end of the run (so that a change to
 * the generator cannot quietly lose coverage); a replayed seed is judged on divergences only and
 * prints what it did not reach (some seeds never leave an integer string behind at a batch's end).
 */
const REACH_REQUIRED = process.env['INTEROP_SEED'] === undefined;
const BATCHES = 60;
const PER_BATCH = 250;

/** The channel a marker is published to after each batch: the notifications before it are the batch's. */
const MARKER = 'types-random-batch-end';

/** The notifications `sub` receives up to the marker for batch `b`, as text. */
async function notificationsUntilMarker(sub: RespClient, b: number): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const next = await sub.nextPushWithin(10_000);
    if (next === 'timeout') throw new Error(`no marker for batch ${b} within 10 s (after ${out.length} notifications)`);
    const m = next.value;
    const items = Array.isArray(m) ? m : m !== null && typeof m === 'object' && 'push' in m ? m.push : [];
    if (items[1] === MARKER && items[2] === String(b)) return out;
    out.push(items.map(String).join(' '));
  }
}

/** Commands whose reply is a set in Redis's hash-table order: compared without order. */
const UNORDERED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF', 'HKEYS', 'HVALS', 'HGETALL', 'SPOP', 'KEYS']);

/** A reply as text, for comparing elements without their order. */
function canonical(v: Decoded): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** Whether two replies to `cmd` agree: bytes, or the same elements for UNORDERED commands. */
function sameReply(cmd: Cmd, a: RawReply, b: RawReply, queued: Cmd[] | null): boolean {
  if (a.raw.equals(b.raw)) return true;
  // EXEC's array: each element as the reply to its queued command.
  if (String(cmd[0]).toUpperCase() === 'EXEC' && queued !== null && Array.isArray(a.value) && Array.isArray(b.value)) {
    const av = a.value, bv = b.value;
    return av.length === queued.length && bv.length === queued.length &&
      queued.every((q, i) => sameValue(q, av[i]!, bv[i]!));
  }
  return allowed(cmd, a.value, b.value);
}

/** An element of EXEC's array: the same decoded value, or one of the allowed differences. */
function sameValue(cmd: Cmd, av: Decoded, bv: Decoded): boolean {
  return canonical(av) === canonical(bv) || allowed(cmd, av, bv);
}

/** The differences accepted between replies to `cmd` that are not byte-identical. */
function allowed(cmd: Cmd, redis: Decoded, garrison: Decoded): boolean {
  const name = String(cmd[0]).toUpperCase();
  if (name === 'XPENDING' || name === 'XINFO') return canonical(maskTimes(redis)) === canonical(maskTimes(garrison));
  if (name === 'SRANDMEMBER' || name === 'HRANDFIELD' || name === 'ZRANDMEMBER') return randomReply(cmd, redis, garrison);
  // A collection scanned whole (COUNT 1000): the same cursor (0) and the same elements, whose
  // order is the hash table's when the encoding is one.
  if (name === 'HSCAN' || name === 'SSCAN' || name === 'ZSCAN') {
    if (!Array.isArray(redis) || !Array.isArray(garrison) || canonical(redis[0]!) !== canonical(garrison[0]!)) return false;
    const as = name === 'SSCAN' ? 'SMEMBERS' : 'HGETALL';
    const ea = elements(as, redis[1]!), eb = elements(as, garrison[1]!);
    return ea !== null && eb !== null && ea.join('\n') === eb.join('\n');
  }
  if (!UNORDERED.has(name)) return false;
  const ea = elements(name, redis), eb = elements(name, garrison);
  return ea !== null && eb !== null && ea.join('\n') === eb.join('\n');
}

/**
 * SRANDMEMBER, HRANDFIELD and ZRANDMEMBER pick at random, so only what does not depend on the
 * picks is compared (errors and nil are compared as bytes before this): one element against one
 * element, arrays of the same length, and when a positive count covers the whole collection
 * (fewer picks than the count), the same elements with their values or scores.
 */
function randomReply(cmd: Cmd, redis: Decoded, garrison: Decoded): boolean {
  if (cmd.length === 2) return typeof redis === 'string' && typeof garrison === 'string';
  if (!Array.isArray(redis) || !Array.isArray(garrison) || redis.length !== garrison.length) return false;
  const withValues = cmd.length > 3;
  // RESP3 nests each element with its value or score; RESP2 flattens them.
  const nested = redis.length > 0 && Array.isArray(redis[0]);
  const picks = withValues && !nested ? redis.length / 2 : redis.length;
  if (!(Number(cmd[2]) > picks)) return true;
  // Flat pairs are paired up as HGETALL's; single or nested elements compared as SMEMBERS's.
  const whole = (v: Decoded[]): string[] | null => elements(withValues && !nested ? 'HGETALL' : 'SMEMBERS', v);
  const ea = whole(redis), eb = whole(garrison);
  return ea !== null && eb !== null && ea.join('\n') === eb.join('\n');
}

/** Integers this large are Unix times in milliseconds (stream IDs here are small). */
const UNIX_MS = 1_000_000_000_000;

/**
 * A reply with what depends on when a server ran the command replaced by 'T': idle times (the
 * value after `idle` in XINFO CONSUMERS, the third element of XPENDING's extended entries
 * [id, consumer, idle, deliveries]) and Unix times (XINFO STREAM FULL's seen and delivery times).
 */
function maskTimes(v: Decoded): Decoded {
  if (typeof v === 'number' || typeof v === 'bigint') return v >= UNIX_MS ? 'T' : v;
  if (Array.isArray(v)) {
    const out = v.map(maskTimes);
    const pendingEntry = v.length === 4 && typeof v[0] === 'string' && /^\d+-\d+$/.test(v[0]) && typeof v[1] === 'string' && typeof v[2] === 'number';
    if (pendingEntry) out[2] = 'T';
    for (let i = 0; i + 1 < v.length; i++) if (v[i] === 'idle') out[i + 1] = 'T';
    return out;
  }
  if (v !== null && typeof v === 'object' && 'map' in v) {
    return { map: v.map.map(([k, x]): [Decoded, Decoded] => [k, k === 'idle' ? 'T' : maskTimes(x)]) };
  }
  return v;
}

/**
 * A propagated command with XCLAIM's TIME argument (the delivery time) masked, and RESTORE's
 * payload: an exchange restores the other server's payload, compared when it was dumped.
 */
function maskPropagated(cmd: string[]): string {
  const name = cmd[0]!.toUpperCase();
  if (name === 'RESTORE') return cmd.map((a, i) => (i === 3 ? 'P' : a)).join(' ');
  if (name !== 'XCLAIM') return cmd.join(' ');
  return cmd.map((a, i) => (i > 0 && cmd[i - 1]!.toUpperCase() === 'TIME' ? 'T' : a)).join(' ');
}

/**
 * The elements of an unordered reply, sorted: an array or RESP3 set of members, or the field/value
 * pairs of HGETALL (a flat array in RESP2, a map in RESP3). null for anything else (an error).
 */
function elements(name: string, v: Decoded): string[] | null {
  if (Array.isArray(v)) {
    if (name !== 'HGETALL') return v.map(canonical).sort();
    const pairs: string[] = [];
    for (let i = 0; i < v.length; i += 2) pairs.push(canonical([v[i]!, v[i + 1]!]));
    return pairs.sort();
  }
  if (v !== null && typeof v === 'object' && 'set' in v) return v.set.map(canonical).sort();
  if (v !== null && typeof v === 'object' && 'map' in v) return v.map.map(canonical).sort();
  return null;
}

/** A server's changes counter (rdb_changes_since_last_save). */
async function dirty(c: RespClient): Promise<string> {
  const v = await c.call('INFO', 'persistence');
  // A bulk string in RESP2, a verbatim string in RESP3.
  const text = typeof v === 'string' ? v : (v as { verbatim: string }).verbatim;
  return /rdb_changes_since_last_save:(\d+)/.exec(text)![1]!;
}

/**
 * Whether a SWAPDB could serve the waiting blockers in an order only Redis's hash table decides:
 * after a swap Redis signals the keys clients wait on in the order of its `blocking_keys` dict,
 * whose hash function has a random seed per process. With one client waiting on one key the
 * order cannot matter.
 */
function swapOrderMatters(waiting: Array<{ cmd: Cmd } | null>): boolean {
  const cmds = waiting.filter((w) => w !== null).map((w) => w!.cmd);
  if (cmds.length > 1) return true;
  if (cmds.length === 0) return false;
  const name = String(cmds[0]![0]).toUpperCase();
  const streams = cmds[0]!.findIndex((a) => String(a).toUpperCase() === 'STREAMS');
  const keys = name === 'BLMPOP' || name === 'BZMPOP' ? Number(cmds[0]![2])
    : /^(BLPOP|BRPOP|BZPOPMIN|BZPOPMAX)$/.test(name) ? cmds[0]!.length - 2
      : streams >= 0 ? (cmds[0]!.length - streams - 1) / 2 : 1;
  return keys > 1;
}

describe('strings, keys, lists, hashes, sets, small zsets, HLL, geo, streams: Garrison vs redis-server 7.0 under random operations', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;
  let rc: RespClient;
  let gc: RespClient;
  /**
   * A second connection to each server for the checks between batches: the sequence's own
   * connection may be inside a MULTI when a batch ends (its commands would be queued).
   */
  let rq: RespClient;
  let gq: RespClient;
  /** Each server's keyspace notifications (every class, both channels), read in pushMode. */
  let rsub: RespClient;
  let gsub: RespClient;
  /** What each server propagates to a replica. */
  let rtap: ReplicationTap;
  let gtap: ReplicationTap;
  /** The blockers of each server (steps for clients 1 and 2), and their client IDs. */
  const rb: RespClient[] = [];
  const gb: RespClient[] = [];
  const rbId: string[] = [];
  const gbId: string[] = [];

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ 'enable-debug-command': 'yes', save: '', appendonly: 'no' });
    rc = await RespClient.connect(redis.port);
    gc = await RespClient.connect(garrison.port);
    rq = await RespClient.connect(redis.port);
    gq = await RespClient.connect(garrison.port);
    for (let n = 0; n < 2; n++) {
      rb.push(await RespClient.connect(redis.port));
      gb.push(await RespClient.connect(garrison.port));
      rbId.push(String(await rb[n]!.call('CLIENT', 'ID')));
      gbId.push(String(await gb[n]!.call('CLIENT', 'ID')));
    }
    for (const c of [rc, gc]) {
      assert.deepEqual(await c.call('CONFIG', 'SET', ...SMALL_ENCODINGS.flat(), 'notify-keyspace-events', 'KEA'), { status: 'OK' });
      // Keys whose expiry is already past (SET ... PXAT 1 keeps them in 7.0) are then removed only
      // when a command touches them, at the same point of the sequence on both servers; the active
      // cycle would remove them whenever each server's timer fires.
      assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { status: 'OK' });
    }
    rsub = await RespClient.connect(redis.port);
    gsub = await RespClient.connect(garrison.port);
    for (const sub of [rsub, gsub]) {
      await sub.call('PSUBSCRIBE', '__key*__:*');
      await sub.call('SUBSCRIBE', MARKER);
      sub.pushMode = true;
    }
    [rtap, gtap] = await Promise.all([ReplicationTap.open(redis.port), ReplicationTap.open(garrison.port)]);
    // Before the FLUSHALL of the first run: it would kill Redis's BGSAVE for the tap's sync.
    await Promise.all([rtap.streaming(), gtap.streaming()]);
  });

  after(async () => {
    rc?.close();
    gc?.close();
    rq?.close();
    gq?.close();
    rsub?.close();
    gsub?.close();
    rtap?.close();
    gtap?.close();
    for (const c of [...rb, ...gb]) c.close();
    await garrison?.close();
    await redis?.stop();
  });

  for (const protocol of [2, 3] as const) {
    const seed = SEED + protocol - 2;
    test(`RESP${protocol}, seed ${seed}: ${BATCHES * PER_BATCH} commands give the same replies and the same data`, async () => {
      // The previous run may have ended inside a transaction (DISCARD answers an error if not).
      for (const c of [rc, gc]) await c.callRaw('DISCARD');
      for (const c of [rc, gc, ...rb, ...gb]) {
        await c.callRaw('HELLO', protocol);
        await c.callRaw('SELECT', 0);
      }
      await runSequence(seed);
    });
  }

  async function runSequence(seed: number): Promise<void> {
    const next = generator(seed);
    // Where this run's commands start in each replication stream (after the FLUSHALL below).
    let rFrom = rtap.commands.length;
    let gFrom = gtap.commands.length;
    for (const c of [rc, gc]) await c.callRaw('FLUSHALL');
    const allKeys: string[] = ['shared0', 'shared1', 'shared2', LEX_KEY];
    for (const f of FAMILIES) for (let i = 0; i < KEYS_PER_FAMILY; i++) allKeys.push(`${f}${i}`);
    const seen = new Map<string, number>();
    /** Counts something the sequence reached (checked at the end of the run). */
    const reached = (what: string): void => {
      seen.set(what, (seen.get(what) ?? 0) + 1);
    };
    const history: Cmd[] = [];
    let queued: Cmd[] | null = null;
    /** The last commands that named one of `cmd`'s arguments, to read a failure from. */
    const related = (cmd: Cmd): string => {
      const names = new Set(cmd.slice(1).map(String).filter((a) => allKeys.includes(a)));
      for (const extra of (process.env['RELATED'] ?? '').split(',')) if (extra !== '') names.add(extra);
      // Database changes name no key but decide which key a name means.
      const dbCommand = (h: Cmd): boolean => h.some((a, i) => i < 2 && /^(SELECT|SWAPDB|MULTI|EXEC|DISCARD|WATCH|UNWATCH|FLUSHDB)$/i.test(String(a)));
      return history.filter((h) => dbCommand(h) || h.slice(1).some((a) => names.has(String(a)))).slice(-Number(process.env['RELATED_LINES'] ?? 16))
        .map((h) => `    ${escapeBytes(Buffer.from(h.join(' '), 'latin1'), 200)}`).join('\n');
    };
    /** The failing command's keys as both servers hold them in database `db`. */
    const keyStates = async (cmd: Cmd, db = 0): Promise<string> => {
      const lines: string[] = [];
      for (const k of cmd.slice(1).map(String).filter((a) => allKeys.includes(a))) {
        const probe: Cmd[] = [['SELECT', db], ['TYPE', k], ['OBJECT', 'ENCODING', k], ['DUMP', k], ['SELECT', 0]];
        const [a, b] = await Promise.all([rq.pipeline(probe), gq.pipeline(probe)]);
        for (let j = 1; j < probe.length - 1; j++) {
          lines.push(`    ${probe[j]!.join(' ')}: redis ${escapeBytes(a[j]!.raw, 200)} garrison ${escapeBytes(b[j]!.raw, 200)}`);
        }
      }
      return lines.join('\n');
    };
    const fail = async (where: string, cmd: Cmd, r: RawReply | string, g: RawReply | string): Promise<never> => {
      const text = (x: RawReply | string): string => (typeof x === 'string' ? x : escapeBytes(x.raw));
      const state = await keyStates(cmd);
      assert.fail(`${where}: ${escapeBytes(Buffer.from(cmd.join(' '), 'latin1'))}\n` +
        `  redis:    ${text(r)}\n  garrison: ${text(g)}\n  after:\n${related(cmd)}\n  keys now (db 0):\n${state}\n${await keyDifferences()}`);
    };
    /** The keys only one server holds, per database. */
    const keyDifferences = async (): Promise<string> => {
      const lines: string[] = [];
      for (let db = 0; db < DBS; db++) {
        const probe: Cmd[] = [['SELECT', db], ['KEYS', '*'], ['SELECT', 0]];
        const [a, b] = await Promise.all([rq.pipeline(probe), gq.pipeline(probe)]);
        const rk = new Set((a[1]!.value as string[]) ?? []), gk = new Set((b[1]!.value as string[]) ?? []);
        const onlyR = [...rk].filter((k) => !gk.has(k)), onlyG = [...gk].filter((k) => !rk.has(k));
        if (onlyR.length + onlyG.length > 0) lines.push(`  db ${db}: only redis has ${onlyR.join(' ') || '-'}; only garrison has ${onlyG.join(' ') || '-'}`);
      }
      return lines.join('\n');
    };
    /** The sequence's own commands: each reply compared, transactions followed. */
    const runMain = async (b: number, cmds: Cmd[]): Promise<void> => {
      // DIRTY_EACH=1 (to find a command that counts changes differently): one command at a time,
      // the counters compared after each.
      if (process.env['DIRTY_EACH'] === '1' && cmds.length > 1) {
        for (const cmd of cmds) {
          const before = await Promise.all([dirty(rq), dirty(gq)]);
          await runMain(b, [cmd]);
          const after = await Promise.all([dirty(rq), dirty(gq)]);
          const [rd, gd] = [Number(after[0]) - Number(before[0]), Number(after[1]) - Number(before[1])];
          if (rd !== gd) await fail(`batch ${b}: changes counted redis ${rd}, garrison ${gd}`, cmd, '', '');
        }
        return;
      }
      const [rr, gr] = await Promise.all([rc.pipeline(cmds), gc.pipeline(cmds)]);
      for (let i = 0; i < cmds.length; i++) {
        const name = String(cmds[i]![0]).toUpperCase();
        if (!sameReply(cmds[i]!, rr[i]!, gr[i]!, name === 'EXEC' ? queued : null)) {
          // For EXEC, the history of the keys its queued commands name.
          await fail(`batch ${b}`, name === 'EXEC' ? [cmds[i]![0]!, ...(queued ?? []).flatMap((q) => q.slice(1))] : cmds[i]!, rr[i]!, gr[i]!);
        }
        history.push(cmds[i]!);
        // The commands of the open transaction, for comparing EXEC's elements.
        if (name === 'MULTI') queued = [];
        else if (name === 'EXEC' || name === 'DISCARD') queued = null;
        else if (queued !== null && rr[i]!.raw.toString() === '+QUEUED\r\n') queued.push(cmds[i]!);
        // What the sequence reached: encodings, and errors by their first word.
        const v = rr[i]!.value;
        const what = String(cmds[i]![0]) === 'OBJECT' && typeof v === 'string' ? `encoding ${v}`
          : v !== null && typeof v === 'object' && 'error' in v ? `error ${v.error.split(' ')[0]}` : null;
        if (what !== null) reached(what);
      }
    };
    /** Each blocker's command still waiting for its reply on both servers. */
    const waiting: Array<{ cmd: Cmd; r: Promise<RawReply>; g: Promise<RawReply> } | null> = [null, null];
    /** Whether the client `id` is blocked, as CLIENT LIST's flags say. */
    const isBlocked = async (q: RespClient, id: string): Promise<boolean> => {
      const line = String(await q.call('CLIENT', 'LIST', 'ID', id));
      return /(^| )flags=\S*b/.test(line);
    };
    /** The reply to a blocker's command, or 'blocked' once the server says it blocks. */
    const settle = async (q: RespClient, id: string, p: Promise<RawReply>): Promise<RawReply | 'blocked'> => {
      let reply: RawReply | null = null;
      void p.then((v) => { reply = v; }, () => {});
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (reply !== null) return reply;
        if (await isBlocked(q, id)) return 'blocked';
        if (Date.now() > deadline) throw new Error(`client ${id}: neither a reply nor blocked within 10 s`);
      }
    };
    /** A reply that must arrive now (the server no longer blocks the client). */
    const within = (p: Promise<RawReply>, who: string): Promise<RawReply> => served(p, 10_000, `${who}'s unblocked client`);
    /**
     * Blocker n's waiting command, if any: both servers must still block it, or both must have
     * served it (by the sequence's commands so far), with the same reply.
     */
    const resolveWaiting = async (b: number, n: number): Promise<void> => {
      const w = waiting[n];
      if (w === null || w === undefined) return;
      const [rBlocked, gBlocked] = await Promise.all([isBlocked(rq, rbId[n]!), isBlocked(gq, gbId[n]!)]);
      if (rBlocked !== gBlocked) {
        const servedWith = async (p: Promise<RawReply>): Promise<string> => `served ${escapeBytes((await within(p, 'served')).raw)}`;
        await fail(`batch ${b}, blocker ${n + 1}`, w.cmd, rBlocked ? 'still blocked' : await servedWith(w.r), gBlocked ? 'still blocked' : await servedWith(w.g));
      }
      if (rBlocked) return;
      const [r, g] = await Promise.all([within(w.r, 'redis'), within(w.g, 'garrison')]);
      if (!sameReply(w.cmd, r, g, null)) await fail(`batch ${b}, blocker ${n + 1} served`, w.cmd, r, g);
      waiting[n] = null;
    };
    /** A blocker's step: skipped while its previous command waits, else sent to both. */
    const runBlocker = async (b: number, n: number, cmd: Cmd): Promise<void> => {
      await resolveWaiting(b, n);
      if (waiting[n] !== null) return;
      history.push([`@${n + 1}`, ...cmd]);
      const r = rb[n]!.callRaw(...cmd), g = gb[n]!.callRaw(...cmd);
      const [rs, gs] = await Promise.all([settle(rq, rbId[n]!, r), settle(gq, gbId[n]!, g)]);
      if (rs === 'blocked' || gs === 'blocked') {
        if (rs !== gs) await fail(`batch ${b}, blocker ${n + 1}`, cmd, rs === 'blocked' ? rs : escapeBytes(rs.raw), gs === 'blocked' ? gs : escapeBytes(gs.raw));
        reached('blocked');
        waiting[n] = { cmd, r, g };
      } else if (!sameReply(cmd, rs, gs, null)) {
        await fail(`batch ${b}, blocker ${n + 1}`, cmd, rs, gs);
      }
    };
    /**
     * A DUMP/RESTORE exchange. The two payloads must be byte-identical, except where Redis's
     * bytes depend on its internals: the order of a hashtable (same length), the node boundaries
     * of a quicklist, and a stream's consumer and delivery times (same length). Such payloads are
     * each restored on the other server, into a scratch key whose digest must be the same on
     * both. The target then gets Redis's payload on both servers: a small hash restored from a
     * hashtable becomes a listpack in the payload's order, which later DUMPs compare. Same
     * payloads go across. The digests after the batch compare the restored values.
     */
    const runExchange = async (b: number, x: Exchange): Promise<void> => {
      const dump: Cmd = ['DUMP', x.source];
      const [rd, gd] = await Promise.all([rc.callRaw(...dump), gc.callRaw(...dump)]);
      history.push(dump);
      const payload = (v: RawReply): string => (typeof v.value === 'string' ? v.value : '\x00');
      if (!rd.raw.equals(gd.raw)) {
        const probe: Cmd[] = [['TYPE', x.source], ['OBJECT', 'ENCODING', x.source]];
        const [type, enc] = (await rc.pipeline(probe)).map((v) => canonical(v.value));
        const sameLength = typeof rd.value === 'string' && typeof gd.value === 'string' && rd.value.length === gd.value.length;
        const internal = enc === '"quicklist"' || (sameLength && (enc === '"hashtable"' || type!.includes('stream')));
        if (!internal) await fail(`batch ${b}, DUMP (type ${type}, encoding ${enc})`, dump, rd, gd);
        reached('dump differs');
        const scratch = (p: string): Cmd[] => [['RESTORE', 'exchange', '0', p, 'REPLACE'], ['DEBUG', 'DIGEST-VALUE', 'exchange'], ['DEL', 'exchange']];
        const [rs, gs] = await Promise.all([rc.pipeline(scratch(payload(gd))), gc.pipeline(scratch(payload(rd)))]);
        for (let i = 0; i < rs.length; i++) {
          if (!rs[i]!.raw.equals(gs[i]!.raw)) await fail(`batch ${b}, ${x.source}'s payload restored on the other server`, scratch('<payload>')[i]!, rs[i]!, gs[i]!);
        }
      }
      const corrupt = (p: string): string => {
        if (!x.corrupt) return p;
        const at = p.length >> 1;
        return p.slice(0, at) + String.fromCharCode(p.charCodeAt(at) ^ 0x20) + p.slice(at + 1);
      };
      const restore = (p: string): Cmd => ['RESTORE', x.target, x.ttl, corrupt(p), ...x.args];
      const [rr, gr] = await Promise.all([rc.callRaw(...restore(payload(rd.raw.equals(gd.raw) ? gd : rd))), gc.callRaw(...restore(payload(rd)))]);
      const shown: Cmd = ['RESTORE', x.target, x.ttl, `<payload of ${x.source}${x.corrupt ? ', corrupted' : ''}>`, ...x.args];
      history.push(shown);
      if (!rr.raw.equals(gr.raw)) await fail(`batch ${b}`, shown, rr, gr);
      const v = rr.value;
      const what = v !== null && typeof v === 'object' && 'error' in v ? `restore ${v.error.split(' ')[0]}` : 'restore ok';
      reached(what);
    };
    /**
     * Redis 7.0's numeric SORT tests `errno` after strtod without clearing it first, so once any
     * command left ERANGE behind (strtod of a denormal such as 5e-324), every numeric SORT fails
     * with "One or more scores can't be converted into double" until a system call fails. Garrison
     * does not reproduce that bug (docs/compatibility.md). Accepting a connection resets it: Redis
     * accepts until accept() fails with EAGAIN. The PING's reply means Redis has done so. (The
     * generator puts no SORT inside a transaction, where an earlier queued command could set it.)
     */
    const resetRedisErrno = async (): Promise<void> => {
      const c = await RespClient.connect(redis.port);
      await c.call('PING');
      c.close();
    };
    /** What is still blocked is released by CLIENT UNBLOCK (TIMEOUT or ERROR). */
    const releaseWaiting = async (b: number): Promise<void> => {
      for (let n = 0; n < waiting.length; n++) {
        await resolveWaiting(b, n);
        const w = waiting[n];
        if (w === null || w === undefined) continue;
        const how = b % 2 === 0 ? 'TIMEOUT' : 'ERROR';
        const [ru, gu] = await Promise.all([rq.callRaw('CLIENT', 'UNBLOCK', rbId[n]!, how), gq.callRaw('CLIENT', 'UNBLOCK', gbId[n]!, how)]);
        assert.ok(ru.raw.equals(gu.raw), `batch ${b}: CLIENT UNBLOCK ${how} of blocker ${n + 1}: redis ${escapeBytes(ru.raw)}, garrison ${escapeBytes(gu.raw)}`);
        history.push(['@q', 'CLIENT', 'UNBLOCK', `blocker${n + 1}`, how]);
        await resolveWaiting(b, n);
        if (waiting[n] !== null) await fail(`batch ${b}, blocker ${n + 1}`, w.cmd, 'blocked after CLIENT UNBLOCK', '');
      }
    };
    /**
     * Gives a few keys, in any database, a TTL that runs out before the next batch starts, so its
     * commands meet keys of every type that are expired but still there (active expiry is off on
     * both servers, so each removes them when a command first touches them). The expiry time is
     * absolute, the same on both servers, and far enough ahead that both set it before it passes.
     */
    const pickLapse = rng(seed ^ 0x5bd1e995);
    const lapse = async (b: number): Promise<void> => {
      const at = Date.now() + 100;
      const cmds: Cmd[] = [];
      for (let i = 0; i < 3; i++) cmds.push(['SELECT', pickLapse(DBS)], ['PEXPIREAT', allKeys[pickLapse(allKeys.length)]!, at]);
      cmds.push(['SELECT', 0]);
      const [ra, ga] = await Promise.all([rq.pipeline(cmds), gq.pipeline(cmds)]);
      for (let i = 0; i < cmds.length; i++) {
        history.push(['@q', ...cmds[i]!]);
        if (!ra[i]!.raw.equals(ga[i]!.raw)) await fail(`after batch ${b}`, cmds[i]!, ra[i]!, ga[i]!);
        if (cmds[i]![0] === 'PEXPIREAT' && ra[i]!.value === 1) reached('lapse');
      }
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [rt, gt] = (await Promise.all([rq.call('TIME'), gq.call('TIME')])) as string[][];
        const ms = (t: string[]): number => Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000);
        if (ms(rt!) > at && ms(gt!) > at) return;
        if (Date.now() > deadline) throw new Error(`the servers' clocks did not pass ${at} within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, at + 1 - Date.now())));
      }
    };
    const isSort = (st: Step | undefined): boolean => st?.client === 0 && /^SORT/.test(String(st.cmd[0]));
    for (let b = 0; b < BATCHES; b++) {
      const steps: Step[] = [];
      for (let i = 0; i < PER_BATCH; i++) steps.push(next());
      // The sequence's commands run as pipelines between the blockers' steps.
      for (let i = 0; i < steps.length;) {
        let j = i;
        // A SORT starts a pipeline of its own, after Redis's errno is reset (resetRedisErrno).
        if (isSort(steps[j])) {
          await resetRedisErrno();
          j++;
        }
        while (j < steps.length && steps[j]!.client === 0 && !isSort(steps[j])) j++;
        const cmds = steps.slice(i, j).map((st) => (st as { cmd: Cmd }).cmd);
        if (cmds.some((c) => c[0] === 'SWAPDB') && swapOrderMatters(waiting)) await releaseWaiting(b);
        if (j > i) await runMain(b, cmds);
        const st = steps[j];
        if (st?.client === 'exchange') await runExchange(b, st);
        else if (st !== undefined) await runBlocker(b, st.client - 1, st.cmd);
        i = j + 1;
      }
      await releaseWaiting(b);
      // The same keyspace notifications, in the same order.
      await Promise.all([rq.call('PUBLISH', MARKER, String(b)), gq.call('PUBLISH', MARKER, String(b))]);
      const [rn, gn] = await Promise.all([notificationsUntilMarker(rsub, b), notificationsUntilMarker(gsub, b)]);
      for (let j = 0; j < Math.max(rn.length, gn.length); j++) {
        if (rn[j] !== gn[j]) {
          assert.fail(`batch ${b}: notification ${j} of ${rn.length} differs:\n  redis:    ${rn.slice(Math.max(0, j - 4), j + 3).join('\n            ')}\n  garrison: ${gn.slice(Math.max(0, j - 4), j + 3).join('\n            ')}`);
        }
      }
      // The same replication stream: every command both propagated for this batch, up to the marker.
      const isMarker = (cmd: string[]): boolean => cmd[0]!.toUpperCase() === 'PUBLISH' && cmd[1] === MARKER && cmd[2] === String(b);
      const tapFailure = (who: string, c: RespClient) => async (e: Error): Promise<never> => {
        // What the master says about the sync the tap waits for.
        const v = await c.call('INFO', 'all');
        const text = typeof v === 'string' ? v : (v as { verbatim: string }).verbatim;
        const lines = text.split('\r\n').filter((l) => /^(rdb_bgsave_in_progress|rdb_last_bgsave_status|slave\d|connected_slaves|master_repl_offset|sync_full)/.test(l));
        throw new Error(`${who}: ${e.message}; ${lines.join(', ')}`);
      };
      const [rEnd, gEnd] = await Promise.all([rtap.until(isMarker, rFrom).catch(tapFailure('redis', rq)), gtap.until(isMarker, gFrom).catch(tapFailure('garrison', gq))]);
      const rs = rtap.commands.slice(rFrom, rEnd).map(maskPropagated);
      const gs = gtap.commands.slice(gFrom, gEnd).map(maskPropagated);
      for (let j = 0; j < Math.max(rs.length, gs.length); j++) {
        if (rs[j] !== gs[j]) {
          const around = (xs: string[]): string => xs.slice(Math.max(0, j - 3), j + 3).map((x) => escapeBytes(x, 160)).join('\n            ');
          assert.fail(`batch ${b}: propagated command ${j} of ${rs.length} differs:\n  redis:    ${around(rs)}\n  garrison: ${around(gs)}`);
        }
      }
      rFrom = rEnd + 1;
      gFrom = gEnd + 1;
      // The same keys and values in every database, and the same whole-dataset digest (which
      // also covers expiry times).
      for (let db = 0; db < DBS; db++) {
        // OBJECT ENCODING of every key too, strings included (raw after edits in place): a digest
        // does not see a collection's representation.
        const encodings: Cmd[] = allKeys.map((k) => ['OBJECT', 'ENCODING', k]);
        const check: Cmd[] = [['SELECT', db], ['DEBUG', 'DIGEST-VALUE', ...allKeys], ['DBSIZE'], ...encodings, ['SELECT', 0]];
        const [rc2, gc2] = await Promise.all([rq.pipeline(check), gq.pipeline(check)]);
        const rd = rc2[1]!.value as Decoded[], gd = gc2[1]!.value as Decoded[];
        const differing = allKeys.filter((_, j) => JSON.stringify(rd[j]) !== JSON.stringify(gd[j]));
        if (differing.length > 0) {
          const states: string[] = [];
          for (const k of differing) states.push(`  ${k}:\n${related(['DEL', k])}\n${await keyStates(['DEL', k], db)}`);
          assert.fail(`after batch ${b}, the digests of ${differing.join(', ')} in db ${db} differ:\n${states.join('\n')}`);
        }
        assert.ok(rc2[2]!.raw.equals(gc2[2]!.raw), `after batch ${b}, DBSIZE of db ${db} differs`);
        for (let j = 0; j < encodings.length; j++) {
          const [re, ge] = [rc2[3 + j]!, gc2[3 + j]!];
          if (!re.raw.equals(ge.raw) && !allowed(encodings[j]!, re.value, ge.value)) {
            assert.fail(`after batch ${b}, OBJECT ENCODING ${allKeys[j]} in db ${db}: redis ${escapeBytes(re.raw)}, garrison ${escapeBytes(ge.raw)}\n${related(['DEL', allKeys[j]!])}`);
          }
        }
      }
      const [rdig, gdig] = await Promise.all([rq.callRaw('DEBUG', 'DIGEST'), gq.callRaw('DEBUG', 'DIGEST')]);
      assert.ok(rdig.raw.equals(gdig.raw), `after batch ${b}, DEBUG DIGEST differs`);
      // The same number of changes (Redis's dirty counter, which also decides what propagates).
      const [rdirty, gdirty] = await Promise.all([dirty(rq), dirty(gq)]);
      assert.equal(gdirty, rdirty, `after batch ${b}, rdb_changes_since_last_save differs`);
      if (b % 4 === 3) await lapse(b);
    }
    // The sequence reached both sides of every threshold, and the type and range errors.
    for (const enc of ['restore ok', 'restore BUSYKEY', 'dump differs', 'lapse', 'encoding listpack', 'encoding hashtable', 'encoding intset', 'encoding skiplist', 'encoding quicklist', 'encoding int', 'encoding embstr', 'encoding raw', 'error WRONGTYPE', 'error ERR', 'error NOGROUP', 'blocked']) {
      if ((seen.get(enc) ?? 0) > 0) continue;
      const msg = `the sequence never reached ${enc}: ${JSON.stringify([...seen])}`;
      if (REACH_REQUIRED) assert.fail(msg);
      process.stderr.write(`types-random seed ${SEED}: ${msg}\n`);
    }
  }
});
