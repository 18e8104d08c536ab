/**
 * The Sentinel driver (Redis's sentinel.c timer and reply handlers, without the I/O details): the
 * masters it monitors with their replicas and fellow sentinels, the links it dials through the
 * Transport port, the periodic probes (INFO every 10 s, every 1 s for the replicas of a master in
 * ODOWN or failover; PING every second or down-after if shorter; hello every 2 s), discovery of
 * replicas from INFO and of sentinels from hello messages, SDOWN/ODOWN with is-master-down-by-addr,
 * epochs and votes, TILT mode, and the failover state machine (failover.ts). Everything runs from
 * `tick()` (the node's tick) and from link callbacks; time and randomness come from the injected
 * Environment, so the simulator runs the same code.
 */
import { Link } from '../link/index.js';
import { isError, type Reply } from '../protocol/reply.js';
import type { Environment, LogLevel } from '../runtime/ports.js';
import {
  ASK_PERIOD_MS, DEFAULT_DOWN_AFTER_MS, DEFAULT_FAILOVER_TIMEOUT_MS, ELECTION_TIMEOUT_MS, HELLO_CHANNEL, REPLICA_RECONF_TIMEOUT_MS, INFO_PERIOD_MS, MAX_DESYNC_MS, MAX_PENDING_COMMANDS, MIN_LINK_RECONNECT_PERIOD_MS,
  PING_PERIOD_MS, PUBLISH_PERIOD_MS, SCRIPT_MAX_RUNTIME_MS, SCRIPT_RETRY_DELAY_MS, TILT_PERIOD_MS, TILT_TRIGGER_MS, TIMER_HZ,
} from './constants.js';
import { isCommandLinkStale, isPubsubLinkStale, isSubjectivelyDown, objectiveDown, tiltTriggered } from './down.js';
import { electedLeader, mostVoted, voteLeader } from './election.js';
import { ctimeText, type SentinelEvent } from './events.js';
import { abortFailover, failoverStateMachine, startFailover } from './failover.js';
import { describe, formatAddr, Instance, InstanceLink } from './instance.js';
import { formatHello, parseHello, parseInfo } from './probes.js';
import { ScriptQueue } from './scripts.js';

/** What the sentinel needs from the node hosting it. */
export interface SentinelHost {
  env: Pick<Environment, 'clock' | 'random' | 'transport' | 'processes'>;
  log(level: LogLevel, line: string): void;
  /** Publishes on this sentinel's own pub/sub channels. */
  publish(channel: string, message: string): void;
  /** Saves the state to the config file (Redis's sentinelFlushConfig). */
  flushConfig(): void;
  /** The port this sentinel listens on (announced in hello messages). */
  port(): number;
  /** Sets the rate of the timer that calls `tick()` from its next run on (Redis's server.hz). */
  setTimerHz(hz: number): void;
}

export class Sentinel {
  currentEpoch = 0;
  readonly masters = new Map<string, Instance>();
  tilt = false;
  tiltStartMs = 0;
  private previousTimeMs: number;
  announceIp = '';
  announcePort = 0;
  /**
   * `sentinel resolve-hostnames` / `announce-hostnames`: kept, reported by SENTINEL CONFIG GET and
   * written back, but Garrison uses addresses as given either way (docs/compatibility.md).
   */
  resolveHostnames = false;
  announceHostnames = false;
  /** Credentials for the links to other sentinels (`sentinel sentinel-user/sentinel-pass`). */
  sentinelUser: string | null = null;
  sentinelPass: string | null = null;
  /** SENTINEL CONFIG SET sentinel-user/pass: the links to other sentinels reconnect with the new credentials. */
  dropSentinelLinks(): void {
    for (const m of this.masters.values()) for (const x of m.sentinels.values()) x.link.closeAll();
  }

  /** SENTINEL SIMULATE-FAILURE flags. */
  crashAfterElection = false;
  crashAfterPromotion = false;
  /** Called for the simulated crashes. */
  onCrash: (reason: string) => void = () => {};
  /** Periods SENTINEL DEBUG can change (ms). */
  readonly timing = {
    infoPeriodMs: INFO_PERIOD_MS, pingPeriodMs: PING_PERIOD_MS, askPeriodMs: ASK_PERIOD_MS,
    publishPeriodMs: PUBLISH_PERIOD_MS, tiltTriggerMs: TILT_TRIGGER_MS, tiltPeriodMs: TILT_PERIOD_MS,
    maxDesyncMs: MAX_DESYNC_MS, minLinkReconnectMs: MIN_LINK_RECONNECT_PERIOD_MS,
    defaultDownAfterMs: DEFAULT_DOWN_AFTER_MS, defaultFailoverTimeoutMs: DEFAULT_FAILOVER_TIMEOUT_MS,
    replicaReconfTimeoutMs: REPLICA_RECONF_TIMEOUT_MS, electionTimeoutMs: ELECTION_TIMEOUT_MS,
    scriptMaxRuntimeMs: SCRIPT_MAX_RUNTIME_MS, scriptRetryDelayMs: SCRIPT_RETRY_DELAY_MS,
  };
  /** `sentinel deny-scripts-reconfig`: SENTINEL SET may not change script paths (default yes). */
  denyScriptsReconfig = true;
  /** Notification and client-reconfig scripts waiting or running. */
  readonly scripts: ScriptQueue;
  readonly eventListeners: Array<(e: SentinelEvent) => void> = [];

