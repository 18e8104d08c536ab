/**
 * Sentinel's part of the config file: the `sentinel ...` directives read at start-up (Redis's
 * sentinelHandleConfiguration: monitor, down-after-milliseconds, failover-timeout, parallel-syncs,
 * auth-pass/user, rename-command, master-reboot-down-after-period, notification-script and
 * client-reconfig-script (refused unless executable), deny-scripts-reconfig, and the state Sentinel writes:
 * myid, config-epoch, leader-epoch, known-replica, known-sentinel, current-epoch, announce-ip/port,
 * sentinel-user/pass)
 * and the lines it writes back (rewriteConfigSentinelOption), merged into the file as Redis's
 * rewrite does: each `sentinel <option>` kind replaces its own lines in place, extra old lines of
 * that kind are dropped, new ones go to the end.
 */
import { splitArgs } from '../lib/split-args.js';
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_FAILOVER_TIMEOUT_MS, DEFAULT_PARALLEL_SYNCS } from './constants.js';
import { formatAddr } from './instance.js';
import type { Sentinel } from './sentinel.js';

const UNRECOGNIZED = 'Unrecognized sentinel configuration statement.';
const NO_MASTER = 'No such master with specified name.';

/** Applies one `sentinel` directive (arguments after the keyword); returns Redis's error text or null. */
export function applySentinelDirective(s: Sentinel, args: readonly string[]): string | null {
  const sub = (args[0] ?? '').toLowerCase();
  const n = args.length;
  const num = (x: string | undefined): number => Number.parseInt(x ?? '', 10) || 0; // atoi: 0 for no digits
  const master = (name: string | undefined) => (name === undefined ? undefined : s.masters.get(name));
  switch (sub) {
    case 'monitor': {
      if (n !== 5) return 'Wrong number of arguments for sentinel monitor';
      const quorum = num(args[4]);
      if (!(quorum > 0)) return 'Quorum must be 1 or greater.';
      const r = s.monitor(args[1]!, args[2]!, num(args[3]), quorum);
      return typeof r === 'string' ? r.replace(/^ERR /, '') : null;
    }
    case 'down-after-milliseconds':
    case 'failover-timeout':
    case 'parallel-syncs':
    case 'master-reboot-down-after-period':
    case 'config-epoch':
    case 'leader-epoch': {
      if (n !== 3) return UNRECOGNIZED;
      const m = master(args[1]);
      if (m === undefined) return NO_MASTER;
      const v = num(args[2]);
      switch (sub) {
        case 'down-after-milliseconds':
          if (!(v > 0)) return 'negative or zero time parameter.';
          m.downAfterMs = v;
          break;
        case 'failover-timeout':
          if (!(v > 0)) return 'negative or zero time parameter.';
          m.failoverTimeoutMs = v;
          break;
        case 'parallel-syncs':
          m.parallelSyncs = v;
          break;
        case 'master-reboot-down-after-period':
          m.masterRebootDownAfterMs = v;
          break;
        case 'config-epoch':
          m.configEpoch = v;
          if (v > s.currentEpoch) s.currentEpoch = v;
          break;
        case 'leader-epoch':
          m.leaderEpoch = v;
          if (v > s.currentEpoch) s.currentEpoch = v;
          break;
      }
      return null;
    }
    case 'auth-pass':
    case 'auth-user':
    case 'notification-script':
    case 'client-reconfig-script': {
      if (n !== 3) return UNRECOGNIZED;
      const m = master(args[1]);
      if (m === undefined) return NO_MASTER;
      if (sub === 'auth-pass') m.authPass = args[2]!;
      else if (sub === 'auth-user') m.authUser = args[2]!;
      else if (!s.host.env.processes.isExecutable(args[2]!)) {
        return sub === 'notification-script'
          ? 'Notification script seems non existing or non executable.'
          : 'Client reconfiguration script seems non existing or non executable.';
      } else if (sub === 'notification-script') m.notificationScript = args[2]!;
      else m.clientReconfigScript = args[2]!;
      return null;
    }
    case 'known-replica':
    case 'known-slave': {
      if (n !== 4) return UNRECOGNIZED;
      const m = master(args[1]);
      if (m === undefined) return NO_MASTER;
      if (s.lookupReplica(m, args[2]!, num(args[3])) === undefined) s.addReplica(m, args[2]!, num(args[3]));
      return null;
    }
    case 'known-sentinel': {
      if (n !== 4 && n !== 5) return UNRECOGNIZED;
      const m = master(args[1]);
      if (m === undefined) return NO_MASTER;
      if (n === 5) s.addSentinel(m, args[2]!, num(args[3]), args[4]!);
      return null;
    }
    case 'rename-command': {
      if (n !== 4) return UNRECOGNIZED;
      const m = master(args[1]);
      if (m === undefined) return NO_MASTER;
      const from = args[2]!.toLowerCase();
      if (m.renamedCommands.has(from)) return 'Same command renamed multiple times with rename-command.';
      m.renamedCommands.set(from, [args[2]!, args[3]!]);
      return null;
    }
    case 'current-epoch': {
      if (n !== 2) return UNRECOGNIZED;
      const v = num(args[1]);
      if (v > s.currentEpoch) s.currentEpoch = v;
      return null;
    }
    case 'myid':
      if (n !== 2) return UNRECOGNIZED;
      if (args[1]!.length !== 40) return 'Malformed Sentinel id in myid option.';
      s.myId = args[1]!;
      return null;
    case 'announce-ip':
      if (n !== 2) return UNRECOGNIZED;
      s.announceIp = args[1]!;
      return null;
    case 'announce-port':
      if (n !== 2) return UNRECOGNIZED;
      s.announcePort = num(args[1]);
      return null;
    case 'sentinel-user':
      if (n !== 2) return UNRECOGNIZED;
      s.sentinelUser = args[1]!;
      return null;
    case 'sentinel-pass':
      if (n !== 2) return UNRECOGNIZED;
      s.sentinelPass = args[1]!;
      return null;
    case 'deny-scripts-reconfig': {
      if (n !== 2) return UNRECOGNIZED;
      const v = yesNo(args[1]!);
      if (v === null) return 'Please specify yes or no for the deny-scripts-reconfig options.';
      s.denyScriptsReconfig = v;
      return null;
    }
    case 'resolve-hostnames':
    case 'announce-hostnames': {
      if (n !== 2) return UNRECOGNIZED;
      const v = yesNo(args[1]!);
      if (v === null) return `Please specify yes or no for the ${sub} option.`;
      if (sub === 'resolve-hostnames') s.resolveHostnames = v;
      else s.announceHostnames = v;
      return null;
    }
    default:
      return UNRECOGNIZED;
  }
}

