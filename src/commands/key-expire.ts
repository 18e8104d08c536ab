/**
 * Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL EXPIRETIME
 * PEXPIRETIME, PERSIST — Redis 7.0's expire.c semantics, in exact int64 milliseconds.
 *
 * Propagation follows Redis: a TTL that is set is propagated as `PEXPIREAT key <absolute ms>`
 * (keeping any NX/XX/GT/LT options); a time already in the past deletes the key on a master and
 * is propagated as `DEL key` (`UNLINK key` with lazyfree-lazy-expire) with a "del" event. On a
 * replica (or while applying the master's stream) a past time is stored, never a deletion: the
 * master's DEL will follow.
 */
import { addInt64, compareInt64, parseInt64, toBig, type Int64 } from '../lib/int64.js';
import { ERR_INVALID_EXPIRE, ERR_NOT_INTEGER } from '../protocol/errors.js';
import { error, type Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import { configFlag, rangeSpec } from './key-common.js';
import type { CommandSpec } from './spec.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

const ERR_NX_CONFLICT = error('ERR NX and XX, GT or LT options at the same time are not compatible');
const ERR_GT_LT = error('ERR GT and LT options at the same time are not compatible');

/** int64 bounds of a seconds value that can be turned into ms without overflow (LLONG_MAX/1000). */
const MAX_SECONDS = 9223372036854775n;

function expireGeneric(c: CommandContext, argv: string[], relative: boolean, seconds: boolean): Reply {
  const cmdName = argv[0]!.toLowerCase();
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'nx') flags |= NX;
    else if (opt === 'xx') flags |= XX;
    else if (opt === 'gt') flags |= GT;
    else if (opt === 'lt') flags |= LT;
    else return error(`ERR Unsupported option ${argv[j]!}`);
  }
  if ((flags & NX) !== 0 && (flags & (XX | GT | LT)) !== 0) return ERR_NX_CONFLICT;
  if ((flags & GT) !== 0 && (flags & LT) !== 0) return ERR_GT_LT;

  const parsed = parseInt64(argv[2]!);
  if (parsed === null) return ERR_NOT_INTEGER;
  let when: Int64 = parsed;
  if (seconds) {
    const b = toBig(parsed);
    if (b > MAX_SECONDS || b < -MAX_SECONDS) return ERR_INVALID_EXPIRE(cmdName);
    const ms = b * 1000n;
    when = Number.isSafeInteger(Number(ms)) && BigInt(Number(ms)) === ms ? Number(ms) : ms;
  }
  if (relative) {
    const sum = addInt64(when, c.ks.now);
    if (sum === null) return ERR_INVALID_EXPIRE(cmdName);
    when = sum;
  }

  const ks = c.ks;
  const db = c.db;
  const key = argv[1]!;
  if (ks.lookupWrite(db, key) === undefined) return 0;

  if (flags !== 0) {
    const current = ks.getExpireExact(db, key);
    if ((flags & NX) !== 0 && current !== -1) return 0;
    if ((flags & XX) !== 0 && current === -1) return 0;
    // No TTL counts as infinite: GT always fails, LT always succeeds.
    if ((flags & GT) !== 0 && (current === -1 || compareInt64(when, current) <= 0)) return 0;
    if ((flags & LT) !== 0 && current !== -1 && compareInt64(when, current) >= 0) return 0;
  }

  if (when <= ks.now && ks.hooks.expiryMode() === 'delete') {
    // Already expired on a master: delete now and propagate the deletion itself.
    ks.deleteKey(db, key);
    ks.dirty++;
    c.rewriteArgv([configFlag(c, 'lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    ks.notify('g', 'del', db, key);
    return 1;
  }
  ks.setExpire(db, key, when);
  ks.signalModifiedKey(db, key);
  ks.notify('g', 'expire', db, key);
  ks.dirty++;
  if (relative || seconds) {
    const prop = argv.slice();
    prop[0] = 'PEXPIREAT';
    prop[2] = String(when);
    c.rewriteArgv(prop);
  }
  return 1;
}

function ttlGeneric(c: CommandContext, argv: string[], ms: boolean, absolute: boolean): Reply {
  const ks = c.ks;
  const key = argv[1]!;
  if (ks.lookupRead(c.db, key) === undefined) return -2;
  const expire = ks.getExpireExact(c.db, key);
  if (expire === -1) return -1;
  if (typeof expire === 'number') {
    let t = absolute ? expire : expire - ks.now;
    if (t < 0) t = 0;
    return ms ? t : Math.floor((t + 500) / 1000);
  }
  let t = absolute ? expire : expire - BigInt(ks.now);
  if (t < 0n) t = 0n;
  return ms ? t : (t + 500n) / 1000n;
}

function persist(c: CommandContext, argv: string[]): Reply {
  const ks = c.ks;
  const key = argv[1]!;
  if (ks.lookupWrite(c.db, key) === undefined) return 0;
  if (!ks.removeExpire(c.db, key)) return 0;
  ks.signalModifiedKey(c.db, key);
  ks.notify('g', 'persist', c.db, key);
  ks.dirty++;
  return 1;
}

const KEYS_1 = { first: 1, last: 1, step: 1 } as const;
const SET_SPEC = [rangeSpec(['RW', 'update'], 1)];
const GET_SPEC = [rangeSpec(['RO', 'access'], 1)];

export const EXPIRE_COMMANDS: readonly CommandSpec[] = [
  { name: 'expire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_1, keySpecs: SET_SPEC,
    group: 'generic', since: '1.0.0', summary: 'Gives a key a time to live in seconds', complexity: 'O(1)',
    handler: (c, a) => expireGeneric(c, a, true, true) },
  { name: 'pexpire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_1, keySpecs: SET_SPEC,
    group: 'generic', since: '2.6.0', summary: 'Gives a key a time to live in milliseconds', complexity: 'O(1)',
    handler: (c, a) => expireGeneric(c, a, true, false) },
  { name: 'expireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_1, keySpecs: SET_SPEC,
    group: 'generic', since: '1.2.0', summary: 'Makes a key expire at a Unix time given in seconds', complexity: 'O(1)',
    handler: (c, a) => expireGeneric(c, a, false, true) },
  { name: 'pexpireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_1, keySpecs: SET_SPEC,
    group: 'generic', since: '2.6.0', summary: 'Makes a key expire at a Unix time given in milliseconds', complexity: 'O(1)',
    handler: (c, a) => expireGeneric(c, a, false, false) },
  { name: 'ttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_1, keySpecs: GET_SPEC,
    tips: ['nondeterministic_output'],
    group: 'generic', since: '1.0.0', summary: 'Seconds left before a key expires (-1 none, -2 no key)', complexity: 'O(1)',
    handler: (c, a) => ttlGeneric(c, a, false, false) },
  { name: 'pttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_1, keySpecs: GET_SPEC,
    tips: ['nondeterministic_output'],
    group: 'generic', since: '2.6.0', summary: 'Milliseconds left before a key expires (-1 none, -2 no key)', complexity: 'O(1)',
    handler: (c, a) => ttlGeneric(c, a, true, false) },
  { name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_1, keySpecs: GET_SPEC,
    group: 'generic', since: '7.0.0', summary: 'The Unix time in seconds at which a key expires', complexity: 'O(1)',
    handler: (c, a) => ttlGeneric(c, a, false, true) },
  { name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_1, keySpecs: GET_SPEC,
    group: 'generic', since: '7.0.0', summary: 'The Unix time in milliseconds at which a key expires', complexity: 'O(1)',
    handler: (c, a) => ttlGeneric(c, a, true, true) },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_1, keySpecs: SET_SPEC,
    group: 'generic', since: '2.2.0', summary: 'Drops the time to live of a key, making it permanent', complexity: 'O(1)', handler: persist },
];
