/**
 * The simulated client's view of RESP: requests framed by the protocol's encoder, replies parsed
 * by the link layer's incremental parser (which copes with any split or coalescing) and turned
 * into plain values: bulk strings as latin1 strings (byte-exact), integers as numbers (bigint
 * beyond 2^53), `{ status }`, `{ error }`, arrays, null.
 */
import { encodeCommand } from '../protocol/command-encode.js';
import type { Reply } from '../protocol/reply.js';

export type SimReply =
  | string
  | number
  | bigint
  | boolean
  | null
  | SimReply[]
  | { status: string }
  | { error: string }
  | { map: Array<[SimReply, SimReply]> }
  | { set: SimReply[] }
  | { push: SimReply[] }
  | { double: string };

/** A command as the client sends it (Buffers and numbers become latin1 byte strings). */
export function encodeRequest(args: ReadonlyArray<string | Buffer | number>): Buffer {
  return encodeCommand(args.map((a) => (Buffer.isBuffer(a) ? a.toString('latin1') : String(a))));
}

/** The link parser's protocol value in the simulator's plain shapes (see SimReply). */
export function toSimReply(r: Reply): SimReply {
  if (r === null || typeof r !== 'object') return r as SimReply;
  if (Array.isArray(r)) return r.map(toSimReply);
  const t = r as Exclude<Reply, string | number | bigint | null | readonly Reply[]>;
  switch (t.t) {
    case 'status': return { status: t.s };
    case 'error': return { error: t.s };
    case 'nullarray': return null;
    case 'double': return { double: formatDouble(t.v) };
    case 'bool': return t.v;
    case 'bignum': return BigInt(t.s);
    case 'verbatim': return t.s;
    case 'set': return { set: t.items.map(toSimReply) };
    case 'push': return { push: t.items.map(toSimReply) };
    case 'map': {
      const pairs: Array<[SimReply, SimReply]> = [];
      for (let i = 0; i + 1 < t.kv.length; i += 2) pairs.push([toSimReply(t.kv[i]!), toSimReply(t.kv[i + 1]!)]);
      return { map: pairs };
    }
    default: throw new Error(`sim: unexpected reply ${String(t.t)}`);
  }
}

function formatDouble(v: number): string {
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}

export function isError(r: SimReply | undefined): r is { error: string } {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && 'error' in r;
}

/** A short printable form of a reply for traces. */
export function showReply(r: SimReply): string {
  const s = JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