  constructor(readonly host: SentinelHost, public myId: string) {
    this.previousTimeMs = host.env.clock.nowMs();
    this.scripts = new ScriptQueue({
      runner: host.env.processes, now: () => this.now(), timing: this.timing,
      event: (level, type, text) => this.event(level, type, text, null),
    });
  }

  now(): number {
    return this.host.env.clock.nowMs();
  }

  random(n: number): number {
    return Math.floor(this.host.env.random.float() * n);
  }

  /**
   * Logs, publishes and reports an event. `about` is the instance it concerns (null for TILT and
   * script events): a warning about an instance also runs its master's notification script with
   * the event type and text.
   */
  event(level: LogLevel, type: string, text: string, about: Instance | null): void {
    this.host.log(level, `${type} ${text}`);
    if (level !== 'debug') this.host.publish(type, text);
    const e: SentinelEvent = { level, type, text, atMs: this.now() };
    for (const l of this.eventListeners) l(e);
    if (level === 'warning' && about !== null) {
      const m = about.kind === 'master' ? about : about.master;
      if (m !== null && m.notificationScript !== null) this.scripts.schedule(m.notificationScript, type, text);
    }
  }

  /**
   * Queues the master's client-reconfig script: `<master-name> <leader|observer> <state> <from-ip>
   * <from-port> <to-ip> <to-port>` (Redis 7.0 calls it with state "start", as the leader when the
   * promoted replica reports role:master and as an observer when a hello switches the master).
   */
  callClientReconfigScript(m: Instance, role: 'leader' | 'observer', state: string, from: { host: string; port: number }, to: { host: string; port: number }): void {
    if (m.clientReconfigScript === null) return;
    this.scripts.schedule(m.clientReconfigScript, m.name, role, state, from.host, String(from.port), to.host, String(to.port));
  }

  // -------------------------------------------------------------------------------------------
  // Registry

  /** SENTINEL MONITOR / `sentinel monitor`: a new master (errors as Redis's texts). */
  monitor(name: string, host: string, port: number, quorum: number): Instance | string {
    if (port < 0 || port > 65535) return 'ERR Invalid port number.';
    if (this.masters.has(name)) return 'ERR Duplicate master name.';
    const m = new Instance('master', name, host, port, null, this.now());
    m.quorum = quorum;
    m.downAfterMs = this.timing.defaultDownAfterMs;
    m.failoverTimeoutMs = this.timing.defaultFailoverTimeoutMs;
    this.masters.set(name, m);
    return m;
  }

  removeMaster(name: string): boolean {
    const m = this.masters.get(name);
    if (m === undefined) return false;
    this.releaseInstance(m);
    this.masters.delete(name);
    return true;
  }

  private releaseInstance(ri: Instance): void {
    ri.link.closeAll();
    for (const r of ri.replicas.values()) r.link.closeAll();
    for (const s of ri.sentinels.values()) s.link.closeAll();
  }

  lookupReplica(master: Instance, host: string, port: number): Instance | undefined {
    return master.replicas.get(formatAddr(host, port));
  }

  addReplica(master: Instance, host: string, port: number): Instance {
    const r = new Instance('slave', formatAddr(host, port), host, port, master, this.now());
    master.replicas.set(r.name, r);
    return r;
  }

  addSentinel(master: Instance, host: string, port: number, runId: string): Instance {
    const s = new Instance('sentinel', runId, host, port, master, this.now());
    s.runId = runId;
    master.sentinels.set(runId, s);
    return s;
  }

