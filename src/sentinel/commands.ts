/**
 * The SENTINEL command and its subcommands (Redis 7.0's sentinelCommand), plus the commands a
 * sentinel answers differently from a data node: INFO (server, clients, cpu, stats and the
 * sentinel section), ROLE, and PUBLISH (hello messages only). Error texts are Redis's.
 */
import type { CommandSpec } from '../commands/spec.js';
import { parseInt64, parseInt64Number } from '../lib/int64.js';
import { numericHost } from '../lib/numeric-host.js';
import { globMatch } from '../lib/glob.js';
import { error, map, NULL_ARRAY, OK, status, type Reply } from '../protocol/reply.js';
import type { Client } from '../server/client.js';
import { genInfoString } from '../server/info.js';
import { helpReply } from '../server/commands/introspection.js';
import { HELLO_CHANNEL } from './constants.js';
import { abortFailover, startFailover } from './failover.js';
import { describe, type Instance } from './instance.js';
import { instanceReply } from './reply-shapes.js';
import { isReplicaEligible } from './select-replica.js';
import type { Sentinel } from './sentinel.js';
import { yesNo } from './config.js';

type Spec = CommandSpec<Client>;
const NO_SUCH_MASTER = 'ERR No such master with that name';
const SUB_FLAGS = ['admin', 'sentinel', 'only_sentinel'] as const;

/** SENTINEL HELP's lines, as redis-sentinel 7.0.15 prints them (helpReply adds the header and HELP). */
const SENTINEL_HELP = [
  'CKQUORUM <master-name>',
  '    Check if the current Sentinel configuration is able to reach the quorum',
  '    needed to failover a master and the majority needed to authorize the',
  '    failover.',
  'CONFIG SET <param> <value>',
  '    Set a global Sentinel configuration parameter.',
  'CONFIG GET <param>',
  '    Get global Sentinel configuration parameter.',
  'DEBUG [<param> <value> ...]',
  '    Show a list of configurable time parameters and their values (milliseconds).',
  '    Or update current configurable parameters values (one or more).',
  'GET-MASTER-ADDR-BY-NAME <master-name>',
  '    Return the ip and port number of the master with that name.',
  'FAILOVER <master-name>',
  '    Manually failover a master node without asking for agreement from other',
  '    Sentinels',
  'FLUSHCONFIG',
  '    Force Sentinel to rewrite its configuration on disk, including the current',
  '    Sentinel state.',
  'INFO-CACHE <master-name>',
  '    Return last cached INFO output from masters and all its replicas.',
  'IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>',
  '    Check if the master specified by ip:port is down from current Sentinel\'s',
  '    point of view.',
  'MASTER <master-name>',
  '    Show the state and info of the specified master.',
  'MASTERS',
  '    Show a list of monitored masters and their state.',
  'MONITOR <name> <ip> <port> <quorum>',
  '    Start monitoring a new master with the specified name, ip, port and quorum.',
  'MYID',
  '    Return the ID of the Sentinel instance.',
  'PENDING-SCRIPTS',
  '    Get pending scripts information.',
  'REMOVE <master-name>',
  '    Remove master from Sentinel\'s monitor list.',
  'REPLICAS <master-name>',
  '    Show a list of replicas for this master and their state.',
  'RESET <pattern>',
  '    Reset masters for specific master name matching this pattern.',
  'SENTINELS <master-name>',
  '    Show a list of Sentinel instances for this master and their state.',
  'SET <master-name> <option> <value> [<option> <value> ...]',
  '    Set configuration parameters for certain masters.',
  'SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]',
  '    Simulate a Sentinel crash.',
];

function sub(name: string, arity: number, summary: string, handler: (c: Client, argv: string[]) => Reply): Spec {
  return { name, arity, flags: [...SUB_FLAGS], acl: ['admin', 'slow', 'dangerous'], group: 'sentinel', since: '2.8.4', summary, handler };
}

function intArg(s: string): number | null {
  return parseInt64Number(s);
}

