/**
 * `startSentinelGroup()`: a whole Sentinel deployment in this process for tests and development
 * (a master, its replicas, and sentinels monitoring it), resolved once it is ready to fail over:
 * every replica has synchronized, and every sentinel has read every replica's INFO and is linked
 * to every other sentinel (discovered through hello messages, as in a real deployment). Each node
 * can be stopped alone (a test closes the master to make the sentinels fail over).
 */
import {
  startReplicationGroup, startSentinel, type RunningSentinel, type RunningServer,
} from '../index.js';
import type { Sentinel } from '../sentinel/index.js';
import { waitUntil } from './probe.js';

export interface SentinelGroupOptions {
  /** Replicas of the master (default 2). */
  replicas?: number;
  /** Sentinels (default 3). */
  sentinels?: number;
  /** The name the sentinels monitor the master under (default `mymaster`). */
  masterName?: string;
  /** Sentinels that must agree the master is down (default a majority of the sentinels). */
  quorum?: number;
  /** `sentinel down-after-milliseconds` (default 5000; Redis's is 30000). */
  downAfterMs?: number;
  /** `sentinel failover-timeout` (default 60000; Redis's is 180000). */
  failoverTimeoutMs?: number;
  /** Directives for every data node (master and replicas), as for startServer. */
  config?: Record<string, string | number | boolean>;
  host?: string;
  log?: boolean;
  /** How long to wait for the group to be ready (default 30 s). */
  readyTimeoutMs?: number;
}

export interface SentinelGroup {
  readonly masterName: string;
  /** The master the group started with (it stays this object after a failover). */
  readonly master: RunningServer;
  readonly replicas: readonly RunningServer[];
  readonly sentinels: readonly RunningSentinel[];
  /** The sentinels' addresses, as clients take them (`sentinels: [...]`). */
  readonly sentinelAddresses: ReadonlyArray<{ host: string; port: number }>;
  /** The master's address as the first sentinel still running reports it now. */
  currentMaster(): { host: string; port: number } | null;
  /** Closes every node still running (sentinels first, so none acts on the others' closing). */
  close(): Promise<void>;
}

/**
 * A close() that runs once and is then a no-op (a node may be stopped alone, then by the group);
 * the copy returned is added to `stopped` when it is closed.
 */
function closeOnce<T extends { close(): Promise<void> }>(node: T, stopped: Set<unknown>): T {
  let closing: Promise<void> | null = null;
  const copy: T = { ...node, close: () => {
    stopped.add(copy);
    return (closing ??= node.close());
  } };
  return copy;
}

/** True when `s` has read every replica's INFO and is linked to every other sentinel. */
function knowsTheGroup(s: Sentinel, name: string, replicas: number, sentinels: number): boolean {
  const m = s.masters.get(name);
  if (m === undefined || m.runId === null || m.replicas.size !== replicas || m.sentinels.size !== sentinels - 1) return false;
  for (const r of m.replicas.values()) if (r.runId === null || r.link.disconnected) return false;
  for (const o of m.sentinels.values()) if (o.link.disconnected) return false;
  return true;
}

export async function startSentinelGroup(opts: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const name = opts.masterName ?? 'mymaster';
  const nReplicas = opts.replicas ?? 2;
  const nSentinels = opts.sentinels ?? 3;
  if (nSentinels < 1) throw new Error('a sentinel group needs at least one sentinel');
  const quorum = opts.quorum ?? Math.floor(nSentinels / 2) + 1;
  const host = opts.host ?? '127.0.0.1';
  const common = { host, ...(opts.log === undefined ? {} : { log: opts.log }) };
  const group = await startReplicationGroup({ ...common, replicas: nReplicas, ...(opts.config === undefined ? {} : { config: opts.config }) });
  const stopped = new Set<unknown>();
  const master = closeOnce(group.master, stopped);
  const replicas = group.replicas.map((r) => closeOnce(r, stopped));
  const sentinels: RunningSentinel[] = [];
  const close = async (): Promise<void> => {
    for (const s of sentinels) await s.close();
    for (const r of replicas) await r.close();
    await master.close();
  };
  try {
    const lines = [
      `monitor ${name} ${master.address.host} ${master.address.port} ${quorum}`,
      `down-after-milliseconds ${name} ${opts.downAfterMs ?? 5000}`,
      `failover-timeout ${name} ${opts.failoverTimeoutMs ?? 60_000}`,
    ];
    for (let i = 0; i < nSentinels; i++) sentinels.push(closeOnce(await startSentinel({ ...common, sentinel: lines }), stopped));
    await waitUntil(() => sentinels.every((s) => knowsTheGroup(s.sentinel, name, nReplicas, nSentinels)),
      opts.readyTimeoutMs ?? 30_000, 'every sentinel to know every replica and the other sentinels');
  } catch (e) {
    await close();
    throw e;
  }
  return {
    masterName: name, master, replicas, sentinels,
    sentinelAddresses: sentinels.map((s) => s.address),
    currentMaster: () => {
      for (const s of sentinels) {
        if (stopped.has(s)) continue;
        const m = s.sentinel.masters.get(name);
        return m === undefined ? null : s.sentinel.currentMasterAddress(m);
      }
      return null;
    },
    close,
  };
}
