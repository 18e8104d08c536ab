/**
 * The skip list of large sorted sets (Redis's zskiplist): nodes ordered by (score, member bytes),
 * each level link carrying a span (how many level-0 steps it jumps) so that rank lookups, the
 * element at a rank, and range deletions by rank cost O(log n) expected.
 *
 * Invariants: `length` is the number of nodes; for every node and level i < node.level,
 * node.span(i) is the distance (in level-0 steps) to node.next(i) (or to one past the tail when
 * next(i) is null); level-0 `backward` links mirror the forward chain; `level` is the highest level
 * in use. Levels are drawn with p = 1/4 up to 32 as in Redis, from a small xorshift generator kept
 * per list (deterministic: the shape of a list never affects replies).
 *
 * Members are byte strings (latin1, one char per byte): JS string comparison of such strings is
 * memcmp order, which is Redis's tie-break for equal scores.
 */

const MAX_LEVEL = 32;
const INLINE_LEVELS = 4;

/**
 * Search paths, shared by every list (operations are synchronous and never nest; the callbacks
 * of deleteWhile and deleteRangeByRank must not touch a skip list): an insert allocates only its
 * node. Slots above a list's level may keep old nodes until overwritten.
 */
const UPDATE: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
const RANK: number[] = new Array<number>(MAX_LEVEL).fill(0);

/**
 * A node. Its first four levels live in fields of the node itself (`n0..n3` and their spans
 * `s0..s3`), so that a step along them costs one memory access to the next node, as Redis's
 * node with its inline level array does; 255 nodes in 256 have no more than four levels. Higher
 * levels go to `up` as [next, span] pairs; the few nodes that tall are on every search's path and
 * stay in cache. Every node has the same shape, so the accessors stay monomorphic.
 */
export class SkipNode {
  backward: SkipNode | null = null;
  n0: SkipNode | null = null;
  n1: SkipNode | null = null;
  n2: SkipNode | null = null;
  n3: SkipNode | null = null;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  /** Levels 4 and up: next at 2(i-4), span at 2(i-4)+1. */
  readonly up: Array<SkipNode | null | number> | null;

  constructor(public member: string, public score: number, readonly level: number) {
    if (level > INLINE_LEVELS) {
      const up = new Array<SkipNode | null | number>((level - INLINE_LEVELS) * 2);
      for (let i = 0; i < up.length; i += 2) {
        up[i] = null;
        up[i + 1] = 0;
      }
      this.up = up;
    } else {
      this.up = null;
    }
  }

  next(i: number): SkipNode | null {
    switch (i) {
      case 0: return this.n0;
      case 1: return this.n1;
      case 2: return this.n2;
      case 3: return this.n3;
      default: return this.up![(i - INLINE_LEVELS) * 2] as SkipNode | null;
    }
  }

  setNext(i: number, n: SkipNode | null): void {
    switch (i) {
      case 0: this.n0 = n; break;
      case 1: this.n1 = n; break;
      case 2: this.n2 = n; break;
      case 3: this.n3 = n; break;
      default: this.up![(i - INLINE_LEVELS) * 2] = n;
    }
  }

  span(i: number): number {
    switch (i) {
      case 0: return this.s0;
      case 1: return this.s1;
      case 2: return this.s2;
      case 3: return this.s3;
      default: return this.up![(i - INLINE_LEVELS) * 2 + 1] as number;
    }
  }

  setSpan(i: number, v: number): void {
    switch (i) {
      case 0: this.s0 = v; break;
      case 1: this.s1 = v; break;
      case 2: this.s2 = v; break;
      case 3: this.s3 = v; break;
      default: this.up![(i - INLINE_LEVELS) * 2 + 1] = v;
    }
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
    const node = new SkipNode(member, score, this.randomLevel());
    this.link(node);
    return node;
  }

