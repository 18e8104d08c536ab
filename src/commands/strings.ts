/**
 * String commands: SET (EX PX EXAT PXAT NX XX KEEPTTL GET) GET GETEX GETDEL GETSET MGET MSET
 * MSETNX SETNX SETEX PSETEX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
 * INCRBYFLOAT — Redis 7.0's t_string.c behaviour, reply for reply. LCS lives in string-lcs.ts.
 *
 * Values are byte strings (latin1 JS strings). Integers follow string2ll and int64 exactly;
 * INCRBYFLOAT computes in emulated x87 long double (lib/long-double.ts).
 *
 * Propagation is the effect, as Redis 7.0 rewrites it: any SET/SETEX/PSETEX with a TTL goes out
 * as `SET key value PXAT <abs ms>`; SET ... GET without a TTL loses its GET tokens; GETSET goes
 * out as SET; GETDEL as DEL (UNLINK with lazyfree-lazy-user-del); GETEX as PEXPIREAT / PERSIST /
 * DEL; INCRBYFLOAT as `SET key <result> KEEPTTL`.
 */
import { INT64_MAX, INT64_MIN, addInt64, compareInt64, formatInt64, normalize, parseInt64, toBig, type Int64 } from '../lib/int64.js';
import { addLongDouble, formatLongDoubleHuman, LD_ZERO, parseLongDouble } from '../lib/long-double.js';
import {
  ERR_INVALID_EXPIRE, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_STRING_TOO_LONG, ERR_SYNTAX,
  ERR_WRONGTYPE, errWrongArity,
} from '../protocol/errors.js';
import { OK, error, type Reply } from '../protocol/reply.js';
import { stringEncoding } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import { LCS_COMMAND } from './string-lcs.js';
import { MAX_JS_STRING_BYTES, isTooLong, keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

const ERR_DECR_OVERFLOW = error('ERR decrement would overflow');
const ERR_FLOAT_NAN_INF = error('ERR increment would produce NaN or Infinity');
const ERR_OFFSET_RANGE = error('ERR offset is out of range');

// Option flags of SET and GETEX (parseExtendedStringArgumentsOrReply).
const F_NX = 1;
const F_XX = 2;
const F_EX = 4;
const F_PX = 8;
const F_KEEPTTL = 16;
const F_GET = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const F_PERSIST = 256;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

interface ExtendedArgs {
  flags: number;
  /** The expire argument as given (seconds or ms, relative or absolute per flags). */
  expire: string | null;
}

/**
 * Parses SET's (forSet) or GETEX's options. Options may repeat; incompatible ones are a syntax
 * error, exactly where Redis's option loop refuses them.
 */
function parseExtendedArgs(argv: string[], forSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && forSet && (flags & F_XX) === 0) {
      flags |= F_NX;
    } else if (opt === 'xx' && forSet && (flags & F_NX) === 0) {
      flags |= F_XX;
    } else if (opt === 'get' && forSet) {
      flags |= F_GET;
    } else if (opt === 'keepttl' && forSet && (flags & (F_PERSIST | F_ANY_EXPIRE)) === 0) {
      flags |= F_KEEPTTL;
    } else if (opt === 'persist' && !forSet && (flags & (F_ANY_EXPIRE | F_KEEPTTL)) === 0) {
      flags |= F_PERSIST;
    } else if (opt === 'ex' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) === 0) {
      flags |= F_EX;
      expire = argv[++j]!;
    } else if (opt === 'px' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) === 0) {
      flags |= F_PX;
      expire = argv[++j]!;
    } else if (opt === 'exat' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) === 0) {
      flags |= F_EXAT;
      expire = argv[++j]!;
    } else if (opt === 'pxat' && hasNext && (flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) === 0) {
      flags |= F_PXAT;
      expire = argv[++j]!;
    } else {
      return null;
    }
  }
  return { flags, expire };
}

