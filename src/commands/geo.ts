/**
 * Geo commands (Redis 7.0's "geo" group) over sorted sets whose scores are 52-bit geohashes:
 * GEOADD (rewritten to and propagated as ZADD), GEODIST, GEOHASH, GEOPOS, and the search family
 * GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO] sharing one generic search.
 * The arithmetic is lib/geohash.ts; table rows are geo-table.ts.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { error, NULL_ARRAY, type ErrorReply, type Reply } from '../protocol/reply.js';
import { scorePreds } from '../keyspace/types/zset.js';
import type { ZSet } from '../keyspace/types/zset.js';
import {
  decodeScore, distanceIfWithin, formatDistance, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, geoDistance,
  geohashString, geoScore, humanCoord, searchRanges, type Shape,
} from '../lib/geohash.js';
import type { CommandContext } from './context.js';
import type { CommandSpec, Handler } from './spec.js';
import { GEO_META } from './geo-table.js';
import { pqsort } from '../lib/pqsort.js';
import { printfFixed6 } from '../lib/float.js';
import { isErr, parseLong, parseScore, readZset, storeResult } from './zset-common.js';
import { ZSET_WRITE_HANDLERS } from './zset-write.js';

const ERR_NOT_FLOAT = error('ERR value is not a valid float');
const ERR_UNIT = error('ERR unsupported unit provided. please use M, KM, FT, MI');
const ERR_DECODE = error('ERR could not decode requested zset member');

/** extractLongLatOrReply: two doubles, then the range check. */
function lonLat(a: string, b: string): [number, number] | ErrorReply {
  const x = parseScore(a);
  if (x === null) return ERR_NOT_FLOAT;
  const y = parseScore(b);
  if (y === null) return ERR_NOT_FLOAT;
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    return error(`ERR invalid longitude,latitude pair ${printfFixed6(x)},${printfFixed6(y)}`);
  }
  return [x, y];
}

/** extractUnitOrReply: meters per unit, case-insensitive. */
function unitOf(u: string): number | ErrorReply {
  switch (u.toLowerCase()) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
    default: return ERR_UNIT;
  }
}

function nonNegative(s: string, what: string, negMsg: string): number | ErrorReply {
  const v = parseScore(s);
  if (v === null) return error(`ERR need numeric ${what}`);
  if (v < 0) return error(`ERR ${negMsg}`);
  return v;
}

function geoadd(c: CommandContext, argv: string[]): Reply {
  let i = 2;
  let nx = false, xx = false;
  const opts: string[] = [];
  for (; i < argv.length; i++) {
    const o = argv[i]!.toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o !== 'ch') break;
    opts.push(argv[i]!);
  }
  if ((argv.length - i) % 3 !== 0 || (nx && xx)) return ERR_SYNTAX;
  const zargv = ['zadd', argv[1]!, ...opts];
  for (; i < argv.length; i += 3) {
    const xy = lonLat(argv[i]!, argv[i + 1]!);
    if (isErr(xy)) return xy;
    zargv.push(String(geoScore(xy[0], xy[1])), argv[i + 2]!);
  }
  c.rewriteArgv(zargv);
  return ZSET_WRITE_HANDLERS.zadd(c, zargv);
}

function geodist(c: CommandContext, argv: string[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) {
    const u = unitOf(argv[4]!);
    if (isErr(u)) return u;
    toMeter = u;
  } else if (argv.length > 5) {
    return ERR_SYNTAX;
  }
  const z = readZset(c, argv[1]!);
  if (isErr(z)) return z;
  if (z === undefined) return null;
  const s1 = z.score(argv[2]!);
  const s2 = z.score(argv[3]!);
  if (s1 === undefined || s2 === undefined) return null;
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  return formatDistance(geoDistance(x1, y1, x2, y2) / toMeter);
}

function geohash(c: CommandContext, argv: string[]): Reply {
  const z = readZset(c, argv[1]!);
  if (isErr(z)) return z;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]!);
    out.push(s === undefined ? null : geohashString(s));
  }
  return out;
}

function rawDouble(text: string): Reply {
  return { t: 'raw', bytes: Buffer.from(`,${text}\r\n`) };
}

function coordReply(c: CommandContext, x: number, y: number): Reply[] {
  if (c.resp === 2) return [humanCoord(x), humanCoord(y)];
  // RESP3: a double carrying the same human text (Redis's addReplyHumanLongDouble).
  return [rawDouble(humanCoord(x)), rawDouble(humanCoord(y))];
}

function geopos(c: CommandContext, argv: string[]): Reply {
  const z = readZset(c, argv[1]!);
  if (isErr(z)) return z;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]!);
    if (s === undefined) { out.push(NULL_ARRAY); continue; }
    const [x, y] = decodeScore(s);
    out.push(coordReply(c, x, y));
  }
  return out;
}

interface Point { member: string; score: number; lon: number; lat: number; dist: number }

