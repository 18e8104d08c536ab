/**
 * Consumer-group management: XGROUP CREATE [MKSTREAM] [ENTRIESREAD], SETID [ENTRIESREAD],
 * DESTROY, CREATECONSUMER, DELCONSUMER, HELP, and XACK (Redis 7.0's xgroupCommand, xackCommand).
 *
 * Checks run in Redis's order: options, key type, missing key (unless MKSTREAM), missing group
 * (SETID, CREATECONSUMER, DELCONSUMER), then the subcommand. DESTROY wakes clients blocked in
 * XREADGROUP on the key, which then answer -NOGROUP. Events: xgroup-create, xgroup-setid,
 * xgroup-destroy, xgroup-createconsumer, xgroup-delconsumer.
 */

import { error, OK, status, type ErrorReply, type Reply } from '../protocol/reply.js';
import { ENTRIES_READ_INVALID, StreamGroup } from '../keyspace/types/stream-group.js';
import { ZERO_ID, type StreamId } from '../keyspace/types/stream-id.js';
import { StreamValue } from '../keyspace/types/stream.js';
import type { CommandContext } from './context.js';
import { consumerOf } from './stream-deliver.js';
import { errSubcommandSyntax } from '../protocol/errors.js';
import { isErr, lookupStreamRead, lookupStreamWrite, parseIdOnly, parseLongLong, parseLongLongBig } from './stream-args.js';

const XGROUP_HELP: readonly string[] = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

interface Target { s: StreamValue | undefined; group: StreamGroup | undefined; mkstream: boolean; entriesRead: bigint }

/** The shared prologue of xgroupCommand for subcommands with a key and a group name. */
function prologue(c: CommandContext, argv: string[]): Target | ErrorReply {
  const sub = argv[1]!.toLowerCase();
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  if (sub === 'create' || sub === 'setid') {
    for (let i = 5; i < argv.length;) {
      const o = argv[i]!.toLowerCase();
      if (sub === 'create' && o === 'mkstream') {
        mkstream = true;
        i++;
      } else if (o === 'entriesread' && i + 1 < argv.length) {
        const n = parseLongLongBig(argv[i + 1]!);
        if (isErr(n)) return n;
        if (n < 0n && n !== ENTRIES_READ_INVALID) return error('ERR value for ENTRIESREAD must be positive or -1');
        entriesRead = n;
        i += 2;
      } else {
        return errSubcommandSyntax(argv);
      }
    }
  }
  const s = lookupStreamWrite(c, argv[2]!);
  if (isErr(s)) return s;
  const name = argv[3]!;
  let group: StreamGroup | undefined;
  if (!mkstream) {
    if (s === undefined) {
      return error('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    }
    group = s.groups.get(name);
    if (group === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      return error(`NOGROUP No such consumer group '${name}' for key name '${argv[2]!}'`);
    }
  }
  return { s, group, mkstream, entriesRead };
}

function xgroupCreate(c: CommandContext, argv: string[]): Reply {
  const t = prologue(c, argv);
  if (isErr(t)) return t;
  if (argv.length > 8) return errSubcommandSyntax(argv);
  let id: StreamId;
  if (argv[4] === '$') {
    id = t.s !== undefined ? t.s.lastId : ZERO_ID;
  } else {
    const p = parseIdOnly(argv[4]!, 0n, true);
    if (isErr(p)) return p;
    id = p;
  }
  const key = argv[2]!;
  let s = t.s;
  if (s === undefined) {
    s = new StreamValue();
    c.ks.setKey(c.db, key, s);
  }
  const name = argv[3]!;
  if (s.groups.has(name)) return error('BUSYGROUP Consumer Group name already exists');
  s.groups.set(name, new StreamGroup(id, t.entriesRead));
  c.ks.dirty++;
  c.ks.notify('t', 'xgroup-create', c.db, key);
  return OK;
}

function xgroupSetid(c: CommandContext, argv: string[]): Reply {
  const t = prologue(c, argv);
  if (isErr(t)) return t;
  if (argv.length !== 5 && argv.length !== 7) return errSubcommandSyntax(argv);
  let id: StreamId;
  if (argv[4] === '$') {
    id = t.s!.lastId;
  } else {
    const p = parseIdOnly(argv[4]!, 0n, false);
    if (isErr(p)) return p;
    id = p;
  }
  t.group!.lastId = id;
  t.group!.entriesRead = t.entriesRead;
  c.ks.dirty++;
  c.ks.notify('t', 'xgroup-setid', c.db, argv[2]!);
  return OK;
}

function xgroupDestroy(c: CommandContext, argv: string[]): Reply {
  const t = prologue(c, argv);
  if (isErr(t)) return t;
  if (t.group === undefined) return 0;
  t.s!.groups.delete(argv[3]!);
  c.ks.dirty++;
  c.ks.notify('t', 'xgroup-destroy', c.db, argv[2]!);
  // Clients blocked in XREADGROUP on this group must learn it is gone; WATCH is not touched
  // (7.0.15 signals the key as ready, not as modified).
  c.ks.signalKeyAsReady(c.db, argv[2]!);
  return 1;
}

function xgroupCreateConsumer(c: CommandContext, argv: string[]): Reply {
  const t = prologue(c, argv);
  if (isErr(t)) return t;
  return consumerOf(c, t.group!, argv[2]!, argv[4]!).created ? 1 : 0;
}

function xgroupDelConsumer(c: CommandContext, argv: string[]): Reply {
  const t = prologue(c, argv);
  if (isErr(t)) return t;
  const pending = t.group!.deleteConsumer(argv[4]!);
  if (pending < 0) return 0;
  c.ks.dirty++;
  c.ks.notify('t', 'xgroup-delconsumer', c.db, argv[2]!);
  return pending;
}

export const XGROUP_HANDLERS = {
  create: xgroupCreate,
  setid: xgroupSetid,
  destroy: xgroupDestroy,
  createconsumer: xgroupCreateConsumer,
  delconsumer: xgroupDelConsumer,
  help: (): Reply => XGROUP_HELP.map((s) => status(s)),
} as const;

/** XACK key group id [id ...] */
export function xackCommand(c: CommandContext, argv: string[]): Reply {
  const s = lookupStreamRead(c, argv[1]!);
  if (isErr(s)) return s;
  const g = s?.groups.get(argv[2]!);
  if (g === undefined) return 0;
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseIdOnly(argv[j]!, 0n, true);
    if (isErr(id)) return id;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    g.pel.delete(id);
    nack.consumer.pel.delete(id);
    acked++;
    c.ks.dirty++;
  }
  return acked;
}

