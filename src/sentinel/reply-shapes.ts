/**
 * The replies of SENTINEL MASTER(S) / REPLICAS / SENTINELS (Redis's addReplySentinelRedisInstance):
 * field/value maps (flat arrays in RESP2) with Redis 7.0's fields in its order, times as ages in ms.
 */
import { map, type Reply } from '../protocol/reply.js';
import type { Instance } from './instance.js';

export function instanceReply(ri: Instance, nowMs: number): Reply {
  const l = ri.link;
  const kv: Reply[] = [
    'name', ri.name, 'ip', ri.host, 'port', ri.port, 'runid', ri.runId ?? '', 'flags', ri.flagsText(),
    'link-pending-commands', l.pending, 'link-refcount', 1,
  ];
  if (ri.failoverInProgress) kv.push('failover-state', ri.failoverState);
  kv.push(
    'last-ping-sent', l.actPingTimeMs !== 0 ? nowMs - l.actPingTimeMs : 0,
    'last-ok-ping-reply', nowMs - l.lastAvailTimeMs,
    'last-ping-reply', nowMs - l.lastPongTimeMs,
  );
  if (ri.sdown) kv.push('s-down-time', nowMs - ri.sdownSinceMs);
  if (ri.odown) kv.push('o-down-time', nowMs - ri.odownSinceMs);
  kv.push('down-after-milliseconds', ri.kind === 'master' ? ri.downAfterMs : ri.master!.downAfterMs);
  if (ri.kind !== 'sentinel') {
    kv.push(
      'info-refresh', ri.infoRefreshMs !== 0 ? nowMs - ri.infoRefreshMs : 0,
      'role-reported', ri.roleReported,
      'role-reported-time', nowMs - ri.roleReportedTimeMs,
    );
  }
  if (ri.kind === 'master') {
    kv.push(
      'config-epoch', ri.configEpoch, 'num-slaves', ri.replicas.size, 'num-other-sentinels', ri.sentinels.size,
      'quorum', ri.quorum, 'failover-timeout', ri.failoverTimeoutMs, 'parallel-syncs', ri.parallelSyncs,
    );
    if (ri.notificationScript !== null) kv.push('notification-script', ri.notificationScript);
    if (ri.clientReconfigScript !== null) kv.push('client-reconfig-script', ri.clientReconfigScript);
  }
  if (ri.kind === 'slave') {
    kv.push(
      'master-link-down-time', ri.masterLinkDownMs,
      'master-link-status', ri.slaveMasterLinkUp ? 'ok' : 'err',
      'master-host', ri.slaveMasterHost ?? '?',
      'master-port', ri.slaveMasterPort,
      'slave-priority', ri.slavePriority,
      'slave-repl-offset', ri.slaveReplOffset,
      'replica-announced', ri.replicaAnnounced ? 1 : 0,
    );
  }
  if (ri.kind === 'sentinel') {
    kv.push('last-hello-message', nowMs - ri.lastHelloTimeMs, 'voted-leader', ri.leader ?? '?', 'voted-leader-epoch', ri.leaderEpoch);
  }
  return map(kv);
}
