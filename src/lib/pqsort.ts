/**
 * Redis's partial quicksort (pqsort.c, from NetBSD's qsort): sorts only as much of an array as it
 * takes to put the elements of ranks [lrange, rrange] in place, skipping the partitions that lie
 * outside. Redis uses it where a reply needs the first few of many sorted elements: GEOSEARCH and
 * GEORADIUS with COUNT, and SORT ... BY ... LIMIT. It is not stable, so which of several equal
 * elements comes out first depends on the algorithm's exact steps; Garrison follows them (pivot
 * choice by median of three or of nine, the partition that gathers equal elements at both ends
 * and swaps them back to the middle, insertion sort below 7 elements) so that ties come out in
 * Redis's order. Only the elements of ranks [lrange, rrange] are guaranteed in order.
 */

type Cmp<T> = (a: T, b: T) => number;

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i]!;
  v[i] = v[j]!;
  v[j] = t;
}

/** Swaps the `n` elements from `i` with the `n` from `j`, pairwise in order. */
function swapRuns<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

/** The index holding the median of v[a], v[b], v[c], chosen as Redis's med3 does. */
function median3<T>(v: T[], a: number, b: number, c: number, cmp: Cmp<T>): number {
  if (cmp(v[a]!, v[b]!) < 0) {
    if (cmp(v[b]!, v[c]!) < 0) return b;
    return cmp(v[a]!, v[c]!) < 0 ? c : a;
  }
  if (cmp(v[b]!, v[c]!) > 0) return b;
  return cmp(v[a]!, v[c]!) < 0 ? a : c;
}

function insertionSort<T>(v: T[], from: number, n: number, cmp: Cmp<T>): void {
  for (let i = from + 1; i < from + n; i++) {
    for (let j = i; j > from && cmp(v[j - 1]!, v[j]!) > 0; j--) swap(v, j, j - 1);
  }
}

/** Sorts `v` enough that ranks lrange..rrange (inclusive, 0-based) hold what a full sort puts there. */
export function pqsort<T>(v: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  sortPart(v, 0, v.length, cmp, lrange, rrange);
}

/** The n elements from index `from`: partition, recurse left, iterate right (as Redis's _pqsort). */
function sortPart<T>(v: T[], from: number, n: number, cmp: Cmp<T>, lo: number, hi: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(v, from, n, cmp);
      return;
    }
    let pm = from + Math.floor(n / 2);
    if (n > 7) {
      let pl = from;
      let pn = from + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = median3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = median3(v, pm - d, pm, pm + d, cmp);
        pn = median3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = median3(v, pl, pm, pn, cmp);
    }
    swap(v, from, pm);
    // [from+1, pa) equal to the pivot, [pa, pb) less, (pc, pd] greater, (pd, end) equal.
    let pa = from + 1, pb = from + 1;
    let pc = from + n - 1, pd = from + n - 1;
    for (;;) {
      let c = 0;
      while (pb <= pc && (c = cmp(v[pb]!, v[from]!)) <= 0) {
        if (c === 0) swap(v, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(v[pc]!, v[from]!)) >= 0) {
        if (c === 0) swap(v, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb++, pc--);
    }
    // Move both runs of equal elements to the middle.
    const end = from + n;
    let r = Math.min(pa - from, pb - pa);
    swapRuns(v, from, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRuns(v, pb, end - r, r);
    // Recurse into the smaller-than part, then loop on the greater-than part, each only when it
    // overlaps the ranks wanted.
    r = pb - pa;
    if (r > 1 && !outside(lo, hi, from, r)) sortPart(v, from, r, cmp, lo, hi);
    r = pd - pc;
    if (r <= 1) return;
    from = end - r;
    n = r;
    if (outside(lo, hi, from, r)) return;
  }
}

/**
 * Whether ranks lo..hi miss the `count` elements from `from`, as Redis tests it on byte addresses:
 * lo is the first byte of element lo, hi the last byte of element hi (so lo > hi, an empty range,
 * still overlaps a part that starts at lo). Two "bytes" per element reproduce that.
 */
function outside(lo: number, hi: number, from: number, count: number): boolean {
  const l = 2 * lo, h = 2 * hi + 1;
  const first = 2 * from, last = 2 * (from + count) - 1;
  return (l < first && h < first) || (l > last && h > last);
}
