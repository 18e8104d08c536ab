/**
 * The seeded command sequence of types-random.test.ts: strings, lists, hashes, sets, small sorted
 * sets, HyperLogLogs, geo, streams with their consumer groups, and key commands over a small
 * keyspace in three databases, so that keys change type and database, encodings cross their
 * (lowered) thresholds both ways, and numbers reach their edges. Some steps go to one of two
 * other connections, the blockers, which send blocking commands the sequence later serves. A
 * module of its own so that a failure can be replayed command by command outside the test.
 */

/** The one key outside the families: a sorted set whose scores are all 0, for lex ranges. */
export const LEX_KEY = 'zlex';

/** Thresholds lowered so that sequences of a few commands cross them both ways. */
export const SMALL_ENCODINGS: Array<[string, string]> = [
  ['hash-max-listpack-entries', '6'], ['hash-max-listpack-value', '12'],
  ['set-max-intset-entries', '6'], ['zset-max-listpack-entries', '6'], ['zset-max-listpack-value', '12'],
  ['list-max-listpack-size', '4'],
];

/** xorshift32: a sequence that is a function of the seed only (zset-random.test.ts uses it too). */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

export type Cmd = Array<string | number>;

/**
 * One step of the sequence: a command for the sequence's own connection (0) or a blocker (1, 2),
 * or a DUMP/RESTORE exchange (see `Exchange`), which the sequence's own connection runs.
 */
export type Step = { client: 0 | 1 | 2; cmd: Cmd } | Exchange;

/**
 * DUMP `source` on both servers, then RESTORE `target` with the payload and `args` after it
 * (REPLACE, ABSTTL, IDLETIME, FREQ; the test's runExchange says which payload goes where). `ttl` is 0, absolute (with ABSTTL) or invalid: a relative TTL would
 * give the two servers different expiry times. `corrupt` flips a byte of both payloads first.
 * Never inside a transaction: the payload must be read before the RESTORE is sent.
 */
export interface Exchange {
  client: 'exchange';
  source: string;
  target: string;
  ttl: string;
  args: string[];
  corrupt: boolean;
}

/** The databases the sequence uses (SELECT, MOVE, SWAPDB, COPY ... DB). */
export const DBS = 3;

/** Consumer groups and consumers of the stream keys. */
export const GROUPS = ['g0', 'g1'];
const CONSUMERS = ['c0', 'c1', 'c2'];

export const KEYS_PER_FAMILY = 6;

/** The key families; keys are `<family><n>`, n below KEYS_PER_FAMILY. */
export const FAMILIES = ['str', 'list', 'hash', 'set', 'zset', 'hll', 'geo', 'stream'] as const;