export function sentinelCommands(s: Sentinel, saveConfig: () => string | null): Spec[] {
  const master = (name: string): Instance | Reply => s.masters.get(name) ?? error(NO_SUCH_MASTER);
  const isReply = (x: Instance | Reply): x is Reply => !(typeof x === 'object' && x !== null && 'kind' in x);
  const now = (): number => s.now();

  const subs: Spec[] = [
    sub('masters', 2, 'List the monitored masters and their state', () => [...s.masters.values()].map((m) => instanceReply(m, now()))),
    sub('master', 3, 'Show the state of one master', (_c, a) => {
      const m = master(a[2]!);
      return isReply(m) ? m : instanceReply(m, now());
    }),
    sub('replicas', 3, 'List the replicas of a master', (_c, a) => {
      const m = master(a[2]!);
      return isReply(m) ? m : [...m.replicas.values()].filter((r) => r.replicaAnnounced).map((r) => instanceReply(r, now()));
    }),
    sub('slaves', 3, 'List the replicas of a master (old name)', (_c, a) => {
      const m = master(a[2]!);
      return isReply(m) ? m : [...m.replicas.values()].filter((r) => r.replicaAnnounced).map((r) => instanceReply(r, now()));
    }),
    sub('sentinels', 3, 'List the other sentinels monitoring a master', (_c, a) => {
      const m = master(a[2]!);
      return isReply(m) ? m : [...m.sentinels.values()].map((x) => instanceReply(x, now()));
    }),
    sub('get-master-addr-by-name', 3, 'The address of the current master', (_c, a) => {
      const m = s.masters.get(a[2]!);
      if (m === undefined) return NULL_ARRAY;
      const addr = s.currentMasterAddress(m);
      return [addr.host, String(addr.port)];
    }),
    sub('is-master-down-by-addr', 6, 'Ask whether this sentinel sees a master down, and for its vote', (_c, a) => {
      const port = intArg(a[3]!);
      const epoch = intArg(a[4]!);
      if (port === null || epoch === null) return error('ERR value is not an integer or out of range');
      return s.isMasterDownByAddr(a[2]!, port, epoch, a[5]!);
    }),
    sub('failover', 3, 'Force a failover without asking the other sentinels', (_c, a) => {
      const m = master(a[2]!);
      if (isReply(m)) return m;
      if (m.failoverInProgress) return error('INPROG Failover already in progress');
      const facts = { nowMs: now(), downAfterMs: m.downAfterMs, sdown: m.sdown, sdownSinceMs: m.sdownSinceMs };
      const any = [...m.replicas.values()].some((r) => isReplicaEligible(facts, {
        down: r.sdown || r.odown, disconnected: r.link.disconnected, lastAvailTimeMs: r.link.lastAvailTimeMs,
        infoRefreshMs: r.infoRefreshMs, masterLinkDownMs: r.masterLinkDownMs, priority: r.slavePriority,
        replOffset: r.slaveReplOffset, runId: r.runId,
      }));
      if (!any) return error('NOGOODSLAVE No suitable replica to promote');
      s.host.log('warning', `Executing user requested FAILOVER of '${m.name}'`);
      startFailover(s, m);
      m.forceFailover = true;
      return OK;
    }),
    sub('reset', 3, 'Reset the masters matching a pattern', (_c, a) => {
      let n = 0;
      for (const m of [...s.masters.values()]) {
        if (!globMatch(a[2]!, m.name)) continue;
        if (m.failoverInProgress) abortFailover(s, m);
        s.resetMaster(m, false, true);
        n++;
      }
      if (n > 0) s.host.flushConfig();
      return n;
    }),
    sub('ckquorum', 3, 'Check that the sentinels can reach the quorum and authorize a failover', (_c, a) => {
      const m = master(a[2]!);
      if (isReply(m)) return m;
      const voters = m.sentinels.size + 1;
      let usable = 1;
      for (const x of m.sentinels.values()) if (!x.sdown && !x.odown) usable++;
      const noQuorum = usable < m.quorumInt;
      const noAuth = usable < Math.floor(voters / 2) + 1;
      if (!noQuorum && !noAuth) return status(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
      let e = `NOQUORUM ${usable} usable Sentinels. `;
      if (noQuorum) e += 'Not enough available Sentinels to reach the specified quorum for this master';
      if (noAuth) e += (noQuorum ? '. ' : '') + 'Not enough available Sentinels to reach the majority and authorize a failover';
      return error(e);
    }),
    sub('monitor', 6, 'Start monitoring a master', (_c, a) => {
      // Redis's order: quorum, port, the quorum's sign, the address; then the port's range and
      // the name (createSentinelRedisInstance). Both numbers are longs narrowed to C ints (the
      // port signed, the quorum unsigned), so 4294967297 is port 1.
      const quorum = parseInt64(a[5]!);
      if (quorum === null) return error('ERR Invalid quorum');
      const port = parseInt64(a[4]!);
      if (port === null) return error('ERR Invalid port');
      if (quorum <= 0) return error('ERR Quorum must be 1 or greater.');
      let host = a[3]!;
      if (!s.resolveHostnames) {
        const ip = numericHost(host);
        if (ip === null) return error('ERR Invalid IP address or hostname specified');
        host = ip;
      }
      const m = s.monitor(a[2]!, host, Number(BigInt.asIntN(32, BigInt(port))), Number(BigInt.asUintN(32, BigInt(quorum))));
      if (typeof m === 'string') return error(m);
      s.host.flushConfig();
      s.event('warning', '+monitor', `${describe(m)} quorum ${m.quorumInt}`, m);
      return OK;
    }),
    sub('remove', 3, 'Stop monitoring a master', (_c, a) => {
      const m = master(a[2]!);
      if (isReply(m)) return m;
      s.event('warning', '-monitor', describe(m), m);
      s.removeMaster(m.name);
      s.host.flushConfig();
      return OK;
    }),
    sub('set', -5, 'Change the configuration of a master', (_c, a) => setMaster(s, a)),
    sub('flushconfig', 2, 'Rewrite the configuration file', () => {
      const err = saveConfig();
      return err === null ? OK : error(`ERR ${err}`);
    }),
    sub('myid', 2, 'This sentinel\'s id', () => s.myId),
    sub('info-cache', -3, 'The last INFO replies of the masters and their replicas', (_c, a) => {
      const names = a.slice(2);
      const ms = [...s.masters.values()].filter((m) => names.length === 0 || names.includes(m.name));
      const out: Reply[] = [];
      const t = now();
      for (const m of ms) {
        out.push(m.name, [m, ...m.replicas.values()].map((ri) => [ri.infoRefreshMs === 0 ? 0 : t - ri.infoRefreshMs, ri.info === '' ? null : ri.info]));
      }
      return out;
    }),
    sub('simulate-failure', -3, 'Simulate crashes after election or promotion', (_c, a) => {
      for (const opt of a.slice(2)) {
        const o = opt.toLowerCase();
        if (o === 'crash-after-election') {
          s.crashAfterElection = true;
          s.host.log('warning', 'Failure simulation: this Sentinel will crash after being successfully elected as failover leader');
        } else if (o === 'crash-after-promotion') {
          s.crashAfterPromotion = true;
          s.host.log('warning', 'Failure simulation: this Sentinel will crash after promoting the selected replica to master');
        } else if (o === 'help') {
          return ['crash-after-election', 'crash-after-promotion'];
        } else {
          return error('ERR Unknown failure simulation specified');
        }
      }
      return OK;
    }),
    sub('pending-scripts', 2, 'Scripts queued or running', () => s.scripts.pendingReply()),
    sub('debug', -2, 'Show or change the sentinel\'s internal periods', (_c, a) => debugCommand(s, a)),
    sub('config', -3, 'Get or set the sentinel\'s global configuration', (_c, a) => configCommand(s, a, saveConfig)),
    sub('help', 2, 'Show helpful text about the different subcommands', (_c, a) => helpReply(a[0]!, SENTINEL_HELP)),
  ];

  const sentinel: Spec = {
    name: 'sentinel', arity: -2, flags: ['admin', 'sentinel', 'only_sentinel'], acl: ['admin', 'slow', 'dangerous'],
    group: 'sentinel', since: '2.8.4', summary: 'A container for Redis Sentinel commands', subcommands: subs,
  };
  const publish: Spec = {
    name: 'publish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast', 'sentinel'], acl: ['pubsub', 'fast'],
    group: 'pubsub', since: '2.0.0', summary: 'Deliver a hello message to this sentinel',
    handler: (_c, a) => {
      if (a[1] !== HELLO_CHANNEL) return error('ERR Only HELLO messages are accepted by Sentinel instances.');
      s.processHello(a[2]!);
      return 1;
    },
  };
  const role: Spec = {
    name: 'role', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'sentinel'], acl: ['admin', 'fast', 'dangerous'],
    group: 'server', since: '2.8.12', summary: 'The sentinel role and the masters it monitors',
    handler: () => ['sentinel', [...s.masters.keys()]],
  };
  const info: Spec = {
    name: 'info', arity: -1, flags: ['loading', 'stale', 'sentinel'], acl: ['slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Information about the sentinel',
    handler: (c, a) => sentinelInfo(c, s, a.slice(1)),
  };
  return [sentinel, publish, role, info];
}

