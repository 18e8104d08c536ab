/**
 * The ordered index of large sorted sets: a counted B+tree of (score, member) pairs, ordered by
 * score then member bytes. It does what Redis's zskiplist does for a sorted set (insert, delete,
 * rank of an element, element at a rank, first/last element in a score or lex range, deletion of
 * a rank range, iteration both ways) in O(log n), with another shape.
 *
 * Why not a skip list: in JS every skip-list node is an object of its own (128 bytes here), and an
 * update walks two dozen of them, each a cache miss. A node of this tree keeps up to 64 scores in
 * one contiguous double array (and the members beside them), so a descent touches three nodes for
 * 100k elements, and an element costs 16 bytes plus its member string instead of a node.
 *
 * Shape: every node has `scores`/`members` arrays. In a leaf they are the elements, sorted. In an
 * inner node entry i describes child i: its largest pair (`scores[i]`, `members[i]`), and in
 * `kids` the child itself at 2i and its element count at 2i + 1 (side by side, so that the descent
 * that follows a child updates its count on the same cache line). Leaves are chained both ways
 * (`prev`/`next`) for iteration. Every node but the root holds between MIN and MAX entries; the
 * root is a leaf (possibly empty) or an inner node with at least two children.
 *
 * Members are byte strings (latin1, one char per byte): JS string comparison is then memcmp
 * order, Redis's tie-break for equal scores. Ranks are 0-based.
 *
 * Every `scores` array has V8's packed-double kind from birth (`doubles()`, `copyDoubles()`), and
 * scores and members are shifted by separate functions. A tree whose first scores were small
 * integers would otherwise hold small-integer arrays beside double arrays, and one shift function
 * for both kinds and for the member arrays is polymorphic: its optimized code boxes every double
 * it moves in a new heap number. Measured on 100k members, a move took 2.1 µs with fractional
 * scores and 1.05 µs with integers before this; the same for both after.
 */

const MAX = 64;
const MIN = 16;

