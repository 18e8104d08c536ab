/**
 * XINFO STREAM's radix-tree-nodes: how many nodes Redis's rax holds for the stream's node keys
 * (16-byte big-endian master IDs). For keys of equal length the rax built by insertions (and
 * re-compressed by deletions) is canonical: a node per maximal single-child chain (compressed, or
 * a plain node for one byte), a node per branching point, and an empty leaf per key; an empty rax
 * is its root alone.
 */

function keyBytes(ms: bigint, seq: bigint): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(ms, 0);
  b.writeBigUInt64BE(seq, 8);
  return b;
}

function count(keys: readonly Buffer[], depth: number): number {
  const len = 16 - depth;
  if (len === 0) return 1;
  if (keys.length === 1) return 2;
  // Longest common prefix from `depth`.
  let k = 0;
  const first = keys[0]!;
  outer: for (; k < len; k++) {
    const ch = first[depth + k];
    for (const key of keys) if (key[depth + k] !== ch) break outer;
  }
  if (k > 0) return 1 + count(keys, depth + k);
  let total = 1;
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i === keys.length || keys[i]![depth] !== keys[start]![depth]) {
      total += count(keys.slice(start, i), depth + 1);
      start = i;
    }
  }
  return total;
}

/** Node count of a rax holding these (ascending) IDs as keys. */
export function raxNodeCount(ids: readonly { ms: bigint; seq: bigint }[]): number {
  if (ids.length === 0) return 1;
  return count(ids.map((id) => keyBytes(id.ms, id.seq)), 0);
}