/** LLONG_MAX / 1000: the largest seconds value that converts to ms without overflow. */
const MAX_EXPIRE_SECONDS = INT64_MAX / 1000n;

/**
 * The absolute expiry time in ms for an EX/PX/EXAT/PXAT argument, or the error Redis replies
 * (getExpireMillisecondsOrReply): not an integer; <= 0; seconds that overflow once in ms; a
 * relative time that overflows once added to now.
 */
function expireToAbsMs(c: CommandContext, text: string, flags: number, cmd: string): bigint | Reply {
  const v = parseInt64(text);
  if (v === null) return ERR_NOT_INTEGER;
  let ms = toBig(v);
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > MAX_EXPIRE_SECONDS)) return ERR_INVALID_EXPIRE(cmd);
  if (seconds) ms *= 1000n;
  if ((flags & (F_EX | F_PX)) !== 0) {
    ms += BigInt(c.ks.now);
    if (ms > INT64_MAX) return ERR_INVALID_EXPIRE(cmd); // wraps negative in C
  }
  return ms;
}

/** The string at `key` for a read, null when missing, or the WRONGTYPE error. */
function readString(c: CommandContext, key: string): string | null | Reply {
  const v = c.ks.lookupRead(c.db, key);
  if (v === undefined) return null;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  return v;
}

/**
 * SET's core, shared with SETNX SETEX PSETEX (setGenericCommand). `okReply`/`abortReply` let
 * SETNX answer 1/0 instead of OK/nil.
 */
function setGeneric(
  c: CommandContext, argv: string[], cmd: string, flags: number, key: string, value: string,
  expire: string | null, okReply: Reply, abortReply: Reply,
): Reply {
  let whenMs: bigint | null = null;
  if (expire !== null) {
    const r = expireToAbsMs(c, expire, flags, cmd);
    if (typeof r !== 'bigint') return r;
    whenMs = r;
  }
  let old: string | null = null;
  if ((flags & F_GET) !== 0) {
    const r = readString(c, key);
    if (r !== null && typeof r !== 'string') return r;
    old = r;
  }
  // Only NX/XX need the lookup (setKey expires a key whose TTL has passed by itself): without
  // them, setKey's own write is the only hash lookup.
  const found = (flags & (F_NX | F_XX)) !== 0 && c.ks.lookupWrite(c.db, key) !== undefined;
  if (((flags & F_NX) !== 0 && found) || ((flags & F_XX) !== 0 && !found)) {
    return (flags & F_GET) !== 0 ? old : abortReply;
  }
  const ks = c.ks;
  ks.setKey(c.db, key, value, (flags & F_KEEPTTL) !== 0);
  ks.dirty++;
  ks.notify('$', 'set', c.db, key);
  if (whenMs !== null) {
    ks.setExpire(c.db, key, normalize(whenMs));
    c.rewriteArgv(['SET', key, value, 'PXAT', whenMs.toString()]);
    ks.notify('g', 'expire', c.db, key);
  } else if ((flags & F_GET) !== 0) {
    // Replicas need no GET: drop every GET token after the value.
    const prop: string[] = [];
    for (let j = 0; j < argv.length; j++) {
      if (j >= 3 && argv[j]!.length === 3 && argv[j]!.toLowerCase() === 'get') continue;
      prop.push(argv[j]!);
    }
    c.rewriteArgv(prop);
  }
  return (flags & F_GET) !== 0 ? old : okReply;
}

function setCommand(c: CommandContext, argv: string[]): Reply {
  // Plain SET key value: the hot path, no option parsing.
  if (argv.length === 3) return setGeneric(c, argv, 'set', 0, argv[1]!, argv[2]!, null, OK, null);
  const opts = parseExtendedArgs(argv, true);
  if (opts === null) return ERR_SYNTAX;
  return setGeneric(c, argv, 'set', opts.flags, argv[1]!, argv[2]!, opts.expire, OK, null);
}

