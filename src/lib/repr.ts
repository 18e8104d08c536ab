/**
 * Redis's `sdscatrepr` and `sdsneedsrepr`: how Redis quotes a byte string for text files that are
 * read back with `sdssplitargs` (CONFIG REWRITE, the AOF manifest). Byte strings are latin1.
 */

/** Redis's sdscatrepr: a double-quoted, escaped representation of a byte string. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c >= 32 && c <= 126) out += ch;
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** Redis's sdsneedsrepr: true when the string holds a space, a quote, a backslash or a non-printable byte. */
export function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 34 || c === 32 || c < 32 || c > 126) return true;
  }
  return false;
}