/** Members inside the shape, scanning the 9 cells in Redis's order; stops at `limit` (ANY). */
export function pointsInShape(z: ZSet, shape: Shape, limit: number): Point[] {
  const out: Point[] = [];
  for (const [min, max] of searchRanges(shape)) {
    const preds = scorePreds({ min, max, minex: false, maxex: true });
    const first = z.firstInRange(preds);
    if (first < 0) continue;
    let done = false;
    z.walk(first, false, (member, score) => {
      if (!preds.lteMax(member, score)) return false;
      const [lon, lat] = decodeScore(score);
      const d = distanceIfWithin(shape, lon, lat);
      if (d !== null) {
        out.push({ member, score, lon, lat, dist: d });
        if (limit > 0 && out.length >= limit) { done = true; return false; }
      }
      return true;
    });
    if (done) break;
  }
  return out;
}

const F_MEMBER = 1, F_NOSTORE = 2, F_SEARCH = 4, F_SEARCHSTORE = 8;

/** A member's position (longLatFromMember), or Redis's error when it is not in the set. */
function memberLonLat(z: ZSet, member: string): [number, number] | ErrorReply {
  const s = z.score(member);
  return s === undefined ? ERR_DECODE : decodeScore(s);
}

/** georadiusGeneric of Redis 7.0: `srcIdx` is the source key's position in argv. */
function search(c: CommandContext, argv: string[], srcIdx: number, flags: number): Reply {
  const name = argv[0]!;
  const z = readZset(c, argv[srcIdx]!);
  if (isErr(z)) return z;
  let baseArgs: number;
  let lon = 0, lat = 0;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false, byBox = false;
  let radius = 0, width = 0, height = 0, conv = 1;
  // The centre and radius come first, in Redis's order: a BYMEMBER centre is looked up before
  // the radius is parsed, and neither is when the key is missing (the options are still parsed,
  // so that STORE decides the reply).
  if ((flags & F_SEARCH) !== 0) {
    baseArgs = srcIdx + 1;
  } else if ((flags & F_MEMBER) !== 0) {
    baseArgs = 5;
    if (z !== undefined) {
      const xy = memberLonLat(z, argv[2]!);
      if (isErr(xy)) return xy;
      [lon, lat] = xy;
    }
  } else {
    baseArgs = 6;
    const xy = lonLat(argv[2]!, argv[3]!);
    if (isErr(xy)) return xy;
    [lon, lat] = xy;
    fromLoc = true;
  }
  if ((flags & F_SEARCH) === 0 && ((flags & F_MEMBER) === 0 || z !== undefined)) {
    const r = nonNegative(argv[baseArgs - 2]!, 'radius', 'radius cannot be negative');
    if (isErr(r)) return r;
    const u = unitOf(argv[baseArgs - 1]!);
    if (isErr(u)) return u;
    radius = r;
    conv = u;
    byRadius = true;
  }
  let withDist = false, withHash = false, withCoord = false, any = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let count = 0;
  let storeKey: string | null = (flags & F_SEARCHSTORE) !== 0 ? argv[1]! : null;
  let storeDist = false;
  const rem = argv.length - baseArgs;
  for (let i = 0; i < rem; i++) {
    const a = argv[baseArgs + i]!.toLowerCase();
    const at = (k: number): string => argv[baseArgs + i + k]!;
    if (a === 'withdist') withDist = true;
    else if (a === 'withhash') withHash = true;
    else if (a === 'withcoord') withCoord = true;
    else if (a === 'any') any = true;
    else if (a === 'asc') sort = 'asc';
    else if (a === 'desc') sort = 'desc';
    else if (a === 'count' && i + 1 < rem) {
      const n = parseLong(at(1));
      if (isErr(n)) return n;
      if (n <= 0) return error('ERR COUNT must be > 0');
      count = n;
      i++;
    } else if ((a === 'store' || a === 'storedist') && i + 1 < rem && (flags & (F_NOSTORE | F_SEARCH)) === 0) {
      storeKey = at(1);
      storeDist = a === 'storedist';
      i++;
    } else if (a === 'storedist' && (flags & F_SEARCHSTORE) !== 0) {
      storeDist = true;
    } else if (a === 'frommember' && i + 1 < rem && (flags & F_SEARCH) !== 0) {
      if (fromLoc) return ERR_SYNTAX;
      if (z !== undefined) {
        const xy = memberLonLat(z, at(1));
        if (isErr(xy)) return xy;
        [lon, lat] = xy;
      }
      fromMember = true;
      i++;
    } else if (a === 'fromlonlat' && i + 2 < rem && (flags & F_SEARCH) !== 0) {
      if (fromMember) return ERR_SYNTAX;
      const xy = lonLat(at(1), at(2));
      if (isErr(xy)) return xy;
      [lon, lat] = xy;
      fromLoc = true;
      i += 2;
    } else if (a === 'byradius' && i + 2 < rem && (flags & F_SEARCH) !== 0) {
      if (byBox) return ERR_SYNTAX;
      const r = nonNegative(at(1), 'radius', 'radius cannot be negative');
      if (isErr(r)) return r;
      const u = unitOf(at(2));
      if (isErr(u)) return u;
      radius = r;
      conv = u;
      byRadius = true;
      i += 2;
    } else if (a === 'bybox' && i + 3 < rem && (flags & F_SEARCH) !== 0) {
      if (byRadius) return ERR_SYNTAX;
      // Both numbers are parsed before either sign is checked (extractBoxOrReply).
      const w = parseScore(at(1));
      if (w === null) return error('ERR need numeric width');
      const h = parseScore(at(2));
      if (h === null) return error('ERR need numeric height');
      if (w < 0 || h < 0) return error('ERR height or width cannot be negative');
      const u = unitOf(at(3));
      if (isErr(u)) return u;
      width = w;
      height = h;
      conv = u;
      byBox = true;
      i += 3;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const who = (flags & F_SEARCHSTORE) !== 0 ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return error(`ERR ${who} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if ((flags & F_SEARCH) !== 0 && !fromMember && !fromLoc) {
    return error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  }
  if ((flags & F_SEARCH) !== 0 && !byRadius && !byBox) {
    return error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  }
  if (any && count === 0) return error('ERR the ANY argument requires COUNT argument');
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';
  if (z === undefined) {
    if (storeKey === null) return [];
    if (c.ks.deleteKey(c.db, storeKey)) {
      c.ks.notify('g', 'del', c.db, storeKey);
      c.ks.dirty++;
    }
    return 0;
  }
  const shape: Shape = byBox
    ? { kind: 'box', lon, lat, conv, width, height }
    : { kind: 'circle', lon, lat, conv, radius };
  const pts = pointsInShape(z, shape, any ? count : 0);
  const n = count === 0 || pts.length < count ? pts.length : count;
  if (sort !== 'none') {
    // Redis: qsort (glibc's is a stable merge sort) when every match is returned, its partial
    // quicksort over the first `count` when fewer are: equal distances then come out in its order.
    const cmp = sort === 'asc'
      ? (p: { dist: number }, q: { dist: number }): number => (p.dist > q.dist ? 1 : p.dist === q.dist ? 0 : -1)
      : (p: { dist: number }, q: { dist: number }): number => (p.dist > q.dist ? -1 : p.dist === q.dist ? 0 : 1);
    if (n === pts.length) pts.sort(cmp);
    else pqsort(pts, cmp, 0, n - 1);
  }
  if (storeKey === null) {
    const out: Reply[] = [];
    const opt = withDist || withHash || withCoord;
    for (let i = 0; i < n; i++) {
      const p = pts[i]!;
      if (!opt) { out.push(p.member); continue; }
      const row: Reply[] = [p.member];
      if (withDist) row.push(formatDistance(p.dist / conv));
      if (withHash) row.push(Math.trunc(p.score)); // addReplyLongLong of the score
      if (withCoord) row.push(coordReply(c, p.lon, p.lat));
      out.push(row);
    }
    return out;
  }
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push(pts[i]!.member);
    scores.push(storeDist ? pts[i]!.dist / conv : pts[i]!.score);
  }
  const event = (flags & F_SEARCHSTORE) !== 0 ? 'geosearchstore' : 'georadiusstore';
  const r = storeResult(c, storeKey, members, scores, event);
  if (n > 0) c.ks.dirty += n - 1; // Redis counts every stored member
  return r;
}

const HANDLERS: Readonly<Record<string, Handler<CommandContext>>> = {
  geoadd,
  geodist,
  geohash,
  geopos,
  georadius: (c, argv) => search(c, argv, 1, 0),
  georadius_ro: (c, argv) => search(c, argv, 1, F_NOSTORE),
  georadiusbymember: (c, argv) => search(c, argv, 1, F_MEMBER),
  georadiusbymember_ro: (c, argv) => search(c, argv, 1, F_MEMBER | F_NOSTORE),
  geosearch: (c, argv) => search(c, argv, 1, F_SEARCH),
  geosearchstore: (c, argv) => search(c, argv, 2, F_SEARCH | F_SEARCHSTORE),
};

/** GEORADIUS[BYMEMBER] keys: the source, then STORE/STOREDIST targets (as Redis's georadiusGetKeys). */
function georadiusKeys(argv: readonly string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if ((a === 'store' || a === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored < 0 ? [1] : [1, stored];
}

const GET_KEYS: Readonly<Record<string, (argv: readonly string[]) => number[]>> = {
  georadius: georadiusKeys,
  georadiusbymember: georadiusKeys,
};

function build(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const [name, meta] of Object.entries(GEO_META)) {
    const handler = HANDLERS[name];
    if (handler === undefined) throw new Error(`geo: no handler for ${name}`);
    const getKeys = GET_KEYS[name];
    out.push(getKeys === undefined ? { ...meta, handler } : { ...meta, handler, getKeys });
  }
  return out;
}

export const GEO_COMMANDS: readonly CommandSpec[] = build();
