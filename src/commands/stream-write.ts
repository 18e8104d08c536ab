/**
 * Stream writes: XADD, XDEL, XTRIM, XSETID (Redis 7.0's t_stream.c).
 *
 * - XADD/XTRIM share the trimming options (streamParseAddOrTrimArgsOrReply): MAXLEN|MINID with
 *   `=` or `~`, LIMIT only with `~` (default limit 100 * stream-node-max-entries, at most 10000),
 *   NOMKSTREAM for XADD; the first argument that is none of these is XADD's ID.
 * - Propagation is the effect: XADD with `*` or `ms-*` carries the generated ID; an approximate
 *   trim is rewritten as an exact one (`=`) to the length / first ID it left, so replicas and the
 *   AOF reach the same stream whatever their node layout.
 * - Events: xadd, xtrim, xdel, xsetid; XADD, XTRIM and XDEL signal the key as modified (WATCH,
 *   blocked XREAD/XREADGROUP clients); XSETID signals nothing, as in 7.0.15.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { error, OK, type ErrorReply, type Reply } from '../protocol/reply.js';
import { cmpId, formatId, isZeroId, MAX_ID, U64_MAX, ZERO_ID, type StreamId } from '../keyspace/types/stream-id.js';
import { StreamValue, type StreamNodeLimits, type TrimSpec } from '../keyspace/types/stream.js';
import { errWrongArity } from '../protocol/errors.js';
import type { CommandContext } from './context.js';
import { isErr, lookupStreamWrite, parseId, parseIdOnly, parseLongLong, parseLongLongBig } from './stream-args.js';

/** STREAM_LISTPACK_MAX_SIZE: an entry's fields and values together stay below 1 GB. */
const ENTRY_MAX_BYTES = 1 << 30;

interface AddTrimArgs {
  trim: TrimSpec | null;
  /** argv index of the MAXLEN count / MINID id (for the propagation rewrite). */
  trimArgIdx: number;
  approx: boolean;
  noMkStream: boolean;
  /** argv index of XADD's ID. */
  idIdx: number;
  id: StreamId | null;
  seqGiven: boolean;
}

/** True while the command comes from our master (or the AOF): trimming limits are not enforced. */
function obeysSource(c: CommandContext): boolean {
  return c.ks.hooks.expiryMode() === 'keep';
}

function parseAddOrTrimArgs(c: CommandContext, argv: string[], xadd: boolean): AddTrimArgs | ErrorReply {
  const a: AddTrimArgs = { trim: null, trimArgIdx: 0, approx: false, noMkStream: false, idIdx: argv.length, id: null, seqGiven: true };
  let strategy: 'maxlen' | 'minid' | null = null;
  let maxlen = 0;
  let minid: StreamId = ZERO_ID;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') {
      a.idIdx = i;
      break;
    } else if ((lower === 'maxlen' || lower === 'minid') && more > 0) {
      if (strategy !== null) return error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      a.approx = false;
      const next = argv[i + 1]!;
      if (more >= 2 && next === '~') { a.approx = true; i++; } else if (more >= 2 && next === '=') i++;
      if (lower === 'maxlen') {
        const n = parseLongLong(argv[i + 1]!);
        if (isErr(n)) return n;
        if (n < 0) return error('ERR The MAXLEN argument must be >= 0.');
        maxlen = n;
      } else {
        const id = parseIdOnly(argv[i + 1]!, 0n, true);
        if (isErr(id)) return id;
        minid = id;
      }
      i++;
      strategy = lower;
      a.trimArgIdx = i;
    } else if (lower === 'limit' && more > 0) {
      const n = parseLongLong(argv[i + 1]!);
      if (isErr(n)) return n;
      if (n < 0) return error('ERR The LIMIT argument must be >= 0.');
      limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      a.noMkStream = true;
    } else if (xadd) {
      const r = parseId(opt, 0n, true, true);
      if (isErr(r)) return r;
      a.id = r.id;
      a.seqGiven = r.seqGiven;
      a.idIdx = i;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (limit !== 0 && strategy === null) return error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && strategy === null) return error('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (obeysSource(c)) {
    limit = 0;
  } else if (limitGiven) {
    if (!a.approx) return error('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else if (a.approx) {
    limit = 100 * c.cfg.streamNodeMaxEntries;
    if (limit <= 0 || limit > 10000) limit = 10000;
  } else {
    limit = 0;
  }
  if (strategy === 'maxlen') a.trim = { strategy, maxlen, approx: a.approx, limit };
  else if (strategy === 'minid') a.trim = { strategy, minid, approx: a.approx, limit };
  return a;
}

export function nodeLimits(c: CommandContext): StreamNodeLimits {
  return { maxEntries: c.cfg.streamNodeMaxEntries, maxBytes: c.cfg.streamNodeMaxBytes };
}