  /**
   * Redis's sentinelResetMaster: links closed, replicas forgotten (and sentinels unless kept),
   * flags and failover state cleared, so the master is probed afresh.
   */
  resetMaster(m: Instance, keepSentinels: boolean, generateEvent: boolean): void {
    m.link.closeAll();
    for (const r of m.replicas.values()) r.link.closeAll();
    m.replicas.clear();
    if (!keepSentinels) {
      for (const s of m.sentinels.values()) s.link.closeAll();
      m.sentinels.clear();
    }
    const now = this.now();
    m.link = new InstanceLink(now);
    m.sdown = m.odown = m.failoverInProgress = m.forceFailover = m.masterReboot = false;
    m.failoverState = 'none';
    m.failoverStateChangeTimeMs = 0;
    m.failoverStartTimeMs = 0;
    m.promotedReplica = null;
    m.leader = null;
    m.runId = null;
    m.info = '';
    m.infoRefreshMs = 0;
    m.sdownSinceMs = 0;
    m.odownSinceMs = 0;
    m.roleReported = 'master';
    m.roleReportedTimeMs = now;
    if (generateEvent) this.event('warning', '+reset-master', describe(m), m);
  }

  /**
   * Redis's sentinelResetMasterAndChangeAddress: the master moves to `host:port`; its replicas are
   * the old ones (minus the new master) plus the old master address.
   */
  resetMasterAndChangeAddress(m: Instance, host: string, port: number): void {
    const replicas: Array<[string, number]> = [];
    for (const r of m.replicas.values()) {
      if (r.host === host && r.port === port) continue;
      replicas.push([r.host, r.port]);
    }
    if (m.host !== host || m.port !== port) replicas.push([m.host, m.port]);
    this.resetMaster(m, true, false);
    m.host = host;
    m.port = port;
    for (const [h, p] of replicas) {
      const r = this.addReplica(m, h, p);
      this.event('notice', '+slave', describe(r), r);
    }
    this.host.flushConfig();
  }

  // -------------------------------------------------------------------------------------------
  // The timer

  tick(): void {
    const now = this.now();
    if (tiltTriggered(this.previousTimeMs, now, this.timing.tiltTriggerMs)) {
      this.tilt = true;
      this.tiltStartMs = now;
      this.event('warning', '+tilt', '#tilt mode entered', null);
    }
    this.previousTimeMs = now;
    const switching: Instance[] = [];
    for (const m of [...this.masters.values()]) {
      this.handleInstance(m);
      for (const r of [...m.replicas.values()]) this.handleInstance(r);
      for (const s of [...m.sentinels.values()]) this.handleInstance(s);
      if (m.failoverState === 'update_config') switching.push(m);
    }
    for (const m of switching) this.switchToPromoted(m);
    this.scripts.tick();
    // A new timer rate after every run, as Redis does: sentinels started together would otherwise
    // tick in lockstep, reach ODOWN at the same instant, each vote for itself, and split every
    // election (the simulator showed exactly that).
    this.host.setTimerHz(TIMER_HZ + this.random(TIMER_HZ));
  }

  private handleInstance(ri: Instance): void {
    this.reconnect(ri);
    this.sendPeriodicCommands(ri);
    const now = this.now();
    if (this.tilt) {
      if (now - this.tiltStartMs < this.timing.tiltPeriodMs) return;
      this.tilt = false;
      this.event('warning', '-tilt', '#tilt mode exited', null);
    }
    this.checkSubjectivelyDown(ri);
    if (ri.kind === 'master') {
      this.checkObjectivelyDown(ri);
      if (this.startFailoverIfNeeded(ri)) this.askMasterState(ri, true);
      failoverStateMachine(this, ri);
      this.askMasterState(ri, false);
    }
  }

  downAfterOf(ri: Instance): number {
    return ri.kind === 'master' ? ri.downAfterMs : ri.master!.downAfterMs;
  }

  // -------------------------------------------------------------------------------------------
  // Links

