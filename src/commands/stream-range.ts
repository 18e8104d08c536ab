/**
 * Stream range reads: XRANGE, XREVRANGE (with exclusive "(" bounds and COUNT) and XLEN
 * (Redis 7.0's xrangeGenericCommand and xlenCommand). COUNT 0 answers a null array.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { NULL_ARRAY, type Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import { entryReply, isErr, lookupStreamRead, parseLongLong, parseRangeEnd, parseRangeStart } from './stream-args.js';

function rangeGeneric(c: CommandContext, argv: string[], rev: boolean): Reply {
  const startArg = rev ? argv[3]! : argv[2]!;
  const endArg = rev ? argv[2]! : argv[3]!;
  const start = parseRangeStart(startArg);
  if (isErr(start)) return start;
  const end = parseRangeEnd(endArg);
  if (isErr(end)) return end;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'count' && argv.length - j - 1 >= 1) {
      const n = parseLongLong(argv[j + 1]!);
      if (isErr(n)) return n;
      count = n < 0 ? 0 : n;
      j++;
    } else {
      return ERR_SYNTAX;
    }
  }
  const s = lookupStreamRead(c, argv[1]!);
  if (s === undefined) return [];
  if (isErr(s)) return s;
  if (count === 0) return NULL_ARRAY;
  return s.entries(start, end, rev, count === -1 ? 0 : count).map(entryReply);
}

export const xrangeCommand = (c: CommandContext, argv: string[]): Reply => rangeGeneric(c, argv, false);
export const xrevrangeCommand = (c: CommandContext, argv: string[]): Reply => rangeGeneric(c, argv, true);

export function xlenCommand(c: CommandContext, argv: string[]): Reply {
  const s = lookupStreamRead(c, argv[1]!);
  return s === undefined ? 0 : isErr(s) ? s : s.length;
}
