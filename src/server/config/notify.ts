/**
 * `notify-keyspace-events`: the class letters and the bitmask they parse into, with Redis 7.0's
 * bit values (notify.c) and its canonical letter order when printing (CONFIG GET / REWRITE).
 * The keyspace-notifications module reads the parsed mask: `config.int('notify-keyspace-events')`
 * or `config.watch(...)`, and tests `mask & NOTIFY.STRING` etc.
 */

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  LOADED: 1 << 12, // modules only
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
} as const;

/** What `A` stands for. */
export const NOTIFY_ALL = NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET |
  NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const LETTERS: Record<string, number> = {
  A: NOTIFY_ALL, g: NOTIFY.GENERIC, $: NOTIFY.STRING, l: NOTIFY.LIST, s: NOTIFY.SET, h: NOTIFY.HASH, z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED, e: NOTIFY.EVICTED, K: NOTIFY.KEYSPACE, E: NOTIFY.KEYEVENT, t: NOTIFY.STREAM, m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE, n: NOTIFY.NEW,
};

/** The error CONFIG SET / the config file report for an unknown letter. */
export const NOTIFY_CLASS_ERROR = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** Parses the class letters into a mask; null when a letter is unknown. */
export function parseNotifyKeyspaceEvents(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    const f = LETTERS[ch];
    if (f === undefined) return null;
    flags |= f;
  }
  return flags;
}

/** The mask as Redis prints it: `A` or the type letters, then K, E, m. */
export function formatNotifyKeyspaceEvents(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    out += 'A';
  } else {
    const order: Array<[number, string]> = [
      [NOTIFY.GENERIC, 'g'], [NOTIFY.STRING, '$'], [NOTIFY.LIST, 'l'], [NOTIFY.SET, 's'], [NOTIFY.HASH, 'h'],
      [NOTIFY.ZSET, 'z'], [NOTIFY.EXPIRED, 'x'], [NOTIFY.EVICTED, 'e'], [NOTIFY.STREAM, 't'], [NOTIFY.MODULE, 'd'],
      [NOTIFY.NEW, 'n'],
    ];
    for (const [f, ch] of order) if (flags & f) out += ch;
  }
  if (flags & NOTIFY.KEYSPACE) out += 'K';
  if (flags & NOTIFY.KEYEVENT) out += 'E';
  if (flags & NOTIFY.KEY_MISS) out += 'm';
  return out;
}