export function yesNo(x: string): boolean | null {
  const v = x.toLowerCase();
  return v === 'yes' ? true : v === 'no' ? false : null;
}

/**
 * One `sentinel ...` line: its kind, the text, and whether it may only replace a line of its kind
 * already in the file (Redis's rewriteConfigRewriteLine without force: a default value is not
 * added to a file that does not mention it, but does overwrite a line that says otherwise).
 */
export type SentinelLine = readonly [kind: string, line: string, replaceOnly?: boolean];

/** The `sentinel ...` lines describing the current state, in Redis's order. */
export function sentinelConfigLines(s: Sentinel): SentinelLine[] {
  const out: SentinelLine[] = [];
  const add = (kind: string, rest: string): void => { out.push([kind, `sentinel ${kind} ${rest}`]); };
  add('myid', s.myId);
  // Early, so that they are in effect when the rest of the file is read.
  out.push(['resolve-hostnames', `sentinel resolve-hostnames ${s.resolveHostnames ? 'yes' : 'no'}`, !s.resolveHostnames]);
  out.push(['announce-hostnames', `sentinel announce-hostnames ${s.announceHostnames ? 'yes' : 'no'}`, !s.announceHostnames]);
  // Written only when not the default; a line already in the file is left as it is otherwise.
  if (!s.denyScriptsReconfig) add('deny-scripts-reconfig', 'no');
  for (const m of s.masters.values()) {
    // The master as it is announced: during a failover's last steps, the promoted replica.
    const addr = s.currentMasterAddress(m);
    add('monitor', `${m.name} ${addr.host} ${addr.port} ${m.quorumInt}`); // %d: signed
    if (m.downAfterMs !== DEFAULT_DOWN_AFTER_MS) add('down-after-milliseconds', `${m.name} ${m.downAfterMs}`);
    if (m.failoverTimeoutMs !== DEFAULT_FAILOVER_TIMEOUT_MS) add('failover-timeout', `${m.name} ${m.failoverTimeoutMs}`);
    if (m.parallelSyncs !== DEFAULT_PARALLEL_SYNCS) add('parallel-syncs', `${m.name} ${m.parallelSyncs}`);
    if (m.notificationScript !== null) add('notification-script', `${m.name} ${m.notificationScript}`);
    if (m.clientReconfigScript !== null) add('client-reconfig-script', `${m.name} ${m.clientReconfigScript}`);
    if (m.authPass !== null) add('auth-pass', `${m.name} ${m.authPass}`);
    if (m.authUser !== null) add('auth-user', `${m.name} ${m.authUser}`);
    if (m.masterRebootDownAfterMs !== 0) add('master-reboot-down-after-period', `${m.name} ${m.masterRebootDownAfterMs}`);
    add('config-epoch', `${m.name} ${m.configEpoch}`);
    add('leader-epoch', `${m.name} ${m.leaderEpoch}`);
    for (const r of m.replicas.values()) {
      if (formatAddr(r.host, r.port) === formatAddr(addr.host, addr.port)) continue;
      add('known-replica', `${m.name} ${r.host} ${r.port}`);
    }
    for (const x of m.sentinels.values()) {
      if (x.runId === null) continue;
      add('known-sentinel', `${m.name} ${x.host} ${x.port} ${x.runId}`);
    }
    for (const [from, to] of m.renamedCommands.values()) add('rename-command', `${m.name} ${from} ${to}`);
  }
  add('current-epoch', String(s.currentEpoch));
  if (s.announceIp !== '') add('announce-ip', s.announceIp);
  if (s.announcePort !== 0) add('announce-port', String(s.announcePort));
  if (s.sentinelUser !== null) add('sentinel-user', s.sentinelUser);
  if (s.sentinelPass !== null) add('sentinel-pass', s.sentinelPass);
  return out;
}