function setnxCommand(c: CommandContext, argv: string[]): Reply {
  return setGeneric(c, argv, 'setnx', F_NX, argv[1]!, argv[2]!, null, 1, 0);
}

function setexCommand(c: CommandContext, argv: string[]): Reply {
  return setGeneric(c, argv, 'setex', F_EX, argv[1]!, argv[3]!, argv[2]!, OK, null);
}

function psetexCommand(c: CommandContext, argv: string[]): Reply {
  return setGeneric(c, argv, 'psetex', F_PX, argv[1]!, argv[3]!, argv[2]!, OK, null);
}

function getCommand(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return null;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  return v;
}

function getexCommand(c: CommandContext, argv: string[]): Reply {
  const opts = parseExtendedArgs(argv, false);
  if (opts === null) return ERR_SYNTAX;
  const key = argv[1]!;
  const v = readString(c, key);
  if (v === null || typeof v !== 'string') return v;
  const ks = c.ks;
  const db = c.db;
  const { flags, expire } = opts;
  if (expire !== null) {
    const when = expireToAbsMs(c, expire, flags, 'getex');
    if (typeof when !== 'bigint') return when;
    // An absolute time already past deletes the key, on a master only (checkAlreadyExpired).
    if ((flags & (F_EXAT | F_PXAT)) !== 0 && when <= BigInt(ks.now) && ks.hooks.expiryMode() === 'delete') {
      ks.deleteKey(db, key);
      c.rewriteArgv([configFlag(c, 'lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
      ks.notify('g', 'del', db, key);
      ks.dirty++;
    } else {
      ks.setExpire(db, key, normalize(when));
      c.rewriteArgv(['PEXPIREAT', key, when.toString()]);
      ks.signalModifiedKey(db, key);
      ks.notify('g', 'expire', db, key);
      ks.dirty++;
    }
  } else if ((flags & F_PERSIST) !== 0) {
    if (ks.removeExpire(db, key)) {
      ks.signalModifiedKey(db, key);
      c.rewriteArgv(['PERSIST', key]);
      ks.notify('g', 'persist', db, key);
      ks.dirty++;
    }
  }
  return v;
}

function configFlag(c: CommandContext, name: string): boolean {
  return c.configValue?.(name) === 'yes';
}

function getdelCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const v = readString(c, key);
  if (v === null || typeof v !== 'string') return v;
  if (c.ks.deleteKey(c.db, key)) {
    c.rewriteArgv([configFlag(c, 'lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key]);
    c.ks.notify('g', 'del', c.db, key);
    c.ks.dirty++;
  }
  return v;
}

function getsetCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const old = readString(c, key);
  if (old !== null && typeof old !== 'string') return old;
  c.ks.setKey(c.db, key, argv[2]!);
  c.ks.notify('$', 'set', c.db, key);
  c.ks.dirty++;
  c.rewriteArgv(['SET', ...argv.slice(1)]);
  return old;
}

function mgetCommand(c: CommandContext, argv: string[]): Reply {
  const out: Reply[] = new Array<Reply>(argv.length - 1);
  c.db.dict.warm(argv, 1, 1);
  for (let j = 1; j < argv.length; j++) {
    const v = c.ks.lookupRead(c.db, argv[j]!);
    out[j - 1] = typeof v === 'string' ? v : null;
  }
  return out;
}

function msetGeneric(c: CommandContext, argv: string[], nx: boolean): Reply {
  if (argv.length % 2 === 0) return errWrongArity(nx ? 'msetnx' : 'mset');
  c.db.dict.warm(argv, 1, 2); // the keys' table slots, all in flight at once (Dict.warm)
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (c.ks.lookupWrite(c.db, argv[j]!) !== undefined) return 0;
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    c.ks.setKey(c.db, argv[j]!, argv[j + 1]!);
    c.ks.notify('$', 'set', c.db, argv[j]!);
  }
  c.ks.dirty += (argv.length - 1) / 2;
  return nx ? 1 : OK;
}

function appendCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const add = argv[2]!;
  const ks = c.ks;
  const cur = ks.lookupWrite(c.db, key);
  let total: number;
  if (cur === undefined) {
    ks.setKey(c.db, key, add);
    total = add.length;
  } else {
    if (typeof cur !== 'string') return ERR_WRONGTYPE;
    total = cur.length + add.length;
    if (total > c.cfg.protoMaxBulkLen || total > MAX_JS_STRING_BYTES) return ERR_STRING_TOO_LONG;
    ks.updateValue(c.db, key, cur + add);
    ks.setStringEncoding(c.db, key, 'raw'); // appended in place (a new key is stored as given)
  }
  ks.notify('$', 'append', c.db, key);
  ks.dirty++;
  return total;
}

function strlenCommand(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return 0;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  return v.length;
}

function getrangeCommand(c: CommandContext, argv: string[]): Reply {
  const s0 = parseInt64(argv[2]!);
  if (s0 === null) return ERR_NOT_INTEGER;
  const e0 = parseInt64(argv[3]!);
  if (e0 === null) return ERR_NOT_INTEGER;
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return '';
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  const len = v.length;
  const sNeg = compareInt64(s0, 0) < 0;
  const eNeg = compareInt64(e0, 0) < 0;
  if (sNeg && eNeg && compareInt64(s0, e0) > 0) return '';
  // |len| < 2^31, so once negative indexes are converted every bound fits a double exactly
  // enough: anything beyond ±2^53 is clamped to 0 or past the end anyway.
  let start = Number(s0);
  let end = Number(e0);
  if (sNeg) start = len + start;
  if (eNeg) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  return v.slice(start, end + 1);
}

function setrangeCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const value = argv[3]!;
  const off = parseInt64(argv[2]!);
  if (off === null) return ERR_NOT_INTEGER;
  if (compareInt64(off, 0) < 0) return ERR_OFFSET_RANGE;
  const ks = c.ks;
  const cur = ks.lookupWrite(c.db, key);
  if (cur !== undefined && typeof cur !== 'string') return ERR_WRONGTYPE;
  const oldLen = cur === undefined ? 0 : cur.length;
  if (value.length === 0) return oldLen;
  if (isTooLong(c, off, value.length)) return ERR_STRING_TOO_LONG;
  const offset = Number(off);
  const old = cur ?? '';
  let next: string;
  if (offset >= old.length) {
    next = old + '\0'.repeat(offset - old.length) + value;
  } else {
    next = old.slice(0, offset) + value + old.slice(offset + value.length);
  }
  if (cur === undefined) ks.setKey(c.db, key, next);
  else ks.updateValue(c.db, key, next);
  ks.setStringEncoding(c.db, key, 'raw'); // created by createObject or unshared: raw either way
  ks.notify('$', 'setrange', c.db, key);
  ks.dirty++;
  return next.length;
}

/** INCR/DECR/INCRBY/DECRBY core (incrDecrCommand). */
function incrDecr(c: CommandContext, key: string, incr: Int64): Reply {
  const ks = c.ks;
  const cur = ks.lookupWrite(c.db, key);
  let value: Int64 = 0;
  if (cur !== undefined) {
    if (typeof cur !== 'string') return ERR_WRONGTYPE;
    const p = parseInt64(cur);
    if (p === null) return ERR_NOT_INTEGER;
    value = p;
  }
  const sum = addInt64(value, incr);
  if (sum === null) return ERR_OVERFLOW;
  const text = formatInt64(sum);
  if (cur === undefined) ks.setKey(c.db, key, text);
  else ks.updateValue(c.db, key, text);
  ks.notify('$', 'incrby', c.db, key);
  ks.dirty++;
  return sum;
}

function incrbyCommand(c: CommandContext, argv: string[]): Reply {
  const incr = parseInt64(argv[2]!);
  if (incr === null) return ERR_NOT_INTEGER;
  return incrDecr(c, argv[1]!, incr);
}

function decrbyCommand(c: CommandContext, argv: string[]): Reply {
  const incr = parseInt64(argv[2]!);
  if (incr === null) return ERR_NOT_INTEGER;
  if (typeof incr === 'bigint' && incr === INT64_MIN) return ERR_DECR_OVERFLOW;
  return incrDecr(c, argv[1]!, typeof incr === 'bigint' ? -incr : -incr);
}

function incrbyfloatCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const ks = c.ks;
  const cur = ks.lookupWrite(c.db, key);
  let value = LD_ZERO;
  if (cur !== undefined) {
    if (typeof cur !== 'string') return ERR_WRONGTYPE;
    const p = parseLongDouble(cur);
    if (p === null) return ERR_NOT_FLOAT;
    value = p;
  }
  const incr = parseLongDouble(argv[2]!);
  if (incr === null) return ERR_NOT_FLOAT;
  const sum = addLongDouble(value, incr);
  if (sum.kind !== 'finite') return ERR_FLOAT_NAN_INF;
  const text = formatLongDoubleHuman(sum);
  if (cur === undefined) ks.setKey(c.db, key, text);
  else ks.updateValue(c.db, key, text);
  // createStringObjectFromLongDouble makes an embstr (or raw) string, never an int one.
  if (stringEncoding(text) === 'int') ks.setStringEncoding(c.db, key, 'embstr');
  ks.notify('$', 'incrbyfloat', c.db, key);
  ks.dirty++;
  // Replicas and the AOF get the result, so float formatting can never make them diverge.
  c.rewriteArgv(['SET', key, text, 'KEEPTTL']);
  return text;
}