/** Why SENTINEL SET may not set a script path (deny-scripts-reconfig, not executable), or null. */
function scriptPathProblem(s: Sentinel, opt: string, path: string): string | null {
  if (s.denyScriptsReconfig) {
    return 'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration';
  }
  if (path !== '' && !s.host.env.processes.isExecutable(path)) {
    return opt === 'notification-script'
      ? 'ERR Notification script seems non existing or non executable'
      : 'ERR Client reconfiguration script seems non existing or non executable';
  }
  return null;
}

function setMaster(s: Sentinel, a: string[]): Reply {
  const m = s.masters.get(a[2]!);
  if (m === undefined) return error(NO_SUCH_MASTER);
  let changed = false;
  // Options applied before a failing one stay applied and are saved, as in Redis.
  const failAfter = (text: string): Reply => {
    if (changed) s.host.flushConfig();
    return error(text);
  };
  for (let i = 3; i < a.length; i += 2) {
    const typed = a[i]!;
    const opt = typed.toLowerCase();
    const val = a[i + 1];
    if (val === undefined) return failAfter(`ERR Unknown option or number of arguments for SENTINEL SET '${typed}'`);
    const n = intArg(val);
    const bad = (text = val): Reply => failAfter(`ERR Invalid argument '${text}' for SENTINEL SET '${typed}'`);
    let logged = val;
    switch (opt) {
      case 'down-after-milliseconds':
        if (n === null || n <= 0) return bad();
        m.downAfterMs = n;
        break;
      case 'failover-timeout':
        if (n === null || n <= 0) return bad();
        m.failoverTimeoutMs = n;
        break;
      // Both are C ints in Redis: the long long read is narrowed, so 4294967297 is 1 (and a
      // parallel-syncs of 2^31 is negative).
      case 'parallel-syncs':
        if (n === null || n <= 0) return bad();
        m.parallelSyncs = Number(BigInt.asIntN(32, BigInt(parseInt64(val)!)));
        break;
      case 'quorum':
        if (n === null || n <= 0) return bad();
        m.quorum = Number(BigInt.asUintN(32, BigInt(parseInt64(val)!)));
        break;
      case 'master-reboot-down-after-period':
        if (n === null || n < 0) return bad();
        m.masterRebootDownAfterMs = n;
        break;
      case 'auth-pass':
        m.authPass = val === '' ? null : val;
        break;
      case 'auth-user':
        m.authUser = val === '' ? null : val;
        break;
      case 'rename-command': {
        // rename-command <old> <new>: one argument more than the other options.
        const to = a[i + 2];
        if (to === undefined) return failAfter(`ERR Unknown option or number of arguments for SENTINEL SET '${typed}'`);
        i++;
        if (val === '' || to === '') return bad('');
        const from = val.toLowerCase();
        m.renamedCommands.delete(from);
        // Renaming a command to itself (in any case) only removes an older renaming.
        if (from !== to.toLowerCase()) m.renamedCommands.set(from, [val, to]);
        logged = `${val} ${to}`;
        break;
      }
      case 'notification-script':
      case 'client-reconfig-script': {
        const problem = scriptPathProblem(s, opt, val);
        if (problem !== null) return failAfter(problem);
        if (opt === 'notification-script') m.notificationScript = val === '' ? null : val;
        else m.clientReconfigScript = val === '' ? null : val;
        break;
      }
      default:
        return failAfter(`ERR Unknown option or number of arguments for SENTINEL SET '${typed}'`);
    }
    changed = true;
    s.event('warning', '+set', `${describe(m)} ${typed} ${opt === 'auth-pass' ? '******' : logged}`, m);
  }
  if (changed) s.host.flushConfig();
  return OK;
}