/** An approximate trim propagates as exact: `=` and the length / first node ID it left. */
function rewriteApproxTrim(out: string[], s: StreamValue, a: AddTrimArgs): void {
  out[a.trimArgIdx - 1] = '=';
  if (a.trim!.strategy === 'maxlen') out[a.trimArgIdx] = String(s.length);
  else out[a.trimArgIdx] = formatId(s.firstNodeId() ?? MAX_ID);
}

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
export function xaddCommand(c: CommandContext, argv: string[]): Reply {
  const a = parseAddOrTrimArgs(c, argv, true);
  if (isErr(a)) return a;
  const fieldPos = a.idIdx + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) return errWrongArity('xadd');
  if (a.id !== null && a.seqGiven && isZeroId(a.id)) return error('ERR The ID specified in XADD must be greater than 0-0');
  const key = argv[1]!;
  let s = lookupStreamWrite(c, key);
  if (isErr(s)) return s;
  if (s === undefined) {
    if (a.noMkStream) return null;
    s = new StreamValue();
    c.ks.setKey(c.db, key, s);
  }
  const last = s.lastId;
  if (last.ms === U64_MAX && last.seq === U64_MAX) return error('ERR The stream has exhausted the last possible ID, unable to add more items');
  let id: StreamId;
  if (a.id === null) {
    const now = BigInt(c.ks.now);
    id = now > last.ms ? { ms: now, seq: 0n } : last.seq === U64_MAX ? { ms: last.ms + 1n, seq: 0n } : { ms: last.ms, seq: last.seq + 1n };
  } else if (!a.seqGiven && a.id.ms === last.ms) {
    // 7.0.15 reports this overflow with the "too large" text (errno is not EDOM there).
    if (last.seq === U64_MAX) return error('ERR Elements are too large to be stored');
    id = { ms: last.ms, seq: last.seq + 1n };
  } else {
    id = a.id;
  }
  if (cmpId(id, last) <= 0) return error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
  const fields = argv.slice(fieldPos);
  let total = 0;
  for (const f of fields) total += f.length;
  if (total > ENTRY_MAX_BYTES) return error('ERR Elements are too large to be stored');
  s.append(id, fields, nodeLimits(c));
  c.ks.signalModifiedKey(c.db, key);
  // Waiters on the key are served after the command (signalKeyAsReady), even if it existed.
  c.ks.signalKeyAsReady(c.db, key);
  c.ks.notify('t', 'xadd', c.db, key);
  c.ks.dirty++;
  let out: string[] | null = null;
  if (a.trim !== null) {
    if (s.trim(a.trim) > 0) c.ks.notify('t', 'xtrim', c.db, key);
    if (a.approx) {
      out = argv.slice();
      rewriteApproxTrim(out, s, a);
    }
  }
  if (a.id === null || !a.seqGiven) {
    out ??= argv.slice();
    out[a.idIdx] = formatId(id);
  }
  if (out !== null) c.rewriteArgv(out);
  return formatId(id);
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
export function xtrimCommand(c: CommandContext, argv: string[]): Reply {
  const a = parseAddOrTrimArgs(c, argv, false);
  if (isErr(a)) return a;
  const key = argv[1]!;
  const s = lookupStreamWrite(c, key);
  if (s === undefined) return 0;
  if (isErr(s)) return s;
  const deleted = s.trim(a.trim!);
  if (deleted > 0) {
    c.ks.notify('t', 'xtrim', c.db, key);
    if (a.approx) {
      const out = argv.slice();
      rewriteApproxTrim(out, s, a);
      c.rewriteArgv(out);
    }
    c.ks.signalModifiedKey(c.db, key);
    c.ks.dirty += deleted;
  }
  return deleted;
}

/** XDEL key id [id ...] */
export function xdelCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const s = lookupStreamWrite(c, key);
  if (s === undefined) return 0;
  if (isErr(s)) return s;
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = parseIdOnly(argv[j]!, 0n, true);
    if (isErr(id)) return id;
    ids.push(id);
  }
  let deleted = 0;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (cmpId(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    c.ks.signalModifiedKey(c.db, key);
    c.ks.notify('t', 'xdel', c.db, key);
    c.ks.dirty += deleted;
  }
  return deleted;
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
export function xsetidCommand(c: CommandContext, argv: string[]): Reply {
  const id = parseIdOnly(argv[2]!, 0n, true);
  if (isErr(id)) return id;
  let entriesAdded = -1n;
  let maxXdel: StreamId = ZERO_ID;
  for (let i = 3; i < argv.length;) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'entriesadded' && more > 0) {
      const n = parseLongLongBig(argv[i + 1]!);
      if (isErr(n)) return n;
      if (n < 0n) return error('ERR entries_added must be positive');
      entriesAdded = n;
      i += 2;
    } else if (opt === 'maxdeletedid' && more > 0) {
      const m = parseIdOnly(argv[i + 1]!, 0n, true);
      if (isErr(m)) return m;
      if (cmpId(id, m) < 0) return error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
      maxXdel = m;
      i += 2;
    } else {
      return ERR_SYNTAX;
    }
  }
  const key = argv[1]!;
  const s = lookupStreamWrite(c, key);
  if (s === undefined) return error('ERR no such key');
  if (isErr(s)) return s;
  if (cmpId(id, s.maxDeletedId) < 0) return error('ERR The ID specified in XSETID is smaller than current max_deleted_entry_id');
  if (s.length > 0) {
    if (cmpId(id, s.lastLiveId()!) < 0) return error('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) return error('ERR The entries_added specified in XSETID is smaller than the target stream length');
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (!isZeroId(maxXdel)) s.maxDeletedId = maxXdel;
  // 7.0.15 neither touches WATCH nor wakes blocked readers here: the next XADD does.
  c.ks.notify('t', 'xsetid', c.db, key);
  c.ks.dirty++;
  return OK;
}
