/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] — Redis 7.0's longest common
 * subsequence: the classic O(N*M) dynamic-programming table, then a walk back from the end that
 * rebuilds the sequence and, for IDX, reports the matched ranges from the last to the first, in
 * the same order and with the same range splitting as Redis.
 *
 * Missing keys count as empty strings. The table is (|a|+1)*(|b|+1) 32-bit cells, like Redis's;
 * beyond MAX_LCS_CELLS it is refused with Redis's allocation-failure error instead of exhausting
 * the process.
 */
import { parseInt64, toBig } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { error, map, type Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import { keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

const ERR_NOT_STRINGS = error('ERR The specified keys must contain string values');
const ERR_LEN_AND_IDX = error('ERR If you want both the length and indexes, please just use IDX.');
const ERR_LCS_MEMORY = error('ERR Insufficient memory, failed allocating transient memory for LCS');
/** 2^28 cells = 1 GB of table. */
const MAX_LCS_CELLS = 2 ** 28;

export interface LcsOptions {
  readonly len: boolean;
  readonly idx: boolean;
  readonly minMatchLen: number;
  readonly withMatchLen: boolean;
}

export type LcsRange = readonly [aStart: number, aEnd: number, bStart: number, bEnd: number];

export interface LcsResult {
  readonly length: number;
  /** The common subsequence itself (empty when not asked for). */
  readonly sequence: string;
  /** Matched ranges, last to first, already filtered by minMatchLen. */
  readonly ranges: LcsRange[];
}

/** Computes the LCS of a and b; null when the table would be too large. */
export function computeLcs(a: string, b: string, wantSequence: boolean, wantRanges: boolean, minMatchLen: number): LcsResult | null {
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  if ((alen + 1) * width > MAX_LCS_CELLS) return null;
  const dp = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) {
        dp[row + j] = dp[prev + j - 1]! + 1;
      } else {
        const up = dp[prev + j]!;
        const left = dp[row + j - 1]!;
        dp[row + j] = up > left ? up : left;
      }
    }
  }
  const length = dp[alen * width + blen]!;
  const ranges: LcsRange[] = [];
  if (!wantSequence && !wantRanges) return { length, sequence: '', ranges };

  const seq = new Array<number>(length);
  let idx = length;
  // aStart === alen means "no range open".
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      seq[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = dp[(i - 1) * width + j]!;
      const left = dp[i * width + j - 1]!;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (wantRanges && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push([aStart, aEnd, bStart, bEnd]);
      aStart = alen;
    }
  }
  let sequence = '';
  if (wantSequence) {
    // Chunked to stay clear of the engine's argument-count limit.
    for (let k = 0; k < seq.length; k += 8192) sequence += String.fromCharCode(...seq.slice(k, k + 8192));
  }
  return { length, sequence, ranges };
}

function lcsCommand(c: CommandContext, argv: string[]): Reply {
  const va = c.ks.lookupRead(c.db, argv[1]!);
  const vb = c.ks.lookupRead(c.db, argv[2]!);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) return ERR_NOT_STRINGS;
  const a = va ?? '';
  const b = vb ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null) return ERR_NOT_INTEGER;
      const big = toBig(v);
      // Lengths are below 2^32: any larger minimum filters everything, like Redis's compare.
      minMatchLen = big < 0n ? 0 : big > 4294967296n ? 4294967296 : Number(big);
      j++;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (getIdx && getLen) return ERR_LEN_AND_IDX;
  const r = computeLcs(a, b, getIdx || !getLen, getIdx, minMatchLen);
  if (r === null) return ERR_LCS_MEMORY;
  if (getIdx) {
    const matches: Reply[] = r.ranges.map(([as, ae, bs, be]) =>
      withMatchLen ? [[as, ae], [bs, be], ae - as + 1] : [[as, ae], [bs, be]]);
    return map(['matches', matches, 'len', r.length]);
  }
  if (getLen) return r.length;
  return r.sequence;
}

export const LCS_COMMAND: CommandSpec = {
  name: 'lcs', arity: -3, flags: ['readonly'], acl: ['read', 'string', 'slow'], keys: { first: 1, last: 2, step: 1 },
  keySpecs: [keySpec(['RO', 'access'], 1, 1)],
  group: 'string', since: '7.0.0', summary: 'Finds the longest common subsequence of the strings at two keys',
  complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively', handler: lcsCommand,
};