const DEBUG_FIELDS = [
  ['info-period', 'infoPeriodMs'], ['ping-period', 'pingPeriodMs'], ['ask-period', 'askPeriodMs'],
  ['publish-period', 'publishPeriodMs'], ['default-down-after', 'defaultDownAfterMs'],
  ['default-failover-timeout', 'defaultFailoverTimeoutMs'], ['tilt-trigger', 'tiltTriggerMs'], ['tilt-period', 'tiltPeriodMs'],
  ['slave-reconf-timeout', 'replicaReconfTimeoutMs'], ['min-link-reconnect-period', 'minLinkReconnectMs'],
  ['election-timeout', 'electionTimeoutMs'], ['script-max-runtime', 'scriptMaxRuntimeMs'], ['script-retry-delay', 'scriptRetryDelayMs'],
] as const;

function debugCommand(s: Sentinel, a: string[]): Reply {
  if (a.length === 2) {
    // Values as bulk strings (addReplyBulkLongLong), in RESP3 too.
    const kv: Reply[] = [];
    for (const [name, key] of DEBUG_FIELDS) kv.push(name.toUpperCase(), String(s.timing[key]));
    return map(kv);
  }
  // Pairs apply in order; the first bad one answers its error (the earlier ones stay applied).
  for (let i = 2; i < a.length; i += 2) {
    const f = DEBUG_FIELDS.find(([name]) => name === a[i]!.toLowerCase());
    const v = a[i + 1];
    if (f === undefined || v === undefined) return error(`ERR Unknown option or number of arguments for SENTINEL DEBUG '${a[i]}'`);
    const n = intArg(v);
    if (n === null || n <= 0) return error(`ERR Invalid argument '${v}' for SENTINEL DEBUG '${a[i]}'`);
    s.timing[f[1]] = n;
  }
  return OK;
}

