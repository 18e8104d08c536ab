import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeLcs } from './string-lcs.js';

test('LCS of the Redis documentation example, with IDX ranges last to first', () => {
  const r = computeLcs('ohmytext', 'mynewtext', true, true, 0)!;
  assert.equal(r.sequence, 'mytext');
  assert.equal(r.length, 6);
  assert.deepEqual(r.ranges, [[4, 7, 5, 8], [2, 3, 0, 1]]);
  assert.deepEqual(computeLcs('ohmytext', 'mynewtext', false, true, 4)!.ranges, [[4, 7, 5, 8]]);
});

test('empty inputs and binary bytes', () => {
  assert.deepEqual(computeLcs('', 'abc', true, true, 0), { length: 0, sequence: '', ranges: [] });
  assert.equal(computeLcs('\x00\xff\x00abc\xff', '\xff\x00abc', true, false, 0)!.sequence, '\xff\x00abc');
});

/** Longest common subsequence length by the textbook recurrence, for cross-checking. */
function lcsLength(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function isSubsequence(sub: string, s: string): boolean {
  let i = 0;
  for (let j = 0; j < s.length && i < sub.length; j++) if (s[j] === sub[i]) i++;
  return i === sub.length;
}

test('property: the sequence is common, longest, and the ranges spell it out', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\x00', '\xff'), maxLength: 30 });
  fc.assert(fc.property(text, text, (a, b) => {
    const r = computeLcs(a, b, true, true, 0)!;
    if (r.length !== lcsLength(a, b) || r.sequence.length !== r.length) return false;
    if (!isSubsequence(r.sequence, a) || !isSubsequence(r.sequence, b)) return false;
    // Ranges come last to first; together they cover the sequence exactly, in both strings.
    let fromA = '';
    let fromB = '';
    for (const [as, ae, bs, be] of [...r.ranges].reverse()) {
      if (ae - as !== be - bs) return false;
      fromA += a.slice(as, ae + 1);
      fromB += b.slice(bs, be + 1);
    }
    return fromA === r.sequence && fromB === r.sequence;
  }));
});
