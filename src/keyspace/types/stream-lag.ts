/**
 * Redis 7.0's consumer-group read counters: whether a range of a stream may hold deleted entries
 * (streamRangeHasTombstones), the logical position of an ID counted from the first entry ever
 * added (streamEstimateDistanceFromFirstEverEntry), and a group's lag (streamReplyWithCGLag) —
 * the numbers behind XINFO's entries-read and lag, and XREADGROUP's counter updates.
 */
import type { StreamGroup } from './stream-group.js';
import { ENTRIES_READ_INVALID } from './stream-group.js';
import { cmpId, isZeroId, MAX_ID, ZERO_ID, type StreamId } from './stream-id.js';
import type { StreamValue } from './stream.js';

/** True when start <= max-deleted-entry-id <= end and that tombstone may be inside the stream. */
export function rangeHasTombstones(s: StreamValue, start: StreamId | null, end: StreamId | null): boolean {
  if (s.length === 0 || isZeroId(s.maxDeletedId)) return false;
  if (cmpId(s.firstId(), s.maxDeletedId) > 0) return false;
  return cmpId(start ?? ZERO_ID, s.maxDeletedId) <= 0 && cmpId(s.maxDeletedId, end ?? MAX_ID) <= 0;
}

/** The number of entries added up to `id` inclusive, or -1 when it cannot be known. */
export function estimateDistance(s: StreamValue, id: StreamId): bigint {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && cmpId(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = cmpId(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return ENTRIES_READ_INVALID;
  const first = s.firstId();
  const cmpFirst = cmpId(id, first);
  if (isZeroId(s.maxDeletedId) || cmpId(s.maxDeletedId, first) < 0) {
    if (cmpFirst < 0) return BigInt.asIntN(64, s.entriesAdded - BigInt(s.length));
    if (cmpFirst === 0) return BigInt.asIntN(64, s.entriesAdded - BigInt(s.length) + 1n);
  }
  return ENTRIES_READ_INVALID;
}

/** The group's lag (a long long difference, wrapping as Redis's does), or null when it cannot be computed. */
export function groupLag(s: StreamValue, g: StreamGroup): bigint | null {
  if (s.entriesAdded === 0n) return 0n;
  if (g.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(s, g.lastId, null)) return BigInt.asIntN(64, s.entriesAdded - g.entriesRead);
  const read = estimateDistance(s, g.lastId);
  return read === ENTRIES_READ_INVALID ? null : BigInt.asIntN(64, s.entriesAdded - read);
}

/** A group's counters after it delivers `id` (beyond its last ID) for the first time. */
export function advanceGroup(s: StreamValue, g: StreamGroup, id: StreamId): void {
  if (g.entriesRead !== ENTRIES_READ_INVALID && !rangeHasTombstones(s, id, null)) g.entriesRead = BigInt.asIntN(64, g.entriesRead + 1n);
  else if (s.entriesAdded !== 0n) g.entriesRead = estimateDistance(s, id);
  g.lastId = id;
}