  private reconnect(ri: Instance): void {
    const l = ri.link;
    if (!l.disconnected || ri.port === 0) return;
    const now = this.now();
    if (now - l.lastReconnTimeMs < this.timing.pingPeriodMs) return;
    l.lastReconnTimeMs = now;
    const target = { host: ri.host, port: ri.port };
    const auth = ri.kind !== 'sentinel' ? ri.authFor()
      : this.sentinelPass === null ? null : { user: this.sentinelUser, pass: this.sentinelPass };
    const prefix = `sentinel-${this.myId.slice(0, 8)}`;
    if (l.cc === null) {
      const cc = new Link({ transport: this.host.env.transport, target, connectTimeoutMs: PING_PERIOD_MS * 5, auth, clientName: `${prefix}-cmd` });
      l.cc = cc;
      // The link's age counts from the dial, as Redis's cc_conn_time: the stale-link check must not
      // measure a new connection by the previous one's time (it closed every redial of an instance
      // that had been down longer than 15 s before it could connect).
      l.ccConnTimeMs = now;
      cc.onConnect = () => {
        if (ri.link !== l) return;
        this.sendPing(ri);
        this.markConnected(ri);
      };
      cc.onClose = () => {
        if (l.cc !== cc) return;
        l.cc = null;
        l.disconnected = true;
      };
      cc.connect();
      // Redis queues a PING with the new connection (sent once it is up): the wait for its reply
      // starts now, so a master that refuses connections is SDOWN down-after-milliseconds after
      // this attempt, not after its last reply.
      this.markPingPending(l);
    }
    if (ri.kind !== 'sentinel' && l.pc === null) {
      const pc = new Link({ transport: this.host.env.transport, target, connectTimeoutMs: PING_PERIOD_MS * 5, auth, clientName: `${prefix}-pubsub` });
      l.pc = pc;
      l.pcConnTimeMs = now;
      l.pcLastActivityMs = now;
      pc.onConnect = () => {
        if (ri.link !== l) return;
        l.pcLastActivityMs = this.now();
        pc.subscribe([HELLO_CHANNEL], () => { l.pcLastActivityMs = this.now(); });
        this.markConnected(ri);
      };
      pc.onMessage = (frame) => {
        l.pcLastActivityMs = this.now();
        const payload = frame[2];
        if (frame[0] === 'message' && typeof payload === 'string' && !payload.includes(this.myId)) this.processHello(payload);
      };
      pc.onClose = () => {
        if (l.pc !== pc) return;
        l.pc = null;
        l.disconnected = true;
      };
      pc.connect();
    }
  }

  private markConnected(ri: Instance): void {
    const l = ri.link;
    if (l.cc?.state === 'connected' && (ri.kind === 'sentinel' || l.pc?.state === 'connected')) l.disconnected = false;
  }

  private closeCommandLink(ri: Instance): void {
    ri.link.cc?.close();
    ri.link.cc = null;
    ri.link.disconnected = true;
  }

  private closePubsubLink(ri: Instance): void {
    ri.link.pc?.close();
    ri.link.pc = null;
    ri.link.disconnected = true;
  }

  /** Sends on the command link; false when it is not connected. */
  send(ri: Instance, argv: string[], cb?: (r: Reply) => void): boolean {
    const cc = ri.link.cc;
    return cc !== null && cc.send(argv, cb);
  }

  // -------------------------------------------------------------------------------------------
  // Periodic probes

  private sendPeriodicCommands(ri: Instance): void {
    const l = ri.link;
    if (l.disconnected) return;
    if (l.pending >= MAX_PENDING_COMMANDS) return;
    const now = this.now();
    const m = ri.master;
    const infoPeriod = ri.kind === 'slave' && m !== null && (m.odown || m.failoverInProgress || ri.masterLinkDownMs !== 0)
      ? 1000 : this.timing.infoPeriodMs;
    const pingPeriod = Math.min(this.downAfterOf(ri), this.timing.pingPeriodMs);
    if (ri.kind !== 'sentinel' && (ri.infoRefreshMs === 0 || now - ri.infoRefreshMs > infoPeriod)) {
      this.sendInfo(ri);
    }
    if (now - l.lastPongTimeMs > pingPeriod && now - l.lastPingTimeMs > pingPeriod / 2) this.sendPing(ri);
    if (now - ri.lastPubTimeMs > this.timing.publishPeriodMs) this.sendHello(ri);
  }

  /** INFO on the command link; the reply refreshes what we know of the instance. */
  sendInfo(ri: Instance): void {
    this.send(ri, [ri.mapCommand('INFO')], (r) => {
      if (typeof r === 'string') this.refreshInstanceInfo(ri, r);
    });
  }

  private sendPing(ri: Instance): void {
    const sent = this.send(ri, [ri.mapCommand('PING')], (r) => this.onPingReply(ri, r));
    if (sent) this.markPingPending(ri.link);
  }

  private markPingPending(l: InstanceLink): void {
    l.lastPingTimeMs = this.now();
    if (l.actPingTimeMs === 0) l.actPingTimeMs = l.lastPingTimeMs;
  }

  private onPingReply(ri: Instance, r: Reply): void {
    const l = ri.link;
    const now = this.now();
    if (typeof r === 'object' && r !== null && !Array.isArray(r) && 't' in r && (r.t === 'status' || r.t === 'error')) {
      const s = r.s;
      if (s.startsWith('PONG') || s.startsWith('LOADING') || s.startsWith('MASTERDOWN')) {
        l.lastAvailTimeMs = now;
        l.actPingTimeMs = 0;
        if (ri.masterReboot && s.startsWith('PONG')) ri.masterReboot = false;
      } else if (s.startsWith('BUSY') && ri.sdown) {
        this.send(ri, [ri.mapCommand('SCRIPT'), 'KILL']);
      }
    }
    l.lastPongTimeMs = now;
  }

