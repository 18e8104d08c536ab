/**
 * Random commands from Redis's own grammar, and their byte-for-byte comparison on two servers:
 * the machinery of args-random.test.ts (redis-server) and sentinel-args-random.test.ts
 * (redis-sentinel). COMMAND DOCS's argument trees are walked at random (optional parts in or out,
 * one branch of each `oneof`, `multiple` parts repeated, tokens in random case), each plain
 * argument drawn from a vocabulary the caller gives, and one command in four then damaged.
 */
import type { SeededRandom as Prng } from '../../../src/lib/prng.js';
import { encodeCommand, parseReply, type Decoded, type RawReply, type RespClient } from '../../helpers/resp-client.js';
import { escapeBytes, sortedForm, typeForm } from './script.js';

export interface Arg {
  name: string;
  type: string;
  token: string | null;
  optional: boolean;
  multiple: boolean;
  multipleToken: boolean;
  children: Arg[];
}

/** One command or subcommand (`container|sub`) with its COMMAND DOCS group and arguments. */
export interface Grammar { name: string; group: string; args: Arg[] }

/** What a generator draws plain arguments from. */
export interface Vocabulary {
  /** Candidate values for `a` of command `g`. */
  values(r: Prng, g: Grammar, a: Arg): readonly string[];
  /** Words a damaged command gets inserted. */
  junk: readonly string[];
  /** Values that replace a pure token (XADD's `*`), or undefined to keep the token. */
  replaceToken?(g: Grammar, token: string): readonly string[] | undefined;
}

function field(flat: Decoded[], key: string): Decoded | undefined {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === key) return flat[i + 1];
  return undefined;
}

function toArg(flat: Decoded[]): Arg {
  const flags = (field(flat, 'flags') as Decoded[] | undefined) ?? [];
  const children = ((field(flat, 'arguments') as Decoded[][] | undefined) ?? []).map(toArg);
  return {
    name: String(field(flat, 'name')),
    type: String(field(flat, 'type')),
    token: (field(flat, 'token') as string | undefined) ?? null,
    optional: flags.includes('optional'),
    multiple: flags.includes('multiple'),
    multipleToken: flags.includes('multiple_token'),
    children,
  };
}

/** Every command and subcommand of a COMMAND DOCS reply (RESP2), as `name` or `container|sub`. */
export function grammars(docs: Decoded[]): Grammar[] {
  const out: Grammar[] = [];
  const walk = (name: string, flat: Decoded[]): void => {
    const subs = field(flat, 'subcommands') as Decoded[] | undefined;
    if (subs !== undefined) {
      for (let i = 0; i + 1 < subs.length; i += 2) walk(String(subs[i]), subs[i + 1] as Decoded[]);
      return;
    }
    const args = ((field(flat, 'arguments') as Decoded[][] | undefined) ?? []).map(toArg);
    out.push({ name, group: String(field(flat, 'group') ?? ''), args });
  };
  for (let i = 0; i + 1 < docs.length; i += 2) walk(String(docs[i]), docs[i + 1] as Decoded[]);
  return out;
}

export function pick<T>(r: Prng, a: readonly T[]): T {
  return a[r.int(a.length)]!;
}

function randomCase(r: Prng, token: string): string {
  return r.int(3) === 0 ? token.toLowerCase() : token;
}

/** Appends one random instance of `a` (its token, its value or its children). */
function emit(r: Prng, v: Vocabulary, g: Grammar, a: Arg, out: string[]): void {
  const reps = a.multiple ? 1 + r.int(3) : 1;
  for (let i = 0; i < reps; i++) {
    const replaced = a.type === 'pure-token' && a.token !== null ? v.replaceToken?.(g, a.token) : undefined;
    if (replaced !== undefined) {
      out.push(pick(r, replaced));
      continue;
    }
    if (a.token !== null && (i === 0 || a.multipleToken)) out.push(randomCase(r, a.token));
    switch (a.type) {
      case 'pure-token':
        break;
      case 'oneof':
        emit(r, v, g, pick(r, a.children), out);
        break;
      case 'block':
        for (const c of a.children) if (!c.optional || r.int(2) === 0) emit(r, v, g, c, out);
        break;
      default:
        out.push(pick(r, v.values(r, g, a)));
    }
  }
}

