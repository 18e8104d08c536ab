/**
 * Big sorted sets under random operations, Garrison against redis-server 7.0: the same seeded
 * sequence of writes and reads goes to both servers and every raw reply must be identical.
 *
 * The scripts in scripts/zsets.redis cover every command and error on small sets; this covers
 * what only large ones exercise: thousands of members in the skiplist encoding (Garrison's
 * B+tree, several levels deep), splits and merges under mixed ZADD/ZINCRBY/ZREM/ZPOP and range
 * deletions, ties on equal scores ordered by member bytes (binary members included), ranks and
 * ranges from both ends. `INTEROP_SEED=<n>` replays another sequence.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { rng, type Cmd } from './helpers/random-commands.js';

const skip = requireBinaries('redis-server');
const SEED = Number(process.env['INTEROP_SEED'] ?? 20261205);
const BATCHES = 80;
const PER_BATCH = 250;


function generator(seed: number): () => Cmd {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)]!;
  // Members: a large pool, a few binary ones (memcmp order above 0x7f and below '0').
  const member = (): string => (r(50) === 0 ? pick(['\x00a', '\xffz', '\x80', ' m', 'm\xff']) : `m${r(6000)}`);
  // Scores: few distinct values (many ties), some fractions, rarely an infinity.
  const score = (): string => {
    const k = r(40);
    if (k === 0) return pick(['inf', '-inf', '+inf']);
    if (k < 8) return (r(2000) / 8 - 125).toString();
    return String(r(120) - 60);
  };
  const bound = (): string => {
    const k = r(10);
    if (k === 0) return pick(['-inf', '+inf']);
    return (k < 4 ? '(' : '') + String(r(140) - 70);
  };
  const lexBound = (): string => {
    const k = r(12);
    if (k === 0) return '-';
    if (k === 1) return '+';
    return (k < 6 ? '(' : '[') + `m${r(60)}`;
  };
  const key = (): string => pick(['big', 'big', 'big', 'other']);
  const addOpts = [[], [], [], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['GT', 'CH'], ['XX', 'LT', 'CH'], ['NX', 'CH']];
  return () => {
    const k = r(100);
    if (k < 38) {
      const args: Cmd = ['ZADD', key(), ...pick(addOpts)];
      const pairs = 1 + r(12);
      for (let i = 0; i < pairs; i++) args.push(score(), member());
      return args;
    }
    if (k < 42) return ['ZADD', 'lex', '0', member(), '0', member()];
    if (k < 46) return ['ZINCRBY', key(), score(), member()];
    if (k < 50) return ['ZREM', key(), member(), member()];
    if (k < 52) {
      const a = r(6000) - 3000;
      return ['ZREMRANGEBYRANK', key(), a, a + r(8)];
    }
    if (k < 54) {
      const a = r(120) - 60;
      return ['ZREMRANGEBYSCORE', key(), `(${a}`, String(a + r(3))];
    }
    if (k < 55) return ['ZREMRANGEBYLEX', 'lex', lexBound(), lexBound()];
    if (k < 57) return [pick(['ZPOPMIN', 'ZPOPMAX']), key(), 1 + r(3)];
    if (k < 62) return [pick(['ZRANK', 'ZREVRANK']), key(), member()];
    if (k < 65) return ['ZMSCORE', key(), member(), member(), member()];
    if (k < 69) return ['ZCOUNT', key(), bound(), bound()];
    if (k < 72) return ['ZLEXCOUNT', 'lex', lexBound(), lexBound()];
    if (k < 78) {
      const a = r(3000) - 1500;
      return ['ZRANGE', key(), a, a + r(30), ...(r(2) === 0 ? ['WITHSCORES'] : [])];
    }
    if (k < 84) {
      const rev = r(2) === 0;
      const a = bound(), b = bound();
      return ['ZRANGE', key(), rev ? b : a, rev ? a : b, 'BYSCORE', ...(rev ? ['REV'] : []), 'LIMIT', r(50), r(20) - 1, 'WITHSCORES'];
    }
    if (k < 88) {
      const rev = r(2) === 0;
      const a = lexBound(), b = lexBound();
      return ['ZRANGE', 'lex', rev ? b : a, rev ? a : b, 'BYLEX', ...(rev ? ['REV'] : []), 'LIMIT', r(40), r(20) - 1];
    }
    if (k < 90) return ['ZRANGESTORE', 'dst', key(), bound(), bound(), 'BYSCORE'];
    if (k < 92) return ['ZRANGE', 'dst', 0, -1, 'WITHSCORES'];
    if (k < 95) return ['ZCARD', key()];
    if (k < 97) return ['ZSCORE', key(), member()];
    return ['OBJECT', 'ENCODING', key()];
  };
}

describe('big sorted sets: Garrison vs redis-server 7.0 under random operations', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;
  let rc: RespClient;
  let gc: RespClient;

  before(async () => {
    redis = await startRedis();
    garrison = await startGarrison({ 'enable-debug-command': 'yes', save: '', appendonly: 'no' });
    rc = await RespClient.connect(redis.port);
    gc = await RespClient.connect(garrison.port);
  });

  after(async () => {
    rc?.close();
    gc?.close();
    await garrison?.close();
    await redis?.stop();
  });

  test(`seed ${SEED}: ${BATCHES * PER_BATCH} commands give identical replies`, async () => {
    const next = generator(SEED);
    for (const c of [rc, gc]) await c.callRaw('FLUSHALL');
    for (let b = 0; b < BATCHES; b++) {
      const cmds: Cmd[] = [];
      for (let i = 0; i < PER_BATCH; i++) cmds.push(next());
      const [rr, gr] = await Promise.all([rc.pipeline(cmds), gc.pipeline(cmds)]);
      for (let i = 0; i < cmds.length; i++) {
        if (!rr[i]!.raw.equals(gr[i]!.raw)) {
          assert.fail(`batch ${b} command ${i}: ${escapeBytes(Buffer.from(cmds[i]!.join(' '), 'latin1'))}\n` +
            `  redis:    ${escapeBytes(rr[i]!.raw)}\n  garrison: ${escapeBytes(gr[i]!.raw)}`);
        }
      }
      // The whole content and digest agree after every batch.
      const check: Cmd[] = [['ZRANGE', 'big', 0, -1, 'WITHSCORES'], ['ZRANGE', 'lex', 0, -1], ['DEBUG', 'DIGEST-VALUE', 'big', 'other', 'lex']];
      const [rc2, gc2] = await Promise.all([rc.pipeline(check), gc.pipeline(check)]);
      for (let i = 0; i < check.length; i++) {
        assert.ok(rc2[i]!.raw.equals(gc2[i]!.raw), `after batch ${b}, ${check[i]!.join(' ')} differs`);
      }
    }
    // The sequence did reach the sizes it is meant to test.
    const card = Number((await gc.call('ZCARD', 'big')) as number);
    assert.ok(card > 3000, `big has ${card} members`);
    assert.equal(await gc.call('OBJECT', 'ENCODING', 'big'), 'skiplist');
  });
});
