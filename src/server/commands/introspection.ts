/**
 * COMMAND, SLOWLOG, LATENCY and MEMORY (Redis 7.0 replies). COMMAND is generated from the command
 * table (command-table-info.ts); SLOWLOG and LATENCY read the per-server state that slowlog.ts and
 * latency.ts keep; MEMORY USAGE estimates what Redis would report for the same value (jemalloc size
 * classes, sds headers, robj and dictEntry sizes), exactly for strings stored by SET and from
 * `CollectionValue.memoryUsage()` for the other types.
 *
 * What Garrison cannot measure (allocator and RSS figures in MEMORY STATS) is reported as 0; the
 * HELP and DOCTOR texts are Garrison's own wording.
 */
import { jemallocSize } from '../../keyspace/alloc-size.js';
import type { Command } from '../../commands/registry.js';
import type { AclCategory, CommandSpec, Handler } from '../../commands/spec.js';
import type { Database } from '../../keyspace/database.js';
import { stringEncoding, type Value } from '../../keyspace/value.js';
import { globMatch } from '../../lib/glob.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, errSubcommandSyntax } from '../../protocol/errors.js';
import { double, error, map, OK, status, verbatim, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import type { LatencyMonitor } from '../latency.js';
import type { SlowLog } from '../slowlog.js';
import {
  ACL_CATEGORY_ORDER, commandDocsReply, commandHasKeys, commandInfoReply, commandKeys, effectiveAclCategories,
  keyRefFlagsReply,
} from './command-table-info.js';

type Spec = CommandSpec<Client>;

/** Redis's addReplyHelp: a header naming the command as typed, the lines, and the HELP entry. */
export function helpReply(argv0: string, lines: readonly string[]): Reply {
  return [
    status(`${argv0.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map((l) => status(l)),
    status('HELP'),
    status('    Prints this help.'),
  ];
}

/** Redis's lookupCommandBySds: "name" or "container|sub", in any letter case. */
export function lookupCommandByName(c: Client, name: string): Command<Client> | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = c.server.commands.lookup(parts[0]!);
  if (parts.length === 1) return base;
  if (base?.subcommands === undefined) return undefined;
  return base.subcommands.get(parts[1]!.toLowerCase());
}

/** Redis's lookupCommand on an argv: the container's subcommand when there is one. */
function lookupCommandForArgv(c: Client, argv: readonly string[]): Command<Client> | undefined {
  const base = c.server.commands.lookup(argv[0]!);
  if (base === undefined || argv.length === 1 || base.subcommands === undefined) return base;
  return base.subcommands.get(argv[1]!.toLowerCase());
}

// -------------------------------------------------------------------------------------------------
// COMMAND

function commandAll(c: Client): Reply {
  return c.server.commands.all().map(commandInfoReply);
}

function commandGetKeys(c: Client, argv: string[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const cmd = lookupCommandForArgv(c, target);
  if (cmd === undefined) return error('ERR Invalid command specified');
  if (!commandHasKeys(cmd.spec)) return error('ERR The command has no key arguments');
  if ((cmd.arity > 0 && cmd.arity !== target.length) || target.length < -cmd.arity) {
    return error('ERR Invalid number of arguments specified for command');
  }
  const keys = commandKeys(cmd.spec, target);
  if (keys === null || keys.length === 0) {
    if (cmd.spec.flags.includes('no_mandatory_keys')) return [];
    return error('ERR Invalid arguments specified for command');
  }
  return keys.map((k) => (withFlags ? [target[k.pos]!, keyRefFlagsReply(k.flags)] : target[k.pos]!));
}

function listCommands(cmds: Iterable<Command<Client>>, keep: (cmd: Command<Client>) => boolean, out: string[]): void {
  for (const cmd of cmds) {
    if (keep(cmd)) out.push(cmd.fullName);
    if (cmd.subcommands !== undefined) listCommands(cmd.subcommands.values(), keep, out);
  }
}

function commandList(c: Client, argv: string[]): Reply {
  let keep: (cmd: Command<Client>) => boolean = () => true;
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (argv[i]!.toLowerCase() !== 'filterby' || more !== 2) return ERR_SYNTAX;
    const type = argv[i + 1]!.toLowerCase();
    const arg = argv[i + 2]!;
    if (type === 'module') {
      keep = () => false; // Garrison has no modules
    } else if (type === 'aclcat') {
      const cat = ACL_CATEGORY_ORDER.find((x) => x === arg.toLowerCase());
      keep = cat === undefined ? () => false : (cmd) => effectiveAclCategories(cmd.spec).includes(cat);
    } else if (type === 'pattern') {
      keep = (cmd) => globMatch(arg, cmd.fullName, true);
    } else {
      return ERR_SYNTAX;
    }
    i += 2;
  }
  const out: string[] = [];
  listCommands(c.server.commands.all(), keep, out);
  return out;
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about every command of this server.',
  'COUNT',
  '    Return how many commands this server has.',
  'LIST',
  '    Return the names of every command of this server.',
  'INFO [<command-name> ...]',
  '    Return details about the given commands (every command when none is given).',
  'DOCS [<command-name> ...]',
  '    Return documentation about the given commands (every command when none is given).',
  'GETKEYS <full-command>',
  '    Return the key arguments of a full command line.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the key arguments of a full command line, with their access flags.',
];

const CONN: readonly AclCategory[] = ['connection'];
const cmdSub = (name: string, arity: number, since: string, summary: string, handler: Handler<Client>, tips?: readonly string[]): Spec => ({
  name, arity, flags: ['loading', 'stale'], acl: CONN, group: 'server', since, summary, complexity: 'O(N) where N is the number of commands', handler,
  ...(tips !== undefined ? { tips } : {}),
});

const COMMAND_SPEC: Spec = {
  name: 'command', arity: -1, flags: ['loading', 'stale'], acl: CONN, group: 'server', since: '2.8.13',
  summary: 'Describe every command of the server', complexity: 'O(N) where N is the total number of commands',
  tips: ['nondeterministic_output_order'],
  handler: (c) => commandAll(c),
  subcommands: [
    cmdSub('count', 2, '2.8.13', 'Count the commands of the server', (c) => c.server.commands.all().length),
    cmdSub('docs', -2, '7.0.0', 'Documentation of commands', (c, argv) => {
      const kv: Reply[] = [];
      if (argv.length === 2) {
        for (const cmd of c.server.commands.all()) kv.push(cmd.fullName, commandDocsReply(cmd));
      } else {
        for (const name of argv.slice(2)) {
          const cmd = lookupCommandByName(c, name);
          if (cmd !== undefined) kv.push(cmd.fullName, commandDocsReply(cmd));
        }
      }
      return map(kv);
    }, ['nondeterministic_output_order']),
    cmdSub('getkeys', -4, '2.8.13', 'Extract the key arguments of a command line', (c, argv) => commandGetKeys(c, argv, false)),
    cmdSub('getkeysandflags', -4, '7.0.0', 'Extract the key arguments of a command line and their flags', (c, argv) => commandGetKeys(c, argv, true)),
    cmdSub('help', 2, '5.0.0', 'Show help for COMMAND', (_c, argv) => helpReply(argv[0]!, COMMAND_HELP)),
    cmdSub('info', -2, '2.8.13', 'Describe the given commands', (c, argv) => {
      if (argv.length === 2) return commandAll(c);
      return argv.slice(2).map((name) => {
        const cmd = lookupCommandByName(c, name);
        return cmd === undefined ? null : commandInfoReply(cmd);
      });
    }, ['nondeterministic_output_order']),
    cmdSub('list', -2, '7.0.0', 'List command names, optionally filtered', commandList, ['nondeterministic_output_order']),
  ],
};

// -------------------------------------------------------------------------------------------------
// SLOWLOG

function slowlogOf(c: Client): SlowLog {
  const s = c.server.slowlog;
  if (s === null) throw new Error('SLOWLOG used on a server without the slowlog module installed');
  return s;
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return the <count> newest entries (default 10, -1 for all). Each entry holds:',
  '    id, unix time, duration in microseconds, arguments, client address and port,',
  '    client name.',
  'LEN',
  '    Return how many entries the slow log holds.',
  'RESET',
  '    Empty the slow log.',
];

const ADMIN_TIPS_ALL_NODES = ['request_policy:all_nodes', 'response_policy:all_succeeded'];

const SLOWLOG_SPEC: Spec = {
  name: 'slowlog', arity: -2, flags: [], acl: [], group: 'server', since: '2.2.12', summary: 'A container for slow log commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'get', arity: -2, flags: ['admin', 'loading', 'stale'], acl: [], group: 'server', since: '2.2.12',
      summary: 'Return the newest slow log entries', complexity: 'O(N) where N is the number of entries returned',
      tips: ['request_policy:all_nodes', 'nondeterministic_output'],
      handler: (c, argv) => {
        if (argv.length > 3) return errSubcommandSyntax(argv);
        const log = slowlogOf(c);
        let count = 10;
        if (argv.length === 3) {
          const n = parseInt64(argv[2]!);
          if (n === null || n < -1) return error('ERR count should be greater than or equal to -1');
          count = n === -1 ? log.length : Number(n);
        }
        return log.newest(count).map((e) => [e.id, e.timeSec, e.durationUs, [...e.argv], e.peer, e.clientName]);
      },
    },
    {
      name: 'len', arity: 2, flags: ['admin', 'loading', 'stale'], acl: [], group: 'server', since: '2.2.12',
      summary: 'Return the number of slow log entries', complexity: 'O(1)',
      tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
      handler: (c) => slowlogOf(c).length,
    },
    {
      name: 'reset', arity: 2, flags: ['admin', 'loading', 'stale'], acl: [], group: 'server', since: '2.2.12',
      summary: 'Empty the slow log', complexity: 'O(N) where N is the number of entries in the slowlog',
      tips: ADMIN_TIPS_ALL_NODES,
      handler: (c) => { slowlogOf(c).reset(); return OK; },
    },
    {
      name: 'help', arity: 2, flags: ['loading', 'stale'], acl: [], group: 'server', since: '6.2.0',
      summary: 'Show help for SLOWLOG', complexity: 'O(1)',
      handler: (_c, argv) => helpReply(argv[0]!, SLOWLOG_HELP),
    },
  ],
};

// -------------------------------------------------------------------------------------------------
// LATENCY

function latencyOf(c: Client): LatencyMonitor {
  const l = c.server.latency;
  if (l === null) throw new Error('LATENCY used on a server without the latency module installed');
  return l;
}

function histogramReply(_mon: LatencyMonitor, cmd: Command<Client>, out: Reply[]): void {
  const h = cmd.histogram;
  if (h === null) return;
  const buckets: Reply[] = [];
  for (const [us, count] of h.cumulative()) buckets.push(us, count);
  out.push(cmd.fullName, map(['calls', h.totalCount, 'histogram_usec', map(buckets)]));
}

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable analysis of the recorded latency events.',
  'GRAPH <event>',
  '    Return an ASCII graph of the samples of <event>.',
  'HISTORY <event>',
  '    Return the (time, latency) samples of <event>.',
  'LATEST',
  '    Return the latest sample of every event.',
  'RESET [<event> ...]',
  '    Forget the samples of the given events (of every event when none is given).',
  'HISTOGRAM [COMMAND ...]',
  '    Return the latency distribution of the given commands as cumulative histograms',
  '    (of every command that ran when none is given).',
];

const LATENCY_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];
const latencySub = (name: string, arity: number, since: string, summary: string, handler: Handler<Client>, tips = LATENCY_TIPS): Spec => ({
  name, arity, flags: ['admin', 'noscript', 'loading', 'stale'], acl: [], group: 'server', since, summary, complexity: 'O(1)', tips, handler,
});

const LATENCY_SPEC: Spec = {
  name: 'latency', arity: -2, flags: [], acl: [], group: 'server', since: '2.8.13', summary: 'A container for latency diagnostics commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    latencySub('doctor', 2, '2.8.13', 'Return a human readable latency analysis', (c) => verbatim(latencyOf(c).doctor())),
    latencySub('graph', 3, '2.8.13', 'Return a latency graph for an event', (c, argv) => {
      const mon = latencyOf(c);
      const ts = mon.events.get(argv[2]!);
      if (ts === undefined) return error(`ERR No samples available for event '${argv[2]!}'`);
      return verbatim(mon.graph(argv[2]!, ts));
    }),
    latencySub('histogram', -2, '7.0.0', 'Return the cumulative latency distribution of commands', (c, argv) => {
      const mon = latencyOf(c);
      const out: Reply[] = [];
      if (argv.length === 2) {
        for (const cmd of c.server.commands.all()) {
          histogramReply(mon, cmd, out);
          if (cmd.subcommands !== undefined) for (const sub of cmd.subcommands.values()) histogramReply(mon, sub, out);
        }
      } else {
        for (const name of argv.slice(2)) {
          const cmd = lookupCommandByName(c, name);
          if (cmd === undefined) continue;
          histogramReply(mon, cmd, out);
          if (cmd.subcommands !== undefined) for (const sub of cmd.subcommands.values()) histogramReply(mon, sub, out);
        }
      }
      return map(out);
    }),
    latencySub('history', 3, '2.8.13', 'Return the samples of an event', (c, argv) => {
      const ts = latencyOf(c).events.get(argv[2]!);
      return ts === undefined ? [] : ts.history().map((s) => [s.time, s.latencyMs]);
    }),
    latencySub('latest', 2, '2.8.13', 'Return the latest sample of every event', (c) => {
      const out: Reply[] = [];
      for (const [event, ts] of latencyOf(c).events) {
        const s = ts.latest();
        out.push([event, s.time, s.latencyMs, ts.max]);
      }
      return out;
    }),
    latencySub('reset', -2, '2.8.13', 'Reset the samples of events', (c, argv) => {
      const mon = latencyOf(c);
      if (argv.length === 2) return mon.reset();
      let n = 0;
      for (const e of argv.slice(2)) n += mon.reset(e);
      return n;
    }, ADMIN_TIPS_ALL_NODES),
    {
      name: 'help', arity: 2, flags: ['loading', 'stale'], acl: [], group: 'server', since: '2.8.13',
      summary: 'Show help for LATENCY', complexity: 'O(1)', handler: (_c, argv) => helpReply(argv[0]!, LATENCY_HELP),
    },
  ],
};

// -------------------------------------------------------------------------------------------------
// MEMORY

/** jemalloc's size class for an allocation of `n` bytes (8, 16, 32, 48 ... then 4 per doubling). */

/** Header bytes of an sds string of `len` bytes (type 5 allowed, as for keys). */
function sdsHeader(len: number): number {
  if (len < 32) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  if (len < 2 ** 32) return 9;
  return 17;
}

const ROBJ_BYTES = 16;
const DICT_ENTRY_BYTES = 24;

/**
 * Bytes of a string value in encoding `enc` (as SET stores it, by default): int-encoded, embstr
 * (<= 44 bytes) or raw sds. A raw string edited in place (APPEND) may hold spare capacity Redis
 * counts and Garrison does not know: it is counted as if exactly sized.
 */
export function stringValueBytes(s: string, enc = stringEncoding(s)): number {
  if (enc === 'int') return ROBJ_BYTES;
  if (enc === 'embstr') return jemallocSize(ROBJ_BYTES + 3 + s.length + 1);
  return ROBJ_BYTES + jemallocSize(sdsHeader(s.length) + s.length + 1);
}

/** MEMORY USAGE: key sds + dict entry + value (strings as Redis in `stringEnc`; collections by their estimate). */
export function keyMemoryUsage(key: string, value: Value, stringEnc?: string): number {
  const keyBytes = jemallocSize(sdsHeader(key.length) + key.length + 1);
  const valueBytes = typeof value === 'string' ? stringValueBytes(value, stringEnc) : ROBJ_BYTES + value.memoryUsage();
  return keyBytes + DICT_ENTRY_BYTES + valueBytes;
}

function dictSlots(n: number): number {
  if (n === 0) return 0;
  let s = 4;
  while (s < n) s *= 2;
  return s;
}

function dbOverhead(db: Database): { main: number; expires: number } {
  const n = db.dict.size;
  const e = db.expires.size;
  return {
    main: n * DICT_ENTRY_BYTES + dictSlots(n) * 8 + n * ROBJ_BYTES,
    expires: e * DICT_ENTRY_BYTES + dictSlots(e) * 8,
  };
}

function memoryStats(c: Client): Reply {
  const kv: Reply[] = [
    'peak.allocated', 0, 'total.allocated', 0, 'startup.allocated', 0, 'replication.backlog', 0,
    'clients.slaves', 0, 'clients.normal', 0, 'cluster.links', 0, 'aof.buffer', 0, 'lua.caches', 0,
    'functions.caches', 0,
  ];
  let overhead = 0;
  let keys = 0;
  for (const db of c.ks.dbs) {
    if (db.dict.size === 0) continue;
    keys += db.dict.size;
    const o = dbOverhead(db);
    overhead += o.main + o.expires;
    kv.push(`db.${db.id}`, map(['overhead.hashtable.main', o.main, 'overhead.hashtable.expires', o.expires, 'overhead.hashtable.slot-to-keys', 0]));
  }
  kv.push(
    'overhead.total', overhead, 'keys.count', keys, 'keys.bytes-per-key', 0, 'dataset.bytes', 0,
    'dataset.percentage', double(0), 'peak.percentage', double(0), 'allocator.allocated', 0, 'allocator.active', 0,
    'allocator.resident', 0, 'allocator-fragmentation.ratio', double(0), 'allocator-fragmentation.bytes', 0,
    'allocator-rss.ratio', double(0), 'allocator-rss.bytes', 0, 'rss-overhead.ratio', double(0), 'rss-overhead.bytes', 0,
    'fragmentation', double(0), 'fragmentation.bytes', 0,
  );
  return map(kv);
}

function memoryDoctor(c: Client): string {
  const keys = c.ks.totalKeys();
  if (keys === 0) {
    return 'This instance holds no keys, so there is no memory usage to analyse yet.\n';
  }
  return `This instance holds ${keys} keys. Garrison keeps its data on the Node.js heap and does not measure allocator ` +
    'statistics (fragmentation, RSS, peaks), so it cannot diagnose memory problems the way Redis does. ' +
    'Use MEMORY USAGE <key> for per-key estimates.\n';
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return an analysis of memory problems.',
  'MALLOC-STATS',
  '    Return the allocator statistics report.',
  'PURGE',
  '    Ask the allocator to release unused memory.',
  'STATS',
  '    Return figures about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return the estimated bytes used by <key> and its value; nested values are',
  '    sampled up to <count> times (default 5, 0 samples all).',
];

const MEMORY_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'];

const MEMORY_SPEC: Spec = {
  name: 'memory', arity: -2, flags: [], acl: [], group: 'server', since: '4.0.0', summary: 'A container for memory diagnostics commands',
  complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'doctor', arity: 2, flags: [], acl: [], group: 'server', since: '4.0.0', summary: 'Analyse memory problems',
      complexity: 'O(1)', tips: MEMORY_TIPS, handler: (c) => verbatim(memoryDoctor(c)),
    },
    {
      name: 'malloc-stats', arity: 2, flags: [], acl: [], group: 'server', since: '4.0.0', summary: 'Show allocator internal stats',
      complexity: 'Depends on how much memory is allocated, could be slow', tips: MEMORY_TIPS,
      // What Redis answers when it is not built with jemalloc: Garrison has no allocator stats either.
      handler: () => verbatim('Stats not supported for the current allocator'),
    },
    {
      name: 'purge', arity: 2, flags: [], acl: [], group: 'server', since: '4.0.0', summary: 'Ask the allocator to release memory',
      complexity: 'Depends on how much memory is allocated, could be slow',
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], handler: () => OK,
    },
    {
      name: 'stats', arity: 2, flags: [], acl: [], group: 'server', since: '4.0.0', summary: 'Show memory usage details',
      complexity: 'O(1)', tips: MEMORY_TIPS, handler: memoryStats,
    },
    {
      name: 'usage', arity: -3, flags: ['readonly'], acl: [], group: 'server', since: '4.0.0',
      summary: 'Estimate the memory usage of a key', complexity: 'O(N) where N is the number of samples.',
      keys: { first: 2, last: 2, step: 1 },
      keySpecs: [{ flags: ['RO'], beginSearch: { index: 2 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } }],
      handler: (c, argv) => {
        for (let j = 3; j < argv.length; j++) {
          if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
            const n = parseInt64(argv[j + 1]!);
            if (n === null) return ERR_NOT_INTEGER;
            if (n < 0) return ERR_SYNTAX;
            j++;
          } else {
            return ERR_SYNTAX;
          }
        }
        // Like Redis, no lazy expiry: a logically expired key still has a size.
        const v = c.db.dict.get(argv[2]!);
        if (v === undefined) return null;
        return keyMemoryUsage(argv[2]!, v, typeof v === 'string' ? c.ks.stringEncodingOf(c.db, argv[2]!, v) : undefined);
      },
    },
    {
      name: 'help', arity: 2, flags: ['loading', 'stale'], acl: [], group: 'server', since: '4.0.0',
      summary: 'Show help for MEMORY', complexity: 'O(1)', handler: (_c, argv) => helpReply(argv[0]!, MEMORY_HELP),
    },
  ],
};

export const INTROSPECTION_COMMANDS: readonly CommandSpec<Client>[] = [COMMAND_SPEC, SLOWLOG_SPEC, LATENCY_SPEC, MEMORY_SPEC];