function configCommand(s: Sentinel, a: string[], saveConfig: () => string | null): Reply {
  const op = a[2]!.toLowerCase();
  if (op === 'get' && a.length === 4) {
    const kv: Reply[] = [];
    const pat = a[3]!;
    const params: Array<[string, string]> = [
      ['resolve-hostnames', s.resolveHostnames ? 'yes' : 'no'], ['announce-hostnames', s.announceHostnames ? 'yes' : 'no'],
      ['announce-ip', s.announceIp], ['announce-port', String(s.announcePort)],
      ['sentinel-user', s.sentinelUser ?? ''], ['sentinel-pass', s.sentinelPass ?? ''],
    ];
    for (const [k, v] of params) if (globMatch(pat, k, true)) kv.push(k, v);
    return map(kv);
  }
  if (op === 'set' && a.length === 5) return configSet(s, a[3]!, a[4]!, saveConfig);
  return error('ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.');
}

/** SENTINEL CONFIG SET (sentinelConfigSetCommand): new credentials drop the links to other sentinels. */
function configSet(s: Sentinel, name: string, v: string, saveConfig: () => string | null): Reply {
  const badValue = error(`ERR Invalid value '${v}' to SENTINEL CONFIG SET '${name}'`);
  let dropLinks = false;
  const key = name.toLowerCase();
  switch (key) {
    case 'resolve-hostnames':
    case 'announce-hostnames': {
      const yes = yesNo(v);
      if (yes === null) return badValue;
      if (key === 'resolve-hostnames') s.resolveHostnames = yes;
      else s.announceHostnames = yes;
      break;
    }
    case 'announce-ip':
      s.announceIp = v;
      break;
    case 'announce-port': {
      const n = intArg(v);
      if (n === null || n < 0 || n > 65535) return badValue;
      s.announcePort = n;
      break;
    }
    case 'sentinel-user':
      s.sentinelUser = v === '' ? null : v;
      dropLinks = true;
      break;
    case 'sentinel-pass':
      s.sentinelPass = v === '' ? null : v;
      dropLinks = true;
      break;
    default:
      return error(`ERR Invalid argument '${name}' to SENTINEL CONFIG SET`);
  }
  saveConfig();
  if (dropLinks) s.dropSentinelLinks();
  return OK;
}

/** INFO in sentinel mode: server, clients, cpu, stats and sentinel (Redis's sentinelInfoCommand). */
function sentinelInfo(c: Client, s: Sentinel, args: readonly string[]): string {
  const names = new Set(args.map((x) => x.toLowerCase()));
  const all = names.size === 0 || names.has('all') || names.has('default') || names.has('everything');
  const parts: string[] = [];
  for (const sec of ['server', 'clients', 'cpu', 'stats'] as const) {
    if (!all && !names.has(sec)) continue;
    parts.push(genInfoString(c.server, [sec]).replace(/\r\n$/, ''));
  }
  if (all || names.has('sentinel')) {
    const lines = [
      '# Sentinel',
      `sentinel_masters:${s.masters.size}`,
      `sentinel_tilt:${s.tilt ? 1 : 0}`,
      `sentinel_tilt_since_seconds:${s.tilt ? Math.floor((s.now() - s.tiltStartMs) / 1000) : -1}`,
      `sentinel_running_scripts:${s.scripts.running}`,
      `sentinel_scripts_queue_length:${s.scripts.jobs.length}`,
      `sentinel_simulate_failure_flags:${(s.crashAfterElection ? 1 : 0) | (s.crashAfterPromotion ? 2 : 0)}`,
    ];
    let i = 0;
    for (const m of s.masters.values()) {
      const st = m.odown ? 'odown' : m.sdown ? 'sdown' : 'ok';
      lines.push(`master${i++}:name=${m.name},status=${st},address=${m.host}:${m.port},slaves=${m.replicas.size},sentinels=${m.sentinels.size + 1}`);
    }
    parts.push(lines.join('\r\n') + '\r\n');
  }
  return parts.join('\r\n');
}