/**
 * Merges the sentinel lines into a config text: each kind's old lines are replaced in order by the
 * new ones of that kind, extra old lines of a kind Sentinel writes are dropped, the rest of the
 * new lines are appended (except replace-only ones).
 */
export function mergeSentinelLines(text: string, lines: readonly SentinelLine[]): string {
  const queue = new Map<string, string[]>();
  const replaceOnly = new Set<string>();
  for (const [kind, line, onlyReplace] of lines) {
    let q = queue.get(kind);
    if (q === undefined) queue.set(kind, (q = []));
    q.push(line);
    if (onlyReplace === true) replaceOnly.add(kind);
  }
  const out: string[] = [];
  const src = text === '' ? [] : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  for (const line of src) {
    const argv = line.trim().startsWith('#') ? null : splitArgs(line);
    if (argv !== null && argv.length >= 2 && argv[0]!.toLowerCase() === 'sentinel') {
      let kind = argv[1]!.toLowerCase();
      if (kind === 'known-slave') kind = 'known-replica';
      const q = queue.get(kind);
      if (q !== undefined || WRITTEN_KINDS.has(kind)) {
        const next = q?.shift();
        if (next !== undefined) out.push(next);
        continue;
      }
    }
    out.push(line);
  }
  for (const [kind, q] of queue) if (!replaceOnly.has(kind)) out.push(...q);
  return out.join('\n') + '\n';
}

/** Kinds Sentinel owns: an old line of one of these with no new counterpart is dropped. */
const WRITTEN_KINDS: ReadonlySet<string> = new Set([
  'myid', 'monitor', 'down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'notification-script',
  'client-reconfig-script', 'auth-pass', 'auth-user', 'master-reboot-down-after-period', 'config-epoch',
  'leader-epoch', 'known-replica', 'known-sentinel', 'rename-command', 'current-epoch', 'announce-ip', 'announce-port',
  'sentinel-user', 'sentinel-pass',
]);
