import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_COMMAND_CONFIG } from './context.js';
import { HASH_COMMANDS } from './hashes.js';
import { HashValue } from '../keyspace/types/hash.js';
import { isError, type Reply } from '../protocol/reply.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

class Ctx extends FakeContext {
  randoms: number[] = [];

  override alsoPropagate(): void { assert.fail('hash commands never add propagation'); }
  override preventPropagation(): void { assert.fail('hash commands never prevent propagation'); }
  override block(): Reply { return assert.fail('hash commands never block'); }
  override random(): number { return this.randoms.shift() ?? 0; }

  run(...argv: string[]): { reply: Reply; prop: string[] | null; dirty: number } {
    const e = this.exec(HASH_COMMANDS, argv);
    return { reply: e.reply, prop: e.dirty !== 0 ? e.propArgv ?? argv : null, dirty: e.dirty };
  }

  r(...argv: string[]): Reply {
    return this.run(...argv).reply;
  }
}

const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${String(r)}`));

test('dirty counts every pair HSET is given (updates too), each HDEL removal, one per increment', () => {
  const c = new Ctx();
  assert.deepEqual(c.run('HSET', 'h', 'a', '1', 'a', '2', 'b', '3'), { reply: 2, prop: ['HSET', 'h', 'a', '1', 'a', '2', 'b', '3'], dirty: 3 });
  assert.equal(c.run('HSET', 'h', 'a', '2').dirty, 1);
  assert.equal(c.run('HSETNX', 'h', 'a', '2').dirty, 0);
  assert.equal(c.run('HDEL', 'h', 'a', 'x', 'b').dirty, 2);
  assert.equal(c.db.dict.has('h'), false);
  assert.deepEqual(c.events, ['h hset 0:h', 'h hset 0:h', 'h hdel 0:h', 'g del 0:h']);
  assert.deepEqual(c.run('HINCRBYFLOAT', 'f', 'x', '1.5'), { reply: '1.5', prop: ['HSET', 'f', 'x', '1.5'], dirty: 1 });
});

test('failing writes create no key, signal nothing and count nothing', () => {
  const c = new Ctx();
  for (const argv of [['HINCRBY', 'k', 'f', 'x'], ['HINCRBYFLOAT', 'k', 'f', 'inf'], ['HINCRBYFLOAT', 'k', 'f', 'x'],
    ['HSET', 'k', 'a', '1', 'b'], ['HDEL', 'k', 'f']]) {
    const r = c.run(...argv);
    assert.equal(r.dirty, 0, argv.join(' '));
  }
  assert.equal(c.db.dict.size, 0);
  assert.deepEqual(c.modified, []);
  assert.deepEqual(c.events, []);
  assert.equal(errText(c.r('HSET', 'k', 'a', '1', 'b')), "ERR wrong number of arguments for 'hset' command");
  assert.equal(errText(c.r('HMSET', 'k', 'a', '1', 'b')), "ERR wrong number of arguments for 'hmset' command");
});

test('HINCRBY at the int64 limits', () => {
  const c = new Ctx();
  assert.equal(c.r('HINCRBY', 'h', 'f', '9223372036854775806'), 9223372036854775806n);
  assert.equal(c.r('HINCRBY', 'h', 'f', '1'), 9223372036854775807n);
  assert.equal(errText(c.r('HINCRBY', 'h', 'f', '1')), 'ERR increment or decrement would overflow');
  assert.equal(c.r('HINCRBY', 'h', 'f', '-9223372036854775808'), -1);
  assert.equal(c.r('HINCRBY', 'h', 'g', '-9223372036854775808'), -9223372036854775808n);
  assert.equal(errText(c.r('HINCRBY', 'h', 'g', '-1')), 'ERR increment or decrement would overflow');
  assert.equal(c.r('HGET', 'h', 'g'), '-9223372036854775808');
});

test('conversions follow the live thresholds of the context', () => {
  const c = new Ctx();
  c.cfg = { ...DEFAULT_COMMAND_CONFIG, hashMaxListpackEntries: 2, hashMaxListpackValue: 4 };
  c.r('HSET', 'h', 'a', '1', 'b', '2');
  assert.equal((c.db.dict.get('h') as HashValue).encoding(), 'listpack');
  c.r('HINCRBY', 'h', 'a', '99999');
  assert.equal((c.db.dict.get('h') as HashValue).encoding(), 'hashtable', 'the new value is 6 bytes');
  c.r('HSET', 'g', 'a', '1', 'b', '2');
  c.r('HSETNX', 'g', 'c', '3');
  assert.equal((c.db.dict.get('g') as HashValue).encoding(), 'hashtable');
});

test('HRANDFIELD uses the Random port: picks with repetition in pick order, distinct ones in hash order', () => {
  const c = new Ctx();
  c.r('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  c.randoms = [0.9, 0.1, 0.9];
  assert.deepEqual(c.r('HRANDFIELD', 'h', '-3'), ['d', 'a', 'd']);
  c.randoms = [0.6];
  assert.equal(c.r('HRANDFIELD', 'h'), 'c');
  // Selection sampling: index i is taken when random * (4 - i) < still needed.
  c.randoms = [0.99, 0.1, 0.99, 0.1];
  assert.deepEqual(c.r('HRANDFIELD', 'h', '2', 'WITHVALUES'), ['b', '2', 'd', '4']);
  c.resp = 3;
  c.randoms = [0.3];
  assert.deepEqual(c.r('HRANDFIELD', 'h', '1', 'WITHVALUES'), [['b', '2']]);
});

test('property: random HRANDFIELD counts return valid fields with the right multiplicity', () => {
  fc.assert(fc.property(
    fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 12 }),
    fc.integer({ min: -30, max: 30 }),
    fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 64, maxLength: 64 }),
    (fields, count, rnd) => {
      const c = new Ctx();
      c.r('HSET', 'h', ...fields.flatMap((f) => [f, `v${f}`]));
      c.randoms = [...rnd];
      const out = c.r('HRANDFIELD', 'h', String(count)) as string[];
      if (count >= 0) {
        assert.equal(out.length, Math.min(count, fields.length));
        assert.equal(new Set(out).size, out.length);
        // Distinct picks keep the hash's order.
        const idx = out.map((f) => fields.indexOf(f));
        assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
      } else {
        assert.equal(out.length, -count);
      }
      for (const f of out) assert.ok(fields.includes(f));
    }), { numRuns: 200 });
});
