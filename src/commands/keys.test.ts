import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_COMMANDS } from './keys.js';
import type { Database } from '../keyspace/database.js';
import type { CollectionValue } from '../keyspace/value.js';
import { isError, type Reply } from '../protocol/reply.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

/** A minimal list value, to prove the commands handle collections through CollectionValue. */
class FakeList implements CollectionValue {
  readonly type = 'list' as const;
  clones = 0;
  constructor(public items: string[]) {}
  encoding(): string { return 'quicklist'; }
  clone(): FakeList { this.clones++; return new FakeList([...this.items]); }
  memoryUsage(): number { return 16 * this.items.length; }
}

class Ctx extends FakeContext {
  touchedDbs: Array<{ id: number; keys: string[]; with?: number }> = [];
  readyScans: number[] = [];
  config = new Map<string, string>();
  rnd = 0;

  /** Lazy-expiry behaviour the keyspace sees (master, replica, master stream). */
  get mode(): 'delete' | 'hide' | 'keep' { return this.expiryMode; }
  set mode(m: 'delete' | 'hide' | 'keep') { this.expiryMode = m; }

  override preventPropagation(): void { assert.fail('not used by key commands'); }
  override alsoPropagate(): void { assert.fail('not used by key commands'); }
  override block(): Reply { return assert.fail('key commands never block'); }
  signalDbReplaced(db: Database, replacedWith: Database | null): void {
    this.touchedDbs.push({ id: db.id, keys: [...db.dict.keys()], ...(replacedWith !== null ? { with: replacedWith.id } : {}) });
  }
  scanDatabaseForReadyKeys(db: Database): void { this.readyScans.push(db.id); }
  configValue(name: string): string | undefined { return this.config.get(name); }
  override random(): number { return this.rnd; }

  /**
   * Runs a command as the server's call() would: returns the reply and what would propagate (the
   * command when it changed the dirty counter or forced its propagation, then what it added with
   * alsoPropagate).
   */
  run(...argv: string[]): { reply: Reply; prop: string[] | null } {
    const e = this.exec(KEY_COMMANDS, argv);
    const props = [...(e.dirty !== 0 || e.forced === 'everywhere' ? [e.propArgv ?? argv] : []), ...e.extra];
    assert.ok(props.length <= 1, 'key commands propagate at most one command');
    return { reply: e.reply, prop: props[0] ?? null };
  }

  r(...argv: string[]): Reply {
    return this.run(...argv).reply;
  }

  set(key: string, v: string | CollectionValue, db = this.db): void {
    this.ks.setKey(db, key, v);
  }
}

