/**
 * The sorted-set value (Redis's OBJ_ZSET) with Redis 7.0's two encodings:
 * - `listpack`: one flat array [member0, score0, member1, score1, ...] kept sorted by (score,
 *   member bytes). Used while the set has at most zset-max-listpack-entries members, each at most
 *   zset-max-listpack-value bytes long. Lookups are linear, as in Redis's listpack (n is small).
 *   A flat array of strings and numbers is the most compact layout V8 offers (integer scores are
 *   unboxed Smis), which keeps 100k small sets within 2x of Redis's memory.
 * - `skiplist`: a skip list with spans (skiplist.ts) for O(log n) rank and range operations, plus a
 *   Map member -> score for O(1) lookups. A set converts once and never back, except that the
 *   store commands build their result in the encoding its final size calls for (as Redis does).
 *
 * Ranks here are 0-based. Range predicates follow Redis's zslValueGteMin/LteMax and the lex
 * variants; when a predicate is not monotonic (BYLEX over mixed scores, which Redis leaves
 * undefined) the listpack walks linearly and the skip list descends its levels, as Redis does.
 * Scores are IEEE doubles, never NaN; -0 is kept as such (Redis stores "-0").
 */
import { formatDouble17g } from '../../lib/float.js';
import type { DigestBuilder, Digestible } from '../digest.js';
import { ScanCursors } from '../scan.js';
import type { CollectionValue } from '../value.js';
import { SkipList, type SkipNode } from './skiplist.js';

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

class SkipState {
  readonly list = new SkipList();
  readonly dict = new Map<string, number>();
  scans: ScanCursors | null = null;
}

type Flat = Array<string | number>;

function isFlat(d: Flat | SkipState): d is Flat {
  return Array.isArray(d);
}

export class ZSet implements CollectionValue, Digestible {
  /** The listpack array, or the skip list state. */
  private d: Flat | SkipState;

  constructor() {
    this.d = [];
  }

  get type(): 'zset' {
    return 'zset';
  }

  encoding(): string {
    return isFlat(this.d) ? 'listpack' : 'skiplist';
  }

  get length(): number {
    const d = this.d;
    return isFlat(d) ? d.length >> 1 : d.list.length;
  }

  /** Builds a set from (member, score) pairs sorted or not, members distinct, in the encoding its size calls for. */
  static fromEntries(members: readonly string[], scores: readonly number[], limits: ZsetLimits): ZSet {
    const z = new ZSet();
    let maxLen = 0;
    for (const m of members) if (m.length > maxLen) maxLen = m.length;
    if (members.length > limits.zsetMaxListpackEntries || maxLen > limits.zsetMaxListpackValue) {
      z.d = new SkipState();
      for (let i = 0; i < members.length; i++) z.insert(scores[i]!, members[i]!, limits);
      return z;
    }
    const idx = members.map((_, i) => i);
    idx.sort((a, b) => {
      const sa = scores[a]!, sb = scores[b]!;
      if (sa !== sb) return sa < sb ? -1 : 1;
      const ma = members[a]!, mb = members[b]!;
      return ma < mb ? -1 : ma > mb ? 1 : 0;
    });
    const flat: Flat = new Array<string | number>(members.length * 2);
    for (let i = 0; i < idx.length; i++) {
      flat[2 * i] = members[idx[i]!]!;
      const s = scores[idx[i]!]!;
      flat[2 * i + 1] = s === 0 ? 0 : s;
    }
    z.d = flat;
    return z;
  }

  /** Score of `member`, or undefined. */
  score(member: string): number | undefined {
    const d = this.d;
    if (isFlat(d)) {
      for (let i = 0; i < d.length; i += 2) if (d[i] === member) return d[i + 1] as number;
      return undefined;
    }
    return d.dict.get(member);
  }

  private toSkiplist(): SkipState {
    const d = this.d;
    if (!isFlat(d)) return d;
    const s = new SkipState();
    for (let i = 0; i < d.length; i += 2) {
      s.list.insert(d[i + 1] as number, d[i] as string);
      s.dict.set(d[i] as string, d[i + 1] as number);
    }
    this.d = s;
    return s;
  }