  /** The address a master is announced at: the promoted replica's once the failover reconfigures. */
  currentMasterAddress(m: Instance): { host: string; port: number } {
    const p = m.promotedReplica;
    if (m.failoverInProgress && p !== null && (m.failoverState === 'reconf_slaves' || m.failoverState === 'update_config')) {
      return { host: p.host, port: p.port };
    }
    return { host: m.host, port: m.port };
  }

  private sendHello(ri: Instance): boolean {
    if (ri.link.disconnected) return false;
    const m = ri.kind === 'master' ? ri : ri.master!;
    const addr = this.currentMasterAddress(m);
    const ip = this.announceIp !== '' ? this.announceIp : (ri.link.cc?.localAddress ?? '');
    const port = this.announcePort !== 0 ? this.announcePort : this.host.port();
    const payload = formatHello({
      ip, port, runId: this.myId, currentEpoch: this.currentEpoch, masterName: m.name,
      masterIp: addr.host, masterPort: addr.port, masterConfigEpoch: m.configEpoch,
    });
    return this.send(ri, [ri.mapCommand('PUBLISH'), HELLO_CHANNEL, payload], (r) => {
      if (!isError(r)) ri.lastPubTimeMs = this.now();
    });
  }

  /** Makes the next tick send hello messages for the master at once (after a promotion). */
  forceHelloUpdate(m: Instance): void {
    const back = (ri: Instance): void => {
      if (ri.lastPubTimeMs >= this.timing.publishPeriodMs + 1) ri.lastPubTimeMs -= this.timing.publishPeriodMs + 1;
    };
    back(m);
    for (const r of m.replicas.values()) back(r);
    for (const s of m.sentinels.values()) back(s);
  }

  // -------------------------------------------------------------------------------------------
  // INFO

  refreshInstanceInfo(ri: Instance, text: string): void {
    const now = this.now();
    const f = parseInfo(text);
    ri.info = text;
    ri.infoRefreshMs = now;
    if (f.runId !== null && ri.runId !== f.runId) {
      if (ri.runId !== null) {
        this.event('notice', '+reboot', describe(ri), ri);
        if (ri.kind === 'master' && ri.masterRebootDownAfterMs !== 0) {
          ri.masterReboot = true;
          ri.masterRebootSinceMs = now;
        }
      }
      ri.runId = f.runId;
    }
    if (ri.kind === 'master') {
      for (const r of f.replicas) {
        if (this.lookupReplica(ri, r.ip, r.port) !== undefined) continue;
        const added = this.addReplica(ri, r.ip, r.port);
        this.event('notice', '+slave', describe(added), added);
        this.host.flushConfig();
      }
    }
    if (f.masterLinkDownSinceSeconds !== null) ri.masterLinkDownMs = f.masterLinkDownSinceSeconds * 1000;
    else if (f.masterLinkUp === true) ri.masterLinkDownMs = 0;
    const role = f.role;
    if (role !== null && role !== ri.roleReported) {
      ri.roleReportedTimeMs = now;
      ri.roleReported = role;
      if (role === 'slave') ri.slaveConfChangeTimeMs = now;
      const coherent = (ri.kind === 'master' && role === 'master') || (ri.kind === 'slave' && role === 'slave');
      this.event('verbose', coherent ? '+role-change' : '-role-change', `${describe(ri)} new reported role is ${role}`, ri);
    }
    if (role === 'slave') {
      if (f.masterHost !== null && f.masterHost !== ri.slaveMasterHost) {
        ri.slaveMasterHost = f.masterHost;
        ri.slaveConfChangeTimeMs = now;
      }
      if (f.masterPort !== null && f.masterPort !== ri.slaveMasterPort) {
        ri.slaveMasterPort = f.masterPort;
        ri.slaveConfChangeTimeMs = now;
      }
      if (f.masterLinkUp !== null) ri.slaveMasterLinkUp = f.masterLinkUp;
      if (f.slavePriority !== null) ri.slavePriority = f.slavePriority;
      if (f.slaveReplOffset !== null) ri.slaveReplOffset = f.slaveReplOffset;
      if (f.replicaAnnounced !== null) ri.replicaAnnounced = f.replicaAnnounced;
    }
    if (this.tilt) return;
    const m = ri.master;
    if (ri.kind === 'slave' && m !== null && role === 'master') this.onReplicaReportsMaster(ri, m);
    if (ri.kind === 'slave' && m !== null && role === 'slave' &&
      (ri.slaveMasterPort !== m.port || ri.slaveMasterHost !== m.host)) {
      const wait = m.failoverTimeoutMs;
      if (!ri.promoted && this.masterLooksSane(m) && this.noDownFor(ri, wait) && now - ri.slaveConfChangeTimeMs > wait) {
        if (this.sendReplicaOf(ri, m.host, m.port)) this.event('notice', '+fix-slave-config', describe(ri), ri);
      }
    }
    if (ri.kind === 'slave' && m !== null && role === 'slave' && (ri.reconfSent || ri.reconfInprog)) {
      const p = m.promotedReplica;
      if (ri.reconfSent && p !== null && ri.slaveMasterHost === p.host && ri.slaveMasterPort === p.port) {
        ri.reconfSent = false;
        ri.reconfInprog = true;
        this.event('notice', '+slave-reconf-inprog', describe(ri), ri);
      }
      if (ri.reconfInprog && ri.slaveMasterLinkUp) {
        ri.reconfInprog = false;
        ri.reconfDone = true;
        this.event('notice', '+slave-reconf-done', describe(ri), ri);
      }
    }
  }

