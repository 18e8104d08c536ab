/**
 * DUMP and RESTORE (Redis 7.0 cluster.c). DUMP serializes a value as its RDB type byte and payload,
 * a 2-byte RDB version and a CRC-64 (persistence/rdb/dump-payload.ts), honouring rdbcompression.
 * RESTORE checks its options, the target key, the TTL and the payload's footer in Redis's order and
 * with Redis's errors, decodes with the validating RDB decoders (any corruption is "Bad data
 * format": Garrison always sanitizes deeply, whatever sanitize-dump-payload says), then:
 *  - a TTL already in the past (on a master) only deletes the replaced key, propagated as DEL/UNLINK;
 *  - a relative TTL is propagated as an absolute one with ABSTTL appended, as Redis rewrites it;
 *  - the keyspace event is "restore".
 * IDLETIME and FREQ are validated as Redis does and then ignored: Garrison keeps no per-key LRU/LFU
 * clock (see OBJECT IDLETIME/FREQ).
 */
import type { CommandSpec } from '../../commands/spec.js';
import { rangeSpec } from '../../commands/key-common.js';
import { parseInt64 } from '../../lib/int64.js';
import { createDumpPayload, decodeDumpPayload, verifyDumpPayload } from '../../persistence/rdb/index.js';
import { RdbError } from '../../persistence/rdb/errors.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../protocol/errors.js';
import { error, OK, type Reply } from '../../protocol/reply.js';
import type { Value } from '../../keyspace/value.js';
import type { Client } from '../client.js';

const ERR_BUSYKEY = error('BUSYKEY Target key name already exists.');
const ERR_BAD_PAYLOAD = error('ERR DUMP payload version or checksum are wrong');
const ERR_BAD_FORMAT = error('ERR Bad data format');
const ERR_BAD_TTL = error('ERR Invalid TTL value, must be >= 0');
const ERR_BAD_IDLE = error('ERR Invalid IDLETIME value, must be >= 0');
const ERR_BAD_FREQ = error('ERR Invalid FREQ value, must be >= 0 and <= 255');

function dump(c: Client, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return null;
  const compression = c.configValue('rdbcompression') !== 'no';
  return createDumpPayload(v, compression).toString('latin1');
}

function restore(c: Client, argv: string[]): Reply {
  let replace = false;
  let absttl = false;
  let idle: number | bigint = -1;
  let freq: number | bigint = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'absttl') {
      absttl = true;
    } else if (opt === 'idletime' && more >= 1 && freq === -1) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return ERR_NOT_INTEGER;
      if (v < 0) return ERR_BAD_IDLE;
      idle = v;
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return ERR_NOT_INTEGER;
      if (v < 0 || v > 255) return ERR_BAD_FREQ;
      freq = v;
    } else {
      return ERR_SYNTAX;
    }
  }
  const ks = c.ks;
  const db = c.db;
  const key = argv[1]!;
  if (!replace && ks.lookupWrite(db, key) !== undefined) return ERR_BUSYKEY;
  const ttlArg = parseInt64(argv[2]!);
  if (ttlArg === null) return ERR_NOT_INTEGER;
  if (ttlArg < 0) return ERR_BAD_TTL;
  const payload = Buffer.from(argv[3]!, 'latin1');
  if (!verifyDumpPayload(payload)) return ERR_BAD_PAYLOAD;
  let value: Value | null;
  try {
    value = decodeDumpPayload(payload, c.cfg);
  } catch (e) {
    if (e instanceof RdbError) return ERR_BAD_FORMAT;
    throw e;
  }
  if (value === null) return ERR_BAD_FORMAT;
  const deleted = replace && ks.deleteKey(db, key);
  let ttl = BigInt(ttlArg);
  if (ttl !== 0n && !absttl) ttl += BigInt(ks.now);
  if (ttl !== 0n && ttl <= BigInt(ks.now) && ks.hooks.expiryMode() === 'delete') {
    if (deleted) {
      c.rewriteArgv([c.configValue('lazyfree-lazy-server-del') === 'yes' ? 'UNLINK' : 'DEL', key]);
      ks.signalModifiedKey(db, key);
      ks.notify('g', 'del', db, key);
      ks.dirty++;
    }
    return OK;
  }
  ks.setKey(db, key, value);
  if (ttl !== 0n) {
    ks.setExpire(db, key, ttl >= BigInt(Number.MIN_SAFE_INTEGER) && ttl <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ttl) : ttl);
    if (!absttl) {
      const next = argv.slice();
      next[2] = ttl.toString();
      next.push('ABSTTL');
      c.rewriteArgv(next);
    }
  }
  ks.signalModifiedKey(db, key);
  ks.notify('g', 'restore', db, key);
  ks.dirty++;
  return OK;
}

const RESTORE_SPEC: CommandSpec<Client> = {
  name: 'restore', arity: -4, flags: ['write', 'denyoom'], acl: ['keyspace', 'write', 'slow', 'dangerous'],
  keys: { first: 1, last: 1, step: 1 }, keySpecs: [rangeSpec(['OW', 'update'], 1)],
  group: 'generic', since: '2.6.0', summary: 'Creates a key from a serialized value produced by DUMP',
  complexity: 'O(1) to create the key, O(N*M) to rebuild the value (O(N*M*log(N)) for sorted sets)',
  history: [['3.0.0', 'REPLACE option.'], ['5.0.0', 'ABSTTL option.'], ['5.0.0', 'IDLETIME and FREQ options.']],
  args: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'ttl', type: 'integer' },
    { name: 'serialized-value', type: 'string' },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
    { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', flags: ['optional'] },
    { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', flags: ['optional'] },
    { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', flags: ['optional'] },
  ],
  handler: restore,
};

export const DUMP_COMMANDS: readonly CommandSpec<Client>[] = [
  { name: 'dump', arity: 2, flags: ['readonly'], acl: ['keyspace', 'read', 'slow'], keys: { first: 1, last: 1, step: 1 },
    keySpecs: [rangeSpec(['RO', 'access'], 1)], tips: ['nondeterministic_output'],
    group: 'generic', since: '2.6.0', summary: 'The serialized form of the value at a key (RDB payload, version and CRC-64)',
    complexity: 'O(1) to find the key, O(N*M) to serialize it (N elements of average size M)',
    args: [{ name: 'key', type: 'key', keySpecIndex: 0 }], handler: dump },
  RESTORE_SPEC,
  // RESTORE as a migrating cluster node sends it (the `asking` flag: allowed on an importing slot).
  {
    ...RESTORE_SPEC, name: 'restore-asking', flags: ['write', 'denyoom', 'asking'], group: 'server', since: '3.0.0',
    summary: 'RESTORE as a node migrating keys sends it', docFlags: ['syscmd'],
  },
];


