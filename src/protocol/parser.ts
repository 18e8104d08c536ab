/**
 * Incremental request parser: RESP multibulk and inline commands, exactly as Redis 7.0's
 * processMultibulkBuffer / processInlineBuffer accept and reject them (same error texts, same
 * 64 KB inline limit, same "skip the two bytes after a bulk" leniency).
 *
 * It is pull-based: the server feeds chunks, then calls next() and runs each command before
 * asking for the next one, so that commands before a protocol error still execute (as in Redis),
 * and so that a client blocked or paused simply stops being pulled.
 *
 * Arguments are returned as byte strings (latin1, one char per byte): binary safe, compact in V8,
 * and usable as Map keys. Large bulk arguments (>= 32 KB) are collected into one preallocated
 * buffer, so a huge value arriving in many chunks is copied once, never re-concatenated.
 */
import { Buffer } from 'node:buffer';
import { splitArgs } from '../lib/split-args.js';

export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const PROTO_MBULK_BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;

/** Node's Buffer has latin1Slice natively; calling it skips toString's encoding switch. */
interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

export interface ProtocolError {
  readonly protocolError: string;
}

export type ParseResult = string[] | null | ProtocolError;

export function isProtocolError(r: ParseResult): r is ProtocolError {
  return r !== null && !Array.isArray(r);
}

function perr(msg: string): ProtocolError {
  return { protocolError: `Protocol error: ${msg}` };
}

/** string2ll over bytes [start, end); null when not a valid long long (exact for |v| < 2^53). */
function parseLen(buf: Buffer, start: number, end: number): number | null {
  const n = end - start;
  if (n <= 0 || n > 20) return null;
  let i = start;
  let neg = false;
  if (n === 1 && buf[i] === 48) return 0;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  const first = buf[i]!;
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  // Values past 2^63 would fail string2ll; every limit we compare against is far below 2^53,
  // so a rounded large value still compares correctly except for the overflow case itself.
  if (v > 9223372036854775807) return null;
  return neg ? -v : v;
}

/** What `buf` holds when everything received was consumed (shared: never written to). */
const EMPTY = Buffer.alloc(0);
/** Commands with at most this many arguments get their argv array allocated at its final size. */
const ARGV_PREALLOCATE_MAX = 1024;
/**
 * The first two arguments (the command name, and for most commands the key) up to this length go
 * through a string cache.
 */
const CACHED_ARG_MAX_LEN = 24;
const CACHE_SLOTS = 256;
/** A missed key replaces its cache slot once in this many misses (a power of two). */
const KEY_ADMIT_EVERY = 8;
const nameCache: string[] = new Array<string>(CACHE_SLOTS).fill('');
const keyCache: string[] = new Array<string>(CACHE_SLOTS).fill('');

/**
 * The argument at buf[start, start+len) as a string, reusing the string made for the same bytes
 * last time: clients send a handful of command names, and often the same few keys, over and
 * over. A reused string skips the copy out of the buffer and keeps its hash, so the command table
 * and keyspace lookups do not rehash it. One slot per hash of (length, first, middle, last byte).
 * A missed key replaces its slot only when `admit` says so (one key argument in
 * KEY_ADMIT_EVERY, counted per parser): a hot key gets in after a few
 * repetitions and then stays, while a stream of random keys (most of a large keyspace) does not
 * pay a store into the cache, with its GC write barrier, for every argument.
 */
function cachedArg(cache: string[], buf: FastBuffer, start: number, len: number, admit: boolean): string {
  if (len === 0) return '';
  const h = (len * 31 + buf[start]! * 7 + (buf[start + (len >> 1)]! << 2) + buf[start + len - 1]!) & (CACHE_SLOTS - 1);
  const cached = cache[h]!;
  if (cached.length === len) {
    let i = len - 1;
    while (i >= 0 && cached.charCodeAt(i) === buf[start + i]) i--;
    if (i < 0) return cached;
  }
  const s = buf.latin1Slice(start, start + len);
  if (admit) cache[h] = s;
  return s;
}

