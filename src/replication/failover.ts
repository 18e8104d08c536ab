/**
 * FAILOVER (Redis 6.2+): a coordinated hand-over of the master role to a replica without losing
 * acknowledged writes. The master pauses writes, waits until the target replica (or any replica)
 * has acknowledged the whole stream, then becomes a replica of it with `PSYNC <replid> <offset>
 * FAILOVER`, which makes the target promote itself and continue partially. A timeout aborts it
 * (or, with FORCE, hands over anyway); ABORT and a rejected PSYNC undo it.
 */
import { parseInt64Number } from '../lib/int64.js';
import { error, OK, type Reply } from '../protocol/reply.js';
import type { Replication } from './replication.js';

export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

export class Failover {
  state: FailoverState = 'no-failover';
  private target: { host: string; port: number } | null = null;
  private endTimeMs = 0;
  private force = false;

  constructor(private readonly repl: Replication) {}

  private get server() {
    return this.repl.server;
  }

  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT */
  command(argv: string[]): Reply {
    const server = this.server;
    if (server.config.bool('cluster-enabled')) return error('ERR FAILOVER not allowed in cluster mode.');
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'abort') {
      if (this.state === 'no-failover') return error('ERR No failover in progress.');
      this.abort('Failover manually aborted');
      return OK;
    }
    let timeout = 0;
    let force = false;
    let host: string | null = null;
    let port = 0;
    for (let j = 1; j < argv.length; j++) {
      const a = argv[j]!.toLowerCase();
      if (a === 'timeout' && j + 1 < argv.length && timeout === 0) {
        const t = parseInt64Number(argv[j + 1]!);
        if (t === null) return error('ERR value is not an integer or out of range');
        if (t <= 0) return error('ERR FAILOVER timeout must be greater than 0');
        timeout = t;
        j++;
      } else if (a === 'to' && j + 2 < argv.length && host === null) {
        const p = parseInt64Number(argv[j + 2]!);
        if (p === null) return error('ERR value is not an integer or out of range');
        host = argv[j + 1]!;
        port = p;
        j += 2;
      } else if (a === 'force' && !force) {
        force = true;
      } else {
        return error('ERR syntax error');
      }
    }
    if (this.state !== 'no-failover') return error('ERR FAILOVER already in progress.');
    if (this.repl.link !== null) return error('ERR FAILOVER is not valid when server is a replica.');
    if (this.repl.master.replicas.size === 0) return error('ERR FAILOVER requires connected replicas.');
    if (force && (timeout === 0 || host === null)) {
      return error('ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
    }
    if (host !== null) {
      const r = this.findReplica(host, port);
      if (r === undefined) return error('ERR FAILOVER target HOST and PORT is not a replica.');
      if (r.state !== 'online') return error('ERR FAILOVER target replica is not online.');
      this.target = { host, port };
      server.logger.notice(`FAILOVER requested to ${host}:${port}.`);
    } else {
      server.logger.notice('FAILOVER requested to any replica.');
    }
    this.endTimeMs = timeout !== 0 ? server.env.clock.nowMs() + timeout : 0;
    this.force = force;
    this.state = 'waiting-for-sync';
    server.setFailoverPause(true);
    this.repl.master.requestAcks();
    return OK;
  }

  private findReplica(host: string, port: number) {
    for (const r of this.repl.master.replicas.values()) {
      if (r.ip() === host && r.hs.listeningPort === port) return r;
    }
    return undefined;
  }

  /** Progress check, run on every tick and ACK (Redis's updateFailoverStatus). */
  update(nowMs: number): void {
    if (this.state !== 'waiting-for-sync') return;
    const offset = this.repl.offset;
    if (this.endTimeMs !== 0 && nowMs >= this.endTimeMs) {
      if (this.force && this.target !== null) {
        this.server.logger.notice(`FAILOVER to ${this.target.host}:${this.target.port} is being forced.`);
        this.handOver(this.target.host, this.target.port);
      } else {
        this.abort('Replica never caught up before timeout');
      }
      return;
    }
    for (const r of this.repl.master.replicas.values()) {
      if (r.state !== 'online' || r.ackOffset !== offset) continue;
      if (this.target !== null && (r.ip() !== this.target.host || r.hs.listeningPort !== this.target.port)) continue;
      this.server.logger.notice(`Failover target ${r.ip()}:${r.hs.listeningPort} is synced, failing over.`);
      this.handOver(r.ip(), r.hs.listeningPort);
      return;
    }
  }

  private handOver(host: string, port: number): void {
    this.target = { host, port };
    this.state = 'failover-in-progress';
    this.repl.setMaster(host, port, true, true);
  }

  /** The link's PSYNC FAILOVER was accepted (or refused): the failover ends either way. */
  psyncResult(accepted: boolean): void {
    if (this.state !== 'failover-in-progress') return;
    if (accepted) this.clear();
    else this.abort('Failover target rejected psync request');
  }

  abort(reason: string): void {
    const t = this.target;
    this.server.logger.notice(t !== null ? `FAILOVER to ${t.host}:${t.port} aborted: ${reason}` : `FAILOVER to any replica aborted: ${reason}`);
    if (this.state === 'failover-in-progress') this.repl.unsetMaster();
    this.clear();
  }

  private clear(): void {
    this.state = 'no-failover';
    this.target = null;
    this.endTimeMs = 0;
    this.force = false;
    this.server.setFailoverPause(false);
  }
}