  /**
   * Links `node` (not in the list; its level fixed, its links free to overwrite) at the place its
   * (score, member) sorts to.
   */
  private link(node: SkipNode): void {
    const update = UPDATE;
    const rank = RANK;
    const score = node.score, member = node.member;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let nx = x.next(i);
      while (nx !== null && before(nx.score, nx.member, score, member)) {
        rank[i]! += x.span(i);
        x = nx;
        nx = x.next(i);
      }
      update[i] = x;
    }
    const level = node.level;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.setSpan(i, this.length);
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      node.setNext(i, u.next(i));
      u.setNext(i, node);
      node.setSpan(i, u.span(i) - (rank[0]! - rank[i]!));
      u.setSpan(i, rank[0]! - rank[i]! + 1);
    }
    for (let i = level; i < this.level; i++) update[i]!.setSpan(i, update[i]!.span(i) + 1);
    node.backward = update[0] === this.head ? null : update[0]!;
    const n0 = node.n0;
    if (n0 !== null) n0.backward = node;
    else this.tail = node;
    this.length++;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.next(i) === x) {
        u.setSpan(i, u.span(i) + x.span(i) - 1);
        u.setNext(i, x.next(i));
      } else {
        u.setSpan(i, u.span(i) - 1);
      }
    }
    const n0 = x.next(0);
    if (n0 !== null) n0.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.head.next(this.level - 1) === null) this.level--;
    this.length--;
  }

  /** Predecessors at each level of the position of (score, member). */
  private findUpdate(score: number, member: string): SkipNode[] {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && before(nx.score, nx.member, score, member)) { x = nx; nx = x.next(i); }
      update[i] = x;
    }
    return update;
  }

  /** Removes the node (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    const update = this.findUpdate(score, member);
    const x = update[0]!.n0;
    if (x === null || x.score !== score || x.member !== member) return false;
    this.unlink(x, update);
    return true;
  }

  /**
   * Changes the score of node `x` of this list. Like Redis's zslUpdateScore, the node stays where
   * it is when its neighbours still enclose the new score; otherwise it is unlinked and linked
   * again at its new place. The same node object is kept either way (the member's dict entry
   * points at it, and an old node never links to a new one, which keeps the GC's remembered set
   * out of the hot path).
   */
  updateScore(x: SkipNode, newScore: number): void {
    const member = x.member;
    const prev = x.backward;
    const nx = x.n0;
    if ((prev === null || before(prev.score, prev.member, newScore, member)) &&
        (nx === null || before(newScore, member, nx.score, nx.member))) {
      x.score = newScore;
      return;
    }
    const update = this.findUpdate(x.score, member);
    if (update[0]!.n0 !== x) throw new Error('skiplist: updateScore of a node not in the list');
    this.unlink(x, update);
    x.score = newScore;
    this.link(x);
  }

  /** 1-based rank of (score, member), 0 when absent. */
  getRank(score: number, member: string): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && (before(nx.score, nx.member, score, member) || (nx.score === score && nx.member === member))) {
        rank += x.span(i);
        x = nx;
        nx = x.next(i);
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
      let nx = x.next(i);
      while (nx !== null && traversed + x.span(i) <= rank) {
        traversed += x.span(i);
        x = nx;
        nx = x.next(i);
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
      let nx = x.next(i);
      while (nx !== null && !gteMin(nx)) { x = nx; nx = x.next(i); }
    }
    return x.next(0);
  }

  /** Last node for which `lteMax` holds (monotonic: true...true false...false), or null. */
  lastWhere(lteMax: (n: SkipNode) => boolean): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && lteMax(nx)) { x = nx; nx = x.next(i); }
    }
    return x === this.head ? null : x;
  }

  /**
   * Deletes the nodes from the first one with `gteMin` while `lteMax` holds, calling `removed`
   * for each; returns how many.
   */
  deleteWhile(gteMin: (n: SkipNode) => boolean, lteMax: (n: SkipNode) => boolean, removed: (n: SkipNode) => void): number {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && !gteMin(nx)) { x = nx; nx = x.next(i); }
      update[i] = x;
    }
    let cur = x.next(0);
    let count = 0;
    while (cur !== null && lteMax(cur)) {
      const nxt = cur.next(0);
      this.unlink(cur, update);
      removed(cur);
      count++;
      cur = nxt;
    }
    return count;
  }

  /** Deletes the nodes of 1-based ranks start..end (inclusive); returns how many. */
  deleteRangeByRank(start: number, end: number, removed: (n: SkipNode) => void): number {
    const update = UPDATE;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx = x.next(i);
      while (nx !== null && traversed + x.span(i) < start) {
        traversed += x.span(i);
        x = nx;
        nx = x.next(i);
      }
      update[i] = x;
    }
    traversed++;
    let cur = x.next(0);
    let count = 0;
    while (cur !== null && traversed <= end) {
      const nxt = cur.next(0);
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
    return this.head.next(0);
  }
}
