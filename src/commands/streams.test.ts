import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { STREAM_COMMANDS } from './streams.js';
import { parseId, parseU64 } from './stream-args.js';
import { isError, map, NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { StreamValue } from '../keyspace/types/stream.js';
import { FakeContext } from '../../test/helpers/fake-context.js';

class Ctx extends FakeContext {
  r(...argv: string[]): Reply {
    return this.exec(STREAM_COMMANDS, argv).reply;
  }
}

const errText = (r: Reply): string => (isError(r) ? r.s : assert.fail(`not an error: ${JSON.stringify(r)}`));

test('string2ull: strict decimal first, then strtoull forms (spaces, sign, leading zeros); 64-bit bound', () => {
  assert.equal(parseU64('0'), 0n);
  assert.equal(parseU64('18446744073709551615'), 18446744073709551615n);
  assert.equal(parseU64('18446744073709551616'), null);
  assert.equal(parseU64('-1'), null);
  assert.equal(parseU64('007'), 7n);
  assert.equal(parseU64(' 7'), 7n);
  assert.equal(parseU64('+7'), 7n);
  assert.equal(parseU64('-0'), 0n);
  assert.equal(parseU64('-007'), 18446744073709551609n);
  assert.equal(parseU64(''), null);
  assert.equal(parseU64('7 '), null);
  assert.equal(parseU64('0x10'), null);
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => parseU64(String(v)) === v));
});

test('stream ID parsing: -, +, ms, ms-seq, ms-*, strictness and the 127-byte cap', () => {
  assert.deepEqual(parseId('-', 0n, false), { id: { ms: 0n, seq: 0n }, seqGiven: true });
  assert.ok(isError(parseId('+', 0n, true) as Reply));
  assert.deepEqual(parseId('5', 9n, false), { id: { ms: 5n, seq: 9n }, seqGiven: true });
  assert.deepEqual(parseId('5-*', 0n, true, true), { id: { ms: 5n, seq: 0n }, seqGiven: false });
  assert.ok(isError(parseId('5-*', 0n, true) as Reply));
  assert.deepEqual(parseId('5-1\0junk', 0n, true), { id: { ms: 5n, seq: 1n }, seqGiven: true });
  assert.ok(isError(parseId('1'.repeat(128), 0n, true) as Reply));
});

test('XADD: generated IDs come from the command time and propagate; dirty and events', () => {
  const c = new Ctx();
  c.ks.now = 1000;
  const e = c.exec(STREAM_COMMANDS, ['XADD', 's', '*', 'f', 'v']);
  assert.equal(e.reply, '1000-0');
  assert.deepEqual(e.propArgv, ['XADD', 's', '1000-0', 'f', 'v']);
  assert.equal(e.dirty, 1);
  assert.equal(c.r('XADD', 's', '*', 'f', 'v'), '1000-1');
  c.ks.now = 999; // the clock went back: IDs keep growing
  assert.equal(c.r('XADD', 's', '*', 'f', 'v'), '1000-2');
  assert.equal(c.r('XADD', 's', '1000-*', 'f', 'v'), '1000-3');
  assert.equal(errText(c.r('XADD', 's', '999-*', 'f', 'v')), 'ERR The ID specified in XADD is equal or smaller than the target stream top item');
  assert.deepEqual(c.events, ['t xadd 0:s', 't xadd 0:s', 't xadd 0:s', 't xadd 0:s']);
  assert.equal(errText(c.r('XADD', 's', 'f', 'v', 'w')), 'ERR Invalid stream ID specified as stream command argument');
  assert.equal(errText(c.r('XADD', 's', '*', 'f', 'v', 'g')), "ERR wrong number of arguments for 'xadd' command");
});

