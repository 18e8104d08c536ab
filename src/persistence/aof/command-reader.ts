/**
 * Reads the commands of an AOF file the way Redis 7.0's loadSingleAppendOnlyFile does: lines
 * starting with `#` are annotations (`#TS:` timestamps) and are skipped; a command is `*<argc>`
 * then, per argument, `$<len>`, the bytes and two bytes of line end. Redis reads with fgets and
 * fread, so its verdicts are kept: a file that ends inside a command is *truncated* (what
 * aof-load-truncated may forgive), a line that starts with anything else is a *format* error.
 *
 * Arguments are returned as byte strings (latin1). `end` is the offset just after the command:
 * the last valid offset a truncated file is cut back to.
 */

export type ReadResult =
  | { kind: 'command'; argv: string[]; end: number }
  | { kind: 'eof' }
  | { kind: 'truncated' }
  | { kind: 'format' };

const EOF: ReadResult = { kind: 'eof' };
const TRUNCATED: ReadResult = { kind: 'truncated' };
const FORMAT: ReadResult = { kind: 'format' };

/** Redis's AOF_ANNOTATION_LINE_MAX_LEN: fgets reads lines of at most this minus one byte. */
const LINE_MAX = 1024;

/** C's atoi/strtol on a line: leading spaces, a sign, digits; 0 when there are none. */
function leadingInt(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

export class AofCommandReader {
  constructor(private readonly buf: Buffer, public pos = 0) {}

  /** Bytes consumed so far. */
  position(): number {
    return this.pos;
  }

  /** fgets: the next line with its newline, at most LINE_MAX - 1 bytes; null at end of file. */
  private line(): string | null {
    const buf = this.buf;
    if (this.pos >= buf.length) return null;
    const limit = Math.min(buf.length, this.pos + LINE_MAX - 1);
    let end = buf.indexOf(10, this.pos);
    end = end === -1 || end >= limit ? limit : end + 1;
    const s = buf.toString('latin1', this.pos, end);
    this.pos = end;
    return s;
  }

  next(): ReadResult {
    let head: string | null;
    for (;;) {
      head = this.line();
      if (head === null) return EOF;
      if (head.charCodeAt(0) !== 35 /* # */) break;
    }
    if (head.charCodeAt(0) !== 42 /* * */) return FORMAT;
    if (head.length === 1) return TRUNCATED;
    const argc = leadingInt(head.slice(1));
    if (argc < 1) return FORMAT;
    const argv = new Array<string>(argc);
    const buf = this.buf;
    for (let j = 0; j < argc; j++) {
      const l = this.line();
      if (l === null) return TRUNCATED;
      if (l.charCodeAt(0) !== 36 /* $ */) return FORMAT;
      const len = Math.max(0, leadingInt(l.slice(1)));
      if (len > 0 && this.pos + len > buf.length) return TRUNCATED;
      argv[j] = buf.toString('latin1', this.pos, this.pos + len);
      this.pos += len;
      if (this.pos + 2 > buf.length) return TRUNCATED;
      this.pos += 2;
    }
    return { kind: 'command', argv, end: this.pos };
  }
}