function hasNul(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private multibulkLen = 0;
  private bulkLen = -1;
  private argv: string[] = [];
  /** Arguments of the current command read so far (the next index into `argv`). */
  private argc = 0;
  /** Second arguments read so far (the key cache's admission counter). */
  private keyArgs = 0;
  private big: Buffer | null = null;
  private bigFill = 0;
  /** True from a multibulk header until its command is returned. */
  private inCommand = false;
  /** proto-max-bulk-len; Infinity for the master link. */
  maxBulkLen = 512 * 1024 * 1024;
  /** When true, limits for unauthenticated clients apply (Redis 7.0: >10 args, >16 KB bulks). */
  authRequired = false;

  /**
   * Adds received bytes. Returns the length Redis's query buffer has after the same read, which
   * client-query-buffer-limit is checked against before anything is parsed: the bytes not yet
   * parsed, or, when this chunk completes a big argument (>= 32 KB, which Redis reads into a
   * buffer of its own up to its last byte), that whole argument with its CRLF.
   */
  feed(chunk: Buffer): number {
    if (this.big !== null) {
      const need = this.big.length - this.bigFill;
      const take = Math.min(need, chunk.length);
      chunk.copy(this.big, this.bigFill, 0, take);
      this.bigFill += take;
      const queryBuffer = this.bigFill;
      if (this.bigFill === this.big.length) {
        this.argv[this.argc++] = this.big.toString('latin1', 0, this.big.length - 2);
        this.big = null;
        this.bigFill = 0;
        this.bulkLen = -1;
        this.multibulkLen--;
      }
      this.buf = chunk.subarray(take);
      this.pos = 0;
      return queryBuffer;
    }
    if (this.pos < this.buf.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    } else {
      this.buf = chunk;
    }
    this.pos = 0;
    return this.buf.length;
  }

  /**
   * Copies the bytes not yet parsed into a buffer of the parser's own. Called after the commands
   * of a lent chunk (Connection.lendsChunks) have run: the parser reads a chunk in place, and the
   * transport reuses it once its data callback returns.
   */
  ownRemainder(): void {
    const left = this.buf.length - this.pos;
    if (left <= 0) {
      this.buf = EMPTY;
      this.pos = 0;
      return;
    }
    const own = Buffer.allocUnsafe(left);
    this.buf.copy(own, 0, this.pos);
    this.buf = own;
    this.pos = 0;
  }

  /** Bytes received and not yet turned into arguments (what client-query-buffer-limit bounds). */
  pendingBytes(): number {
    return this.buf.length - this.pos + this.bigFill;
  }

  /** True when no partial command is buffered. */
  isIdle(): boolean {
    return this.pos >= this.buf.length && !this.inCommand;
  }

  /** Drops everything buffered (used when a client is closed or reset). */
  clear(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.multibulkLen = 0;
    this.bulkLen = -1;
    this.argv = [];
    this.argc = 0;
    this.big = null;
    this.bigFill = 0;
    this.inCommand = false;
  }

  /** Next complete command, null when more bytes are needed, or a protocol error. */
  next(): ParseResult {
    for (;;) {
      if (this.big !== null) return null;
      const buf = this.buf;
      if (!this.inCommand) {
        if (this.pos >= buf.length) return null;
        if (buf[this.pos] !== 42 /* '*' */) {
          const r = this.inline();
          if (r === null || isProtocolError(r)) return r;
          if (r.length === 0) continue;
          return r;
        }
        // The count line: digits up to CR read in a loop (the common "*3\r\n" needs no call into
        // C++ to find the CR); anything else goes through indexOf and parseLen below.
        let cr = -1;
        {
          const n = buf.length;
          let p = this.pos + 1;
          let c = p < n ? buf[p]! : 0;
          if (c >= 49 && c <= 57) {
            while (p < n && (c = buf[p]!) >= 48 && c <= 57 && p - this.pos <= 10) p++;
            if (p < n && c === 13) cr = p;
          }
        }
        if (cr < 0) cr = buf.indexOf(13, this.pos);
        if (cr < 0) {
          if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) return perr('too big mbulk count string');
          return null;
        }
        if (cr > buf.length - 2) return null;
        const ll = parseLen(buf, this.pos + 1, cr);
        if (ll === null || ll > INT_MAX) {
          if (hasNul(buf, this.pos, cr)) return this.waitOrTooBig('too big mbulk count string');
          return perr('invalid multibulk length');
        }
        if (ll > 10 && this.authRequired) return perr('unauthenticated multibulk length');
        this.pos = cr + 2;
        if (ll <= 0) continue;
        this.multibulkLen = ll;
        // Sized up front (no growth while filling) unless the count is large: a huge announced
        // count must not allocate before its arguments arrive.
        this.argv = ll <= ARGV_PREALLOCATE_MAX ? new Array<string>(ll) : [];
        this.argc = 0;
        this.inCommand = true;
      }
      while (this.multibulkLen > 0) {
        if (this.bulkLen === -1) {
          // Whole ordinary arguments on the fast path; what it leaves (a partial, empty or big
          // argument, a bad header) takes the exact path below, one argument at a time.
          this.wholeArgs(buf);
          if (this.multibulkLen === 0) break;
        }
        if (this.bulkLen === -1) {
          const cr = buf.indexOf(13, this.pos);
          if (cr < 0) {
            if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) return perr('too big bulk count string');
            return null;
          }
          if (cr > buf.length - 2) return null;
          if (buf[this.pos] !== 36 /* '$' */) {
            if (hasNul(buf, this.pos, cr)) return this.waitOrTooBig('too big bulk count string');
            // Redis's error replies turn CR/LF into spaces (the reply must stay one line).
            const got = buf[this.pos]!;
            return perr(`expected '$', got '${got === 13 || got === 10 ? ' ' : String.fromCharCode(got)}'`);
          }
          const ll = parseLen(buf, this.pos + 1, cr);
          if (ll === null || ll < 0 || ll > this.maxBulkLen) {
            if (ll === null && hasNul(buf, this.pos, cr)) return this.waitOrTooBig('too big bulk count string');
            return perr('invalid bulk length');
          }
          if (ll > 16384 && this.authRequired) return perr('unauthenticated bulk length');
          this.pos = cr + 2;
          this.bulkLen = ll;
          if (ll >= PROTO_MBULK_BIG_ARG && buf.length - this.pos < ll + 2) {
            // Collect this argument in one buffer of its final size.
            this.big = Buffer.allocUnsafe(ll + 2);
            this.bigFill = buf.copy(this.big, 0, this.pos);
            this.buf = EMPTY;
            this.pos = 0;
            return null;
          }
        }
        if (buf.length - this.pos < this.bulkLen + 2) return null;
        const start = this.pos, len = this.bulkLen;
        this.argv[this.argc] = this.argString(this.argc, buf as FastBuffer, start, len);
        this.argc++;
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
        this.multibulkLen--;
      }
      const out = this.argv;
      this.argv = [];
      this.argc = 0;
      this.inCommand = false;
      if (this.pos >= buf.length) {
        this.buf = EMPTY;
        this.pos = 0;
      }
      return out;
    }
  }

  /** Argument `argc` of a command: the first two through the caches, the others copied. */
  private argString(argc: number, buf: FastBuffer, start: number, len: number): string {
    if (argc > 1 || len > CACHED_ARG_MAX_LEN) return buf.latin1Slice(start, start + len);
    if (argc === 0) return cachedArg(nameCache, buf, start, len, true);
    return cachedArg(keyCache, buf, start, len, (++this.keyArgs & (KEY_ADMIT_EVERY - 1)) === 0);
  }

  /**
   * The fast path: takes every argument of the current command that is entirely in `buf` with an
   * ordinary "$<len>\r\n" header (len 1..32767, within the limits), working on locals. It stops
   * at anything else (a zero or odd length, a partial argument, a big one) and leaves it to the
   * exact path below, which then starts from the same byte.
   */
  private wholeArgs(buf: Buffer): void {
    const n = buf.length;
    const argv = this.argv;
    const maxLen = this.authRequired ? Math.min(16384, this.maxBulkLen) : this.maxBulkLen;
    let pos = this.pos;
    let left = this.multibulkLen;
    let argc = this.argc;
    while (left > 0 && pos < n && buf[pos] === 36 /* '$' */) {
      let p = pos + 1;
      let c = p < n ? buf[p]! : 0;
      if (c < 49 || c > 57) break;
      let v = 0;
      while (p < n && (c = buf[p]!) >= 48 && c <= 57 && p - pos <= 5) {
        v = v * 10 + (c - 48);
        p++;
      }
      if (c !== 13 || v >= PROTO_MBULK_BIG_ARG || v > maxLen) break;
      const start = p + 2;
      if (start + v + 2 > n) break;
      argv[argc] = this.argString(argc, buf as FastBuffer, start, v);
      argc++;
      left--;
      pos = start + v + 2;
    }
    this.pos = pos;
    this.multibulkLen = left;
    this.argc = argc;
  }

  /**
   * Redis finds the CR ending a count line with strchr(), which stops at a NUL byte: a count line
   * with a NUL before its CR is "not complete yet", until the 64 KB limit turns it into an error.
   * (Only reached on the error path, so the hot path never scans for NULs.)
   */
  private waitOrTooBig(msg: string): ProtocolError | null {
    return this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE ? perr(msg) : null;
  }

  private inline(): string[] | null | ProtocolError {
    const buf = this.buf;
    let nl = buf.indexOf(10, this.pos);
    // Redis finds the end of an inline request with strchr(): a NUL byte before the newline
    // hides it, and the request waits for more bytes (until the 64 KB limit closes it).
    if (nl >= 0 && buf.subarray(this.pos, nl).indexOf(0) >= 0) nl = -1;
    if (nl < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) return perr('too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = buf.toString('latin1', this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) return perr('unbalanced quotes in request');
    return args;
  }
}