test('approximate trims propagate as exact ones: MAXLEN to the length left, MINID to the first node ID', () => {
  const c = new Ctx({ streamNodeMaxEntries: 2 });
  for (let i = 1; i <= 5; i++) c.r('XADD', 's', `${i}-1`, 'f', 'v');
  c.r('XDEL', 's', '3-1');
  const t = c.exec(STREAM_COMMANDS, ['XTRIM', 's', 'MINID', '~', '4-1']);
  assert.equal(t.reply, 2);
  // The first node left (3-1, 4-1) is keyed by its deleted first entry.
  assert.deepEqual(t.propArgv, ['XTRIM', 's', 'MINID', '=', '3-1']);
  const a = c.exec(STREAM_COMMANDS, ['XADD', 's', 'MAXLEN', '~', '1', 'LIMIT', '100', '6-1', 'f', 'v']);
  assert.deepEqual(a.propArgv, ['XADD', 's', 'MAXLEN', '=', '2', 'LIMIT', '100', '6-1', 'f', 'v']);
  assert.equal(errText(c.r('XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '1')), 'ERR syntax error, LIMIT cannot be used without the special ~ option');
  // From the master (or the AOF) LIMIT without ~ is accepted and not enforced.
  c.expiryMode = 'keep';
  assert.equal(c.r('XTRIM', 's', 'MAXLEN', '=', '0', 'LIMIT', '1'), 2);
});

test('XREAD BLOCK: $ is resolved into the stored argv before blocking; MULTI answers at once', () => {
  const c = new Ctx();
  c.r('XADD', 's', '7-1', 'f', 'v');
  const argv = ['XREAD', 'BLOCK', '0', 'STREAMS', 's', 'none', '$', '$'];
  c.exec(STREAM_COMMANDS, argv);
  assert.deepEqual(argv, ['XREAD', 'BLOCK', '0', 'STREAMS', 's', 'none', '7-1', '0-0']);
  assert.deepEqual(c.blocks, [{ keys: ['s', 'none'], timeoutAtMs: 0, timeoutReply: NULL_ARRAY }]);
  c.inTransaction = true;
  assert.equal(c.r('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'), NULL_ARRAY);
  assert.equal(c.blocks.length, 1);
  // Re-run after a change: a key of another type is skipped, the stream is served (COUNT 1000).
  c.inTransaction = false;
  c.ks.setKey(c.db, 'none', 'string');
  c.r('XADD', 's', '8-1', 'g', 'w');
  c.reexecuting = true;
  assert.deepEqual(c.r(...argv), [['s', [['8-1', ['g', 'w']]]]]);
  c.resp = 3;
  assert.deepEqual(c.r('XREAD', 'STREAMS', 's', '7-1'), map(['s', [['8-1', ['g', 'w']]]]));
});

test('XREADGROUP never propagates itself; deliveries become XCLAIMs; history reads count deliveries', () => {
  const c = new Ctx();
  c.ks.now = 50;
  c.r('XADD', 's', '1-1', 'f', 'v');
  c.r('XADD', 's', '2-1', 'f', 'w');
  c.r('XGROUP', 'CREATE', 's', 'g', '0');
  const e = c.exec(STREAM_COMMANDS, ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>']);
  assert.equal(e.prevented, true);
  assert.deepEqual(e.extra, [['XCLAIM', 's', 'g', 'c', '0', '1-1', 'TIME', '50', 'RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1']]);
  c.r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '0');
  const s = c.db.dict.get('s') as StreamValue;
  assert.equal(s.groups.get('g')!.pel.get({ ms: 1n, seq: 1n })!.deliveryCount, 2n);
  assert.deepEqual(c.events.filter((x) => x.includes('consumer')), ['t xgroup-createconsumer 0:s']);
});

test('delivery counts are exact 64-bit values: RETRYCOUNT beyond 2^53, and the count wraps past INT64_MAX (redis-server 7.0.15, measured)', () => {
  const c = new Ctx();
  c.ks.now = 100;
  c.r('XADD', 's', '1-1', 'f', 'v');
  c.r('XGROUP', 'CREATE', 's', 'g', '0');
  c.r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
  const count = (): Reply => (c.r('XPENDING', 's', 'g', '-', '+', '10') as Reply[][])[0]![3]!;
  c.r('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT', '9007199254740993', 'JUSTID');
  assert.equal(count(), 9007199254740993n); // was 9007199254740992
  c.r('XCLAIM', 's', 'g', 'c', '0', '1-1', 'RETRYCOUNT', '9223372036854775807', 'JUSTID');
  c.r('XCLAIM', 's', 'g', 'c', '0', '1-1');
  assert.equal(count(), -9223372036854775808n); // was the double 9223372036854775808, written as :9223372036854776000
});

test('XREADGROUP changes: one per read served at once, one more for a consumer it creates; a blocked reader served later counts only its new consumer (7.0.15, measured)', () => {
  const c = new Ctx();
  c.r('XADD', 's', '1-0', 'f', 'v');
  c.r('XGROUP', 'CREATE', 's', 'g', '0');
  const dirty = (...argv: string[]): number => c.exec(STREAM_COMMANDS, argv).dirty;
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new1', 'STREAMS', 's', '0'), 2, 'history read, new consumer');
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new1', 'STREAMS', 's', '0'), 1, 'history read, existing consumer');
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new2', 'STREAMS', 's', '>'), 2, 'new entries, new consumer');
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new3', 'STREAMS', 's', '>'), 0, 'nothing to serve: no consumer made');
  c.r('XADD', 's', '2-0', 'f', 'v');
  c.reexecuting = true; // the re-run that serves a blocked reader
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new4', 'STREAMS', 's', '>'), 1, 'served after blocking, new consumer');
  c.r('XADD', 's', '3-0', 'f', 'v');
  assert.equal(dirty('XREADGROUP', 'GROUP', 'g', 'new4', 'STREAMS', 's', '>'), 0, 'served after blocking, existing consumer');
});

test('XCLAIM and XAUTOCLAIM count a consumer they create as one more change; a claim that takes nothing creates none (7.0.15, measured)', () => {
  const c = new Ctx();
  c.r('XADD', 's', '1-0', 'f', 'v');
  c.r('XADD', 's', '2-0', 'f', 'v');
  c.r('XGROUP', 'CREATE', 's', 'g', '0');
  c.r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
  const dirty = (...argv: string[]): number => c.exec(STREAM_COMMANDS, argv).dirty;
  assert.equal(dirty('XCLAIM', 's', 'g', 'n1', '0', '1-0'), 2);
  assert.equal(dirty('XCLAIM', 's', 'g', 'n1', '0', '1-0'), 1, 'existing consumer');
  assert.equal(dirty('XCLAIM', 's', 'g', 'n2', '0', '9-0'), 0, 'nothing to claim');
  assert.equal(dirty('XAUTOCLAIM', 's', 'g', 'n3', '0', '0', 'COUNT', '1'), 2);
  c.r('XDEL', 's', '2-0');
  assert.equal(dirty('XCLAIM', 's', 'g', 'n4', '0', '2-0'), 1, 'a deleted entry leaves the PEL; no consumer made');
  assert.deepEqual(c.events.filter((e) => e.startsWith('t xgroup-createconsumer')).length, 3, 'c, n1 and n3');
});