export function generator(seed: number): () => Step {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)]!;
  // Each family has its own keys; one command in 12 uses a key another family may hold.
  const key = (family: string): string => (r(12) === 0 ? `shared${r(3)}` : `${family}${r(KEYS_PER_FAMILY)}`);
  const int = (): string => pick([
    String(r(200) - 100), String(r(200) - 100), String(r(5)), '9223372036854775807', '-9223372036854775808',
    '9223372036854775806', '0', '-0', '007', ' 1', '1.0', 'abc', '',
  ]);
  const float = (): string => pick([
    (r(2000) / 16 - 60).toString(), String(r(100) - 50), '0.1', '-0.3', '1e3', '3.0e-2', '1.7976931348623157e308',
    '5e-324', 'inf', '-inf', 'nan', '1,5', '0x10', '',
  ]);
  const small = (): string => pick(['a', 'b', 'c', 'a', String(r(10)), String(r(1000)), 'x'.repeat(1 + r(20)), '\x00\xff', 'é']);
  const value = (): string => (r(3) === 0 ? int() : small());
  const index = (): number => r(24) - 12;
  /**
   * The count of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER (and their WITH option): the test
   * compares what does not depend on the random picks (see randomReply in types-random.test.ts).
   */
  const randomCount = (withOption: string | null): string[] => pick([
    [], ['100'], ['100'], ['3'], ['-4'], ['0'], ['x'], ['-9223372036854775808'],
    ...(withOption === null ? [] : [['100', withOption], ['2', withOption], ['-3', withOption], [withOption]]),
  ]);
  /** A whole collection in one call (COUNT 1000), so that the reply does not depend on its hash table. */
  const scanOptions = (patterns: string[]): string[] => [...(r(2) === 0 ? ['MATCH', pick(patterns)] : []), 'COUNT', '1000'];
  const single = (): Cmd => {
    const k = r(100);
    // Strings (and bit-free string edits).
    if (k < 20) {
      const s = key('str');
      switch (r(30)) {
        case 0: return ['SET', s, value(), ...pick([[], [], ['NX'], ['XX'], ['GET'], ['XX', 'GET'], ['KEEPTTL']])];
        case 1: return ['GET', s];
        case 2: return ['APPEND', s, small()];
        case 3: return ['STRLEN', s];
        case 4: return ['GETRANGE', s, index(), index()];
        case 5: return ['SETRANGE', s, r(30), small()];
        case 6: return ['INCR', s];
        case 7: return ['INCRBY', s, int()];
        case 8: return ['DECRBY', s, int()];
        case 9: return ['INCRBYFLOAT', s, float()];
        case 10: return ['GETDEL', s];
        case 11: return ['GETSET', s, value()];
        case 12: return ['MSET', s, value(), key('str'), value()];
        case 13: return ['MGET', s, key('str'), key('list')];
        case 14: return ['SETNX', s, value()];
        case 15: return ['MSETNX', s, value(), key('str'), value()];
        case 16: return ['LCS', s, key('str'), ...pick([[], ['LEN'], ['IDX'], ['IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN']])];
        case 17: return ['SUBSTR', s, index(), index()];
        case 18: return ['DECR', s];
        case 19: return ['SET', s, int()];
        case 20: return ['SETBIT', s, r(80), r(2)];
        case 21: return ['GETBIT', s, r(90)];
        case 22: return ['BITCOUNT', s, ...pick([[], [String(index()), String(index())], [String(index()), String(index()), 'BIT'], [String(index()), String(index()), 'BYTE']])];
        case 23: return ['BITPOS', s, r(2), ...pick([[], [String(index())], [String(index()), String(index())], [String(index()), String(index()), 'BIT']])];
        case 24: return ['BITOP', pick(['AND', 'OR', 'XOR', 'NOT']), key('str'), s, ...(r(2) === 0 ? [key('str')] : [])];
        case 25: return ['BITFIELD', s, ...pick([['GET', 'u8', String(r(40))], ['SET', 'i5', String(r(40)), String(r(64) - 32)], ['OVERFLOW', pick(['WRAP', 'SAT', 'FAIL']), 'INCRBY', pick(['u4', 'i7', 'u63', 'i64']), String(r(30)), String(r(200) - 100)], ['INCRBY', 'i8', '#1', String(r(300) - 150), 'GET', 'u3', '#2']])];
        case 26: return ['BITFIELD_RO', s, 'GET', pick(['u8', 'i16', 'u1']), String(r(60))];
        case 27: return ['GETEX', s, ...pick([[], ['PERSIST'], ['EXAT', String(4_000_000_000 + r(3))], ['PXAT', String(4_000_000_000_000 + r(3))]])];
        default: return ['SET', s, value(), ...pick([['EXAT', String(4_000_000_000 + r(3))], ['PXAT', String(4_000_000_000_000)], ['KEEPTTL', 'GET']])];
      }
    }
    // Lists.
    if (k < 40) {
      const l = key('list');
      switch (r(22)) {
        case 0: case 1: return [pick(['LPUSH', 'RPUSH']), l, value(), ...(r(2) === 0 ? [value(), value()] : [])];
        case 2: return [pick(['LPUSHX', 'RPUSHX']), l, value()];
        case 3: return [pick(['LPOP', 'RPOP']), l];
        case 4: return [pick(['LPOP', 'RPOP']), l, pick([0, 1, 2, 5, 100, -1])];
        case 5: return ['LLEN', l];
        case 6: case 7: return ['LRANGE', l, index(), index()];
        case 8: return ['LINDEX', l, index()];
        case 9: return ['LSET', l, index(), value()];
        case 10: return ['LINSERT', l, pick(['BEFORE', 'AFTER', 'before', 'MIDDLE']), small(), value()];
        case 11: return ['LREM', l, r(7) - 3, small()];
        case 12: return ['LTRIM', l, index(), index()];
        case 13: return ['LPOS', l, small(), ...pick([[], ['RANK', String(r(5) - 2)], ['COUNT', String(r(4))], ['RANK', '-1', 'COUNT', '0'], ['MAXLEN', String(r(5))], ['RANK', '0']])];
        case 14: return ['LMOVE', l, key('list'), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])];
        case 15: return ['RPOPLPUSH', l, key('list')];
        case 16: return ['LMPOP', 2, l, key('list'), pick(['LEFT', 'RIGHT']), ...(r(2) === 0 ? ['COUNT', String(r(4))] : [])];
        case 17: return ['SORT', l, 'ALPHA', ...(r(2) === 0 ? ['DESC'] : []), ...(r(2) === 0 ? ['LIMIT', String(r(4)), String(r(6) - 1)] : [])];
        case 18: return ['OBJECT', 'ENCODING', l];
        default: return ['RPUSH', l, small(), small(), small()];
      }
    }
    // Hashes.
    if (k < 56) {
      const h = key('hash');
      const field = (): string => pick(['f1', 'f2', 'f3', `f${r(12)}`, 'long-field-name-past-12', '\x00']);
      switch (r(19)) {
        case 0: case 1: return ['HSET', h, field(), value(), ...(r(2) === 0 ? [field(), value()] : [])];
        case 2: return ['HSETNX', h, field(), value()];
        case 3: return ['HGET', h, field()];
        case 4: return ['HMGET', h, field(), field()];
        case 5: return ['HDEL', h, field(), ...(r(2) === 0 ? [field()] : [])];
        case 6: return ['HLEN', h];
        case 7: return ['HSTRLEN', h, field()];
        case 8: return ['HEXISTS', h, field()];
        case 9: return ['HINCRBY', h, field(), int()];
        case 10: return ['HINCRBYFLOAT', h, field(), float()];
        case 11: return ['HGETALL', h];
        case 12: return [pick(['HKEYS', 'HVALS']), h];
        case 13: return ['OBJECT', 'ENCODING', h];
        case 14: return ['HMSET', h, field(), value()];
        case 15: return ['HSCAN', h, 0, ...scanOptions(['f*', '*1*', 'long*', '[fl]?'])];
        case 16: return ['HRANDFIELD', h, ...randomCount('WITHVALUES')];
        default: return ['HSET', h, field(), 'x'.repeat(r(16))];
      }
    }
    // Sets.
    if (k < 72) {
      const s = key('set');
      const member = (): string => (r(3) === 0 ? pick(['m', 'n', 'long-member-value', '\xff']) : String(r(14) - 2));
      switch (r(20)) {
        case 0: case 1: return ['SADD', s, member(), ...(r(2) === 0 ? [member(), member()] : [])];
        case 2: return ['SREM', s, member(), ...(r(2) === 0 ? [member()] : [])];
        case 3: return ['SISMEMBER', s, member()];
        case 4: return ['SMISMEMBER', s, member(), member()];
        case 5: return ['SCARD', s];
        case 6: return ['SMEMBERS', s];
        case 7: return [pick(['SINTER', 'SUNION', 'SDIFF']), s, key('set'), ...(r(2) === 0 ? [key('set')] : [])];
        case 8: return [pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), key('set'), s, key('set')];
        case 9: return ['SINTERCARD', 2, s, key('set'), ...(r(2) === 0 ? ['LIMIT', String(r(4))] : [])];
        case 10: return ['SMOVE', s, key('set'), member()];
        case 11: return ['OBJECT', 'ENCODING', s];
        case 12: return ['SORT', s, ...(r(2) === 0 ? ['ALPHA'] : []), ...(r(2) === 0 ? ['DESC'] : [])];
        case 13: return ['SSCAN', s, 0, ...scanOptions(['1*', '*', 'm', '?'])];
        case 14: return ['SRANDMEMBER', s, ...randomCount(null)];
        // Only the counts whose result is defined: all of the set (and a DEL), or nothing.
        case 15: return ['SPOP', s, pick(['100', '100', '0', '-1', 'x'])];
        default: return ['SADD', s, String(r(20))];
      }
    }
    // Small sorted sets around the listpack threshold.
    if (k < 80) {
      const z = key('zset');
      const m = (): string => pick(['a', 'b', 'c', `m${r(10)}`, 'member-longer-than-12']);
      switch (r(18)) {
        case 8: return [pick(['ZINTERSTORE', 'ZDIFFSTORE']), key('zset'), 2, z, key(pick(['zset', 'set']))];
        case 9: return ['ZRANGESTORE', key('zset'), z, String(r(4) - 1), String(r(6) - 1), ...pick([[], ['REV']])];
        case 10: return [pick(['ZPOPMIN', 'ZPOPMAX']), z, ...pick([[], [String(r(4))]])];
        case 11: return ['ZMPOP', 2, z, key('zset'), pick(['MIN', 'MAX']), ...pick([[], ['COUNT', String(1 + r(3))]])];
        // Lex ranges only on a key whose scores are all 0: over mixed scores Redis's answer
        // depends on its skip list's shape (undefined, docs/compatibility.md).
        case 12: {
          const lo = pick(['-', '[a', '(b', '[m']), hi = pick(['+', '[m5', '(c', '(m9']);
          return pick([['ZLEXCOUNT', LEX_KEY, lo, hi], ['ZRANGEBYLEX', LEX_KEY, lo, hi], ['ZREMRANGEBYLEX', LEX_KEY, lo, hi], ['ZADD', LEX_KEY, '0', m(), '0', m()]]);
        }
        case 13: return ['ZSCORE', z, m()];
        case 14: return [pick(['ZUNION', 'ZINTER', 'ZDIFF']), 2, z, key('zset'), ...pick([[], ['WITHSCORES']])];
        case 15: return ['ZRANK', z, m()];
        case 16: return ['ZSCAN', z, 0, ...scanOptions(['m*', '*', 'a', '*-*'])];
        case 17: return ['ZRANDMEMBER', z, ...randomCount('WITHSCORES')];
        case 0: case 1: return ['ZADD', z, ...pick([[], [], ['NX'], ['XX'], ['GT', 'CH'], ['INCR']]), float(), m(), ...(r(2) === 0 ? [String(r(10)), m()] : [])];
        case 2: return ['ZINCRBY', z, float(), m()];
        case 3: return ['ZREM', z, m()];
        case 4: return ['ZRANGE', z, 0, -1, 'WITHSCORES'];
        case 5: return ['OBJECT', 'ENCODING', z];
        case 6: return ['ZUNIONSTORE', key('zset'), 2, z, key('set'), ...(r(2) === 0 ? ['WEIGHTS', '2', '0.5'] : []), ...(r(2) === 0 ? ['AGGREGATE', pick(['MIN', 'MAX', 'SUM'])] : [])];
        default: return ['ZRANGEBYSCORE', z, '-inf', '+inf', 'WITHSCORES', 'LIMIT', String(r(3)), String(r(4) - 1)];
      }
    }
    // HyperLogLogs (their string value must be byte-identical: GET compares the registers),
    // geo sets and streams with explicit IDs. No STOREDIST: V8's sin/cos/asin differ from
    // glibc's in the last bit for some arguments, and it stores the whole double
    // (docs/compatibility.md).
    if (k < 85) {
      switch (r(16)) {
        case 0: case 1: case 2: {
          const args: Cmd = ['PFADD', key('hll')];
          for (let i = r(4); i > 0; i--) args.push(r(3) === 0 ? `e${r(100_000)}` : `e${r(40)}`);
          return args;
        }
        case 3: return ['PFCOUNT', key('hll'), ...(r(2) === 0 ? [key('hll')] : [])];
        case 4: return ['PFMERGE', key('hll'), key('hll'), key('hll')];
        case 5: return ['GET', key('hll')];
        case 6: return ['GEOADD', key('geo'), ...pick([[], ['NX'], ['XX', 'CH']]), String(r(360) - 180 + r(1000) / 1000), String(r(170) - 85 + r(1000) / 1000), `p${r(12)}`];
        case 7: return ['GEODIST', key('geo'), `p${r(12)}`, `p${r(12)}`, pick(['m', 'km', 'mi', 'ft'])];
        case 8: return ['GEOPOS', key('geo'), `p${r(12)}`, `p${r(12)}`];
        case 9: return ['GEOHASH', key('geo'), `p${r(12)}`];
        case 10: return ['GEOSEARCH', key('geo'), 'FROMLONLAT', String(r(360) - 180), String(r(170) - 85), 'BYRADIUS', String(1000 + r(9000)), 'km', 'ASC', 'WITHDIST', 'WITHCOORD', ...pick([[], ['COUNT', String(1 + r(3))]])];
        case 11: return ['GEOSEARCHSTORE', key('geo'), key('geo'), 'FROMMEMBER', `p${r(12)}`, 'BYBOX', String(2000 + r(20000)), String(2000 + r(20000)), 'km'];
        case 12: return ['XADD', key('stream'), ...pick([[], ['MAXLEN', String(r(8))], ['NOMKSTREAM']]), `${1 + r(30)}-${r(3)}`, 'f', value()];
        case 13: return [pick(['XRANGE', 'XREVRANGE']), key('stream'), pick(['-', '+', `${r(30)}`, `(${r(30)}-1`]), pick(['+', '-', `${r(30)}`]), ...pick([[], ['COUNT', String(r(4))]])];
        case 14: return r(2) === 0 ? ['XLEN', key('stream')] : ['XDEL', key('stream'), `${1 + r(30)}-${r(3)}`];
        default: return ['XTRIM', key('stream'), pick(['MAXLEN', 'MINID']), ...pick([[], ['=']]), String(r(20))];
      }
    }
    if (k < 93) return streamGroups(key('stream'));
    // Keys across families and databases.
    const fam = pick(FAMILIES);
    const a = key(fam);
    switch (r(24)) {
      case 22: case 23: return sortByGet();
      // Expiry in the past deletes at once (deterministic, unlike a TTL that runs out).
      case 18: return pick([[pick(['EXPIRE', 'PEXPIRE']), a, pick(['-1', '0'])], ['EXPIREAT', a, '1'], ['GETEX', a, 'PXAT', '1'], ['SET', a, value(), 'PXAT', '1']]);
      // WATCH before a later transaction (EXEC then fails if a watched key changed meanwhile,
      // through this connection, a blocker's pop, a SWAPDB or a FLUSHDB).
      case 19: return ['WATCH', a, ...(r(2) === 0 ? [key(pick(['list', 'zset', 'stream']))] : [])];
      case 20: return r(4) === 0 ? ['UNWATCH'] : ['WATCH', key(pick(['list', 'zset']))];
      case 21: return r(10) === 0 ? ['FLUSHDB'] : ['DBSIZE'];
      case 14: return ['SELECT', r(DBS)];
      case 15: return ['MOVE', a, r(DBS)];
      case 16: return ['COPY', a, key(fam), 'DB', r(DBS), ...(r(2) === 0 ? ['REPLACE'] : [])];
      case 17: return r(3) === 0 ? ['SWAPDB', r(DBS), r(DBS)] : ['DBSIZE'];
      case 0: return ['DEL', a, key(pick(['str', 'list', 'hash', 'set']))];
      case 1: return ['EXISTS', a, a, key(fam)];
      case 2: return ['TYPE', a];
      case 3: return ['RENAME', a, key(fam)];
      case 4: return ['RENAMENX', a, key(pick(['str', 'list', 'hash', 'set', 'zset']))];
      case 5: return ['COPY', a, key(fam), ...(r(2) === 0 ? ['REPLACE'] : [])];
      // Absolute expiry times far in the future: EXPIRETIME does not depend on when a server runs it.
      case 6: return [pick(['EXPIREAT', 'PEXPIREAT']), a, String(4_000_000_000 + r(5) * 1000), ...pick([[], ['NX'], ['XX'], ['GT'], ['LT']])];
      case 7: return [pick(['EXPIRETIME', 'PEXPIRETIME']), a];
      case 8: return ['PERSIST', a];
      case 9: return ['TOUCH', a, key(fam)];
      case 10: return ['UNLINK', a];
      case 11: return r(2) === 0 ? ['DBSIZE'] : ['KEYS', pick(['*', 'str*', '*[0-2]', 'h?sh*', 'shared*', '[a-z]*1', '*e*', 'x'])];
      case 12: return ['OBJECT', 'ENCODING', a];
      default: return ['EXISTS', a];
    }
  };
  // One command in 40 opens a transaction of 1-4 commands, ended by EXEC (or, one time in ten,
  // DISCARD): the queued replies, EXEC's array or EXECABORT, and what the transaction propagates
  // wrapped in MULTI/EXEC.
  const pending: Cmd[] = [];
  const streamId = (): string => `${1 + r(30)}-${r(3)}`;
  /**
   * Consumer groups. Idle times depend on when a server runs a command, so the ones compared
   * exactly are relative to a claim's IDLE 100000 against a threshold of 50000.
   */
  const streamGroups = (s: string): Cmd => {
    const g = pick(GROUPS), c = pick(CONSUMERS);
    switch (r(16)) {
      case 0: case 1: return ['XGROUP', 'CREATE', s, g, pick(['$', '0', `${r(30)}`, streamId()]), ...pick([[], ['MKSTREAM'], ['ENTRIESREAD', String(r(10) - 1)]])];
      case 2: return ['XGROUP', 'SETID', s, g, pick(['$', '0', streamId()]), ...pick([[], ['ENTRIESREAD', String(r(10))]])];
      case 3: return ['XGROUP', 'DESTROY', s, g];
      case 4: return ['XGROUP', pick(['CREATECONSUMER', 'DELCONSUMER']), s, g, c];
      case 5: case 6: case 7:
        return ['XREADGROUP', 'GROUP', g, c, ...pick([[], ['COUNT', String(1 + r(3))]]), ...pick([[], [], ['NOACK']]), 'STREAMS', s, pick(['>', '>', '0', streamId()])];
      case 8: return ['XACK', s, g, streamId(), ...(r(2) === 0 ? [streamId()] : [])];
      case 9: return ['XPENDING', s, g];
      case 10: return ['XPENDING', s, g, ...pick([[], ['IDLE', '50000']]), '-', '+', String(r(6)), ...pick([[], [c]])];
      case 11: return ['XCLAIM', s, g, c, pick(['0', '50000']), streamId(), ...(r(2) === 0 ? [streamId()] : []),
        ...pick([[], ['JUSTID'], ['FORCE'], ['RETRYCOUNT', '3'], ['IDLE', '100000'], ['LASTID', streamId()]])];
      case 12: return ['XAUTOCLAIM', s, g, c, pick(['0', '50000']), pick(['0-0', streamId()]), ...pick([[], ['COUNT', String(1 + r(3))]]), ...pick([[], ['JUSTID']])];
      case 13: return ['XINFO', 'GROUPS', s];
      case 14: return ['XINFO', 'CONSUMERS', s, g];
      default: return ['XINFO', 'STREAM', s, ...pick([[], ['FULL'], ['FULL', 'COUNT', '2']])];
    }
  };
  /**
   * What a blocker sends: a blocking command with no timeout (served by a later command of the
   * sequence, or unblocked by the test at the end of the batch), or a SELECT.
   */
  const blocking = (): Cmd => {
    const dir = (): string => pick(['LEFT', 'RIGHT']);
    // One stream or two (the reply then names the one that became ready first).
    const streams = (id: string): string[] => (r(3) === 0 ? [key('stream'), key('stream'), id, id] : [key('stream'), id]);
    switch (r(12)) {
      case 0: return ['SELECT', r(DBS)];
      case 1: return ['BLMOVE', key('list'), key('list'), dir(), dir(), 0];
      case 2: return ['BRPOPLPUSH', key('list'), key('list'), 0];
      case 3: return ['BLMPOP', 0, 2, key('list'), key('list'), dir(), ...pick([[], ['COUNT', String(1 + r(3))]])];
      case 4: return [pick(['BZPOPMIN', 'BZPOPMAX']), key('zset'), ...(r(2) === 0 ? [key('zset')] : []), 0];
      case 5: return ['BZMPOP', 0, 1, key('zset'), pick(['MIN', 'MAX']), ...pick([[], ['COUNT', String(1 + r(3))]])];
      case 6: return ['XREAD', 'COUNT', 2, 'BLOCK', 0, 'STREAMS', ...streams('$')];
      case 7: return ['XREADGROUP', 'GROUP', pick(GROUPS), pick(CONSUMERS), 'COUNT', 2, 'BLOCK', 0, 'STREAMS', ...streams('>')];
      default: return [pick(['BLPOP', 'BRPOP']), key('list'), ...(r(2) === 0 ? [key('list')] : []), 0];
    }
  };
  /**
   * SORT and SORT_RO with BY and GET patterns over the string keys (`str*`) and hash fields
   * (`hash*->f1`): elements that are small integers name existing keys. Any source key may hold
   * a hashtable set (keys change type), whose input order is Redis's dict order, so nothing may
   * depend on the input order: a constant BY (`nosort`, `str1`: no sorting) only with STORE
   * (which sorts a set ALPHA then), and ALPHA only without a BY pattern (equal or missing BY
   * values keep the input order). Numeric BY breaks ties by the elements themselves.
   */
  const sortByGet = (): Cmd => {
    const store = r(3) === 0;
    const cmd: Cmd = [store ? 'SORT' : pick(['SORT', 'SORT_RO']), key(pick(['list', 'list', 'set', 'zset']))];
    const constant = store ? ['nosort', 'str1'] : [];
    const by = r(4) === 0 ? null : pick(['str*', 'hash*->f1', 'hash*->f2', 'nokey*', 'hash1->*', ...constant]);
    if (by !== null) cmd.push('BY', by);
    if (r(3) === 0) cmd.push('LIMIT', String(r(4)), String(r(5) - 1));
    for (let i = r(3); i > 0; i--) cmd.push('GET', pick(['#', 'str*', 'hash*->f1', 'hash*->f3', 'nokey*', 'list*']));
    if (r(3) === 0) cmd.push('DESC');
    if (r(3) === 0 && (by === null || constant.includes(by))) cmd.push('ALPHA');
    if (store) cmd.push('STORE', key(pick(['list', 'list', 'str'])));
    return cmd;
  };
  const exchange = (): Exchange => {
    const source = key(pick(FAMILIES));
    const target = r(3) === 0 ? source : key(pick(FAMILIES));
    const [ttl, ...absttl] = pick([['0'], ['0'], ['0'], ['4000000000000', 'ABSTTL'], ['1', 'ABSTTL'], ['-5']]);
    const options = pick([[], ['REPLACE'], ['REPLACE'], ['REPLACE', 'IDLETIME', '10'], ['FREQ', '5'], ['IDLETIME', '-1'],
      ['FREQ', '256'], ['IDLETIME', '1', 'FREQ', '1'], ['REPLACE', 'REPLACE'], ['NOSUCH']]);
    const args = r(2) === 0 ? [...absttl, ...options] : [...options, ...absttl];
    return { client: 'exchange', source, target, ttl: ttl!, args, corrupt: r(10) === 0 };
  };
  const main = (cmd: Cmd): Step => ({ client: 0, cmd });
  return () => {
    if (pending.length > 0) return main(pending.shift()!);
    const k = r(40);
    if (k === 1 || k === 2) return { client: k, cmd: blocking() };
    if (k === 3) return exchange();
    if (k !== 0) return main(single());
    // No SORT inside a transaction: see resetRedisErrno in types-random.test.ts.
    const queued = (): Cmd => {
      for (;;) {
        const cmd = single();
        if (!/^SORT/.test(String(cmd[0]))) return cmd;
      }
    };
    pending.push(...Array.from({ length: 1 + r(4) }, queued));
    // Inside MULTI a blocking command answers at once (its timeout reply when nothing is there).
    if (r(3) === 0) pending.push(blocking());
    pending.push(r(10) === 0 ? ['DISCARD'] : ['EXEC']);
    return main(['MULTI']);
  };
}