  /** Adds a member known to be absent, converting to a skip list when the listpack would overflow. */
  insert(score: number, member: string, limits: ZsetLimits): void {
    let d = this.d;
    if (isFlat(d)) {
      if ((d.length >> 1) + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
        d = this.toSkiplist();
      } else {
        let i = 0;
        while (i < d.length) {
          const s = d[i + 1] as number;
          if (s > score || (s === score && (d[i] as string) > member)) break;
          i += 2;
        }
        // A fresh array of the exact size: splice() would over-allocate the backing store by half,
        // which is most of the memory of 100k small sets.
        const nd: Flat = new Array<string | number>(d.length + 2);
        for (let j = 0; j < i; j++) nd[j] = d[j]!;
        nd[i] = member;
        // The listpack stores a score as text without the sign of a zero (Redis 7.0 answers "0").
        nd[i + 1] = score === 0 ? 0 : score;
        for (let j = i; j < d.length; j++) nd[j + 2] = d[j]!;
        this.d = nd;
        return;
      }
    }
    d.list.insert(score, member);
    d.dict.set(member, score);
  }

  /** Changes the score of a present member. */
  update(member: string, oldScore: number, newScore: number, limits: ZsetLimits): void {
    const d = this.d;
    if (isFlat(d)) {
      this.remove(member);
      this.insert(newScore, member, limits);
      return;
    }
    d.list.updateScore(oldScore, member, newScore);
    d.dict.set(member, newScore);
  }

  /** Removes `member`; false when absent. */
  remove(member: string): boolean {
    const d = this.d;
    if (isFlat(d)) {
      for (let i = 0; i < d.length; i += 2) {
        if (d[i] === member) { d.splice(i, 2); return true; }
      }
      return false;
    }
    const s = d.dict.get(member);
    if (s === undefined) return false;
    d.dict.delete(member);
    d.list.delete(s, member);
    return true;
  }

  /** 0-based rank of `member` in ascending order, or -1. */
  rank(member: string): number {
    const d = this.d;
    if (isFlat(d)) {
      for (let i = 0; i < d.length; i += 2) if (d[i] === member) return i >> 1;
      return -1;
    }
    const s = d.dict.get(member);
    if (s === undefined) return -1;
    return d.list.getRank(s, member) - 1;
  }

  memberAt(rank: number): string {
    const d = this.d;
    if (isFlat(d)) return d[2 * rank] as string;
    return d.list.byRank(rank + 1)!.member;
  }

  scoreAt(rank: number): number {
    const d = this.d;
    if (isFlat(d)) return d[2 * rank + 1] as number;
    return d.list.byRank(rank + 1)!.score;
  }

  /**
   * Visits elements from `rank` (0-based, must be valid) ascending, or descending when `reverse`,
   * while `fn` returns true.
   */
  walk(rank: number, reverse: boolean, fn: (member: string, score: number) => boolean): void {
    const d = this.d;
    if (isFlat(d)) {
      if (reverse) {
        for (let i = 2 * rank; i >= 0; i -= 2) if (!fn(d[i] as string, d[i + 1] as number)) return;
      } else {
        for (let i = 2 * rank; i < d.length; i += 2) if (!fn(d[i] as string, d[i + 1] as number)) return;
      }
      return;
    }
    let n: SkipNode | null = d.list.byRank(rank + 1);
    while (n !== null) {
      if (!fn(n.member, n.score)) return;
      n = reverse ? n.backward : n.next[0]!;
    }
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
    if (isFlat(d)) {
      if (!p.gteMin(d[d.length - 2] as string, d[d.length - 1] as number)) return false;
      return p.lteMax(d[0] as string, d[1] as number);
    }
    const tail = d.list.tail!;
    const head = d.list.first()!;
    return p.gteMin(tail.member, tail.score) && p.lteMax(head.member, head.score);
  }

