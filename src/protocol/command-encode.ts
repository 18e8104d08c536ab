/**
 * Commands as RESP multibulk arrays of bulk strings: the framing of the replication stream, the
 * AOF, and what outgoing links (sentinel, replica handshake, MIGRATE) send.
 *
 * Every write a master with replicas or an AOF executes is encoded here, so this is on the hot
 * path of a replicated or persistent server. It sizes the frame first and writes it into one
 * buffer: lengths and short arguments byte by byte in JS (cheaper than a call into C++ for a few
 * bytes), long arguments with one `latin1Write`. Building the frame as a string and converting it
 * cost about twice as much per SET (concatenation, then flattening, then the copy).
 */
import { Buffer } from 'node:buffer';
import type { FastBuffer } from './writer.js';

/** Arguments up to this length are copied in JS; longer ones through `latin1Write`. */
const SHORT_ARG = 48;

function decimalLength(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  return String(n).length;
}

/** Writes n (a length or a count: a non-negative integer) in decimal at pos; returns the position after it. */
function putDecimal(buf: FastBuffer, pos: number, n: number): number {
  if (n < 10) {
    buf[pos] = 48 + n;
    return pos + 1;
  }
  // Digits from the last one back, without a string (String(n) allocates one per frame).
  const end = pos + decimalLength(n);
  let q = n;
  for (let i = end - 1; i >= pos; i--) {
    const d = q % 10;
    buf[i] = 48 + d;
    q = (q - d) / 10;
  }
  return end;
}

/** `*<n>\r\n` then `$<len>\r\n<arg>\r\n` per argument; arguments are binary (latin1) strings. */
export function encodeCommand(argv: readonly string[]): Buffer {
  const n = argv.length;
  let total = 3 + decimalLength(n);
  for (let i = 0; i < n; i++) {
    const len = argv[i]!.length;
    total += 5 + decimalLength(len) + len;
  }
  const buf = Buffer.allocUnsafe(total) as FastBuffer;
  buf[0] = 42; // '*'
  let p = putDecimal(buf, 1, n);
  buf[p++] = 13;
  buf[p++] = 10;
  for (let i = 0; i < n; i++) {
    const a = argv[i]!;
    const len = a.length;
    buf[p++] = 36; // '$'
    p = putDecimal(buf, p, len);
    buf[p++] = 13;
    buf[p++] = 10;
    if (len <= SHORT_ARG) {
      for (let j = 0; j < len; j++) buf[p + j] = a.charCodeAt(j);
      p += len;
    } else {
      p += buf.latin1Write(a, p, len);
    }
    buf[p++] = 13;
    buf[p++] = 10;
  }
  return buf;
}
