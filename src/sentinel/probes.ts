/**
 * The wire formats of Sentinel's probes, as pure functions: the hello message published on
 * `__sentinel__:hello` every 2 s (`ip,port,runid,current_epoch,master_name,master_ip,master_port,
 * master_config_epoch`), and what Sentinel reads in an instance's INFO reply (run_id, role, the
 * `slaveN:` lines of a master, a replica's master_host/port, link status and down time, priority,
 * offset, replica-announced), as Redis's sentinelRefreshInstanceInfo parses them.
 */

export interface Hello {
  ip: string;
  port: number;
  runId: string;
  currentEpoch: number;
  masterName: string;
  masterIp: string;
  masterPort: number;
  masterConfigEpoch: number;
}

export function formatHello(h: Hello): string {
  return `${h.ip},${h.port},${h.runId},${h.currentEpoch},${h.masterName},${h.masterIp},${h.masterPort},${h.masterConfigEpoch}`;
}

/** The 8 fields of a hello, or null when it does not have exactly 8. */
export function parseHello(text: string): Hello | null {
  const t = text.split(',');
  if (t.length !== 8) return null;
  const num = (s: string): number => {
    const n = Number.parseInt(s, 10);
    return Number.isFinite(n) ? n : 0;
  };
  return {
    ip: t[0]!, port: num(t[1]!), runId: t[2]!, currentEpoch: num(t[3]!), masterName: t[4]!,
    masterIp: t[5]!, masterPort: num(t[6]!), masterConfigEpoch: num(t[7]!),
  };
}

export interface InfoFacts {
  runId: string | null;
  role: 'master' | 'slave' | null;
  /** Replicas a master lists (slaveN: lines). */
  replicas: Array<{ ip: string; port: number }>;
  masterHost: string | null;
  masterPort: number | null;
  masterLinkUp: boolean | null;
  masterLinkDownSinceSeconds: number | null;
  slavePriority: number | null;
  slaveReplOffset: number | null;
  replicaAnnounced: boolean | null;
}

export function parseInfo(text: string): InfoFacts {
  const f: InfoFacts = {
    runId: null, role: null, replicas: [], masterHost: null, masterPort: null, masterLinkUp: null,
    masterLinkDownSinceSeconds: null, slavePriority: null, slaveReplOffset: null, replicaAnnounced: null,
  };
  for (const raw of text.split('\n')) {
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l.startsWith('run_id:') && l.length >= 47) f.runId = l.slice(7, 47);
    else if (/^slave\d+:/.test(l)) {
      const r = parseReplicaLine(l.slice(l.indexOf(':') + 1));
      if (r !== null) f.replicas.push(r);
    } else if (l.startsWith('master_link_down_since_seconds:')) f.masterLinkDownSinceSeconds = Number.parseInt(l.slice(31), 10);
    else if (l === 'role:master') f.role = 'master';
    else if (l === 'role:slave') f.role = 'slave';
    else if (l.startsWith('master_host:')) f.masterHost = l.slice(12);
    else if (l.startsWith('master_port:')) f.masterPort = Number.parseInt(l.slice(12), 10);
    else if (l.startsWith('master_link_status:')) f.masterLinkUp = l.slice(19) === 'up';
    else if (l.startsWith('slave_priority:')) f.slavePriority = Number.parseInt(l.slice(15), 10);
    else if (l.startsWith('slave_repl_offset:')) f.slaveReplOffset = Number.parseInt(l.slice(18), 10);
    else if (l.startsWith('replica_announced:')) f.replicaAnnounced = l.slice(18) === '1';
  }
  return f;
}

/** `ip=...,port=...,state=...` (or the pre-2.8 `ip,port,state` form). */
function parseReplicaLine(v: string): { ip: string; port: number } | null {
  if (!v.includes('=')) {
    const [ip, port] = v.split(',');
    if (ip === undefined || port === undefined) return null;
    return { ip, port: Number.parseInt(port, 10) };
  }
  let ip: string | null = null;
  let port: number | null = null;
  for (const kv of v.split(',')) {
    const i = kv.indexOf('=');
    const k = kv.slice(0, i);
    if (k === 'ip') ip = kv.slice(i + 1);
    else if (k === 'port') port = Number.parseInt(kv.slice(i + 1), 10);
  }
  return ip === null || port === null || !Number.isFinite(port) ? null : { ip, port };
}
