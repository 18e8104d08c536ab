/**
 * Differential scripts (test/interop/scripts/*.redis): parsing, and comparison of two raw replies.
 *
 * Format, one command per line (see the brief and docs/architecture.md):
 *   - blank lines and lines starting with `#` are ignored;
 *   - a plain line is a command, split with redis-cli's quoting rules (sdssplitargs); both replies
 *     must be byte-identical;
 *   - `!sort <command>`: the reply is an aggregate in unspecified order, elements (map: pairs) are
 *     sorted by their raw bytes before comparing;
 *   - `!type <command>`: nondeterministic reply, only the type byte (and aggregate length) compare;
 *   - `!resp3` alone: from here on the connection speaks RESP3 (HELLO 3 sent to both).
 * Files are read as latin1, so every byte of the file is one byte of the argument.
 */
import { splitArgs } from '../../../src/lib/split-args.js';
import { parseReply } from '../../helpers/resp-client.js';

export type Mode = 'exact' | 'sort' | 'type';

export type ScriptStep =
  | { kind: 'command'; line: number; text: string; mode: Mode; argv: string[] }
  | { kind: 'resp3'; line: number; text: string };

export function parseScript(source: string, file: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/\r$/, '');
    const trimmed = text.trim();
    const line = i + 1;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed === '!resp3') {
      steps.push({ kind: 'resp3', line, text: trimmed });
      continue;
    }
    let mode: Mode = 'exact';
    let rest = trimmed;
    const m = /^!(\w+)\s+(.*)$/.exec(trimmed);
    if (m) {
      if (m[1] === 'sort') mode = 'sort';
      else if (m[1] === 'type') mode = 'type';
      else throw new Error(`${file}:${line}: unknown directive !${m[1]}`);
      rest = m[2]!;
    } else if (trimmed.startsWith('!')) {
      throw new Error(`${file}:${line}: malformed directive ${JSON.stringify(trimmed)}`);
    }
    const argv = splitArgs(rest);
    if (argv === null) throw new Error(`${file}:${line}: unbalanced quotes in ${JSON.stringify(rest)}`);
    if (argv.length === 0) throw new Error(`${file}:${line}: empty command`);
    steps.push({ kind: 'command', line, text: trimmed, mode, argv });
  }
  return steps;
}

/** Printable escaping of raw bytes: \r \n \t \\ \" and \xHH, truncated. */
export function escapeBytes(b: Buffer | string, max = 600): string {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (out.length >= max) return `"${out}"... (${s.length} bytes)`;
    const c = s.charCodeAt(i);
    if (c === 13) out += '\\r';
    else if (c === 10) out += '\\n';
    else if (c === 9) out += '\\t';
    else if (c === 92) out += '\\\\';
    else if (c === 34) out += '\\"';
    else if (c >= 32 && c < 127) out += s[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${out}"`;
}

const AGGREGATES = new Set(['*', '~', '%', '>']);

/** Splits a raw aggregate reply into [header, element raws]; null when it is not an aggregate. */
export function splitAggregate(raw: Buffer): { header: string; count: number; elements: Buffer[] } | null {
  const type = String.fromCharCode(raw[0] ?? 0);
  if (!AGGREGATES.has(type)) return null;
  const cr = raw.indexOf('\r\n');
  const header = raw.toString('latin1', 0, cr);
  const count = Number(header.slice(1));
  const elements: Buffer[] = [];
  if (count < 0) return { header, count, elements };
  const items = type === '%' ? count * 2 : count;
  let pos = cr + 2;
  for (let i = 0; i < items; i++) {
    const r = parseReply(raw, pos);
    if (r === null) throw new Error(`truncated aggregate reply ${escapeBytes(raw)}`);
    elements.push(raw.subarray(pos, r[1]));
    pos = r[1];
  }
  return { header, count, elements };
}

/** Canonical form used by `!sort`: the header, then the elements (map pairs) sorted bytewise. */
export function sortedForm(raw: Buffer): Buffer {
  const agg = splitAggregate(raw);
  if (agg === null) return raw;
  let units: Buffer[] = agg.elements;
  if (agg.header.startsWith('%')) {
    units = [];
    for (let i = 0; i < agg.elements.length; i += 2) units.push(Buffer.concat([agg.elements[i]!, agg.elements[i + 1]!]));
  }
  units = [...units].sort(Buffer.compare);
  return Buffer.concat([Buffer.from(`${agg.header}\r\n`, 'latin1'), ...units]);
}

/** Shape used by `!type`: type byte, plus the length for aggregates. */
export function typeForm(raw: Buffer): string {
  const agg = splitAggregate(raw);
  if (agg !== null) return agg.header;
  return String.fromCharCode(raw[0] ?? 0);
}

/** True when the two raw replies are equal under `mode`. */
export function repliesMatch(mode: Mode, a: Buffer, b: Buffer): boolean {
  switch (mode) {
    case 'exact': return a.equals(b);
    case 'sort': return sortedForm(a).equals(sortedForm(b));
    case 'type': return typeForm(a) === typeForm(b);
  }
}
