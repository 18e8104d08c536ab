/**
 * Helpers shared by the list command files (list-*.ts): typed lookups with WRONGTYPE, creating a
 * list with the current fill, Redis's integer-argument parsers with their exact error texts, and
 * the pop-and-clean-up step every popping command shares (Redis's listElementsRemoved).
 *
 * Invariants: a list key never holds an empty list (a command that empties one deletes the key
 * and notifies "del" after its own event); every change counts in `dirty`, signals the key
 * (WATCH, blocked clients) and notifies with Redis's event name.
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE } from '../protocol/errors.js';
import { error, type ErrorReply, type Reply } from '../protocol/reply.js';
import { ListValue } from '../keyspace/types/list.js';
import type { CommandContext } from './context.js';

export const HEAD = 0;
export const TAIL = 1;
export type Where = typeof HEAD | typeof TAIL;

/** A list, undefined when the key is missing, or the WRONGTYPE error. */
export function lookupList(c: CommandContext, key: string, write: boolean): ListValue | undefined | ErrorReply {
  const v = write ? c.ks.lookupWrite(c.db, key) : c.ks.lookupRead(c.db, key);
  if (v === undefined) return undefined;
  if (v instanceof ListValue) return v;
  return ERR_WRONGTYPE;
}

export function isErrorReply(v: unknown): v is ErrorReply {
  return typeof v === 'object' && v !== null && (v as { t?: string }).t === 'error';
}

/** Creates an empty list under `key` (Redis's createQuicklistObject + dbAdd). */
export function createList(c: CommandContext, key: string): ListValue {
  const l = new ListValue(c.cfg.listMaxListpackSize);
  c.ks.setKey(c.db, key, l);
  return l;
}

/**
 * getLongFromObjectOrReply: a long as a JS number (a value beyond 2^53 is rounded, which keeps
 * every comparison with a list length exact), or the "not an integer" error.
 */
export function parseLong(s: string): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return ERR_NOT_INTEGER;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** getPositiveLongFromObjectOrReply (0..LONG_MAX) with Redis's default or custom message. */
export function parseNonNegativeLong(s: string, msg = 'value is out of range, must be positive'): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null || v < 0) return error(`ERR ${msg}`);
  return typeof v === 'bigint' ? Number(v) : v;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg): every failure answers `msg`. */
export function parsePositiveLong(s: string, msg: string): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null || v < 1) return error(`ERR ${msg}`);
  return typeof v === 'bigint' ? Number(v) : v;
}

/** LEFT / RIGHT (case-insensitive), or null (the caller answers a syntax error). */
export function parseWhere(s: string): Where | null {
  const l = s.toLowerCase();
  if (l === 'left') return HEAD;
  if (l === 'right') return TAIL;
  return null;
}

/**
 * After elements were popped from `key`: the lpop/rpop event, deletion of an emptied key (with
 * "del"), the key signal, and `dirty` += count (Redis's listElementsRemoved).
 */
export function elementsRemoved(c: CommandContext, key: string, where: Where, list: ListValue, count: number): void {
  c.ks.notify('l', where === HEAD ? 'lpop' : 'rpop', c.db, key);
  if (list.length === 0) {
    c.ks.deleteKey(c.db, key);
    c.ks.notify('g', 'del', c.db, key);
  } else {
    c.ks.signalModifiedKey(c.db, key);
  }
  c.ks.dirty += count;
}

/**
 * Pops up to `count` elements from one end, in popping order (HEAD: head first; TAIL: tail first),
 * with the clean-up of elementsRemoved. `count` must be >= 1 and the list non-empty.
 */
export function popRange(c: CommandContext, key: string, list: ListValue, where: Where, count: number): string[] {
  const n = Math.min(count, list.length);
  let items: string[];
  if (where === HEAD) {
    items = list.range(0, n - 1);
    list.removeRange(0, n);
  } else {
    items = list.rangeReversed(list.length - n, list.length - 1);
    list.removeRange(list.length - n, n);
  }
  elementsRemoved(c, key, where, list, n);
  return items;
}

/** LMPOP/BLMPOP's reply: the key and the popped elements. */
export function keyAndElements(key: string, items: string[]): Reply {
  return [key, items];
}