/** One random command of grammar `g`, damaged (once or twice) one time in four. */
export function generate(r: Prng, v: Vocabulary, g: Grammar): string[] {
  const [container, sub] = g.name.split('|') as [string, string | undefined];
  const out: string[] = [];
  for (const a of g.args) if (!a.optional || r.int(2) === 0) emit(r, v, g, a, out);
  for (let damage = r.int(4) === 0 ? 1 + r.int(2) : 0; damage > 0 && out.length > 0; damage--) {
    const i = r.int(out.length);
    switch (r.int(5)) {
      case 0: out.splice(i, 1); break;
      case 1: out.splice(i, 0, out[i]!); break;
      case 2: out.splice(i, 0, pick(r, v.junk)); break;
      case 3: if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!]; break;
      default: out.push(pick(r, v.junk));
    }
  }
  const head = [randomCase(r, container.toUpperCase())];
  if (sub !== undefined) head.push(randomCase(r, sub.toUpperCase()));
  return [...head, ...out];
}

/**
 * How two replies are compared: byte for byte, as multisets of elements, as one integer that may
 * differ by up to NEAR_MS (a TTL or an expiry time each server computed from its own clock; the
 * negative answers -1 and -2 stay exact), exactly but for idle times (see maskIdle), or by shape.
 */
export type Mode = 'exact' | 'sort' | 'near' | 'idle' | 'shape';

/** How far apart two clock-derived integers may be (milliseconds, or seconds). */
const NEAR_MS = 1000;

/** Errors always compare exactly, whatever the mode. */
export function same(mode: Mode, a: Buffer, b: Buffer): boolean {
  const isErr = (x: Buffer): boolean => x[0] === 0x2d || x[0] === 0x21;
  if (isErr(a) || isErr(b) || mode === 'exact') return a.equals(b);
  if (mode === 'sort') return sortedForm(a).equals(sortedForm(b));
  if (mode === 'near') return nearInteger(a, b);
  if (mode === 'idle') return idleForm(a) === idleForm(b);
  return typeForm(a) === typeForm(b);
}