const RW_ACCESS_UPDATE = [keySpec(['RW', 'access', 'update'])];
const RO_ACCESS = [keySpec(['RO', 'access'])];
const OW_UPDATE = [keySpec(['OW', 'update'])];
const KEY1 = { first: 1, last: 1, step: 1 } as const;

/** Redis's setGetKeys: the key is read too only with GET (RW access update), else OW update. */
function setKeyFlags(argv: readonly string[]): Array<{ pos: number; flags: readonly string[] }> {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i]!.length === 3 && argv[i]!.toLowerCase() === 'get') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['OW', 'update'] }];
}

export const STRING_COMMANDS: readonly CommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'string', 'fast'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'string', since: '1.0.0', summary: 'Returns the string stored at a key', complexity: 'O(1)', handler: getCommand },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'access', 'update', 'variable_flags'], 1, 0, 'RW and ACCESS due to the optional `GET` argument')],
    getKeysAndFlags: setKeyFlags,
    group: 'string', since: '1.0.0', summary: 'Stores a string at a key, with optional conditions and time to live',
    complexity: 'O(1)',
    history: [['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'], ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'], ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.']],
    handler: setCommand },
  { name: 'getex', arity: -2, flags: ['write', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'access', 'update'], 1, 0, 'RW and UPDATE because it changes the TTL')],
    group: 'string', since: '6.2.0', summary: 'Returns the string at a key and optionally changes its time to live',
    complexity: 'O(1)', handler: getexCommand },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'access', 'delete'])],
    group: 'string', since: '6.2.0', summary: 'Returns the string at a key, then deletes the key', complexity: 'O(1)',
    handler: getdelCommand },
  { name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '1.0.0', summary: 'Stores a string at a key and returns the previous one', complexity: 'O(1)',
    docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`SET` with the `!GET` argument', handler: getsetCommand },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], acl: ['read', 'string', 'fast'], keys: { first: 1, last: -1, step: 1 },
    keySpecs: [keySpec(['RO', 'access'], 1, -1)], tips: ['request_policy:multi_shard'],
    group: 'string', since: '1.0.0', summary: 'Returns the strings stored at several keys',
    complexity: 'O(N) where N is the number of keys to retrieve.', handler: mgetCommand },
  { name: 'mset', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: { first: 1, last: -1, step: 2 },
    keySpecs: [keySpec(['OW', 'update'], 1, -1, undefined, 2)], tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    group: 'string', since: '1.0.1', summary: 'Stores strings at several keys at once',
    complexity: 'O(N) where N is the number of keys to set.', handler: (c, a) => msetGeneric(c, a, false) },
  { name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: { first: 1, last: -1, step: 2 },
    keySpecs: [keySpec(['OW', 'insert'], 1, -1, undefined, 2)], tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    group: 'string', since: '1.0.1', summary: 'Stores strings at several keys, only when none of them exists yet',
    complexity: 'O(N) where N is the number of keys to set.', handler: (c, a) => msetGeneric(c, a, true) },
  { name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: [keySpec(['OW', 'insert'])],
    group: 'string', since: '1.0.0', summary: 'Stores a string at a key only when the key does not exist', complexity: 'O(1)',
    handler: setnxCommand },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: KEY1, keySpecs: OW_UPDATE,
    group: 'string', since: '2.0.0', summary: 'Stores a string at a key with a time to live in seconds', complexity: 'O(1)',
    handler: setexCommand },
  { name: 'psetex', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: KEY1, keySpecs: OW_UPDATE,
    group: 'string', since: '2.6.0', summary: 'Stores a string at a key with a time to live in milliseconds', complexity: 'O(1)',
    handler: psetexCommand },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'insert'])],
    group: 'string', since: '2.0.0', summary: 'Adds bytes at the end of the string at a key (creating it if needed)',
    complexity: 'O(1) amortized, assuming a small appended value', handler: appendCommand },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'string', 'fast'], keys: KEY1, keySpecs: [keySpec(['RO'])],
    group: 'string', since: '2.2.0', summary: 'Returns the length in bytes of the string at a key', complexity: 'O(1)',
    handler: strlenCommand },
  { name: 'getrange', arity: 4, flags: ['readonly'], acl: ['read', 'string', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'string', since: '2.4.0', summary: 'Returns a byte range of the string at a key',
    complexity: 'O(N) where N is the length of the returned string', handler: getrangeCommand },
  { name: 'substr', arity: 4, flags: ['readonly'], acl: ['read', 'string', 'slow'], keys: KEY1, keySpecs: RO_ACCESS,
    group: 'string', since: '1.0.0', summary: 'Returns a byte range of the string at a key (old name of GETRANGE)',
    complexity: 'O(N) where N is the length of the returned string',
    docFlags: ['deprecated'], deprecatedSince: '2.0.0', replacedBy: '`GETRANGE`', handler: getrangeCommand },
  { name: 'setrange', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: KEY1,
    keySpecs: [keySpec(['RW', 'update'])],
    group: 'string', since: '2.2.0', summary: 'Overwrites bytes of the string at a key from an offset, zero-padding as needed',
    complexity: 'O(1) plus O(M) for M bytes written', handler: setrangeCommand },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '1.0.0', summary: 'Adds one to the integer stored at a key', complexity: 'O(1)',
    handler: (c, a) => incrDecr(c, a[1]!, 1) },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '1.0.0', summary: 'Subtracts one from the integer stored at a key', complexity: 'O(1)',
    handler: (c, a) => incrDecr(c, a[1]!, -1) },
  { name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '1.0.0', summary: 'Adds an integer amount to the integer stored at a key', complexity: 'O(1)',
    handler: incrbyCommand },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1, keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '1.0.0', summary: 'Subtracts an integer amount from the integer stored at a key', complexity: 'O(1)',
    handler: decrbyCommand },
  { name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'string', 'fast'], keys: KEY1,
    keySpecs: RW_ACCESS_UPDATE,
    group: 'string', since: '2.6.0', summary: 'Adds a floating point amount to the number stored at a key', complexity: 'O(1)',
    handler: incrbyfloatCommand },
  LCS_COMMAND,
];
