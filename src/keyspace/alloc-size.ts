/**
 * Redis's allocation sizes, for MEMORY USAGE and DEBUG OBJECT estimates that match what a real
 * redis-server (jemalloc) reports: jemalloc's size classes and the size of an sds string.
 */

/** jemalloc's size class for an allocation of `n` bytes (8, 16, 32, 48 ... then 4 per doubling). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const delta = 2 ** (Math.ceil(Math.log2(n)) - 3);
  return Math.ceil(n / delta) * delta;
}

/** Allocation of an sds of `len` bytes as sdsnewlen sizes it (type 5 below 32 bytes, not when empty). */
export function sdsAllocBytes(len: number): number {
  const header = len === 0 ? 3 : len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocSize(header + len + 1);
}
