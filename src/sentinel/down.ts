/**
 * Down detection, as pure decisions (Redis's sentinelCheckSubjectivelyDown and
 * sentinelCheckObjectivelyDown). Subjectively down (SDOWN): no valid PING reply for
 * down-after-milliseconds, counted from the oldest unanswered PING (or, with no PING in flight,
 * from the last time the link was usable while it is disconnected); also a master that keeps
 * reporting itself a replica for longer than down-after plus two INFO periods, and (7.0) a master
 * that rebooted and has not been available for master-reboot-down-after-period. Objectively down
 * (ODOWN): a master in SDOWN whose own vote plus the sentinels that said "down" reaches the quorum.
 */
import { INFO_PERIOD_MS } from './constants.js';

export interface SdownFacts {
  nowMs: number;
  downAfterMs: number;
  /** Time of the oldest PING not answered yet (0: none in flight). */
  actPingTimeMs: number;
  disconnected: boolean;
  lastAvailTimeMs: number;
  /** Instance configured as a master whose INFO says role:slave, since when. */
  isMaster: boolean;
  reportsReplica: boolean;
  roleReportedTimeMs: number;
  /** 7.0: the master rebooted (run id changed) and master-reboot-down-after-period is set. */
  masterReboot: boolean;
  masterRebootSinceMs: number;
  masterRebootDownAfterMs: number;
}

/** Milliseconds without a valid reply, as Redis computes it. */
export function unresponsiveMs(f: Pick<SdownFacts, 'nowMs' | 'actPingTimeMs' | 'disconnected' | 'lastAvailTimeMs'>): number {
  if (f.actPingTimeMs !== 0) return f.nowMs - f.actPingTimeMs;
  if (f.disconnected) return f.nowMs - f.lastAvailTimeMs;
  return 0;
}

export function isSubjectivelyDown(f: SdownFacts): boolean {
  if (unresponsiveMs(f) > f.downAfterMs) return true;
  if (f.isMaster && f.reportsReplica && f.nowMs - f.roleReportedTimeMs > f.downAfterMs + INFO_PERIOD_MS * 2) return true;
  if (f.masterReboot && f.nowMs - f.masterRebootSinceMs > f.masterRebootDownAfterMs) return true;
  return false;
}

/** ODOWN: the votes counted (this sentinel's own SDOWN plus the others' "down" replies). */
export function objectiveDown(sdown: boolean, othersSayingDown: number, quorum: number): { odown: boolean; votes: number } {
  if (!sdown) return { odown: false, votes: 0 };
  const votes = 1 + othersSayingDown;
  return { odown: votes >= quorum, votes };
}

/**
 * Whether a command link should be dropped and redialled: connected for a while, a PING pending
 * for more than half down-after and no PONG for as long (Redis does this to recover from links
 * that are up but stuck). The pub/sub link likewise when silent for three hello periods.
 */
export function isCommandLinkStale(nowMs: number, connSinceMs: number, actPingTimeMs: number, lastPongMs: number, downAfterMs: number, minReconnectMs: number): boolean {
  return connSinceMs !== 0 && nowMs - connSinceMs > minReconnectMs && actPingTimeMs !== 0 &&
    nowMs - actPingTimeMs > downAfterMs / 2 && nowMs - lastPongMs > downAfterMs / 2;
}

export function isPubsubLinkStale(nowMs: number, connSinceMs: number, lastActivityMs: number, minReconnectMs: number, publishPeriodMs: number): boolean {
  return connSinceMs !== 0 && nowMs - connSinceMs > minReconnectMs && nowMs - lastActivityMs > publishPeriodMs * 3;
}

/** TILT: the time between two timer runs went backwards or took more than the trigger. */
export function tiltTriggered(previousMs: number, nowMs: number, triggerMs: number): boolean {
  const delta = nowMs - previousMs;
  return delta < 0 || delta > triggerMs;
}
