/**
 * Splits a line into arguments the way Redis's `sdssplitargs` does. Used by the inline protocol
 * and by the config-file parser, so that `set "a b" 'c'` and `save ""` mean the same thing to
 * Garrison as to redis-server.
 *
 * Rules (Redis 7.0): arguments are separated by spaces; "double quotes" understand \n \r \t \b \a
 * \\ \" and \xHH; 'single quotes' understand only \'; a closing quote must be followed by a space or
 * the end of the line; an unterminated quote makes the whole line invalid (null).
 * "Space" means two things there: isspace() (also \v and \f) before an argument and after a
 * closing quote, but only ' ', \n, \r and \t inside an unquoted argument, so "GET\vk" is one
 * argument while "\vGET" is GET. The line is a C string: it ends at a NUL byte.
 * Input and output are byte strings (latin1: one char per byte).
 */

function isSpace(c: number): boolean {
  // isspace() in the C locale: space, \t, \n, \v, \f, \r
  return c === 32 || (c >= 9 && c <= 13);
}

/** What ends an unquoted argument in sdssplitargs (its switch; a NUL ends the line anyway). */
function endsArg(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Returns the arguments, or null when quotes are unbalanced. */
export function splitArgs(line: string): string[] | null {
  const nul = line.indexOf('\0');
  if (nul >= 0) line = line.slice(0, nul);
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inDq = false;
    let inSq = false;
    let done = false;
    let cur = '';
    while (!done) {
      if (inDq) {
        if (p >= n) return null;
        const c = line.charCodeAt(p);
        if (c === 92 /* \ */ && p + 3 < n && line.charCodeAt(p + 1) === 120 /* x */ &&
            hexValue(line.charCodeAt(p + 2)) >= 0 && hexValue(line.charCodeAt(p + 3)) >= 0) {
          cur += String.fromCharCode(hexValue(line.charCodeAt(p + 2)) * 16 + hexValue(line.charCodeAt(p + 3)));
          p += 3;
        } else if (c === 92 && p + 1 < n) {
          p++;
          const e = line[p]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 34 /* " */) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else if (inSq) {
        if (p >= n) return null;
        const c = line.charCodeAt(p);
        if (c === 92 && p + 1 < n && line.charCodeAt(p + 1) === 39 /* ' */) {
          p++;
          cur += "'";
        } else if (c === 39) {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          cur += line[p];
        }
      } else {
        if (p >= n) { done = true; break; }
        const c = line.charCodeAt(p);
        if (endsArg(c)) done = true;
        else if (c === 34) inDq = true;
        else if (c === 39) inSq = true;
        else cur += line[p];
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}
