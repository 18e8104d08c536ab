/**
 * The failover state machine (Redis's sentinelFailoverStateMachine and its steps), run by the
 * driver on every tick for a master in failover:
 *   WAIT_START (win the election for the failover epoch, or abort after the election timeout)
 *   -> SELECT_SLAVE (select-replica.ts) -> SEND_SLAVEOF_NOONE -> WAIT_PROMOTION (INFO, asked
 *   right after SLAVEOF NO ONE, shows role:master; the driver moves on to RECONF_SLAVES)
 *   -> RECONF_SLAVES (the other replicas are pointed at the new master, parallel-syncs at a time)
 *   -> UPDATE_CONFIG (the driver switches the master's address: +switch-master).
 * failover-timeout bounds the promotion and the reconfiguration; a failed attempt may be retried
 * after twice failover-timeout.
 */
import { describe, type Instance } from './instance.js';
import { selectReplica } from './select-replica.js';
import type { Sentinel } from './sentinel.js';

export function startFailover(s: Sentinel, m: Instance): void {
  const now = s.now();
  m.failoverState = 'wait_start';
  m.failoverInProgress = true;
  m.failoverEpoch = ++s.currentEpoch;
  s.event('warning', '+new-epoch', String(s.currentEpoch), m);
  s.event('warning', '+try-failover', describe(m), m);
  m.failoverStartTimeMs = now + s.random(s.timing.maxDesyncMs);
  m.failoverStateChangeTimeMs = now;
}

export function abortFailover(s: Sentinel, m: Instance): void {
  m.failoverInProgress = false;
  m.forceFailover = false;
  m.failoverState = 'none';
  m.failoverStateChangeTimeMs = s.now();
  if (m.promotedReplica !== null) {
    m.promotedReplica.promoted = false;
    m.promotedReplica = null;
  }
  // Only a newer configuration aborts a failover past the promotion (sentinel.ts, processHello):
  // the replicas' reconfiguration marks of the abandoned one must not count in the next one.
  for (const r of m.replicas.values()) r.reconfSent = r.reconfInprog = r.reconfDone = false;
}

function enter(s: Sentinel, m: Instance, state: Instance['failoverState']): void {
  m.failoverState = state;
  m.failoverStateChangeTimeMs = s.now();
}

export function failoverStateMachine(s: Sentinel, m: Instance): void {
  if (!m.failoverInProgress) return;
  switch (m.failoverState) {
    case 'wait_start': return waitStart(s, m);
    case 'select_slave': return selectSlave(s, m);
    case 'send_slaveof_noone': return sendSlaveOfNoOne(s, m);
    case 'wait_promotion': return waitPromotion(s, m);
    case 'reconf_slaves': return reconfNextSlave(s, m);
    case 'none':
    case 'update_config':
      return;
  }
}

function waitStart(s: Sentinel, m: Instance): void {
  const leader = s.getLeader(m, m.failoverEpoch);
  const isLeader = leader !== null && leader.toLowerCase() === s.myId.toLowerCase();
  if (!isLeader && !m.forceFailover) {
    const electionTimeout = Math.min(s.timing.electionTimeoutMs, m.failoverTimeoutMs);
    if (s.now() - m.failoverStartTimeMs > electionTimeout) {
      s.event('warning', '-failover-abort-not-elected', describe(m), m);
      abortFailover(s, m);
    }
    return;
  }
  s.event('warning', '+elected-leader', describe(m), m);
  if (s.crashAfterElection) s.onCrash('crash-after-election');
  enter(s, m, 'select_slave');
  s.event('warning', '+failover-state-select-slave', describe(m), m);
}