/** An empty array of V8's packed-double elements kind (it never goes back to small integers). */
function doubles(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

/** scores[from, to) in a packed-double array (a slice would keep a small-integer source's kind). */
function copyDoubles(scores: readonly number[], from: number, to: number): number[] {
  const a = doubles();
  for (let i = from; i < to; i++) a.push(scores[i]!);
  return a;
}

/** An empty array of V8's packed tagged-elements kind, as a member array becomes at its first string. */
function strings(): string[] {
  const a = [''];
  a.pop();
  return a;
}

export class TreeNode {
  /** Leaf: the elements' scores. Inner: each child's largest score. Packed doubles (see above). */
  scores: number[] = doubles();
  /** Leaf: the elements' members. Inner: each child's largest member. */
  members: string[] = strings();
  /** Inner only: child i at 2i, its element count at 2i + 1. Null in a leaf. */
  kids: Array<TreeNode | number> | null;
  prev: TreeNode | null = null;
  next: TreeNode | null = null;

  constructor(leaf: boolean) {
    this.kids = leaf ? null : [];
  }
}

function child(n: TreeNode, i: number): TreeNode {
  return n.kids![2 * i] as TreeNode;
}

function count(n: TreeNode, i: number): number {
  return n.kids![2 * i + 1] as number;
}

/**
 * The descent of the last operation: node and entry index per depth (root at 0). Shared by every
 * tree: an operation reads it only between its own descent and its return, never across a
 * callback (walk's and deleteRange's callbacks may use other trees; countLeading's predicate
 * must not).
 */
const PATH_NODE: TreeNode[] = [];
const PATH_IDX: number[] = [];

/** The order of the tree: true when (s1, m1) sorts before (s2, m2). */
export function pairBefore(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** First index of `n` whose pair is >= (score, member); n's length when none. */
function lowerBound(n: TreeNode, score: number, member: string): number {
  const s = n.scores, m = n.members;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // pairBefore's order, inlined: called with m[mid] as an argument, the member would be loaded
    // on every probe. Read only on a tie of scores, a descent with distinct scores never touches
    // the members array (a cold line per probe in a leaf).
    const sm = s[mid]!;
    if (sm < score || (sm === score && m[mid]! < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function size(n: TreeNode): number {
  const k = n.kids;
  if (k === null) return n.scores.length;
  let t = 0;
  for (let i = 1; i < k.length; i += 2) t += k[i] as number;
  return t;
}

/** Sum of the counts of n's children before child i. */
function countBefore(n: TreeNode, i: number): number {
  const k = n.kids!;
  let t = 0;
  for (let j = 1; j < 2 * i; j += 2) t += k[j] as number;
  return t;
}

/** A leading-run predicate over elements: true for a prefix of the order, false after it. */
export type Leading = (member: string, score: number) => boolean;

export class ScoreTree {
  private root = new TreeNode(true);
  /** Depth of the leaves (0 when the root is a leaf). */
  private height = 0;
  length = 0;

  /** Levels above the leaves (0 when the root is a leaf). */
  get depth(): number {
    return this.height;
  }

  /**
   * A tree of pairs already in ascending (score, member) order, members distinct, built bottom-up
   * with nodes filled to FILL entries (evened out per level) instead of by n inserts: RDB loads
   * and the store commands hand over sorted pairs, and inserts in order would leave every leaf
   * half full.
   */
  static fromSorted(scores: readonly number[], members: readonly string[]): ScoreTree {
    const t = new ScoreTree();
    const n = scores.length;
    t.length = n;
    if (n <= MAX) {
      t.root.scores = copyDoubles(scores, 0, n);
      t.root.members = members.slice();
      return t;
    }
    let level: TreeNode[] = [];
    let prev: TreeNode | null = null;
    for (const [from, to] of groups(n)) {
      const leaf = new TreeNode(true);
      leaf.scores = copyDoubles(scores, from, to);
      leaf.members = members.slice(from, to);
      leaf.prev = prev;
      if (prev !== null) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
    }
    while (level.length > 1) {
      const up: TreeNode[] = [];
      for (const [from, to] of groups(level.length)) {
        const inner = new TreeNode(false);
        for (let i = from; i < to; i++) {
          const c = level[i]!;
          const last = c.scores.length - 1;
          inner.scores.push(c.scores[last]!);
          inner.members.push(c.members[last]!);
          inner.kids!.push(c, size(c));
        }
        up.push(inner);
      }
      level = up;
      t.height++;
    }
    t.root = level[0]!;
    return t;
  }

  /** Inserts (score, member); the caller guarantees the member is not present. */
  insert(score: number, member: string): void {
    let n = this.root;
    for (let d = 0; d < this.height; d++) {
      let i = lowerBound(n, score, member);
      if (i === n.scores.length) {
        // Above every pair of this subtree: it becomes the last child's largest.
        i--;
        n.scores[i] = score;
        n.members[i] = member;
      }
      const kids = n.kids!;
      (kids[2 * i + 1] as number)++;
      PATH_NODE[d] = n;
      PATH_IDX[d] = i;
      n = kids[2 * i] as TreeNode;
    }
    const i = lowerBound(n, score, member);
    insertScore(n.scores, i, score);
    insertMember(n.members, i, member);
    this.length++;
    if (n.scores.length > MAX) this.split(n, this.height);
  }

  /** Splits overfull node `n` at `depth`, then its parent if that overflows in turn. */
  private split(n: TreeNode, depth: number): void {
    for (;;) {
      const half = n.scores.length >>> 1;
      const right = new TreeNode(n.kids === null);
      right.scores = n.scores.splice(half);
      right.members = n.members.splice(half);
      if (n.kids !== null) {
        right.kids = n.kids.splice(2 * half);
      } else {
        right.next = n.next;
        right.prev = n;
        if (n.next !== null) n.next.prev = right;
        n.next = right;
      }
      const last = n.scores.length - 1;
      if (depth === 0) {
        const root = new TreeNode(false);
        root.scores.push(n.scores[last]!, right.scores[right.scores.length - 1]!);
        root.members.push(n.members[last]!, right.members[right.members.length - 1]!);
        root.kids = [n, size(n), right, size(right)];
        this.root = root;
        this.height++;
        return;
      }
      const p = PATH_NODE[depth - 1]!;
      const pi = PATH_IDX[depth - 1]!;
      const rightCount = size(right);
      // The parent's entry for n keeps n's old largest pair, which is now right's.
      p.scores.splice(pi, 0, n.scores[last]!);
      p.members.splice(pi, 0, n.members[last]!);
      // Entry pi becomes (n, its new count), then (right, its count) where n's old entry was.
      const pk = p.kids!;
      pk.splice(2 * pi, 0, n, (pk[2 * pi + 1] as number) - rightCount);
      pk[2 * pi + 2] = right;
      pk[2 * pi + 3] = rightCount;
      if (p.scores.length <= MAX) return;
      n = p;
      depth--;
    }
  }

  /** Descends to the leaf holding (score, member); its index there, or -1 when absent. */
  private find(score: number, member: string): number {
    let n = this.root;
    for (let d = 0; d < this.height; d++) {
      const i = lowerBound(n, score, member);
      if (i === n.scores.length) return -1;
      PATH_NODE[d] = n;
      PATH_IDX[d] = i;
      n = child(n, i);
    }
    PATH_NODE[this.height] = n;
    const i = lowerBound(n, score, member);
    return i < n.scores.length && n.scores[i] === score && n.members[i] === member ? i : -1;
  }

  /** Removes (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    const i = this.find(score, member);
    if (i < 0) return false;
    this.removeAt(i, 1);
    return true;
  }

  /**
   * Gives (oldScore, member) the score `newScore`; false when absent. The element keeps the member
   * string the tree already holds (old-generation, so the argument string of the command that
   * changed the score is not retained). When the new pair still sorts between its neighbours in
   * the leaf, only the score changes in place (as Redis's zslUpdateScore does); otherwise the
   * element is removed and inserted again.
   */
  move(oldScore: number, member: string, newScore: number): boolean {
    const i = this.find(oldScore, member);
    if (i < 0) return false;
    const leaf = PATH_NODE[this.height]!;
    const s = leaf.scores, m = leaf.members;
    const stored = m[i]!;
    // Not the leaf's first or last entry: its ancestors' largest pairs do not change.
    if (i > 0 && i < s.length - 1 &&
        pairBefore(s[i - 1]!, m[i - 1]!, newScore, stored) && pairBefore(newScore, stored, s[i + 1]!, m[i + 1]!)) {
      s[i] = newScore;
      return true;
    }
    this.removeAt(i, 1);
    this.insert(newScore, stored);
    return true;
  }

  /**
   * Removes `k` elements from index `i` of the leaf at the end of the last descent (PATH_*), all
   * within that leaf, then repairs counts, largest pairs and occupancy up the path.
   */
  private removeAt(i: number, k: number): void {
    const h = this.height;
    const leaf = PATH_NODE[h]!;
    // Whether the leaf's largest pair goes: only then do the ancestors' keys need repair.
    const lastGoes = i + k === leaf.scores.length;
    removeScores(leaf.scores, i, k);
    removeMembers(leaf.members, i, k);
    this.length -= k;
    for (let d = 0; d < h; d++) (PATH_NODE[d]!.kids![2 * PATH_IDX[d]! + 1] as number) -= k;
    this.rebalance(h, lastGoes);
  }

  /**
   * After removals from the leaf at `depth` of the path: restores occupancy (merging with or
   * borrowing from a sibling, upward while parents underflow), makes the largest pairs along the
   * path exact again when the leaf's own largest went (`lastGone`; merges and shares keep their
   * parents' keys exact themselves), and shortens the tree when the root is left with one child.
   */
  private rebalance(depth: number, lastGone: boolean): void {
    for (let d = depth; d > 0; d--) {
      const n = PATH_NODE[d]!;
      if (n.scores.length >= MIN) break;
      const p = PATH_NODE[d - 1]!;
      const pi = PATH_IDX[d - 1]!;
      // Pair n with a sibling: a, b = children li, li + 1 of p (a non-root inner node has two).
      const li = pi > 0 ? pi - 1 : pi;
      const a = child(p, li), b = child(p, li + 1);
      if (a.scores.length + b.scores.length <= MAX) {
        this.merge(p, li, a, b);
        PATH_NODE[d] = a;
        PATH_IDX[d - 1] = li;
      } else {
        this.share(p, li, a, b);
      }
    }
    if (lastGone) {
      for (let d = depth - 1; d >= 0; d--) {
        const p = PATH_NODE[d]!;
        const pi = PATH_IDX[d]!;
        // Non-empty: an emptied node has been merged into a sibling above.
        const c = child(p, pi);
        const last = c.scores.length - 1;
        p.scores[pi] = c.scores[last]!;
        p.members[pi] = c.members[last]!;
      }
    }
    const r = this.root;
    if (r.kids !== null && r.kids.length === 2) {
      this.root = r.kids[0] as TreeNode;
      this.height--;
    }
  }

  /** Moves b's entries into a and drops b from p (entries li and li + 1). */
  private merge(p: TreeNode, li: number, a: TreeNode, b: TreeNode): void {
    for (let j = 0; j < b.scores.length; j++) {
      a.scores.push(b.scores[j]!);
      a.members.push(b.members[j]!);
    }
    if (a.kids !== null) {
      const bk = b.kids!;
      for (let j = 0; j < bk.length; j++) a.kids.push(bk[j]!);
    } else {
      a.next = b.next;
      if (b.next !== null) b.next.prev = a;
    }
    const pk = p.kids!;
    pk[2 * li + 1] = count(p, li) + count(p, li + 1);
    // a is not empty: at most one of the two underflowed, the other holds at least MIN.
    const last = a.scores.length - 1;
    p.scores[li] = a.scores[last]!;
    p.members[li] = a.members[last]!;
    p.scores.splice(li + 1, 1);
    p.members.splice(li + 1, 1);
    pk.splice(2 * li + 2, 2);
  }

  /** Evens out the entries of siblings a and b (entries li and li + 1 of p). */
  private share(p: TreeNode, li: number, a: TreeNode, b: TreeNode): void {
    const total = a.scores.length + b.scores.length;
    const want = total >>> 1;
    if (a.scores.length > want) {
      const k = a.scores.length - want;
      b.scores.unshift(...a.scores.splice(want, k));
      b.members.unshift(...a.members.splice(want, k));
      if (a.kids !== null) b.kids!.unshift(...a.kids.splice(2 * want, 2 * k));
    } else {
      const k = want - a.scores.length;
      a.scores.push(...b.scores.splice(0, k));
      a.members.push(...b.members.splice(0, k));
      if (a.kids !== null) a.kids.push(...b.kids!.splice(0, 2 * k));
    }
    const sa = size(a);
    const pk = p.kids!;
    pk[2 * li + 3] = count(p, li) + count(p, li + 1) - sa;
    pk[2 * li + 1] = sa;
    const last = a.scores.length - 1;
    p.scores[li] = a.scores[last]!;
    p.members[li] = a.members[last]!;
  }

  /**
   * Descends to the element at 0-based `rank` (valid), leaving the path in PATH_*; returns its
   * index in its leaf.
   */
  private seek(rank: number): number {
    let n = this.root;
    for (let d = 0; d < this.height; d++) {
      const kids = n.kids!;
      let i = 0;
      while (rank >= (kids[2 * i + 1] as number)) { rank -= kids[2 * i + 1] as number; i++; }
      PATH_NODE[d] = n;
      PATH_IDX[d] = i;
      n = kids[2 * i] as TreeNode;
    }
    PATH_NODE[this.height] = n;
    return rank;
  }

  /** 0-based rank of (score, member), -1 when absent. */
  rank(score: number, member: string): number {
    let r = this.find(score, member);
    if (r < 0) return -1;
    for (let d = 0; d < this.height; d++) r += countBefore(PATH_NODE[d]!, PATH_IDX[d]!);
    return r;
  }

  /** How many elements, from the first, satisfy `pred` (true for a prefix, false after it). */
  countLeading(pred: Leading): number {
    let n = this.root;
    let r = 0;
    for (let d = 0; d < this.height; d++) {
      const i = firstFailing(n, pred);
      if (i === n.scores.length) return this.length;
      r += countBefore(n, i);
      n = child(n, i);
    }
    return r + firstFailing(n, pred);
  }

  /** `pred` applied to the element at 0-based `rank` (valid): one descent for both its fields. */
  holdsAt(rank: number, pred: Leading): boolean {
    const i = this.seek(rank);
    const leaf = PATH_NODE[this.height]!;
    return pred(leaf.members[i]!, leaf.scores[i]!);
  }

  memberAt(rank: number): string {
    const i = this.seek(rank);
    return PATH_NODE[this.height]!.members[i]!;
  }

  scoreAt(rank: number): number {
    const i = this.seek(rank);
    return PATH_NODE[this.height]!.scores[i]!;
  }

  /** Visits elements from 0-based `rank` (valid), ascending or descending, while `fn` returns true. */
  walk(rank: number, reverse: boolean, fn: (member: string, score: number) => boolean): void {
    let i = this.seek(rank);
    let n: TreeNode | null = PATH_NODE[this.height]!;
    if (reverse) {
      while (n !== null) {
        const s = n.scores, m = n.members;
        for (; i >= 0; i--) if (!fn(m[i]!, s[i]!)) return;
        n = n.prev;
        if (n !== null) i = n.scores.length - 1;
      }
    } else {
      while (n !== null) {
        const s = n.scores, m = n.members;
        for (; i < s.length; i++) if (!fn(m[i]!, s[i]!)) return;
        n = n.next;
        i = 0;
      }
    }
  }

  /**
   * Checks every invariant of the shape (for the tests): order, counts, exact largest pairs,
   * occupancy, leaves at one depth and chained both ways, length. Throws on the first violation.
   */
  verify(): void {
    const leaves: TreeNode[] = [];
    const visit = (n: TreeNode, depth: number, isRoot: boolean): number => {
      const len = n.scores.length;
      if (n.members.length !== len) throw new Error('tree: scores and members differ in length');
      if (!isRoot && (len < MIN || len > MAX)) throw new Error(`tree: node of ${len} entries`);
      if (len > MAX) throw new Error('tree: root overfull');
      for (let i = 1; i < len; i++) {
        if (!pairBefore(n.scores[i - 1]!, n.members[i - 1]!, n.scores[i]!, n.members[i]!)) throw new Error('tree: entries out of order');
      }
      if (n.kids === null) {
        if (depth !== this.height) throw new Error('tree: leaf at the wrong depth');
        leaves.push(n);
        return len;
      }
      if (isRoot && len < 2) throw new Error('tree: inner root with fewer than two children');
      if (n.kids.length !== 2 * len) throw new Error('tree: inner arrays differ in length');
      let total = 0;
      for (let i = 0; i < len; i++) {
        const c: TreeNode = child(n, i);
        const size: number = visit(c, depth + 1, false);
        if (count(n, i) !== size) throw new Error('tree: wrong count');
        const last = c.scores.length - 1;
        if (!Object.is(c.scores[last], n.scores[i]) || c.members[last] !== n.members[i]) throw new Error('tree: largest pair not exact');
        total += size;
      }
      return total;
    };
    if (visit(this.root, 0, true) !== this.length) throw new Error('tree: wrong length');
    for (let i = 0; i < leaves.length; i++) {
      if (leaves[i]!.prev !== (i > 0 ? leaves[i - 1]! : null)) throw new Error('tree: broken prev chain');
      if (leaves[i]!.next !== (i + 1 < leaves.length ? leaves[i + 1]! : null)) throw new Error('tree: broken next chain');
    }
  }

  /** Removes the `count` elements from 0-based `rank` (all valid), calling `removed` for each in order. */
  deleteRange(rank: number, count: number, removed: (member: string) => void): void {
    while (count > 0) {
      const i = this.seek(rank);
      const leaf = PATH_NODE[this.height]!;
      const k = Math.min(count, leaf.scores.length - i);
      const gone = leaf.members.slice(i, i + k);
      this.removeAt(i, k);
      // After the removal: the callback may use other trees (which reuse the descent path).
      for (let j = 0; j < gone.length; j++) removed(gone[j]!);
      count -= k;
    }
  }
}

/** Filling of bulk-built nodes: room for a few inserts before a split. */
const FILL = 56;

/**
 * [from, to) ranges splitting n > MAX entries into nodes of as equal sizes as possible, at most
 * FILL each; each gets more than FILL / 2 >= MIN entries.
 */
function groups(n: number): Array<[number, number]> {
  if (n <= MAX) return [[0, n]];
  const k = Math.ceil(n / FILL);
  const out: Array<[number, number]> = [];
  for (let g = 0; g < k; g++) out.push([Math.floor((g * n) / k), Math.floor(((g + 1) * n) / k)]);
  return out;
}

// Inserts and removals, one function per array kind (see the file comment), without splice's
// result array. pop() stays in the optimized code; assigning length calls into the runtime.

/** Inserts v at index i of a scores array. */
function insertScore(arr: number[], i: number, v: number): void {
  let j = arr.length;
  arr.push(v);
  for (; j > i; j--) arr[j] = arr[j - 1]!;
  arr[i] = v;
}

/** Inserts v at index i of a members array. */
function insertMember(arr: string[], i: number, v: string): void {
  let j = arr.length;
  arr.push(v);
  for (; j > i; j--) arr[j] = arr[j - 1]!;
  arr[i] = v;
}

/** Removes k entries from index i of a scores array. */
function removeScores(arr: number[], i: number, k: number): void {
  const n = arr.length;
  for (let j = i + k; j < n; j++) arr[j - k] = arr[j]!;
  for (let j = 0; j < k; j++) arr.pop();
}

/** Removes k entries from index i of a members array. */
function removeMembers(arr: string[], i: number, k: number): void {
  const n = arr.length;
  for (let j = i + k; j < n; j++) arr[j - k] = arr[j]!;
  for (let j = 0; j < k; j++) arr.pop();
}

/** First index of node `n` whose pair fails the leading predicate (its length when none). */
function firstFailing(n: TreeNode, pred: Leading): number {
  const s = n.scores, m = n.members;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(m[mid]!, s[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
