/**
 * Stream commands (Redis 7.0's "stream" group), gathered from their files:
 * - stream-write.ts: XADD XDEL XTRIM XSETID
 * - stream-range.ts: XRANGE XREVRANGE XLEN
 * - stream-xread.ts: XREAD XREADGROUP (blocking through ctx.block)
 * - stream-groups.ts: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP) XACK
 * - stream-pending.ts: XPENDING XCLAIM XAUTOCLAIM
 * - stream-info.ts: XINFO (STREAM GROUPS CONSUMERS HELP)
 * Their table rows (arity, flags, ACL, key specs, docs) are in stream-table.ts; the value type is
 * keyspace/types/stream.ts.
 */
import type { CommandContext } from './context.js';
import type { CommandSpec, Handler } from './spec.js';
import { XGROUP_HANDLERS, xackCommand } from './stream-groups.js';
import { XINFO_HANDLERS } from './stream-info.js';
import { xautoclaimCommand, xclaimCommand, xpendingCommand } from './stream-pending.js';
import { xlenCommand, xrangeCommand, xrevrangeCommand } from './stream-range.js';
import { STREAM_META, type StreamMeta } from './stream-table.js';
import { xaddCommand, xdelCommand, xsetidCommand, xtrimCommand } from './stream-write.js';
import { xreadCommand, xreadgroupCommand } from './stream-xread.js';

const HANDLERS: Readonly<Record<string, Handler<CommandContext>>> = {
  xadd: xaddCommand,
  xrange: xrangeCommand,
  xrevrange: xrevrangeCommand,
  xlen: xlenCommand,
  xdel: xdelCommand,
  xtrim: xtrimCommand,
  xread: xreadCommand,
  xreadgroup: xreadgroupCommand,
  xack: xackCommand,
  xpending: xpendingCommand,
  xclaim: xclaimCommand,
  xautoclaim: xautoclaimCommand,
  xsetid: xsetidCommand,
  ...Object.fromEntries(Object.entries(XGROUP_HANDLERS).map(([k, h]) => [`xgroup|${k}`, h])),
  ...Object.fromEntries(Object.entries(XINFO_HANDLERS).map(([k, h]) => [`xinfo|${k}`, h])),
};

function row(meta: StreamMeta, parent: string | null): CommandSpec {
  const full = parent === null ? meta.name : `${parent}|${meta.name}`;
  const { subcommands, ...rest } = meta;
  if (subcommands !== undefined) return { ...rest, subcommands: subcommands.map((s) => row(s, full)) };
  const handler = HANDLERS[full];
  if (handler === undefined) throw new Error(`streams: no handler for ${full}`);
  return { ...rest, handler };
}

export const STREAM_COMMANDS: readonly CommandSpec[] = Object.values(STREAM_META).map((m) => row(m, null));