const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${String(r)}`));

test('EXPIRE family propagates PEXPIREAT with the absolute time, keeping options', () => {
  const c = new Ctx();
  c.ks.now = 1_000_000;
  c.set('k', 'v');
  assert.deepEqual(c.run('EXPIRE', 'k', '10'), { reply: 1, prop: ['PEXPIREAT', 'k', '1010000'] });
  assert.deepEqual(c.run('expire', 'k', '20', 'gt'), { reply: 1, prop: ['PEXPIREAT', 'k', '1020000', 'gt'] });
  assert.deepEqual(c.run('PEXPIRE', 'k', '30000', 'XX'), { reply: 1, prop: ['PEXPIREAT', 'k', '1030000', 'XX'] });
  assert.deepEqual(c.run('EXPIREAT', 'k', '5000'), { reply: 1, prop: ['PEXPIREAT', 'k', '5000000'] });
  assert.deepEqual(c.run('pexpireat', 'k', '6000000'), { reply: 1, prop: ['pexpireat', 'k', '6000000'] });
  assert.deepEqual(c.run('EXPIRE', 'k', '10', 'NX'), { reply: 0, prop: null });
  assert.deepEqual(c.run('EXPIRE', 'nokey', '10'), { reply: 0, prop: null });
  assert.equal(c.ks.getExpire(c.db, 'k'), 6_000_000);
  assert.deepEqual(c.events.filter((e) => e.includes('expire')), Array(5).fill('g expire 0:k'));
});

test('an expiry time in the past deletes the key and propagates DEL (UNLINK with lazyfree-lazy-expire)', () => {
  const c = new Ctx();
  c.ks.now = 1_000_000;
  c.set('k', 'v');
  assert.deepEqual(c.run('EXPIRE', 'k', '-1'), { reply: 1, prop: ['DEL', 'k'] });
  assert.equal(c.db.dict.has('k'), false);
  assert.deepEqual(c.events, ['g del 0:k']);
  c.set('k', 'v');
  c.config.set('lazyfree-lazy-expire', 'yes');
  assert.deepEqual(c.run('PEXPIREAT', 'k', '1000000'), { reply: 1, prop: ['UNLINK', 'k'] });
  assert.equal(c.db.dict.has('k'), false);
});

test('on a replica a past expiry time is stored, not executed as a deletion', () => {
  const c = new Ctx();
  c.mode = 'keep';
  c.ks.now = 1_000_000;
  c.set('k', 'v');
  assert.deepEqual(c.run('EXPIREAT', 'k', '10'), { reply: 1, prop: ['PEXPIREAT', 'k', '10000'] });
  assert.equal(c.db.dict.has('k'), true);
  assert.equal(c.ks.getExpire(c.db, 'k'), 10_000);
});

test('EXPIRE errors: options first, then the integer, then overflow', () => {
  const c = new Ctx();
  c.set('k', 'v');
  assert.equal(errText(c.r('EXPIRE', 'k', 'x', 'Foo')), 'ERR Unsupported option Foo');
  assert.equal(errText(c.r('EXPIRE', 'k', 'x', 'NX', 'LT')), 'ERR NX and XX, GT or LT options at the same time are not compatible');
  assert.equal(errText(c.r('EXPIRE', 'k', 'x', 'GT', 'LT')), 'ERR GT and LT options at the same time are not compatible');
  assert.equal(errText(c.r('EXPIRE', 'k', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errText(c.r('EXPIRE', 'k', '9223372036854776')), "ERR invalid expire time in 'expire' command");
  assert.equal(errText(c.r('EXPIREAT', 'k', '-9223372036854776')), "ERR invalid expire time in 'expireat' command");
  c.ks.now = 1;
  assert.equal(errText(c.r('PEXPIRE', 'k', '9223372036854775807')), "ERR invalid expire time in 'pexpire' command");
  assert.equal(c.ks.dirty, 0);
});

test('expiry times beyond 2^53 ms stay exact through PEXPIRETIME, TTL, RENAME, MOVE and COPY', () => {
  const c = new Ctx();
  c.ks.now = 1_700_000_000_000;
  c.set('k', 'v');
  assert.deepEqual(c.run('PEXPIREAT', 'k', '9223372036854775807'), { reply: 1, prop: ['PEXPIREAT', 'k', '9223372036854775807'] });
  assert.equal(c.r('PEXPIRETIME', 'k'), 9223372036854775807n);
  assert.equal(c.r('EXPIRETIME', 'k'), 9223372036854776n);
  assert.equal(c.r('PTTL', 'k'), 9223372036854775807n - 1_700_000_000_000n);
  assert.equal(c.r('PEXPIREAT', 'k', '9223372036854775806', 'LT'), 1);
  assert.equal(c.r('PEXPIREAT', 'k', '9223372036854775806', 'GT'), 0);
  assert.deepEqual(c.run('EXPIREAT', 'k', '9223372036854775'), { reply: 1, prop: ['PEXPIREAT', 'k', '9223372036854775000'] });
  c.r('RENAME', 'k', 'k2');
  assert.equal(c.r('PEXPIRETIME', 'k2'), 9223372036854775000n);
  c.r('COPY', 'k2', 'k3');
  assert.equal(c.r('PEXPIRETIME', 'k3'), 9223372036854775000n);
  c.r('MOVE', 'k3', '5');
  c.db = c.ks.dbs[5]!;
  assert.equal(c.r('PEXPIRETIME', 'k3'), 9223372036854775000n);
  assert.equal(c.r('PERSIST', 'k3'), 1);
  assert.equal(c.r('PEXPIRETIME', 'k3'), -1);
  assert.equal(c.db.bigExpires, null, 'side table emptied');
});

test('TTL rounds to the nearest second, PTTL is exact, -1 without TTL, -2 when missing', () => {
  const c = new Ctx();
  c.ks.now = 10_000;
  c.set('k', 'v');
  assert.equal(c.r('TTL', 'k'), -1);
  assert.equal(c.r('TTL', 'nokey'), -2);
  c.r('PEXPIRE', 'k', '1499');
  assert.equal(c.r('TTL', 'k'), 1);
  assert.equal(c.r('PTTL', 'k'), 1499);
  c.r('PEXPIRE', 'k', '1500');
  assert.equal(c.r('TTL', 'k'), 2);
  assert.equal(c.r('EXPIRETIME', 'k'), 12);
  assert.equal(c.r('PEXPIRETIME', 'k'), 11_500);
});

test('lazy expiry: a read after the deadline finds nothing and reports "expired" once', () => {
  const c = new Ctx();
  c.ks.now = 1000;
  c.set('k', 'v');
  c.r('PEXPIRE', 'k', '100');
  c.ks.now = 1100;
  assert.equal(c.r('EXISTS', 'k'), 1, 'alive during its expiry millisecond (Redis: now > when)');
  assert.equal(c.r('PTTL', 'k'), 0);
  c.ks.now = 1101;
  assert.equal(c.r('EXISTS', 'k'), 0);
  assert.deepEqual(c.r('TYPE', 'k'), { t: 'status', s: 'none' });
  assert.deepEqual(c.expired, ['0:k']);
  assert.ok(c.events.includes('x expired 0:k'));
  assert.equal(c.ks.stats.expiredKeys, 1);
});

test('DEL of an expired key reports it as expired, not deleted; DEL counts each key once', () => {
  const c = new Ctx();
  c.ks.now = 1000;
  c.set('a', '1');
  c.set('b', '2');
  c.ks.setExpire(c.db, 'b', 500);
  assert.deepEqual(c.run('DEL', 'a', 'a', 'b', 'nokey'), { reply: 1, prop: ['DEL', 'a', 'a', 'b', 'nokey'] });
  assert.deepEqual(c.events, ['g del 0:a', 'x expired 0:b']);
  assert.deepEqual(c.expired, ['0:b']);
  assert.equal(c.ks.dirty, 1);
  assert.deepEqual(c.run('UNLINK', 'nokey'), { reply: 0, prop: null });
});

test('KEYS hides expired keys without deleting them; SCAN deletes the ones it meets', () => {
  const c = new Ctx();
  c.ks.now = 1000;
  for (const k of ['a1', 'a2', 'b1']) c.set(k, 'v');
  c.ks.setExpire(c.db, 'a2', 999);
  assert.deepEqual(c.r('KEYS', 'a*'), ['a1']);
  assert.deepEqual(c.r('KEYS', '*'), ['a1', 'b1']);
  assert.equal(c.db.dict.has('a2'), true);
  assert.deepEqual(c.events, []);
  assert.deepEqual(c.r('SCAN', '0'), ['0', ['a1', 'b1']]);
  assert.equal(c.db.dict.has('a2'), false);
  assert.deepEqual(c.events, ['x expired 0:a2']);
});

test('SCAN options: MATCH, TYPE (case-insensitive), COUNT and errors', () => {
  const c = new Ctx();
  for (let i = 0; i < 25; i++) c.set(`s${i}`, 'v');
  c.set('l1', new FakeList(['x']));
  assert.deepEqual(c.r('SCAN', '0', 'TYPE', 'LIST', 'COUNT', '100'), ['0', ['l1']]);
  const matched = c.r('SCAN', '0', 'MATCH', 's1?', 'COUNT', '1000') as [string, string[]];
  assert.equal(matched[0], '0');
  assert.deepEqual(matched[1].sort(), Array.from({ length: 10 }, (_, i) => `s1${i}`));
  // COUNT is Redis's hint: table positions are visited until at least COUNT keys were collected.
  const first = c.r('SCAN', '0') as [string, string[]];
  assert.notEqual(first[0], '0');
  assert.ok(first[1].length >= 10 && first[1].length < 26, `first page: ${first[1].length}`);
  assert.equal(errText(c.r('SCAN', 'x')), 'ERR invalid cursor');
  assert.equal(errText(c.r('SCAN', 'x', 'COUNT', '0')), 'ERR invalid cursor');
  assert.equal(errText(c.r('SCAN', '0', 'COUNT', '0')), 'ERR syntax error');
  assert.equal(errText(c.r('SCAN', '0', 'COUNT', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errText(c.r('SCAN', '0', 'MATCH')), 'ERR syntax error');
});

test('RANDOMKEY never returns an expired key and deletes the ones it meets', () => {
  const c = new Ctx();
  c.ks.now = 1000;
  for (let i = 0; i < 50; i++) {
    c.set(`e${i}`, 'v');
    c.ks.setExpire(c.db, `e${i}`, 500);
  }
  c.set('alive', 'v');
  let seed = 1;
  c.random = (): number => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  for (let i = 0; i < 20; i++) assert.equal(c.r('RANDOMKEY'), 'alive');
  assert.ok(c.expired.length > 0);
  assert.equal(c.db.dict.size + c.expired.length, 51);
  c.ks.setExpire(c.db, 'alive', 500);
  assert.equal(c.r('RANDOMKEY'), null, 'all expired: the database empties');
  assert.equal(c.db.dict.size, 0);
});

test('RANDOMKEY on a replica gives up on an all-volatile database after bounded tries', () => {
  const c = new Ctx();
  c.mode = 'hide';
  c.ks.now = 1000;
  c.set('e', 'v');
  c.ks.setExpire(c.db, 'e', 1);
  assert.equal(c.r('RANDOMKEY'), 'e');
});

test('RANDOMKEY covers a large database with bounded work per call', () => {
  const c = new Ctx();
  for (let i = 0; i < 10000; i++) c.set(`k${i}`, 'v');
  let seed = 7;
  c.random = (): number => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  const seen = new Set<string>();
  // 30000 uniform draws over 10000 keys hit about 9500 distinct ones.
  for (let i = 0; i < 30000; i++) seen.add(c.r('RANDOMKEY') as string);
  assert.ok(seen.size > 9000, `only ${seen.size} distinct keys`);
});

test('COPY deep-copies collections through clone(); TYPE and OBJECT ENCODING see the type', () => {
  const c = new Ctx();
  const list = new FakeList(['a', 'b']);
  c.set('l', list);
  assert.deepEqual(c.run('COPY', 'l', 'l2'), { reply: 1, prop: ['COPY', 'l', 'l2'] });
  const copy = c.db.dict.get('l2') as FakeList;
  assert.notEqual(copy, list);
  copy.items.push('c');
  assert.deepEqual(list.items, ['a', 'b']);
  assert.equal(list.clones, 1);
  assert.deepEqual(c.r('TYPE', 'l2'), { t: 'status', s: 'list' });
  assert.equal(c.r('OBJECT', 'ENCODING', 'l2'), 'quicklist');
  assert.equal(c.r('OBJECT', 'REFCOUNT', 'l2'), 1);
  assert.equal(c.r('COPY', 'l', 'l2'), 0);
  assert.equal(c.r('COPY', 'l', 'l2', 'REPLACE'), 1);
  assert.deepEqual((c.db.dict.get('l2') as FakeList).items, ['a', 'b']);
  assert.equal(c.r('COPY', 'l', 'x', 'DB', '3'), 1);
  assert.ok(c.ks.dbs[3]!.dict.get('x') instanceof FakeList);
  assert.deepEqual(c.events, ['g copy_to 0:l2', 'g copy_to 0:l2', 'g copy_to 3:x']);
});

test('RENAME, MOVE and PERSIST emit Redis\'s event names and signal both keys', () => {
  const c = new Ctx();
  c.set('a', 'v');
  c.modified = [];
  assert.deepEqual(c.run('RENAME', 'a', 'b'), { reply: { t: 'status', s: 'OK' }, prop: ['RENAME', 'a', 'b'] });
  assert.deepEqual(c.events, ['g rename_from 0:a', 'g rename_to 0:b']);
  assert.ok(c.modified.includes('0:a') && c.modified.includes('0:b'));
  c.events = [];
  assert.equal(c.r('MOVE', 'b', '2'), 1);
  assert.deepEqual(c.events, ['g move_from 0:b', 'g move_to 2:b']);
  c.events = [];
  c.db = c.ks.dbs[2]!;
  c.r('PEXPIREAT', 'b', '99999999999999');
  assert.equal(c.r('PERSIST', 'b'), 1);
  assert.deepEqual(c.events, ['g expire 2:b', 'g persist 2:b']);
  assert.equal(c.r('PERSIST', 'b'), 0);
});

test('FLUSHDB, FLUSHALL and SWAPDB touch WATCHed keys before the data changes; SWAPDB then scans for ready keys', () => {
  const c = new Ctx();
  c.set('a', 'v');
  c.set('z', 'v', c.ks.dbs[1]!);
  assert.deepEqual(c.run('FLUSHDB'), { reply: { t: 'status', s: 'OK' }, prop: ['FLUSHDB'] });
  assert.deepEqual(c.touchedDbs, [{ id: 0, keys: ['a'] }]);
  const dirtyBefore = c.ks.dirty;
  assert.deepEqual(c.run('FLUSHDB', 'ASYNC'), { reply: { t: 'status', s: 'OK' }, prop: ['FLUSHDB', 'ASYNC'] }, 'an empty flush still propagates');
  assert.equal(c.ks.dirty, dirtyBefore, 'and counts no change, as in Redis 7.0');
  c.touchedDbs = [];
  c.set('b', 'v', c.ks.dbs[2]!);
  assert.deepEqual(c.r('SWAPDB', '1', '2'), { t: 'status', s: 'OK' });
  assert.deepEqual(c.r('SWAPDB', '1', '1'), { t: 'status', s: 'OK' });
  // Each side once, against the other, before the swap (Redis's dbSwapDatabases).
  assert.deepEqual(c.touchedDbs, [{ id: 1, keys: ['z'], with: 2 }, { id: 2, keys: ['b'], with: 1 }]);
  assert.deepEqual(c.readyScans, [1, 2]);
  assert.equal(c.ks.dbs[1]!.dict.has('b'), true);
  c.touchedDbs = [];
  const dirty = c.ks.dirty;
  assert.deepEqual(c.run('FLUSHALL'), { reply: { t: 'status', s: 'OK' }, prop: ['FLUSHALL'] });
  assert.equal(c.touchedDbs.length, 16);
  assert.equal(c.ks.dirty, dirty + 2, 'the two keys removed (Redis 7.0.15 adds nothing more)');
  assert.equal(c.ks.totalKeys(), 0);
});

test('cluster mode forbids SWAPDB, MOVE and cross-database COPY', () => {
  const c = new Ctx();
  c.config.set('cluster-enabled', 'yes');
  c.set('a', 'v');
  assert.equal(errText(c.r('SWAPDB', '0', '1')), 'ERR SWAPDB is not allowed in cluster mode');
  assert.equal(errText(c.r('MOVE', 'a', '1')), 'ERR MOVE is not allowed in cluster mode');
  assert.equal(errText(c.r('COPY', 'a', 'b', 'DB', '1')), 'ERR Copying to another database is not allowed in cluster mode');
  assert.equal(c.r('COPY', 'a', 'b'), 1);
});

test('OBJECT FREQ and IDLETIME never invent numbers', () => {
  const c = new Ctx();
  c.set('k', 'v');
  assert.match(errText(c.r('OBJECT', 'FREQ', 'k')), /^ERR An LFU maxmemory policy is not selected/);
  assert.match(errText(c.r('OBJECT', 'IDLETIME', 'k')), /^ERR idle time is not tracked/);
  c.config.set('maxmemory-policy', 'allkeys-lfu');
  assert.match(errText(c.r('OBJECT', 'IDLETIME', 'k')), /^ERR An LFU maxmemory policy is selected, idle time not tracked/);
  assert.match(errText(c.r('OBJECT', 'FREQ', 'k')), /^ERR access frequency is not tracked/);
  assert.equal(c.r('OBJECT', 'FREQ', 'nokey'), null);
});

test('OBJECT REFCOUNT reports shared integers as Redis does, unless an LRU/LFU maxmemory forbids sharing', () => {
  const c = new Ctx();
  c.set('n', '42');
  c.set('big', '10000');
  assert.equal(c.r('OBJECT', 'REFCOUNT', 'n'), 2147483647);
  assert.equal(c.r('OBJECT', 'REFCOUNT', 'big'), 1);
  c.config.set('maxmemory', '1000000');
  c.config.set('maxmemory-policy', 'allkeys-lru');
  assert.equal(c.r('OBJECT', 'REFCOUNT', 'n'), 1);
  c.config.set('maxmemory-policy', 'noeviction');
  assert.equal(c.r('OBJECT', 'REFCOUNT', 'n'), 2147483647);
});

test('every key command declares arity, flags, ACL categories and docs', () => {
  const all = KEY_COMMANDS.flatMap((s) => [s, ...(s.subcommands ?? [])]);
  assert.equal(all.length, 31);
  for (const s of all) {
    assert.ok(s.arity !== 0, s.name);
    assert.ok(s.summary.length > 0 && s.since.length > 0 && s.group.length > 0, s.name);
    assert.ok(s.acl.length > 0, s.name);
    if (s.keys !== undefined) assert.ok((s.keySpecs?.length ?? 0) > 0, `${s.name} key specs`);
    if (s.flags.includes('write')) assert.ok(s.acl.includes('write'), s.name);
  }
});

test('a read of a missing key raises keymiss (lookupKey); OBJECT reads raise none (LOOKUP_NONOTIFY), as in 7.0.15', () => {
  const c = new Ctx();
  c.recordKeymiss = true;
  c.ks.setKey(c.db, 'k', 'v');
  c.run('EXISTS', 'k', 'nokey');
  c.run('TTL', 'gone');
  c.run('OBJECT', 'ENCODING', 'nokey');
  c.run('OBJECT', 'FREQ', 'nokey');
  c.run('SCAN', '0', 'TYPE', 'string');
  assert.deepEqual(c.events, ['m keymiss 0:nokey', 'm keymiss 0:gone']);
  assert.deepEqual([c.ks.stats.keyspaceHits, c.ks.stats.keyspaceMisses], [2, 4]);
});
