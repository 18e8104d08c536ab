/**
 * Stream entry IDs (Redis's streamID): two unsigned 64-bit numbers, milliseconds and sequence,
 * carried as bigints so every value up to 18446744073709551615 is exact. Ordering is (ms, seq).
 * Text form "ms-seq" (createStreamIDString); parsing rules live in commands/stream-args.ts.
 */

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const U64_MAX = 0xffffffffffffffffn;
export const ZERO_ID: StreamId = Object.freeze({ ms: 0n, seq: 0n });
export const MAX_ID: StreamId = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

export function streamId(ms: bigint, seq: bigint): StreamId {
  return { ms, seq };
}

export function cmpId(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The next ID (streamIncrID): null when `id` is the largest possible one. */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The previous ID (streamDecrID): null when `id` is 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return null;
}
