/**
 * The sorted-set value (Redis's OBJ_ZSET) with Redis 7.0's two encodings:
 * - `listpack`: ONE packed byte string (hash-listpack.ts's codec) of the pairs (member, score)
 *   kept sorted by (score, member bytes), the score as its shortest round-trip decimal text
 *   (String(score), which Number() parses back bit-exactly, infinities and denormals included).
 *   Used while the set has at most zset-max-listpack-entries members, each at most
 *   zset-max-listpack-value bytes long. Operations decode the pairs they need, linearly, as
 *   Redis's listpack does (n is small); one string per set is what keeps 100k small sets near
 *   Redis's memory (a JS array of members and numbers cost three times Redis's footprint).
 * - `skiplist` (Redis's name, reported by OBJECT ENCODING): an ordered index of (score, member)
 *   for O(log n) rank and range operations, plus a Map member -> score for O(1) lookups. Redis
 *   uses a skip list; Garrison uses a counted B+tree (score-tree.ts, which says why), with the same
 *   replies. A set converts once and never back, except that the store commands build their result
 *   in the encoding its final size calls for (as Redis does).
 *
 * Ranks here are 0-based. Range predicates follow Redis's zslValueGteMin/LteMax and the lex
 * variants; when a predicate is not monotonic (BYLEX over mixed scores, which Redis leaves
 * undefined) the listpack walks linearly, as Redis's does, and the tree searches by halves (Redis's
 * skip list descends its levels: its answer then depends on its random shape).
 * Scores are IEEE doubles, never NaN; -0 is kept as such (Redis stores "-0").
 */
import { formatDouble17g, scoreToListpackText } from '../../lib/float.js';
import { jemallocSize } from '../alloc-size.js';
import { LISTPACK_EMPTY_BYTES, listpackEntryBytes } from './list.js';
import type { DigestBuilder, Digestible } from '../digest.js';
import { ScanCursors } from '../scan.js';
import type { CollectionValue } from '../value.js';
import { pairBefore, ScoreTree } from './score-tree.js';
import { lpCut, lpFind, lpInsertAt, lpPack, lpReadLen, lpRemove, lpUnpack, lpUnpackCopies, lpWalkPairs } from './hash-listpack.js';

/** The thresholds of the listpack encoding (zset-max-listpack-entries / -value). */
export interface ZsetLimits {
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
}

export interface ScoreRange { min: number; max: number; minex: boolean; maxex: boolean }
/** A lex bound: a byte string, or -1 for '-' (below everything), 1 for '+' (above everything). */
export type LexBound = string | -1 | 1;
export interface LexRange { min: LexBound; max: LexBound; minex: boolean; maxex: boolean }

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}
export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}
/** False when no score can be in the range (Redis's first check in zslIsInRange). */
export function scoreRangeNonEmpty(r: ScoreRange): boolean {
  return !(r.min > r.max || (r.min === r.max && (r.minex || r.maxex)));
}

/** Redis's sdscmplex: the shared min/max strings sort below/above every member. */
export function cmpLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === -1 || b === 1) return -1;
  if (a === 1 || b === -1) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min);
  return r.minex ? c > 0 : c >= 0;
}
export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max);
  return r.maxex ? c < 0 : c <= 0;
}
export function lexRangeNonEmpty(r: LexRange): boolean {
  const c = cmpLex(r.min, r.max);
  return !(c > 0 || (c === 0 && (r.minex || r.maxex)));
}

/** A range predicate pair over (member, score): Redis's GteMin / LteMax for scores or lex. */
export interface RangePreds {
  nonEmpty: boolean;
  gteMin(member: string, score: number): boolean;
  lteMax(member: string, score: number): boolean;
}

export function scorePreds(r: ScoreRange): RangePreds {
  return { nonEmpty: scoreRangeNonEmpty(r), gteMin: (_m, s) => scoreGteMin(s, r), lteMax: (_m, s) => scoreLteMax(s, r) };
}
export function lexPreds(r: LexRange): RangePreds {
  return { nonEmpty: lexRangeNonEmpty(r), gteMin: (m) => lexGteMin(m, r), lteMax: (m) => lexLteMax(m, r) };
}