function selectSlave(s: Sentinel, m: Instance): void {
  const now = s.now();
  const candidates = [...m.replicas.values()].map((r) => ({
    r, down: r.sdown || r.odown, disconnected: r.link.disconnected, lastAvailTimeMs: r.link.lastAvailTimeMs,
    infoRefreshMs: r.infoRefreshMs, masterLinkDownMs: r.masterLinkDownMs, priority: r.slavePriority,
    replOffset: r.slaveReplOffset, runId: r.runId,
  }));
  const chosen = selectReplica({ nowMs: now, downAfterMs: m.downAfterMs, sdown: m.sdown, sdownSinceMs: m.sdownSinceMs }, candidates);
  if (chosen === null) {
    s.event('warning', '-failover-abort-no-good-slave', describe(m), m);
    abortFailover(s, m);
    return;
  }
  const r = chosen.r;
  s.event('warning', '+selected-slave', describe(r), r);
  r.promoted = true;
  m.promotedReplica = r;
  enter(s, m, 'send_slaveof_noone');
  s.event('notice', '+failover-state-send-slaveof-noone', describe(r), r);
}

function sendSlaveOfNoOne(s: Sentinel, m: Instance): void {
  const p = m.promotedReplica!;
  if (p.link.disconnected) {
    if (s.now() - m.failoverStateChangeTimeMs > m.failoverTimeoutMs) {
      s.event('warning', '-failover-abort-slave-timeout', describe(m), m);
      abortFailover(s, m);
    }
    return;
  }
  if (!s.sendReplicaOf(p, null, 0)) return;
  s.event('notice', '+failover-state-wait-promotion', describe(p), p);
  enter(s, m, 'wait_promotion');
  // Garrison asks at once whether the promotion took (INFO after the EXEC on the same link); Redis
  // waits for the next 1 s INFO period, which puts ~0.9 s between +selected-slave and
  // +promoted-slave. The reply moves the failover on exactly as a periodic INFO would.
  s.sendInfo(p);
}

function waitPromotion(s: Sentinel, m: Instance): void {
  if (s.now() - m.failoverStateChangeTimeMs > m.failoverTimeoutMs) {
    s.event('warning', '-failover-abort-slave-timeout', describe(m), m);
    abortFailover(s, m);
  }
}

function reconfNextSlave(s: Sentinel, m: Instance): void {
  const p = m.promotedReplica!;
  const now = s.now();
  let inProgress = 0;
  for (const r of m.replicas.values()) if (r.reconfSent || r.reconfInprog) inProgress++;
  for (const r of m.replicas.values()) {
    if (inProgress >= m.parallelSyncs) break;
    if (r.promoted || r.reconfDone) continue;
    if (r.reconfSent && now - r.slaveReconfSentTimeMs > s.timing.replicaReconfTimeoutMs) {
      s.event('notice', '-slave-reconf-sent-timeout', describe(r), r);
      r.reconfSent = false;
      r.reconfDone = true;
      continue;
    }
    if (r.reconfSent || r.reconfInprog || r.link.disconnected) continue;
    if (s.sendReplicaOf(r, p.host, p.port)) {
      r.reconfSent = true;
      r.slaveReconfSentTimeMs = now;
      s.event('notice', '+slave-reconf-sent', describe(r), r);
      inProgress++;
    }
  }
  detectEnd(s, m);
}

function detectEnd(s: Sentinel, m: Instance): void {
  const p = m.promotedReplica;
  if (p === null || p.sdown) return;
  let notReconfigured = 0;
  for (const r of m.replicas.values()) {
    if (r.promoted || r.reconfDone || r.sdown) continue;
    notReconfigured++;
  }
  let timeout = false;
  if (s.now() - m.failoverStateChangeTimeMs > m.failoverTimeoutMs) {
    notReconfigured = 0;
    timeout = true;
    s.event('warning', '+failover-end-for-timeout', describe(m), m);
  }
  if (notReconfigured === 0) {
    s.event('warning', '+failover-end', describe(m), m);
    enter(s, m, 'update_config');
  }
  if (timeout) {
    for (const r of m.replicas.values()) {
      if (r.promoted || r.reconfDone || r.reconfSent || r.link.disconnected) continue;
      if (s.sendReplicaOf(r, p.host, p.port)) s.event('notice', '+slave-reconf-sent-be', describe(r), r);
    }
  }
}
