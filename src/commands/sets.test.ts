import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SET_COMMANDS } from './sets.js';
import { SetValue } from '../keyspace/types/set.js';
import { isError, type Reply } from '../protocol/reply.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

/** A fake client context recording everything a set command can do besides its reply. */
class Ctx extends FakeContext {
  rnd: () => number = () => 0;

  constructor(maxIntset?: number) {
    super(maxIntset === undefined ? {} : { setMaxIntsetEntries: maxIntset }, (type, event, _db, key) => `${type} ${event} ${key}`);
  }

  override block(): Reply { return assert.fail('set commands never block'); }
  override random(): number { return this.rnd(); }

  /** Runs a command as call() would; `prop` is what replicas would receive. */
  run(...argv: string[]): { reply: Reply; prop: string[][] } {
    const e = this.exec(SET_COMMANDS, argv);
    const prop: string[][] = [];
    if (e.dirty !== 0 && !e.prevented) prop.push(e.propArgv ?? argv);
    prop.push(...e.extra);
    return { reply: e.reply, prop };
  }

  r(...argv: string[]): Reply {
    return this.run(...argv).reply;
  }

  get(key: string): SetValue | undefined {
    const v = this.db.dict.get(key);
    return v instanceof SetValue ? v : undefined;
  }
}

const items = (r: Reply): string[] => {
  if (Array.isArray(r)) return r as string[];
  if (typeof r === 'object' && r !== null && 't' in r && r.t === 'set') return r.items as string[];
  return assert.fail(`not an aggregate: ${JSON.stringify(r)}`);
};
const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${String(r)}`));

test('SADD/SREM: replies, dirty, events in Redis order, key deleted when emptied', () => {
  const c = new Ctx();
  assert.equal(c.r('SADD', 's', 'a', 'b', 'a'), 2);
  assert.equal(c.r('SADD', 's', 'a'), 0);
  assert.equal(c.ks.dirty, 2);
  assert.deepEqual(c.events, ['s sadd s']);
  assert.equal(c.r('SREM', 's', 'x'), 0);
  assert.deepEqual(c.run('SREM', 's', 'a', 'b', 'c'), { reply: 2, prop: [['SREM', 's', 'a', 'b', 'c']] });
  assert.equal(c.db.dict.has('s'), false);
  assert.deepEqual(c.events, ['s sadd s', 's srem s', 'g del s']);
  assert.equal(c.ks.dirty, 4);
  c.ks.setKey(c.db, 'str', 'v');
  assert.equal(errText(c.r('SADD', 'str', 'a')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('SPOP without count propagates SREM of the popped member and deletes the emptied key', () => {
  const c = new Ctx();
  c.r('SADD', 's', 'x', 'y');
  c.events = [];
  c.rnd = () => 0.99;
  const { reply, prop } = c.run('SPOP', 's');
  assert.equal(reply, 'y');
  assert.deepEqual(prop, [['SREM', 's', 'y']]);
  assert.deepEqual(c.run('SPOP', 's'), { reply: 'x', prop: [['SREM', 's', 'x']] });
  assert.deepEqual(c.events, ['s spop s', 's spop s', 'g del s']);
  assert.deepEqual(c.run('SPOP', 's'), { reply: null, prop: [] });
});

test('SPOP count >= size replies the whole set through an intset union and propagates DEL', () => {
  const c = new Ctx();
  c.r('SADD', 's', 'z', '3', '1', '2');
  c.r('SREM', 's', 'z'); // a hashtable holding only integers
  assert.equal(c.get('s')?.encoding(), 'hashtable');
  c.events = [];
  const dirty = c.ks.dirty;
  const { reply, prop } = c.run('SPOP', 's', '10');
  assert.deepEqual(items(reply), ['1', '2', '3']);
  assert.deepEqual(prop, [['DEL', 's']]);
  assert.equal(c.ks.dirty - dirty, 3);
  assert.deepEqual(c.events, ['s spop s', 'g del s']);
  assert.deepEqual(c.run('SPOP', 's', '0'), { reply: { t: 'set', items: [] }, prop: [] });
});

test('SPOP count < size: one SREM per member (the server wraps them in MULTI/EXEC)', () => {
  const c = new Ctx();
  c.r('SADD', 's', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10');
  c.rnd = () => 0;
  const { reply, prop } = c.run('SPOP', 's', '2');
  assert.deepEqual(items(reply), ['1', '2']);
  assert.deepEqual(prop, [['SREM', 's', '1'], ['SREM', 's', '2']]);
  assert.equal(c.get('s')?.size, 8);
  assert.deepEqual(c.run('SPOP', 's', '1').prop, [['SREM', 's', '3']]);
});

test('SPOP with few members left rebuilds the rest as a new set, which may be an intset again', () => {
  const c = new Ctx();
  c.r('SADD', 's', 'a', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11');
  assert.equal(c.get('s')?.encoding(), 'hashtable');
  c.ks.setExpire(c.db, 's', 10_000_000);
  // Keeps slot 6 ('6'), then slot 5 of the 11 left ('5'): two integers.
  c.rnd = () => 0.5;
  const { reply, prop } = c.run('SPOP', 's', '10');
  const popped = items(reply);
  assert.equal(popped.length, 10);
  const kept = c.get('s')!;
  assert.equal(kept.size, 2);
  assert.equal(kept.encoding(), 'intset');
  assert.deepEqual(kept.toArray(), ['5', '6']);
  for (const m of kept.toArray()) assert.ok(!popped.includes(m));
  assert.deepEqual(prop, popped.map((m) => ['SREM', 's', m]));
  assert.equal(c.ks.getExpire(c.db, 's'), 10_000_000, 'the TTL survives the rebuild');
});

test('SPOP/SRANDMEMBER count errors', () => {
  const c = new Ctx();
  c.r('SADD', 's', 'a');
  assert.equal(errText(c.r('SPOP', 's', '-1')), 'ERR value is out of range, must be positive');
  assert.equal(errText(c.r('SPOP', 's', 'x')), 'ERR value is out of range, must be positive');
  assert.equal(errText(c.r('SPOP', 's', '1', '2')), 'ERR syntax error');
  assert.equal(errText(c.r('SRANDMEMBER', 's', 'x')), 'ERR value is not an integer or out of range');
  assert.equal(errText(c.r('SRANDMEMBER', 's', '-9223372036854775808')),
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assert.ok(isError(c.r('SRANDMEMBER', 's', '-9223372036854775807')), 'a huge negative count is refused, not built');
  assert.equal(c.ks.dirty, 1);
});

test('SRANDMEMBER count forms: repetition, whole set, distinct members', () => {
  const c = new Ctx();
  c.r('SADD', 's', ...Array.from({ length: 20 }, (_, i) => String(i)));
  let i = 0;
  c.rnd = () => ((i++ * 7) % 20) / 20;
  assert.deepEqual(items(c.r('SRANDMEMBER', 's', '-3')).length, 3);
  assert.deepEqual(items(c.r('SRANDMEMBER', 's', '100')), Array.from({ length: 20 }, (_, k) => String(k)));
  for (const n of [2, 7, 15, 19]) {
    const got = items(c.r('SRANDMEMBER', 's', String(n)));
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n, 'distinct');
  }
  c.rnd = () => 0;
  assert.deepEqual(items(c.r('SRANDMEMBER', 's', '-4')), ['0', '0', '0', '0']);
  assert.equal(c.ks.dirty, 20, 'read only');
});

test('SMOVE: events, dirty, destination created with the member rule, same-key no-op', () => {
  const c = new Ctx();
  c.r('SADD', 'a', '1', 'x');
  c.events = [];
  const dirty = c.ks.dirty;
  assert.deepEqual(c.run('SMOVE', 'a', 'b', '1'), { reply: 1, prop: [['SMOVE', 'a', 'b', '1']] });
  assert.equal(c.get('b')?.encoding(), 'intset');
  assert.equal(c.ks.dirty - dirty, 2);
  assert.equal(c.r('SMOVE', 'a', 'a', 'x'), 1);
  assert.equal(c.r('SMOVE', 'a', 'a', 'q'), 0);
  c.r('SADD', 'b', 'x');
  c.events = [];
  assert.equal(c.r('SMOVE', 'a', 'b', 'x'), 1);
  assert.deepEqual(c.events, ['s srem a', 'g del a']);
  assert.equal(c.r('SMOVE', 'nokey', 'b', 'x'), 0);
  c.ks.setKey(c.db, 'str', 'v');
  assert.equal(c.r('SMOVE', 'nokey', 'str', 'x'), 0);
  assert.ok(isError(c.r('SMOVE', 'b', 'str', 'x')));
});

test('STORE commands: overwrite drops the TTL, empty result deletes, events and propagation', () => {
  const c = new Ctx();
  c.r('SADD', 'a', '1', '2', '3');
  c.r('SADD', 'b', '2', '3', '4');
  c.ks.setKey(c.db, 'd', 'old');
  c.ks.setExpire(c.db, 'd', 5_000_000);
  c.events = [];
  assert.deepEqual(c.run('SINTERSTORE', 'd', 'a', 'b'), { reply: 2, prop: [['SINTERSTORE', 'd', 'a', 'b']] });
  assert.equal(c.ks.getExpire(c.db, 'd'), -1);
  assert.deepEqual(c.get('d')?.toArray(), ['2', '3']);
  assert.equal(c.r('SUNIONSTORE', 'd', 'a', 'b'), 4);
  assert.equal(c.r('SDIFFSTORE', 'd', 'a', 'b'), 1);
  assert.deepEqual(c.run('SDIFFSTORE', 'd', 'a', 'a'), { reply: 0, prop: [['SDIFFSTORE', 'd', 'a', 'a']] });
  assert.deepEqual(c.run('SINTERSTORE', 'd', 'a', 'nokey'), { reply: 0, prop: [] });
  assert.deepEqual(c.events, ['s sinterstore d', 's sunionstore d', 's sdiffstore d', 'g del d']);
});

test('SINTER walks the smallest set; SUNION/SDIFF reply through a fresh intset (ascending)', () => {
  const c = new Ctx();
  c.r('SADD', 'h', 'z', '30', '10', '20');
  c.r('SREM', 'h', 'z');
  assert.deepEqual(items(c.r('SMEMBERS', 'h')), ['30', '10', '20']);
  assert.deepEqual(items(c.r('SINTER', 'h')), ['30', '10', '20']);
  assert.deepEqual(items(c.r('SUNION', 'h')), ['10', '20', '30']);
  assert.deepEqual(items(c.r('SDIFF', 'h', 'nokey')), ['10', '20', '30']);
  c.r('SADD', 'i', '20', '30', '40', '50');
  assert.deepEqual(items(c.r('SINTER', 'i', 'h')), ['30', '20']);
  assert.equal(c.r('SINTERCARD', '2', 'i', 'h', 'LIMIT', '1'), 1);
  assert.equal(c.r('SINTERCARD', '2', 'i', 'h'), 2);
});

test('SDIFF algorithm 2 copies the first set first: the stored result keeps a hashtable encoding', () => {
  const c = new Ctx();
  c.r('SADD', 'small', '1', '2', 'q');
  c.r('SADD', 'b1', ...Array.from({ length: 12 }, (_, i) => String(i + 1)));
  c.r('SADD', 'b2', ...Array.from({ length: 11 }, (_, i) => String(i + 20)));
  assert.equal(c.r('SDIFFSTORE', 'd', 'small', 'b1', 'b2'), 1);
  assert.equal(c.get('d')?.encoding(), 'hashtable');
  c.r('SADD', 'small2', '1', '2', '3', 'q');
  c.r('SADD', 'x', 'q');
  assert.equal(c.r('SDIFFSTORE', 'd', 'small2', 'x'), 3);
  assert.equal(c.get('d')?.encoding(), 'intset', 'algorithm 1 only adds the survivors');
});

test('SINTERCARD key extraction and argument errors', () => {
  const spec = SET_COMMANDS.find((s) => s.name === 'sintercard')!;
  assert.deepEqual(spec.getKeys!(['sintercard', '2', 'a', 'b', 'LIMIT', '1']), [2, 3]);
  assert.deepEqual(spec.getKeys!(['sintercard', '3', 'a', 'b']), []);
  assert.deepEqual(spec.getKeys!(['sintercard', 'x', 'a']), []);
  const c = new Ctx();
  assert.equal(errText(c.r('SINTERCARD', '0', 'a')), 'ERR numkeys should be greater than 0');
  assert.equal(errText(c.r('SINTERCARD', '2', 'a')), "ERR Number of keys can't be greater than number of args");
  assert.equal(errText(c.r('SINTERCARD', '1', 'a', 'LIMIT', '-1')), "ERR LIMIT can't be negative");
  assert.equal(errText(c.r('SINTERCARD', '1', 'a', 'LIMIT')), 'ERR syntax error');
});

test('SSCAN: intsets whole with cursor 0; hashtables by cursor with COUNT and MATCH', () => {
  const c = new Ctx();
  c.r('SADD', 'i', '3', '1', '2');
  assert.deepEqual(c.r('SSCAN', 'i', '77', 'COUNT', '1'), ['0', ['1', '2', '3']]);
  c.r('SADD', 'h', ...Array.from({ length: 30 }, (_, i) => `m${i}`));
  const seen: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const r = c.r('SSCAN', 'h', cursor, 'COUNT', '4', 'MATCH', 'm1*') as [string, string[]];
    cursor = r[0];
    seen.push(...r[1]);
    calls++;
  } while (cursor !== '0');
  assert.ok(calls >= 7);
  assert.deepEqual(seen.sort(), ['m1', 'm10', 'm11', 'm12', 'm13', 'm14', 'm15', 'm16', 'm17', 'm18', 'm19']);
  assert.equal(errText(c.r('SSCAN', 'h', '0', 'TYPE', 'set')), 'ERR syntax error');
  assert.deepEqual(c.r('SSCAN', 'nokey', '0', 'bad'), ['0', []]);
});

test('WATCH signals: every modified key is signalled, reads signal nothing', () => {
  const c = new Ctx();
  c.r('SADD', 's', 'a');
  c.r('SADD', 't', 'b');
  c.modified = [];
  c.r('SISMEMBER', 's', 'a');
  c.r('SMEMBERS', 's');
  c.r('SINTER', 's', 't');
  c.r('SADD', 's', 'a');
  assert.equal(c.modified.length, 0);
  c.r('SMOVE', 's', 't', 'a');
  assert.ok(c.modified.includes('0:s') && c.modified.includes('0:t'));
});

// ---------------------------------------------------------------------------------------------
// Property: command sequences against a model of Map<key, Set<member>>, with tiny intset limits so
// conversions happen all the time.

const KEYS = ['k1', 'k2', 'k3'];
const member = fc.oneof(fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom('a', 'b', '01', '-0', '\x00'));
const key = fc.constantFrom(...KEYS);
const command = fc.oneof(
  fc.tuple(fc.constant('SADD'), key, fc.array(member, { minLength: 1, maxLength: 5 })),
  fc.tuple(fc.constant('SREM'), key, fc.array(member, { minLength: 1, maxLength: 3 })),
  fc.tuple(fc.constant('SMOVE'), key, key, member),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, fc.array(key, { minLength: 1, maxLength: 3 })),
  fc.tuple(fc.constant('SPOP'), key, fc.integer({ min: 0, max: 6 })),
);

test('property: set commands match a JS Set model across encodings', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.array(command, { maxLength: 40 }), fc.integer(), (maxIntset, cmds, seed) => {
    const c = new Ctx(maxIntset);
    let state = seed >>> 0;
    c.rnd = () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const model = new Map<string, Set<string>>();
    const get = (k: string): Set<string> => model.get(k) ?? new Set();
    for (const cmd of cmds) {
      const name = cmd[0];
      if (name === 'SADD' || name === 'SREM') {
        const [, k, ms] = cmd as [string, string, string[]];
        const s = get(k);
        let n = 0;
        for (const m of ms) {
          if (name === 'SADD' ? !s.has(m) : s.has(m)) n++;
          if (name === 'SADD') s.add(m); else s.delete(m);
        }
        assert.equal(c.r(name, k, ...ms), n);
        model.set(k, s);
      } else if (name === 'SMOVE') {
        const [, src, dst, m] = cmd as [string, string, string, string];
        const moved = get(src).has(m) ? 1 : 0;
        assert.equal(c.r('SMOVE', src, dst, m), moved);
        if (moved && src !== dst) {
          get(src).delete(m);
          model.set(dst, get(dst).add(m));
        }
      } else if (name === 'SPOP') {
        const [, k, n] = cmd as [string, string, number];
        const popped = items(c.r('SPOP', k, String(n)));
        const s = get(k);
        assert.equal(popped.length, Math.min(n, s.size));
        for (const m of popped) assert.ok(s.delete(m), `popped a non-member ${m}`);
      } else {
        const [, dst, srcs] = cmd as [string, string, string[]];
        const sets = srcs.map(get);
        let out: Set<string>;
        if (name === 'SUNIONSTORE') out = new Set(sets.flatMap((s) => [...s]));
        else if (name === 'SINTERSTORE') out = new Set([...sets[0]!].filter((m) => sets.every((s) => s.has(m))));
        else out = new Set([...sets[0]!].filter((m) => sets.slice(1).every((s) => !s.has(m))));
        assert.equal(c.r(name, dst, ...srcs), out.size);
        model.set(dst, out);
      }
      for (const k of KEYS) {
        const want = [...get(k)].sort();
        const v = c.get(k);
        if (want.length === 0) {
          assert.equal(c.db.dict.has(k), false, `${k} should not exist`);
          continue;
        }
        assert.ok(v, `${k} should exist`);
        assert.deepEqual(v.toArray().sort(), want);
        const allInts = want.every((m) => /^(0|-?[1-9][0-9]*)$/.test(m));
        if (v.encoding() === 'intset') assert.ok(allInts && want.length <= maxIntset);
        assert.equal(c.r('SCARD', k), want.length);
      }
    }
  }), { numRuns: 200 });
});