/** The reply decoded, its idle times masked, as text (big integers as their digits). */
function idleForm(x: Buffer): string {
  const r = parseReply(x, 0);
  return JSON.stringify(maskIdle(r === null ? null : r[0]), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/**
 * The reply with its idle milliseconds replaced: the value after an `idle` field (XINFO
 * CONSUMERS, as a flat array or a map), and the third element of [id, consumer, idle, count]
 * entries (XPENDING's extended form).
 */
function maskIdle(v: Decoded | null): unknown {
  if (Array.isArray(v)) {
    if (v.length === 4 && typeof v[0] === 'string' && /^\d+-\d+$/.test(v[0]) && typeof v[2] === 'number') return [v[0], v[1], 'IDLE', v[3]];
    return v.map((e, i) => (i > 0 && v[i - 1] === 'idle' && typeof e === 'number' ? 'IDLE' : maskIdle(e)));
  }
  if (v !== null && typeof v === 'object' && 'map' in v) return v.map.map(([k, e]) => [maskIdle(k), k === 'idle' && typeof e === 'number' ? 'IDLE' : maskIdle(e)]);
  return v;
}

function nearInteger(a: Buffer, b: Buffer): boolean {
  const int = (x: Buffer): number | null => (/^:-?\d+\r\n$/.test(x.toString('latin1')) ? Number(x.toString('latin1', 1, x.length - 2)) : null);
  const x = int(a);
  const y = int(b);
  if (x === null || y === null || x < 0 || y < 0) return a.equals(b);
  return Math.abs(x - y) <= NEAR_MS;
}

/**
 * Follows MULTI on the compared connections: EXEC's reply is compared by shape when the
 * transaction queued a command whose own reply would be.
 */
export class Transaction {
  private open = false;
  private inexact = false;

  constructor(private readonly modeOf: (name: string) => Mode) {}

  /** The mode for comparing the reply to command `name` (a full name), which was `reply`. */
  mode(name: string, reply: Buffer): Mode {
    const text = reply.toString('latin1');
    if (name === 'exec') {
      const m = this.open && this.inexact ? 'shape' : 'exact';
      this.open = false;
      return m;
    }
    if (name === 'discard' || name === 'reset') {
      this.open = false;
      return 'exact';
    }
    if (name === 'multi') {
      if (!this.open && text === '+OK\r\n') {
        this.open = true;
        this.inexact = false;
      }
      return 'exact';
    }
    if (this.open) {
      if (text === '+QUEUED\r\n' && this.modeOf(name) !== 'exact') this.inexact = true;
      return 'exact';
    }
    return this.modeOf(name);
  }
}

/** How long one command may take to answer before it counts as "no reply". */
const REPLY_TIMEOUT_MS = 3000;

async function reply(c: RespClient): Promise<Buffer> {
  const r: RawReply | 'timeout' | 'closed' = await c.readWithin(REPLY_TIMEOUT_MS);
  return typeof r === 'string' ? Buffer.from(`(${r})`) : r.raw;
}

/** UNSUBSCRIBE and its kin answer once per channel named (once when none is). */
function replyCount(name: string, argv: string[]): number {
  if (name !== 'unsubscribe' && name !== 'punsubscribe' && name !== 'sunsubscribe') return 1;
  return Math.max(1, argv.length - 1);
}

/**
 * Sends `argv` to both connections (Garrison's first) and reads its replies from each,
 * concatenated. The connections must read pushes as replies (RespClient.pushesAsReplies).
 */
export async function both(conns: readonly [RespClient, RespClient], argv: string[], name = argv[0]!.toLowerCase()): Promise<[Buffer, Buffer]> {
  for (const c of conns) c.writeRaw(encodeCommand(argv));
  const out: [Buffer[], Buffer[]] = [[], []];
  for (let i = replyCount(name, argv); i > 0; i--) {
    out[0].push(await reply(conns[0]));
    out[1].push(await reply(conns[1]));
  }
  return [Buffer.concat(out[0]), Buffer.concat(out[1])];
}

export function show(argv: readonly string[]): string {
  return argv.map((x) => JSON.stringify(x)).join(' ');
}

/** Both replies, from a little before their first differing byte when they are long. */
export function showDiff(a: Buffer, b: Buffer, names: readonly [string, string] = ['garrison', 'redis']): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = i > 200 ? i - 100 : 0;
  const tag = from > 0 ? `(from byte ${from}) ` : '';
  const w = Math.max(names[0].length, names[1].length) + 1;
  return `  ${`${names[0]}:`.padEnd(w)} ${tag}${escapeBytes(a.subarray(from))}\n  ${`${names[1]}:`.padEnd(w)} ${tag}${escapeBytes(b.subarray(from))}`;
}

/** What one batch sent and found. */
export interface BatchResult { sent: number; errors: number; mismatch: string | null; commands: string[][] }

/**
 * Plays `count` random commands on both connections, each wrapped in MULTI/EXEC when
 * `wrapInMulti` says so (blocking commands never block there). Stops at the first difference:
 * the connections may be in different states after it.
 */
export async function playBatch(
  conns: readonly [RespClient, RespClient], r: Prng, all: readonly Grammar[], v: Vocabulary,
  modeOf: (name: string) => Mode, wrapInMulti: (name: string, argv: string[]) => boolean, count: number,
): Promise<BatchResult> {
  const tx = new Transaction(modeOf);
  const res: BatchResult = { sent: 0, errors: 0, mismatch: null, commands: [] };
  for (let i = 0; i < count; i++) {
    const g = pick(r, all);
    const argv = generate(r, v, g);
    res.commands.push(argv);
    const steps = wrapInMulti(g.name, argv) ? [['MULTI'], argv, ['EXEC']] : [argv];
    for (const cmd of steps) {
      const name = cmd === argv ? g.name : cmd[0]!.toLowerCase();
      const [a, b] = await both(conns, cmd, name);
      res.sent++;
      if (a[0] === 0x2d || a[0] === 0x21) res.errors++;
      if (!same(tx.mode(name, a), a, b)) {
        res.mismatch = `${show(argv)}${cmd === argv ? '' : ` (at ${cmd[0]})`}\n${showDiff(a, b)}`;
        return res;
      }
    }
  }
  return res;
}