  /** 0-based rank of the first element in range, or -1 (zzlFirstInRange / zslFirstInRange). */
  firstInRange(p: RangePreds): number {
    if (!this.edgesInRange(p)) return -1;
    const d = this.d;
    if (isFlat(d)) {
      for (let i = 0; i < d.length; i += 2) {
        const m = d[i] as string, s = d[i + 1] as number;
        if (p.gteMin(m, s)) return p.lteMax(m, s) ? i >> 1 : -1;
      }
      return -1;
    }
    const x = d.list.firstWhere((node) => p.gteMin(node.member, node.score));
    if (x === null || !p.lteMax(x.member, x.score)) return -1;
    return d.list.getRank(x.score, x.member) - 1;
  }

  /** 0-based rank of the last element in range, or -1 (zzlLastInRange / zslLastInRange). */
  lastInRange(p: RangePreds): number {
    if (!this.edgesInRange(p)) return -1;
    const d = this.d;
    if (isFlat(d)) {
      for (let i = d.length - 2; i >= 0; i -= 2) {
        const m = d[i] as string, s = d[i + 1] as number;
        if (p.lteMax(m, s)) return p.gteMin(m, s) ? i >> 1 : -1;
      }
      return -1;
    }
    const x = d.list.lastWhere((node) => p.lteMax(node.member, node.score));
    if (x === null || !p.gteMin(x.member, x.score)) return -1;
    return d.list.getRank(x.score, x.member) - 1;
  }

  /** ZCOUNT / ZLEXCOUNT. */
  countInRange(p: RangePreds): number {
    const first = this.firstInRange(p);
    if (first < 0) return 0;
    const d = this.d;
    if (isFlat(d)) {
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
    if (isFlat(d)) {
      let end = 2 * first;
      while (end < d.length && p.lteMax(d[end] as string, d[end + 1] as number)) {
        removed.push(d[end] as string);
        end += 2;
      }
      d.splice(2 * first, end - 2 * first);
      return removed;
    }
    d.list.deleteWhile((n) => p.gteMin(n.member, n.score), (n) => p.lteMax(n.member, n.score), (n) => {
      d.dict.delete(n.member);
      removed.push(n.member);
    });
    return removed;
  }

  /** ZREMRANGEBYRANK: removes 0-based ranks start..end (valid, inclusive); returns the count. */
  removeRankRange(start: number, end: number): number {
    const d = this.d;
    if (isFlat(d)) {
      d.splice(2 * start, 2 * (end - start + 1));
      return end - start + 1;
    }
    return d.list.deleteRangeByRank(start + 1, end + 1, (n) => d.dict.delete(n.member));
  }

  /** The skip list's member -> score map (only in the skiplist encoding), for ZSCAN cursors. */
  scanState(): { dict: Map<string, number>; scans: ScanCursors } | null {
    const d = this.d;
    if (isFlat(d)) return null;
    if (d.scans === null) d.scans = new ScanCursors(64);
    return { dict: d.dict, scans: d.scans };
  }

  clone(): ZSet {
    const z = new ZSet();
    const d = this.d;
    if (isFlat(d)) {
      z.d = d.slice();
    } else {
      const s = new SkipState();
      for (let n = d.list.first(); n !== null; n = n.next[0]!) {
        s.list.insert(n.score, n.member);
        s.dict.set(n.member, n.score);
      }
      z.d = s;
    }
    return z;
  }

  memoryUsage(): number {
    const d = this.d;
    let bytes = 16;
    if (isFlat(d)) {
      bytes += 16 + d.length * 8;
      for (let i = 0; i < d.length; i += 2) bytes += 12 + (d[i] as string).length;
      return bytes;
    }
    for (let n = d.list.first(); n !== null; n = n.next[0]!) bytes += 96 + n.next.length * 16 + n.member.length;
    return bytes;
  }

  digestInto(dg: DigestBuilder): void {
    this.forEach((m, s) => { dg.element(m, formatDouble17g(s)); });
  }
}
