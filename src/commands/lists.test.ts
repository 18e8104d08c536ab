import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_COMMANDS } from './lists.js';
import { ListValue } from '../keyspace/types/list.js';
import { BLOCKED, NULL_ARRAY, isError, type Reply } from '../protocol/reply.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

class Ctx extends FakeContext {
  constructor() {
    super({}, (type, event, _db, key) => `${type} ${event} ${key}`);
  }

  override alsoPropagate(): void { assert.fail('list commands rewrite, they do not add'); }
  override preventPropagation(): void { assert.fail('not used by list commands'); }

  /** Runs a command as call() would: the reply, and what would propagate (null: nothing). */
  run(...argv: string[]): { reply: Reply; prop: string[] | null } {
    const e = this.execute(...argv);
    return { reply: e.reply, prop: e.prop };
  }

  /** run() with the number of changes counted. */
  execute(...argv: string[]): { reply: Reply; prop: string[] | null; dirty: number } {
    this.events = [];
    const e = this.exec(LIST_COMMANDS, argv);
    return { reply: e.reply, prop: e.dirty !== 0 || e.forced !== null ? e.propArgv ?? argv : null, dirty: e.dirty };
  }

  r(...argv: string[]): Reply {
    return this.run(...argv).reply;
  }

  list(key: string): string[] | undefined {
    const v = this.db.dict.get(key);
    if (v === undefined) return undefined;
    assert.ok(v instanceof ListValue);
    return v.toArray();
  }
}