class TreeState {
  constructor(readonly tree = new ScoreTree()) {}
  /** member -> its score. */
  readonly dict = new Map<string, number>();
  scans: ScanCursors | null = null;
}

/**
 * The text a listpack stores for a score. The listpack keeps no sign on a zero (Redis 7.0 answers
 * "0" for a member added with -0 to a listpack); String() is the shortest round-trip form.
 */
function scoreText(s: number): string {
  return s === 0 ? '0' : String(s);
}

/** The score whose text lies at lp[start, start+len): integers without a substring, else Number(). */
function parseScoreAt(lp: string, start: number, len: number): number {
  if (len <= 15) {
    let i = start;
    const end = start + len;
    const neg = lp.charCodeAt(i) === 45;
    if (neg) i++;
    let v = 0;
    for (; i < end; i++) {
      const c = lp.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number(lp.substring(start, end));
      v = v * 10 + c;
    }
    if (i > start + (neg ? 1 : 0)) return neg ? -v : v;
  }
  return Number(lp.substring(start, start + len));
}

/** Byte comparison of lp[start, start+len) with `s`: negative, 0 or positive. */
function cmpAt(lp: string, start: number, len: number, s: string): number {
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) {
    const d = lp.charCodeAt(start + i) - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}

/**
 * Byte offset in a packed listpack where (score, member) belongs: before the first greater pair,
 * ignoring the bytes [skipStart, skipEnd) (the pair being moved by an update).
 */
function insertOffset(lp: string, score: number, member: string, skipStart = -1, skipEnd = -1): number {
  const p = [0];
  let pos = 0;
  while (pos < lp.length) {
    if (pos === skipStart) { pos = skipEnd; continue; }
    const mlen = lpReadLen(lp, pos, p);
    const mstart = p[0]!;
    const slen = lpReadLen(lp, mstart + mlen, p);
    const sstart = p[0]!;
    const s = parseScoreAt(lp, sstart, slen);
    if (s > score || (s === score && cmpAt(lp, mstart, mlen, member) > 0)) return pos;
    pos = sstart + slen;
  }
  return pos;
}

/** A packed listpack's pairs, decoded (members are transient substrings of the packed string). */
interface Pairs { m: string[]; s: number[] }

function unpackPairs(lp: string): Pairs {
  const items = lpUnpack(lp);
  const n = items.length >> 1;
  const m = new Array<string>(n);
  const s = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    m[i] = items[2 * i]!;
    s[i] = Number(items[2 * i + 1]!);
  }
  return { m, s };
}

function packPairs(m: readonly string[], s: readonly number[], from: number, to: number, out: string[]): void {
  for (let i = from; i < to; i++) { out.push(m[i]!, scoreText(s[i]!)); }
}

export class ZSet implements CollectionValue, Digestible {
  /** The packed listpack string, or the tree state. */
  private d: string | TreeState;
  /** Members in the packed string (unused for a tree). */
  private n: number;

  constructor() {
    this.d = '';
    this.n = 0;
  }

  get type(): 'zset' {
    return 'zset';
  }

  encoding(): string {
    return typeof this.d === 'string' ? 'listpack' : 'skiplist';
  }

  get length(): number {
    const d = this.d;
    return typeof d === 'string' ? this.n : d.tree.length;
  }

  /** Builds a set from (member, score) pairs sorted or not, members distinct, in the encoding its size calls for. */
  static fromEntries(members: readonly string[], scores: readonly number[], limits: ZsetLimits): ZSet {
    const z = new ZSet();
    let maxLen = 0;
    for (const m of members) if (m.length > maxLen) maxLen = m.length;
    if (members.length > limits.zsetMaxListpackEntries || maxLen > limits.zsetMaxListpackValue) {
      z.d = ZSet.treeFrom(members, scores);
      return z;
    }
    const idx = members.map((_, i) => i);
    idx.sort((a, b) => {
      const sa = scores[a]!, sb = scores[b]!;
      if (sa !== sb) return sa < sb ? -1 : 1;
      const ma = members[a]!, mb = members[b]!;
      return ma < mb ? -1 : ma > mb ? 1 : 0;
    });
    const items = new Array<string>(members.length * 2);
    for (let i = 0; i < idx.length; i++) {
      items[2 * i] = members[idx[i]!]!;
      items[2 * i + 1] = scoreText(scores[idx[i]!]!);
    }
    z.d = lpPack(items);
    z.n = members.length;
    return z;
  }

