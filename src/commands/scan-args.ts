/**
 * The options shared by SCAN, HSCAN, SSCAN and ZSCAN (Redis's scanGenericCommand): COUNT n (at
 * least 1, default 10), MATCH pattern (`*` means no filtering), and TYPE name for SCAN only, with
 * Redis's errors: a non-integer COUNT is "value is not an integer", anything else a syntax error.
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import type { ErrorReply } from '../protocol/reply.js';

export const SCAN_DEFAULT_COUNT = 10;

export interface ScanOptions {
  count: number;
  /** null when every element matches. */
  pattern: string | null;
  /** SCAN's TYPE filter, lower-cased; null when absent. */
  typeName: string | null;
}

/** Parses argv[start..] as scan options; `allowType` for SCAN's TYPE. */
export function parseScanOptions(argv: readonly string[], start: number, allowType: boolean): ScanOptions | ErrorReply {
  const out: ScanOptions = { count: SCAN_DEFAULT_COUNT, pattern: null, typeName: null };
  for (let i = start; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const hasArg = i + 1 < argv.length;
    if (opt === 'count' && hasArg) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return ERR_NOT_INTEGER;
      if (n < 1) return ERR_SYNTAX;
      out.count = typeof n === 'bigint' ? Number.MAX_SAFE_INTEGER : n;
    } else if (opt === 'match' && hasArg) {
      const p = argv[i + 1]!;
      out.pattern = p === '*' ? null : p;
    } else if (allowType && opt === 'type' && hasArg) {
      out.typeName = argv[i + 1]!.toLowerCase();
    } else {
      return ERR_SYNTAX;
    }
  }
  return out;
}
