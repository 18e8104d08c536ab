/**
 * What a sentinel knows about one monitored instance (Redis's sentinelRedisInstance): a master it
 * monitors, a replica of such a master, or another sentinel monitoring it. Holds the link (command
 * and pub/sub connections and their timing), the flags, what the last INFO said, and for masters
 * the configuration, epochs, votes and failover state. Plain data plus small helpers: the driver
 * (sentinel.ts) and the failover state machine (failover.ts) change it.
 */
import type { Link } from '../link/index.js';
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_FAILOVER_TIMEOUT_MS, DEFAULT_PARALLEL_SYNCS, DEFAULT_REPLICA_PRIORITY } from './constants.js';

export type InstanceKind = 'master' | 'slave' | 'sentinel';

export type FailoverState =
  | 'none' | 'wait_start' | 'select_slave' | 'send_slaveof_noone' | 'wait_promotion' | 'reconf_slaves' | 'update_config';

/** The connections to one instance and their timing (Redis's instanceLink). */
export class InstanceLink {
  cc: Link | null = null;
  pc: Link | null = null;
  disconnected = true;
  ccConnTimeMs = 0;
  pcConnTimeMs = 0;
  pcLastActivityMs: number;
  /** Oldest PING without a reply yet (0: none pending). */
  actPingTimeMs: number;
  lastPingTimeMs = 0;
  lastPongTimeMs: number;
  lastAvailTimeMs: number;
  lastReconnTimeMs = 0;

  constructor(nowMs: number) {
    this.actPingTimeMs = nowMs;
    this.pcLastActivityMs = nowMs;
    this.lastPongTimeMs = nowMs;
    this.lastAvailTimeMs = nowMs;
  }

  get pending(): number {
    return (this.cc?.pending ?? 0);
  }

  closeAll(): void {
    this.cc?.close();
    this.pc?.close();
    this.cc = null;
    this.pc = null;
    this.disconnected = true;
  }
}

export class Instance {
  runId: string | null = null;
  link: InstanceLink;

  // Flags (Redis's SRI_*).
  sdown = false;
  odown = false;
  /** A sentinel said the master is down in its last is-master-down-by-addr reply. */
  masterDown = false;
  failoverInProgress = false;
  promoted = false;
  reconfSent = false;
  reconfInprog = false;
  reconfDone = false;
  forceFailover = false;
  masterReboot = false;

  sdownSinceMs = 0;
  odownSinceMs = 0;
  lastPubTimeMs = 0;
  lastHelloTimeMs = 0;
  lastMasterDownReplyTimeMs = 0;

  // From INFO.
  infoRefreshMs = 0;
  info = '';
  roleReported: 'master' | 'slave';
  roleReportedTimeMs: number;
  slaveConfChangeTimeMs: number;
  masterLinkDownMs = 0;
  slaveMasterHost: string | null = null;
  slaveMasterPort = 0;
  slaveMasterLinkUp = false;
  slavePriority = DEFAULT_REPLICA_PRIORITY;
  slaveReplOffset = 0;
  replicaAnnounced = true;
  slaveReconfSentTimeMs = 0;
  masterRebootSinceMs = 0;

  // Masters: configuration.
  /** Unsigned 32 bits, as Redis keeps it (SENTINEL SET quorum 4294967297 is 1); see `quorumInt`. */
  quorum = 1;
  /**
   * The quorum as Redis's signed `%d` and `(int)` read it: the +monitor event, the config file's
   * `sentinel monitor` line and CKQUORUM's check (`usable < (int)master->quorum`) see a quorum of
   * 2^31 or more as negative, so CKQUORUM says OK and the rewritten file holds a negative number.
   */
  get quorumInt(): number {
    return this.quorum | 0;
  }
  downAfterMs = DEFAULT_DOWN_AFTER_MS;
  failoverTimeoutMs = DEFAULT_FAILOVER_TIMEOUT_MS;
  parallelSyncs = DEFAULT_PARALLEL_SYNCS;
  masterRebootDownAfterMs = 0;
  authPass: string | null = null;
  authUser: string | null = null;
  notificationScript: string | null = null;
  clientReconfigScript: string | null = null;
  /** `sentinel rename-command`: lower-cased name -> [name as given, new name] (Redis's case-insensitive dict). */
  readonly renamedCommands = new Map<string, readonly [string, string]>();

  // Masters: epochs, votes and failover; sentinels: their reported vote.
  configEpoch = 0;
  leader: string | null = null;
  leaderEpoch = 0;
  failoverEpoch = 0;
  failoverState: FailoverState = 'none';
  failoverStateChangeTimeMs = 0;
  failoverStartTimeMs = 0;
  failoverDelayLoggedMs = 0;
  promotedReplica: Instance | null = null;
  /** Replicas by "ip:port"; sentinels by run id. */
  readonly replicas = new Map<string, Instance>();
  readonly sentinels = new Map<string, Instance>();

  constructor(
    readonly kind: InstanceKind,
    /** Masters: the configured name; replicas "ip:port"; sentinels their run id. */
    public name: string,
    public host: string,
    public port: number,
    /** The master this replica or sentinel belongs to (null for masters). */
    readonly master: Instance | null,
    nowMs: number,
  ) {
    this.link = new InstanceLink(nowMs);
    this.roleReported = kind === 'slave' ? 'slave' : 'master';
    this.roleReportedTimeMs = nowMs;
    this.slaveConfChangeTimeMs = nowMs;
  }

  /** Redis's `flags` field: the SRI_* names, in Redis's order. */
  flagsText(): string {
    const f: string[] = [this.kind];
    if (this.link.disconnected) f.push('disconnected');
    if (this.sdown) f.push('s_down');
    if (this.odown) f.push('o_down');
    if (this.masterDown) f.push('master_down');
    if (this.failoverInProgress) f.push('failover_in_progress');
    if (this.promoted) f.push('promoted');
    if (this.reconfSent) f.push('reconf_sent');
    if (this.reconfInprog) f.push('reconf_inprog');
    if (this.reconfDone) f.push('reconf_done');
    if (this.forceFailover) f.push('force_failover');
    if (this.masterReboot) f.push('master_reboot');
    return f.join(',');
  }

  /** The command name to send to a master or replica, after the master's `sentinel rename-command`. */
  mapCommand(name: string): string {
    if (this.kind === 'sentinel') return name;
    const m = this.kind === 'master' ? this : this.master;
    return m?.renamedCommands.get(name.toLowerCase())?.[1] ?? name;
  }

  /** The master's auth settings apply to its replicas too (not to sentinels). */
  authFor(): { user: string | null; pass: string } | null {
    if (this.kind === 'sentinel') return null;
    const m = this.kind === 'master' ? this : this.master!;
    return m.authPass === null ? null : { user: m.authUser, pass: m.authPass };
  }
}

/** "ip:port", with brackets for IPv6 (Redis's anetFormatAddr). */
export function formatAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Redis's "%@": `<type> <name> <ip> <port>` plus ` @ <master> <ip> <port>` for replicas and sentinels. */
export function describe(ri: Instance): string {
  const own = `${ri.kind} ${ri.name} ${ri.host} ${ri.port}`;
  const m = ri.master;
  return m === null ? own : `${own} @ ${m.name} ${m.host} ${m.port}`;
}