  /**
   * The tree state of distinct pairs: built in one pass when they come in ascending or descending
   * order (an RDB's ZSET_2 is written from the highest; the store commands' results), else by
   * inserts.
   */
  private static treeFrom(members: readonly string[], scores: readonly number[]): TreeState {
    const n = members.length;
    let asc = true, desc = true;
    for (let i = 1; i < n && (asc || desc); i++) {
      const ps = scores[i - 1]!, pm = members[i - 1]!, s = scores[i]!, m = members[i]!;
      if (!pairBefore(ps, pm, s, m)) asc = false;
      if (!pairBefore(s, m, ps, pm)) desc = false;
    }
    let st: TreeState;
    if (asc) {
      st = new TreeState(ScoreTree.fromSorted(scores, members));
    } else if (desc) {
      st = new TreeState(ScoreTree.fromSorted(scores.slice().reverse(), members.slice().reverse()));
    } else {
      st = new TreeState();
      for (let i = 0; i < n; i++) st.tree.insert(scores[i]!, members[i]!);
    }
    for (let i = 0; i < n; i++) st.dict.set(members[i]!, scores[i]!);
    return st;
  }

  /** Score of `member`, or undefined. */
  score(member: string): number | undefined {
    const d = this.d;
    if (typeof d === 'string') {
      const at = lpFind(d, member);
      return at === null ? undefined : parseScoreAt(d, at.valueStart, at.valueEnd - at.valueStart);
    }
    return d.dict.get(member);
  }

  /** Converts to the skiplist encoding for good, as Redis's SORT does before sorting a sorted set. */
  convertToSkiplist(): void {
    this.toSkiplist();
  }