  private onReplicaReportsMaster(ri: Instance, m: Instance): void {
    const now = this.now();
    if (ri.promoted && m.failoverInProgress && m.failoverState === 'wait_promotion') {
      m.configEpoch = m.failoverEpoch;
      m.failoverState = 'reconf_slaves';
      m.failoverStateChangeTimeMs = now;
      this.host.flushConfig();
      this.event('warning', '+promoted-slave', describe(ri), ri);
      if (this.crashAfterPromotion) this.onCrash('crash-after-promotion');
      this.event('warning', '+failover-state-reconf-slaves', describe(m), m);
      this.callClientReconfigScript(m, 'leader', 'start', m, ri);
      this.forceHelloUpdate(m);
      return;
    }
    // A replica that turned master without us: force our view after a while.
    const wait = this.timing.publishPeriodMs * 4;
    if (!ri.promoted && this.masterLooksSane(m) && this.noDownFor(ri, wait) && now - ri.roleReportedTimeMs > wait) {
      if (this.sendReplicaOf(ri, m.host, m.port)) this.event('notice', '+convert-to-slave', describe(ri), ri);
    }
  }

  masterLooksSane(m: Instance): boolean {
    return m.kind === 'master' && m.roleReported === 'master' && !m.sdown && !m.odown &&
      this.now() - m.infoRefreshMs < this.timing.infoPeriodMs * 2;
  }

  noDownFor(ri: Instance, ms: number): boolean {
    const mostRecent = Math.max(ri.sdownSinceMs, ri.odownSinceMs);
    return mostRecent === 0 || this.now() - mostRecent > ms;
  }

