/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS, XINFO HELP (Redis 7.0's
 * xinfoCommand): maps in RESP3, flat arrays in RESP2, with 7.0's fields (max-deleted-entry-id,
 * entries-added, recorded-first-entry-id, entries-read, lag). Groups and consumers are listed in
 * bytewise name order, as Redis's raxes keep them; FULL's COUNT (default 10, 0 = all, a negative
 * count = the default) caps the entries and every PEL listed.
 */
import { error, map, status, type ErrorReply, type Reply } from '../protocol/reply.js';
import { ENTRIES_READ_INVALID, type StreamGroup } from '../keyspace/types/stream-group.js';
import { formatId, MAX_ID, ZERO_ID } from '../keyspace/types/stream-id.js';
import { groupLag } from '../keyspace/types/stream-lag.js';
import { normalize } from '../lib/int64.js';
import { raxNodeCount } from '../keyspace/types/stream-rax.js';
import type { StreamValue } from '../keyspace/types/stream.js';
import type { CommandContext } from './context.js';
import { errSubcommandSyntax } from '../protocol/errors.js';
import { entryReply, isErr, lookupStreamRead, parseLongLong } from './stream-args.js';

const XINFO_HELP: readonly string[] = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function lookup(c: CommandContext, key: string): StreamValue | ErrorReply {
  const s = lookupStreamRead(c, key);
  return s === undefined ? error('ERR no such key') : s;
}

function sortedGroups(s: StreamValue): [string, StreamGroup][] {
  return [...s.groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function lagReply(s: StreamValue, g: StreamGroup): Reply {
  const lag = groupLag(s, g);
  return lag === null ? null : normalize(lag);
}

function entriesRead(g: StreamGroup): Reply {
  return g.entriesRead === ENTRIES_READ_INVALID ? null : normalize(g.entriesRead);
}

function xinfoStream(c: CommandContext, argv: string[]): Reply {
  // The key is looked up before the options are read, as xinfoCommand does for every subcommand.
  const s = lookup(c, argv[2]!);
  if (isErr(s)) return s;
  let full = false;
  let count = 10;
  const extra = argv.length - 3;
  if (extra !== 0) {
    if (extra !== 1 && extra !== 3) return errSubcommandSyntax(argv);
    if (argv[3]!.toLowerCase() !== 'full') return errSubcommandSyntax(argv);
    if (extra === 3) {
      if (argv[4]!.toLowerCase() !== 'count') return errSubcommandSyntax(argv);
      const n = parseLongLong(argv[5]!);
      if (isErr(n)) return n;
      if (n >= 0) count = n; // a negative COUNT means the default, 10
    }
    full = true;
  }
  const kv: Reply[] = [
    'length', s.length,
    'radix-tree-keys', s.nodeCount,
    'radix-tree-nodes', raxNodeCount(s.nodeKeys()),
    'last-generated-id', formatId(s.lastId),
    'max-deleted-entry-id', formatId(s.maxDeletedId),
    'entries-added', normalize(s.entriesAdded),
    'recorded-first-entry-id', formatId(s.firstId()),
  ];
  if (!full) {
    const first = s.edge(false);
    const last = s.edge(true);
    kv.push('groups', s.groups.size, 'first-entry', first ? entryReply(first) : null, 'last-entry', last ? entryReply(last) : null);
    return map(kv);
  }
  kv.push('entries', s.entries(ZERO_ID, MAX_ID, false, count).map(entryReply));
  const groups: Reply[] = [];
  for (const [name, g] of sortedGroups(s)) {
    const pending: Reply[] = [];
    for (const [id, nack] of g.pel.entries()) {
      if (count !== 0 && pending.length >= count) break;
      pending.push([formatId(id), nack.consumer.name, nack.deliveryTime, normalize(nack.deliveryCount)]);
    }
    const consumers: Reply[] = [];
    for (const cons of g.sortedConsumers()) {
      const cp: Reply[] = [];
      for (const [id, nack] of cons.pel.entries()) {
        if (count !== 0 && cp.length >= count) break;
        cp.push([formatId(id), nack.deliveryTime, normalize(nack.deliveryCount)]);
      }
      consumers.push(map(['name', cons.name, 'seen-time', cons.seenTime, 'pel-count', cons.pel.size, 'pending', cp]));
    }
    groups.push(map([
      'name', name, 'last-delivered-id', formatId(g.lastId), 'entries-read', entriesRead(g), 'lag', lagReply(s, g),
      'pel-count', g.pel.size, 'pending', pending, 'consumers', consumers,
    ]));
  }
  kv.push('groups', groups);
  return map(kv);
}

function xinfoGroups(c: CommandContext, argv: string[]): Reply {
  const s = lookup(c, argv[2]!);
  if (isErr(s)) return s;
  return sortedGroups(s).map(([name, g]) => map([
    'name', name, 'consumers', g.consumers.size, 'pending', g.pel.size, 'last-delivered-id', formatId(g.lastId),
    'entries-read', entriesRead(g), 'lag', lagReply(s, g),
  ]));
}

function xinfoConsumers(c: CommandContext, argv: string[]): Reply {
  const s = lookup(c, argv[2]!);
  if (isErr(s)) return s;
  const g = s.groups.get(argv[3]!);
  if (g === undefined) return error(`NOGROUP No such consumer group '${argv[3]!}' for key name '${argv[2]!}'`);
  const now = c.ks.now;
  return g.sortedConsumers().map((cons) => map(['name', cons.name, 'pending', cons.pel.size, 'idle', Math.max(0, now - cons.seenTime)]));
}

export const XINFO_HANDLERS = {
  stream: xinfoStream,
  groups: xinfoGroups,
  consumers: xinfoConsumers,
  help: (): Reply => XINFO_HELP.map((s) => status(s)),
} as const;