  private toSkiplist(): TreeState {
    const d = this.d;
    if (typeof d !== 'string') return d;
    // Independent copies: substrings would keep the packed string alive.
    const items = lpUnpackCopies(d);
    const members: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < items.length; i += 2) {
      members.push(items[i]!);
      scores.push(Number(items[i + 1]!));
    }
    const s = ZSet.treeFrom(members, scores);
    this.d = s;
    this.n = 0;
    return s;
  }

  /** Adds a member known to be absent, converting to a skip list when the listpack would overflow. */
  insert(score: number, member: string, limits: ZsetLimits): void {
    let d = this.d;
    if (typeof d === 'string') {
      if (this.n + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
        d = this.toSkiplist();
      } else {
        this.d = lpInsertAt(d, insertOffset(d, score, member), member, scoreText(score));
        this.n++;
        return;
      }
    }
    d.tree.insert(score, member);
    d.dict.set(member, score);
  }

  /** Changes the score of a present member. */
  update(member: string, oldScore: number, newScore: number, limits: ZsetLimits): void {
    const d = this.d;
    if (typeof d === 'string') {
      // One rebuild: the pair moves from its old place to where the new score sorts it.
      const at = lpFind(d, member);
      if (at === null || this.n > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
        // As remove + insert, which converts when the limits were lowered below the set's size.
        this.remove(member);
        this.insert(newScore, member, limits);
        return;
      }
      const from = at.pairStart, to = at.valueEnd;
      const o = insertOffset(d, newScore, member, from, to);
      const pair = lpPack([member, scoreText(newScore)]);
      this.d = o <= from
        ? [d.substring(0, o), pair, d.substring(o, from), d.substring(to)].join('')
        : [d.substring(0, from), d.substring(to, o), pair, d.substring(o)].join('');
      return;
    }
    if (!d.tree.move(oldScore, member, newScore)) throw new Error('zset: update of a member not present with that score');
    d.dict.set(member, newScore);
  }

  /** Removes `member`; false when absent. */
  remove(member: string): boolean {
    const d = this.d;
    if (typeof d === 'string') {
      const at = lpFind(d, member);
      if (at === null) return false;
      this.d = lpRemove(d, at);
      this.n--;
      return true;
    }
    const score = d.dict.get(member);
    if (score === undefined) return false;
    d.dict.delete(member);
    d.tree.delete(score, member);
    return true;
  }

  /** 0-based rank of `member` in ascending order, or -1. */
  rank(member: string): number {
    const d = this.d;
    if (typeof d === 'string') {
      let r = 0;
      let found = false;
      lpWalkPairs(d, (m) => {
        if (m === member) { found = true; return false; }
        r++;
        return true;
      });
      return found ? r : -1;
    }
    const score = d.dict.get(member);
    if (score === undefined) return -1;
    return d.tree.rank(score, member);
  }

  /** The pair at a valid 0-based rank of a packed listpack. */
  private static pairAt(lp: string, rank: number): [string, string] {
    let r = 0;
    let out: [string, string] = ['', ''];
    lpWalkPairs(lp, (m, t) => {
      if (r++ < rank) return true;
      out = [m, t];
      return false;
    });
    return out;
  }

  memberAt(rank: number): string {
    const d = this.d;
    if (typeof d === 'string') return ZSet.pairAt(d, rank)[0];
    return d.tree.memberAt(rank);
  }

  scoreAt(rank: number): number {
    const d = this.d;
    if (typeof d === 'string') return Number(ZSet.pairAt(d, rank)[1]);
    return d.tree.scoreAt(rank);
  }

  /**
   * Visits elements from `rank` (0-based, must be valid) ascending, or descending when `reverse`,
   * while `fn` returns true.
   */
  walk(rank: number, reverse: boolean, fn: (member: string, score: number) => boolean): void {
    const d = this.d;
    if (typeof d === 'string') {
      if (reverse) {
        const { m, s } = unpackPairs(d);
        for (let i = rank; i >= 0; i--) if (!fn(m[i]!, s[i]!)) return;
      } else {
        let r = 0;
        lpWalkPairs(d, (m, t) => r++ < rank || fn(m, Number(t)));
      }
      return;
    }
    d.tree.walk(rank, reverse, fn);
  }

  /** Every element in ascending order. */
  forEach(fn: (member: string, score: number) => void): void {
    if (this.length === 0) return;
    this.walk(0, false, (m, s) => { fn(m, s); return true; });
  }

  /** Whether the range can match at all given the first and last elements (zzlIsInRange / zslIsInRange). */
  private edgesInRange(p: RangePreds): boolean {
    const n = this.length;
    if (!p.nonEmpty || n === 0) return false;
    const d = this.d;
    if (typeof d === 'string') {
      const last = ZSet.pairAt(d, n - 1);
      if (!p.gteMin(last[0], Number(last[1]))) return false;
      const first = ZSet.pairAt(d, 0);
      return p.lteMax(first[0], Number(first[1]));
    }
    return d.tree.holdsAt(n - 1, p.gteMin) && d.tree.holdsAt(0, p.lteMax);
  }

  /** 0-based rank of the first element in range, or -1 (zzlFirstInRange / zslFirstInRange). */
  firstInRange(p: RangePreds): number {
    if (!this.edgesInRange(p)) return -1;
    const d = this.d;
    if (typeof d === 'string') {
      const { m, s } = unpackPairs(d);
      for (let i = 0; i < m.length; i++) {
        if (p.gteMin(m[i]!, s[i]!)) return p.lteMax(m[i]!, s[i]!) ? i : -1;
      }
      return -1;
    }
    const t = d.tree;
    const r = t.countLeading((m, s) => !p.gteMin(m, s));
    return r < t.length && t.holdsAt(r, p.lteMax) ? r : -1;
  }

  /** 0-based rank of the last element in range, or -1 (zzlLastInRange / zslLastInRange). */
  lastInRange(p: RangePreds): number {
    if (!this.edgesInRange(p)) return -1;
    const d = this.d;
    if (typeof d === 'string') {
      const { m, s } = unpackPairs(d);
      for (let i = m.length - 1; i >= 0; i--) {
        if (p.lteMax(m[i]!, s[i]!)) return p.gteMin(m[i]!, s[i]!) ? i : -1;
      }
      return -1;
    }
    const t = d.tree;
    const r = t.countLeading((m, s) => p.lteMax(m, s)) - 1;
    return r >= 0 && t.holdsAt(r, p.gteMin) ? r : -1;
  }

  /** ZCOUNT / ZLEXCOUNT. */
  countInRange(p: RangePreds): number {
    const first = this.firstInRange(p);
    if (first < 0) return 0;
    const d = this.d;
    if (typeof d === 'string') {
      // Redis's listpack count walks forward while the element is <= max.
      let n = 0;
      this.walk(first, false, (m, s) => { if (!p.lteMax(m, s)) return false; n++; return true; });
      return n;
    }
    const last = this.lastInRange(p);
    return last < 0 ? 0 : last - first + 1;
  }

  /** ZREMRANGEBYSCORE / ZREMRANGEBYLEX: removes the elements in range; returns them in order. */
  removeRange(p: RangePreds): string[] {
    const removed: string[] = [];
    const first = this.firstInRange(p);
    if (first < 0) return removed;
    const d = this.d;
    if (typeof d === 'string') {
      const { m, s } = unpackPairs(d);
      let end = first;
      while (end < m.length && p.lteMax(m[end]!, s[end]!)) {
        removed.push(m[end]!);
        end++;
      }
      this.cutRanks(m, s, first, end);
      return removed;
    }
    // Redis's zslDeleteRangeByScore/ByLex: from the first element in range while lteMax holds.
    let count = 0;
    d.tree.walk(first, false, (m, s) => {
      if (!p.lteMax(m, s)) return false;
      count++;
      return true;
    });
    d.tree.deleteRange(first, count, (m) => {
      d.dict.delete(m);
      removed.push(m);
    });
    return removed;
  }

  /** Drops ranks [from, to) of the packed listpack whose decoded pairs are m, s. */
  private cutRanks(m: readonly string[], s: readonly number[], from: number, to: number): void {
    const rest: string[] = [];
    packPairs(m, s, 0, from, rest);
    packPairs(m, s, to, m.length, rest);
    this.d = lpPack(rest);
    this.n = m.length - (to - from);
  }

  /** ZREMRANGEBYRANK: removes 0-based ranks start..end (valid, inclusive); returns the count. */
  removeRankRange(start: number, end: number): number {
    const d = this.d;
    if (typeof d === 'string') {
      // Locate the byte span of the ranks and cut it out (the common case: ZPOPMIN/ZPOPMAX).
      let r = 0;
      let from = -1;
      let to = d.length;
      lpWalkPairs(d, (_m, _t, pairStart, pairEnd) => {
        if (r === start) from = pairStart;
        if (r === end) { to = pairEnd; return false; }
        r++;
        return true;
      });
      this.d = lpCut(d, from, to);
      this.n -= end - start + 1;
      return end - start + 1;
    }
    d.tree.deleteRange(start, end - start + 1, (m) => d.dict.delete(m));
    return end - start + 1;
  }

  /** The member -> score map (only in the skiplist encoding), for ZSCAN cursors. */
  scanState(): { dict: Map<string, number>; scans: ScanCursors } | null {
    const d = this.d;
    if (typeof d === 'string') return null;
    if (d.scans === null) d.scans = new ScanCursors(64);
    return { dict: d.dict, scans: d.scans };
  }

  clone(): ZSet {
    const z = new ZSet();
    const d = this.d;
    if (typeof d === 'string') {
      // A packed string is immutable: the copy shares it.
      z.d = d;
      z.n = this.n;
    } else {
      const members: string[] = [];
      const scores: number[] = [];
      d.tree.walk(0, false, (m, sc) => {
        members.push(m);
        scores.push(sc);
        return true;
      });
      z.d = ZSet.treeFrom(members, scores);
    }
    return z;
  }

  memoryUsage(): number {
    const d = this.d;
    if (typeof d === 'string') {
      // Exact: the listpack Redis would hold (member, then the score as d2string prints it).
      let lp = LISTPACK_EMPTY_BYTES;
      this.forEach((m, sc) => { lp += listpackEntryBytes(m) + listpackEntryBytes(scoreToListpackText(sc)); });
      return jemallocSize(lp);
    }
    let bytes = 16;
    // Per element: its tree slots (score and member, with the nodes' spare capacity) ~24 bytes,
    // its Map entry ~28, the member string's header 16 and bytes.
    d.tree.walk(0, false, (m) => { bytes += 68 + m.length; return true; });
    return bytes;
  }

  digestInto(dg: DigestBuilder): void {
    this.forEach((m, s) => { dg.element(m, formatDouble17g(s)); });
  }
}
