/**
 * Which replica to promote (Redis's sentinelSelectSlave and compareSlavesForPromotion). Excluded:
 * replicas in SDOWN or ODOWN, disconnected, not available for five PING periods, with priority 0,
 * whose INFO is older than 3 INFO periods (5 PING periods when the master is in SDOWN, since INFO
 * then comes every second), or whose link to the master has been down longer than ten times
 * down-after-milliseconds (plus the time the master has been in SDOWN). The others are ordered by
 * priority (lower first), replication offset (higher first), then run id (lexicographic, a
 * replica with no known run id last).
 */
import { INFO_PERIOD_MS, PING_PERIOD_MS } from './constants.js';

export interface ReplicaFacts {
  down: boolean;
  disconnected: boolean;
  lastAvailTimeMs: number;
  infoRefreshMs: number;
  masterLinkDownMs: number;
  priority: number;
  replOffset: number;
  runId: string | null;
}

export interface MasterFacts {
  nowMs: number;
  downAfterMs: number;
  sdown: boolean;
  sdownSinceMs: number;
}

export function isReplicaEligible(m: MasterFacts, r: ReplicaFacts): boolean {
  let maxMasterDownMs = m.downAfterMs * 10;
  if (m.sdown) maxMasterDownMs += m.nowMs - m.sdownSinceMs;
  const infoValidityMs = m.sdown ? PING_PERIOD_MS * 5 : INFO_PERIOD_MS * 3;
  if (r.down || r.disconnected) return false;
  if (m.nowMs - r.lastAvailTimeMs > PING_PERIOD_MS * 5) return false;
  if (r.priority === 0) return false;
  if (m.nowMs - r.infoRefreshMs > infoValidityMs) return false;
  if (r.masterLinkDownMs > maxMasterDownMs) return false;
  return true;
}

export function compareForPromotion(a: ReplicaFacts, b: ReplicaFacts): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.replOffset !== b.replOffset) return a.replOffset > b.replOffset ? -1 : 1;
  if (a.runId === null) return b.runId === null ? 0 : 1;
  if (b.runId === null) return -1;
  const x = a.runId.toLowerCase();
  const y = b.runId.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function selectReplica<R extends ReplicaFacts>(m: MasterFacts, replicas: readonly R[]): R | null {
  const ok = replicas.filter((r) => isReplicaEligible(m, r));
  ok.sort(compareForPromotion);
  return ok[0] ?? null;
}
