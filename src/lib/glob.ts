/**
 * Glob matching with the semantics of Redis's `stringmatchlen`: `*`, `?`, `[abc]`, `[^a-z]`,
 * backslash escapes, optional case folding. Used by KEYS/SCAN MATCH, PSUBSCRIBE, CONFIG GET and
 * CLIENT KILL filters. Byte strings (latin1). Like Redis 7.0, deeply nested `*` patterns stop at a
 * recursion limit and report no match instead of exhausting the stack.
 */

const MAX_NESTING = 1000;

function lower(c: number, nocase: boolean): number {
  return nocase && c >= 65 && c <= 90 ? c + 32 : c;
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean, nesting: number, skipLongerMatches: { v: boolean }): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: { // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (match(p, pi + 1, s, si, nocase, nesting + 1, skipLongerMatches)) return true;
          if (skipLongerMatches.v) return false;
          si++;
        }
        skipLongerMatches.v = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: { // '['
        pi++;
        const not = p.charCodeAt(pi) === 94; // '^'
        if (not) pi++;
        let matched = false;
        for (;;) {
          if (pi >= plen) { pi--; break; }
          const c = p.charCodeAt(pi);
          if (c === 92 && pi + 1 < plen) { // '\\'
            pi++;
            if (p.charCodeAt(pi) === s.charCodeAt(si)) matched = true; // escapes compare exactly, as in Redis
          } else if (c === 93) { // ']'
            break;
          } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45) { // range a-z
            let start = p.charCodeAt(pi);
            let end = p.charCodeAt(pi + 2);
            let ch = s.charCodeAt(si);
            if (start > end) { const t = start; start = end; end = t; }
            if (nocase) { start = lower(start, true); end = lower(end, true); ch = lower(ch, true); }
            pi += 2;
            if (ch >= start && ch <= end) matched = true;
          } else if (lower(c, nocase) === lower(s.charCodeAt(si), nocase)) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default:
        if (pc === 92 && pi + 1 < plen) pi++; // '\\' escapes the next pattern char
        if (lower(p.charCodeAt(pi), nocase) !== lower(s.charCodeAt(si), nocase)) return false;
        si++;
        break;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}

/** True when `s` matches glob `pattern` (both byte strings). Note: like Redis, `*` does not match "". */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return match(pattern, 0, s, 0, nocase, 0, { v: false });
}
