/**
 * HRANDFIELD key [count [WITHVALUES]], Redis 7.0's hrandfieldCommand:
 * - without count: one random field (null when the key is missing);
 * - count 0: an empty array; negative count (or count 1): |count| picks with repetition, in pick
 *   order; positive count >= the hash's size: the whole hash in iteration order (deterministic,
 *   and byte-identical to Redis for listpack hashes); otherwise `count` distinct fields, in the
 *   hash's iteration order (listpack order, as Redis's lpRandomPairsUnique keeps it);
 * - WITHVALUES: RESP2 flat field/value pairs, RESP3 one [field, value] array per pick.
 * The count is parsed before the key is looked up; it must lie in [-LONG_MAX, LONG_MAX], and
 * within half of that with WITHVALUES, with Redis's error texts.
 *
 * Randomness comes from the node's Random port (c.random). Picking from a hash table costs O(N)
 * here: a Map has no random access (Redis picks buckets in O(1)).
 */
import { parseInt64, toBig } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { error, type Reply } from '../protocol/reply.js';
import { HashValue } from '../keyspace/types/hash.js';
import type { CommandContext } from './context.js';
import { HASH_KEY, readHash } from './hash-common.js';
import { keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

const LONG_MAX = 9223372036854775807n;
const ERR_COUNT_RANGE = error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
const ERR_OUT_OF_RANGE = error('ERR value is out of range');
/**
 * Redis would try to build a reply of any size; a JS array cannot hold more than 2^32-1 elements
 * and building one near that would exhaust the heap. Beyond this many elements Garrison answers
 * an error instead (a documented deviation).
 */
const MAX_REPLY_ELEMENTS = 1 << 26;
const ERR_REPLY_TOO_LARGE = error('ERR HRANDFIELD reply too large');

function hrandfieldCommand(c: CommandContext, argv: string[]): Reply {
  const rnd = (): number => (c.random !== undefined ? c.random() : 0);
  if (argv.length >= 3) {
    const l = parseInt64(argv[2]!);
    if (l === null) return ERR_NOT_INTEGER;
    const big = toBig(l);
    if (big < -LONG_MAX) return ERR_COUNT_RANGE;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withvalues')) return ERR_SYNTAX;
    const withValues = argv.length === 4;
    if (withValues && (big < -(LONG_MAX / 2n) || big > LONG_MAX / 2n)) return ERR_OUT_OF_RANGE;
    return withCount(c, argv[1]!, big, withValues, rnd);
  }
  const h = readHash(c, argv[1]!);
  if (h === undefined) return null;
  if (!(h instanceof HashValue)) return h;
  const fields = h.fields();
  return fields[Math.floor(rnd() * fields.length)]!;
}

function withCount(c: CommandContext, key: string, l: bigint, withValues: boolean, rnd: () => number): Reply {
  const h = readHash(c, key);
  if (h === undefined) return [];
  if (!(h instanceof HashValue)) return h;
  if (l === 0n) return [];
  const size = h.size;
  const unique = l > 0n;
  const countBig = unique ? l : -l;
  const pairs = h.pairs();
  const out: Reply[] = [];
  const emit = (i: number): void => {
    const f = pairs[2 * i]!;
    if (!withValues) out.push(f);
    else if (c.resp > 2) out.push([f, pairs[2 * i + 1]!]);
    else out.push(f, pairs[2 * i + 1]!);
  };
  if (!unique || countBig === 1n) {
    if (countBig * (withValues ? 2n : 1n) > BigInt(MAX_REPLY_ELEMENTS)) return ERR_REPLY_TOO_LARGE;
    const count = Number(countBig);
    for (let k = 0; k < count; k++) emit(Math.floor(rnd() * size));
    return out;
  }
  if (countBig >= BigInt(size)) {
    for (let i = 0; i < size; i++) emit(i);
    return out;
  }
  // Selection sampling (Knuth's algorithm S): `count` distinct indexes, in iteration order.
  const count = Number(countBig);
  let chosen = 0;
  for (let i = 0; i < size && chosen < count; i++) {
    if (rnd() * (size - i) < count - chosen) {
      emit(i);
      chosen++;
    }
  }
  return out;
}

export const HRANDFIELD_COMMAND: CommandSpec = {
  name: 'hrandfield', arity: -2, flags: ['readonly'], acl: ['read', 'hash', 'slow'], keys: HASH_KEY,
  keySpecs: [keySpec(['RO', 'access'])], tips: ['nondeterministic_output'],
  group: 'hash', since: '6.2.0', summary: 'Returns random fields of a hash, optionally with their values',
  complexity: 'O(N) in the number of fields returned (plus the size of the hash here)', handler: hrandfieldCommand,
};