  /**
   * SLAVEOF (NO ONE when host is null) in a transaction with CONFIG REWRITE and CLIENT KILL of
   * normal and pub/sub clients, as Redis's sentinelSendSlaveOf. False when the link is down.
   */
  sendReplicaOf(ri: Instance, host: string | null, port: number): boolean {
    if (ri.link.disconnected || ri.link.cc === null) return false;
    const slaveof = host === null ? [ri.mapCommand('SLAVEOF'), 'NO', 'ONE'] : [ri.mapCommand('SLAVEOF'), host, String(port)];
    this.send(ri, [ri.mapCommand('MULTI')]);
    this.send(ri, slaveof);
    this.send(ri, [ri.mapCommand('CONFIG'), 'REWRITE']);
    this.send(ri, [ri.mapCommand('CLIENT'), 'KILL', 'TYPE', 'normal']);
    this.send(ri, [ri.mapCommand('CLIENT'), 'KILL', 'TYPE', 'pubsub']);
    this.send(ri, [ri.mapCommand('EXEC')]);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Hello

  /** A hello received on an instance's channel or through PUBLISH to this sentinel. */
  processHello(text: string): void {
    const h = parseHello(text);
    if (h === null) return;
    const m = this.masters.get(h.masterName);
    if (m === undefined) return;
    const now = this.now();
    let si: Instance | undefined = m.sentinels.get(h.runId);
    if (si !== undefined && (si.host !== h.ip || si.port !== h.port)) {
      // Same run id at a new address: the sentinel moved.
      this.event('notice', '+sentinel-address-switch', `${describe(m)} ip ${h.ip} port ${h.port} for ${h.runId}`, m);
      for (const other of this.masters.values()) {
        const s = other.sentinels.get(h.runId);
        if (s === undefined) continue;
        s.link.closeAll();
        s.host = h.ip;
        s.port = h.port;
        s.link = new InstanceLink(now);
      }
      this.host.flushConfig();
    } else if (si === undefined) {
      for (const other of m.sentinels.values()) {
        if (other.host === h.ip && other.port === h.port) {
          this.event('notice', '+sentinel-invalid-addr', describe(other), other);
          other.port = 0;
          other.link.closeAll();
        }
      }
      si = this.addSentinel(m, h.ip, h.port, h.runId);
      this.event('notice', '+sentinel', describe(si), si);
      this.host.flushConfig();
    }
    if (h.currentEpoch > this.currentEpoch) {
      this.currentEpoch = h.currentEpoch;
      this.host.flushConfig();
      this.event('warning', '+new-epoch', String(this.currentEpoch), m);
    }
    if (m.configEpoch < h.masterConfigEpoch) {
      // A configuration newer than the failover we are running wins: drop ours. Redis keeps going
      // and, when the newer config names the address it still holds (the old master), later
      // switches to its own promoted replica under the newer epoch: two masters announced for one
      // config epoch, forever (found by the simulator's swarm).
      if (m.failoverInProgress && h.masterConfigEpoch > m.failoverEpoch) {
        this.host.log('warning', `Failover of ${m.name} in epoch ${m.failoverEpoch} abandoned: configuration epoch ${h.masterConfigEpoch} received from ${describe(si)}`);
        abortFailover(this, m);
      }
      m.configEpoch = h.masterConfigEpoch;
      if (h.masterPort !== m.port || h.masterIp !== m.host) {
        this.event('warning', '+config-update-from', describe(si), si);
        this.event('warning', '+switch-master', `${m.name} ${m.host} ${m.port} ${h.masterIp} ${h.masterPort}`, m);
        const from = { host: m.host, port: m.port };
        this.resetMasterAndChangeAddress(m, h.masterIp, h.masterPort);
        this.callClientReconfigScript(m, 'observer', 'start', from, m);
      }
    }
    si.lastHelloTimeMs = now;
  }

  // -------------------------------------------------------------------------------------------
  // Down detection

  private checkSubjectivelyDown(ri: Instance): void {
    const l = ri.link;
    const now = this.now();
    const downAfter = this.downAfterOf(ri);
    if (l.cc !== null && isCommandLinkStale(now, l.ccConnTimeMs, l.actPingTimeMs, l.lastPongTimeMs, downAfter, this.timing.minLinkReconnectMs)) {
      this.closeCommandLink(ri);
    }
    if (l.pc !== null && isPubsubLinkStale(now, l.pcConnTimeMs, l.pcLastActivityMs, this.timing.minLinkReconnectMs, this.timing.publishPeriodMs)) {
      this.closePubsubLink(ri);
    }
    const down = isSubjectivelyDown({
      nowMs: now, downAfterMs: downAfter, actPingTimeMs: l.actPingTimeMs, disconnected: l.disconnected,
      lastAvailTimeMs: l.lastAvailTimeMs, isMaster: ri.kind === 'master', reportsReplica: ri.roleReported === 'slave',
      roleReportedTimeMs: ri.roleReportedTimeMs, masterReboot: ri.masterReboot, masterRebootSinceMs: ri.masterRebootSinceMs,
      masterRebootDownAfterMs: ri.masterRebootDownAfterMs,
    });
    if (down && !ri.sdown) {
      this.event('warning', '+sdown', describe(ri), ri);
      ri.sdownSinceMs = now;
      ri.sdown = true;
    } else if (!down && ri.sdown) {
      this.event('warning', '-sdown', describe(ri), ri);
      ri.sdown = false;
    }
  }

  private checkObjectivelyDown(m: Instance): void {
    let others = 0;
    for (const s of m.sentinels.values()) if (s.masterDown) others++;
    const { odown, votes } = objectiveDown(m.sdown, others, m.quorum);
    if (odown && !m.odown) {
      this.event('warning', '+odown', `${describe(m)} #quorum ${votes}/${m.quorumInt}`, m);
      m.odown = true;
      m.odownSinceMs = this.now();
    } else if (!odown && m.odown) {
      this.event('warning', '-odown', describe(m), m);
      m.odown = false;
    }
  }

  /** Asks the other sentinels whether they see the master down (and, in a failover, for a vote). */
  private askMasterState(m: Instance, forced: boolean): void {
    const now = this.now();
    for (const s of m.sentinels.values()) {
      const elapsed = now - s.lastMasterDownReplyTimeMs;
      if (elapsed > this.timing.askPeriodMs * 5) {
        s.masterDown = false;
        s.leader = null;
      }
      if (!m.sdown || s.link.disconnected) continue;
      if (!forced && elapsed < this.timing.askPeriodMs) continue;
      const runId = m.failoverState !== 'none' ? this.myId : '*';
      this.send(s, ['SENTINEL', 'is-master-down-by-addr', m.host, String(m.port), String(this.currentEpoch), runId], (r) => {
        if (!Array.isArray(r) || r.length !== 3) return;
        const [down, leader, epoch] = r as Reply[];
        if (typeof down !== 'number' || typeof leader !== 'string' || typeof epoch !== 'number') return;
        s.lastMasterDownReplyTimeMs = this.now();
        s.masterDown = down === 1;
        if (leader !== '*') {
          if (s.leader !== leader) this.host.log('warning', `${s.name} voted for ${leader} ${epoch}`);
          s.leader = leader;
          s.leaderEpoch = epoch;
        }
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Votes and failover start

  /** Redis's sentinelVoteLeader: returns this sentinel's vote for the master after the request. */
  voteLeader(m: Instance, reqEpoch: number, reqRunId: string): { leader: string | null; leaderEpoch: number } {
    const o = voteLeader({ currentEpoch: this.currentEpoch, leader: m.leader, leaderEpoch: m.leaderEpoch }, reqEpoch, reqRunId);
    if (o.newEpoch) {
      this.currentEpoch = o.state.currentEpoch;
      this.host.flushConfig();
      this.event('warning', '+new-epoch', String(this.currentEpoch), m);
    }
    if (o.voted) {
      m.leader = o.state.leader;
      m.leaderEpoch = o.state.leaderEpoch;
      this.host.flushConfig();
      this.event('warning', '+vote-for-leader', `${m.leader} ${m.leaderEpoch}`, m);
      if (m.leader !== null && m.leader.toLowerCase() !== this.myId.toLowerCase()) {
        m.failoverStartTimeMs = this.now() + this.random(this.timing.maxDesyncMs);
      }
    }
    return { leader: m.leader, leaderEpoch: m.leaderEpoch };
  }

  /** Redis's sentinelGetLeader: the winner of `epoch` for this master, or null. */
  getLeader(m: Instance, epoch: number): string | null {
    const votes = [...m.sentinels.values()].map((s) => ({ leader: s.leader, leaderEpoch: s.leaderEpoch }));
    const { winner } = mostVoted(votes, this.currentEpoch);
    const mine = this.voteLeader(m, epoch, winner ?? this.myId);
    return electedLeader(votes, this.currentEpoch, epoch, mine, m.sentinels.size + 1, m.quorum);
  }

  private startFailoverIfNeeded(m: Instance): boolean {
    if (!m.odown || m.failoverInProgress) return false;
    const now = this.now();
    if (now - m.failoverStartTimeMs < m.failoverTimeoutMs * 2) {
      if (m.failoverDelayLoggedMs !== m.failoverStartTimeMs) {
        const when = m.failoverStartTimeMs + m.failoverTimeoutMs * 2;
        this.host.log('warning', `Next failover delay: I will not start a failover before ${ctimeText(when)}`);
        m.failoverDelayLoggedMs = m.failoverStartTimeMs;
      }
      return false;
    }
    startFailover(this, m);
    return true;
  }

  switchToPromoted(m: Instance): void {
    const ref = m.promotedReplica ?? m;
    this.event('warning', '+switch-master', `${m.name} ${m.host} ${m.port} ${ref.host} ${ref.port}`, m);
    this.resetMasterAndChangeAddress(m, ref.host, ref.port);
  }

  /** SENTINEL IS-MASTER-DOWN-BY-ADDR: [down, leader or *, leader epoch]. */
  isMasterDownByAddr(host: string, port: number, reqEpoch: number, runId: string): [number, string, number] {
    let m: Instance | undefined;
    for (const x of this.masters.values()) if (x.host === host && x.port === port) m = x;
    const down = !this.tilt && m !== undefined && m.sdown ? 1 : 0;
    let leader: string | null = null;
    let leaderEpoch = 0;
    if (m !== undefined && runId !== '*') {
      const v = this.voteLeader(m, reqEpoch, runId);
      leader = v.leader;
      leaderEpoch = v.leaderEpoch;
    }
    return [down, leader ?? '*', leaderEpoch];
  }

  /** Closes every link (SHUTDOWN, tests). */
  close(): void {
    for (const m of this.masters.values()) this.releaseInstance(m);
    this.scripts.killAll();
  }
}
