/**
 * INFO replication and ROLE as Redis 7.0 prints them, from the replication module's state.
 */
import type { Reply } from '../protocol/reply.js';
import type { Server } from '../server/server.js';
import type { Replication } from './replication.js';
import { roleStateName } from './replica.js';

function replicaLines(repl: Replication, nowMs: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (const r of repl.master.replicas.values()) {
    const ip = r.ip();
    if (ip === '') continue;
    const state = r.state === 'online' ? 'online' : 'wait_bgsave';
    const lag = Math.floor((nowMs - r.ackTimeMs) / 1000);
    out.push(`slave${i++}:ip=${ip},port=${r.hs.listeningPort},state=${state},offset=${r.ackOffset},lag=${lag}`);
  }
  return out;
}

export function replicationInfo(server: Server, repl: Replication): string[] {
  const now = server.env.clock.nowMs();
  const cfg = server.config;
  const out: string[] = [];
  const link = repl.link;
  if (link === null) {
    out.push('role:master');
  } else {
    const up = link.linkUp;
    out.push(
      'role:slave',
      `master_host:${link.host}`,
      `master_port:${link.port}`,
      `master_link_status:${up ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${link.masterClient !== null ? Math.floor((now - link.lastIoMs) / 1000) : -1}`,
      `master_sync_in_progress:${link.state === 'transfer' ? 1 : 0}`,
      `slave_read_repl_offset:${repl.offset}`,
      `slave_repl_offset:${repl.offset}`,
    );
    if (link.state === 'transfer') {
      const p = link.syncProgress();
      const total = Math.max(0, p.total);
      const perc = total > 0 ? (p.read * 100) / total : 0;
      out.push(
        `master_sync_total_bytes:${p.total}`,
        `master_sync_read_bytes:${p.read}`,
        `master_sync_left_bytes:${p.total - p.read}`,
        `master_sync_perc:${perc.toFixed(2)}`,
        `master_sync_last_io_seconds_ago:${Math.floor((now - link.transferLastIoMs) / 1000)}`,
      );
    }
    if (!up) out.push(`master_link_down_since_seconds:${link.downSinceMs !== 0 ? Math.floor((now - link.downSinceMs) / 1000) : -1}`);
    out.push(
      `slave_priority:${cfg.int('replica-priority')}`,
      `slave_read_only:${cfg.bool('replica-read-only') ? 1 : 0}`,
      `replica_announced:${cfg.bool('replica-announced') ? 1 : 0}`,
    );
  }
  out.push(`connected_slaves:${repl.master.replicas.size}`);
  if (cfg.int('min-replicas-to-write') > 0 && cfg.int('min-replicas-max-lag') > 0) {
    out.push(`min_slaves_good_slaves:${repl.master.goodReplicas}`);
  }
  out.push(...replicaLines(repl, now));
  const b = repl.backlog;
  out.push(
    `master_failover_state:${repl.failover.state}`,
    `master_replid:${repl.ids.replid}`,
    `master_replid2:${repl.ids.replid2}`,
    `master_repl_offset:${repl.offset}`,
    `second_repl_offset:${repl.ids.secondOffset}`,
    `repl_backlog_active:${b !== null ? 1 : 0}`,
    `repl_backlog_size:${cfg.int('repl-backlog-size')}`,
    `repl_backlog_first_byte_offset:${b !== null ? b.firstByteOffset : 0}`,
    `repl_backlog_histlen:${b !== null ? b.histlen : 0}`,
  );
  return out;
}

export function roleReply(repl: Replication): Reply {
  const link = repl.link;
  if (link === null) {
    const replicas: Reply[] = [];
    for (const r of repl.master.replicas.values()) {
      if (r.state !== 'online') continue;
      replicas.push([r.ip(), String(r.hs.listeningPort), String(r.ackOffset)]);
    }
    return ['master', repl.offset, replicas];
  }
  return ['slave', link.host, link.port, roleStateName(link.state), link.masterClient !== null ? repl.offset : -1];
}
