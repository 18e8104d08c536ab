/**
 * The skip list of large sorted sets (Redis's zskiplist): nodes ordered by (score, member bytes),
 * each level link carrying a span (how many level-0 steps it jumps) so that rank lookups, the
 * element at a rank, and range deletions by rank cost O(log n) expected.
 *
 * Invariants: `length` is the number of nodes; for every node and level i < node.next.length,
 * node.span[i] is the distance (in level-0 steps) to node.next[i] (or to one past the tail when
 * next[i] is null); level-0 `backward` links mirror the forward chain; `level` is the highest level
 * in use. Levels are drawn with p = 1/4 up to 32 as in Redis, from a small xorshift generator kept
 * per list (deterministic: the shape of a list never affects replies).
 *
 * Members are byte strings (latin1, one char per byte): JS string comparison of such strings is
 * memcmp order, which is Redis's tie-break for equal scores.
 */

const MAX_LEVEL = 32;

export class SkipNode {
  backward: SkipNode | null = null;
  readonly next: Array<SkipNode | null>;
  readonly span: number[];

  constructor(public member: string, public score: number, level: number) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** True when (s1, m1) sorts before (s2, m2). */
export function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

export class SkipList {
  readonly head = new SkipNode('', 0, MAX_LEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;
  private seed = 0x2545f491;

  private randomLevel(): number {
    let level = 1;
    for (;;) {
      // xorshift32
      let x = this.seed;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      this.seed = x >>> 0;
      if ((this.seed & 0xffff) >= 0x4000 || level >= MAX_LEVEL) return level; // p = 1/4
      level++;
    }
  }

  /** Inserts a new node; the caller guarantees the member is not present. */
  insert(score: number, member: string): SkipNode {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    const rank: number[] = new Array<number>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let nx = x.next[i]!;
      while (nx !== null && before(nx.score, nx.member, score, member)) {
        rank[i]! += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.next[i] = u.next[i]!;
      u.next[i] = node;
      node.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.head ? null : update[0]!;
    const n0 = node.next[0]!;
    if (n0 !== null) n0.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.next[i] = x.next[i]!;
      } else {
        u.span[i]! -= 1;
      }
    }
    const n0 = x.next[0]!;
    if (n0 !== null) n0.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Predecessors at each level of the position of (score, member). */
  private findUpdate(score: number, member: string): SkipNode[] {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && before(nx.score, nx.member, score, member)) { x = nx; nx = x.next[i]!; }
      update[i] = x;
    }
    return update;
  }

  /** Removes the node (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    const update = this.findUpdate(score, member);
    const x = update[0]!.next[0]!;
    if (x === null || x.score !== score || x.member !== member) return false;
    this.unlink(x, update);
    return true;
  }

  /**
   * Changes the score of an existing member. Like Redis, the node is updated in place when it
   * keeps its position, otherwise removed and re-inserted.
   */
  updateScore(curScore: number, member: string, newScore: number): SkipNode {
    const update = this.findUpdate(curScore, member);
    const x = update[0]!.next[0]!;
    if (x === null || x.score !== curScore || x.member !== member) throw new Error('skiplist: updateScore of a missing member');
    const prev = x.backward;
    const nx = x.next[0]!;
    if ((prev === null || before(prev.score, prev.member, newScore, member)) &&
        (nx === null || before(newScore, member, nx.score, nx.member))) {
      x.score = newScore;
      return x;
    }
    this.unlink(x, update);
    return this.insert(newScore, member);
  }

  /** 1-based rank of (score, member), 0 when absent. */
  getRank(score: number, member: string): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && (before(nx.score, nx.member, score, member) || (nx.score === score && nx.member === member))) {
        rank += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      if (x !== this.head && x.member === member && x.score === score) return rank;
    }
    return 0;
  }

  /** The node at 1-based `rank`, or null. */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /**
   * First node for which `gteMin` holds, assuming the predicate is monotonic along the list
   * (false...false true...true), or null. Redis's zslFirstInRange/zslFirstInLexRange traversal.
   */
  firstWhere(gteMin: (n: SkipNode) => boolean): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && !gteMin(nx)) { x = nx; nx = x.next[i]!; }
    }
    return x.next[0]!;
  }

  /** Last node for which `lteMax` holds (monotonic: true...true false...false), or null. */
  lastWhere(lteMax: (n: SkipNode) => boolean): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && lteMax(nx)) { x = nx; nx = x.next[i]!; }
    }
    return x === this.head ? null : x;
  }

  /**
   * Deletes the nodes from the first one with `gteMin` while `lteMax` holds, calling `removed`
   * for each; returns how many.
   */
  deleteWhile(gteMin: (n: SkipNode) => boolean, lteMax: (n: SkipNode) => boolean, removed: (n: SkipNode) => void): number {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && !gteMin(nx)) { x = nx; nx = x.next[i]!; }
      update[i] = x;
    }
    let cur = x.next[0]!;
    let count = 0;
    while (cur !== null && lteMax(cur)) {
      const nxt = cur.next[0]!;
      this.unlink(cur, update);
      removed(cur);
      count++;
      cur = nxt;
    }
    return count;
  }

  /** Deletes the nodes of 1-based ranks start..end (inclusive); returns how many. */
  deleteRangeByRank(start: number, end: number, removed: (n: SkipNode) => void): number {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next[i]!;
      while (nx !== null && traversed + x.span[i]! < start) {
        traversed += x.span[i]!;
        x = nx;
        nx = x.next[i]!;
      }
      update[i] = x;
    }
    traversed++;
    let cur = x.next[0]!;
    let count = 0;
    while (cur !== null && traversed <= end) {
      const nxt = cur.next[0]!;
      this.unlink(cur, update);
      removed(cur);
      count++;
      traversed++;
      cur = nxt;
    }
    return count;
  }

  /** The first node (lowest), or null. */
  first(): SkipNode | null {
    return this.head.next[0]!;
  }
}