const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${JSON.stringify(r)}`));

test('pushes: one dirty per element, the push event, new lists take the configured fill', () => {
  const c = new Ctx();
  c.cfg = { ...c.cfg, listMaxListpackSize: 7 };
  const before = c.ks.dirty;
  assert.deepEqual(c.run('RPUSH', 'l', 'a', 'b', 'c'), { reply: 3, prop: ['RPUSH', 'l', 'a', 'b', 'c'] });
  assert.equal(c.ks.dirty - before, 3);
  assert.deepEqual(c.events, ['l rpush l']);
  assert.equal((c.db.dict.get('l') as ListValue).fill, 7);
  assert.deepEqual(c.run('LPUSH', 'l', 'x', 'y'), { reply: 5, prop: ['LPUSH', 'l', 'x', 'y'] });
  assert.deepEqual(c.list('l'), ['y', 'x', 'a', 'b', 'c']);
  assert.deepEqual(c.run('LPUSHX', 'nokey', 'a'), { reply: 0, prop: null });
  assert.equal(c.db.dict.has('nokey'), false);
  assert.ok(c.modified.includes('0:l'));
});

test('pops with a count: reply order, lpop/rpop then del when emptied, dirty per element', () => {
  const c = new Ctx();
  c.r('RPUSH', 'l', 'a', 'b', 'c', 'd');
  assert.deepEqual(c.run('RPOP', 'l', '2'), { reply: ['d', 'c'], prop: ['RPOP', 'l', '2'] });
  assert.deepEqual(c.events, ['l rpop l']);
  const before = c.ks.dirty;
  assert.deepEqual(c.run('LPOP', 'l', '10'), { reply: ['a', 'b'], prop: ['LPOP', 'l', '10'] });
  assert.equal(c.ks.dirty - before, 2);
  assert.deepEqual(c.events, ['l lpop l', 'g del l']);
  assert.equal(c.db.dict.has('l'), false);
  assert.deepEqual(c.run('LPOP', 'l', '3'), { reply: NULL_ARRAY, prop: null });
  assert.deepEqual(c.run('LPOP', 'l'), { reply: null, prop: null });
  assert.equal(errText(c.r('LPOP', 'l', '1', '2')), "ERR wrong number of arguments for 'lpop' command");
});

test('LMPOP propagates as LPOP/RPOP key <count actually popped>', () => {
  const c = new Ctx();
  c.r('RPUSH', 'b', '1', '2', '3');
  assert.deepEqual(c.run('LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '5'), { reply: ['b', ['3', '2', '1']], prop: ['RPOP', 'b', '3'] });
  assert.deepEqual(c.events, ['l rpop b', 'g del b']);
  assert.deepEqual(c.run('LMPOP', '2', 'a', 'b', 'LEFT'), { reply: NULL_ARRAY, prop: null });
});

test('LMOVE: push event on the destination before the pop event on the source; rotation keeps the key', () => {
  const c = new Ctx();
  c.r('RPUSH', 's', 'a');
  assert.deepEqual(c.run('LMOVE', 's', 'd', 'LEFT', 'RIGHT'), { reply: 'a', prop: ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'] });
  assert.deepEqual(c.events, ['l rpush d', 'l lpop s', 'g del s']);
  assert.deepEqual(c.run('RPOPLPUSH', 'd', 'd'), { reply: 'a', prop: ['RPOPLPUSH', 'd', 'd'] });
  assert.deepEqual(c.list('d'), ['a']);
  c.ks.setKey(c.db, 'str', 'v');
  assert.match(errText(c.r('LMOVE', 'd', 'str', 'LEFT', 'LEFT')), /^WRONGTYPE/);
  assert.deepEqual(c.list('d'), ['a'], 'nothing popped when the destination has the wrong type');
});

test('LTRIM that removes nothing notifies but does not propagate; LREM deletes an emptied key', () => {
  const c = new Ctx();
  c.r('RPUSH', 'l', 'a', 'b', 'a');
  assert.deepEqual(c.run('LTRIM', 'l', '0', '-1'), { reply: { t: 'status', s: 'OK' }, prop: null });
  assert.deepEqual(c.events, ['l ltrim l']);
  assert.deepEqual(c.run('LREM', 'l', '0', 'zzz'), { reply: 0, prop: null });
  assert.deepEqual(c.events, []);
  assert.deepEqual(c.run('LREM', 'l', '-1', 'a'), { reply: 1, prop: ['LREM', 'l', '-1', 'a'] });
  assert.deepEqual(c.list('l'), ['a', 'b']);
  c.r('LREM', 'l', '0', 'a');
  assert.deepEqual(c.run('LREM', 'l', '0', 'b').reply, 1);
  assert.deepEqual(c.events, ['l lrem l', 'g del l']);
});

test('blocking pops served at once propagate as LPOP/RPOP; nothing to serve blocks with the deadline', () => {
  const c = new Ctx();
  c.ks.now = 5_000;
  c.r('RPUSH', 'b', 'x', 'y');
  assert.deepEqual(c.run('BLPOP', 'a', 'b', '0'), { reply: ['b', 'x'], prop: ['LPOP', 'b'] });
  assert.deepEqual(c.run('BRPOP', 'a', 'b', '1'), { reply: ['b', 'y'], prop: ['RPOP', 'b'] });
  assert.deepEqual(c.events, ['l rpop b', 'g del b']);
  assert.deepEqual(c.run('BLPOP', 'a', 'b', '1.5'), { reply: BLOCKED, prop: null });
  assert.deepEqual(c.blocks, [{ keys: ['a', 'b'], timeoutAtMs: 6_500, timeoutReply: NULL_ARRAY }]);
  assert.deepEqual(c.run('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0').reply, BLOCKED);
  assert.deepEqual(c.run('BLMPOP', '2', '1', 'a', 'RIGHT').reply, BLOCKED);
  assert.deepEqual(c.blocks.slice(1), [
    { keys: ['a'], timeoutAtMs: 0, timeoutReply: NULL_ARRAY },
    { keys: ['a'], timeoutAtMs: 7_000, timeoutReply: NULL_ARRAY },
  ]);
});

test('inside MULTI blocking commands answer at once: null array, or null bulk for BLMOVE/BRPOPLPUSH', () => {
  const c = new Ctx();
  c.inTransaction = true;
  assert.equal(c.r('BLPOP', 'a', '0'), NULL_ARRAY);
  assert.equal(c.r('BLMPOP', '0', '1', 'a', 'LEFT'), NULL_ARRAY);
  assert.equal(c.r('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'), null);
  assert.equal(c.r('BRPOPLPUSH', 'a', 'b', '0'), null);
  assert.deepEqual(c.blocks, []);
});

test('a blocked client being served skips keys of another type (Redis 7.0 keeps it waiting)', () => {
  const c = new Ctx();
  c.ks.setKey(c.db, 'a', 'string');
  assert.match(errText(c.r('BLPOP', 'a', '0')), /^WRONGTYPE/);
  assert.match(errText(c.r('BLMPOP', '0', '1', 'a', 'LEFT')), /^WRONGTYPE/);
  assert.match(errText(c.r('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0')), /^WRONGTYPE/);
  c.reexecuting = true;
  assert.equal(c.r('BLPOP', 'a', '0'), BLOCKED);
  assert.equal(c.r('BLMPOP', '0', '1', 'a', 'LEFT'), BLOCKED);
  assert.equal(c.r('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'), BLOCKED);
  c.r('RPUSH', 'b', 'v');
  // Served after blocking, a pop or move propagates but counts no change (serveClientBlockedOnList).
  assert.deepEqual(c.execute('BLPOP', 'a', 'b', '0'), { reply: ['b', 'v'], prop: ['LPOP', 'b'], dirty: 0 });
  // BLMOVE served after blocking: the destination's type still matters; Redis's "left"/"right".
  c.r('RPUSH', 'src', 'v1', 'v2', 'v3', 'v4');
  assert.match(errText(c.r('BLMOVE', 'src', 'a', 'LEFT', 'LEFT', '0')), /^WRONGTYPE/);
  assert.deepEqual(c.execute('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'), { reply: 'v1', prop: ['LMOVE', 'src', 'dst', 'left', 'right'], dirty: 0 });
  assert.deepEqual(c.execute('BRPOPLPUSH', 'src', 'dst', '0'), { reply: 'v4', prop: ['RPOPLPUSH', 'src', 'dst'], dirty: 0 });
  assert.deepEqual(c.list('dst'), ['v4', 'v1']);
  // BLMPOP is served through its command's code, which counts every element.
  assert.deepEqual(c.execute('BLMPOP', '0', '1', 'src', 'LEFT', 'COUNT', '5'), { reply: ['src', ['v2', 'v3']], prop: ['LPOP', 'src', '2'], dirty: 2 });
  c.r('RPUSH', 'src', 'v1', 'v2');
  c.reexecuting = false;
  c.r('RPUSH', 'src', 'v3');
  // Served at once, each pop or move is one change.
  assert.deepEqual(c.execute('BLMOVE', 'src', 'dst', 'Right', 'lEFT', '0'), { reply: 'v3', prop: ['LMOVE', 'src', 'dst', 'Right', 'lEFT'], dirty: 1 });
  assert.deepEqual(c.execute('BLPOP', 'src', '0'), { reply: ['src', 'v1'], prop: ['LPOP', 'src'], dirty: 1 });
});

test('BLMPOP served propagates LPOP/RPOP with the count popped', () => {
  const c = new Ctx();
  c.r('RPUSH', 'k', '1', '2');
  assert.deepEqual(c.run('BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '9'), { reply: ['k', ['1', '2']], prop: ['LPOP', 'k', '2'] });
});

test('key extraction for the movable-key commands (genericGetKeys rules)', () => {
  const lmpop = LIST_COMMANDS.find((s) => s.name === 'lmpop')!;
  const blmpop = LIST_COMMANDS.find((s) => s.name === 'blmpop')!;
  assert.deepEqual(lmpop.getKeys!(['LMPOP', '2', 'a', 'b', 'LEFT']), [2, 3]);
  assert.deepEqual(lmpop.getKeys!(['LMPOP', '3', 'a', 'b']), []);
  assert.deepEqual(lmpop.getKeys!(['LMPOP', '0', 'a', 'LEFT']), []);
  assert.deepEqual(blmpop.getKeys!(['BLMPOP', '0', '1', 'a', 'LEFT']), [3]);
});
