/**
 * The multi-part AOF manifest of Redis 7.0: which files make up the append-only log, in order.
 * One BASE file (the dataset at the last rewrite, RDB or commands), HISTORY files (replaced by a
 * rewrite, deleted unless aof-disable-auto-gc), and INCR files (the commands since, in sequence).
 *
 * Text format, one file per line: `file <name> seq <n> type <b|h|i>`, base first, then history,
 * then incr; a name that needs quoting is written as Redis's sdscatrepr does and read back with
 * sdssplitargs. Parsing reports Redis's error texts (the server logs them and refuses to start).
 *
 * File names: `<appendfilename>.<seq>.base.rdb|aof`, `<appendfilename>.<seq>.incr.aof`, the
 * manifest `<appendfilename>.manifest`, its temporary `temp-<appendfilename>.manifest`, and the
 * temporary incr file `temp-<appendfilename>.incr` used while AOF is being turned on.
 *
 * Manifests are values: every change makes a new one, so a failed switch leaves the current one.
 */
import { needsRepr, repr } from '../../lib/repr.js';
import { splitArgs } from '../../lib/split-args.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  readonly base: AofFileInfo | null;
  readonly history: readonly AofFileInfo[];
  readonly incr: readonly AofFileInfo[];
  /** Highest base / incr sequence numbers handed out (the next ones are one more). */
  readonly baseSeq: number;
  readonly incrSeq: number;
}

export const EMPTY_MANIFEST: AofManifest = { base: null, history: [], incr: [], baseSeq: 0, incrSeq: 0 };

export const manifestName = (base: string): string => `${base}.manifest`;
export const tempManifestName = (base: string): string => `temp-${base}.manifest`;
export const tempIncrName = (base: string): string => `temp-${base}.incr`;

function line(f: AofFileInfo): string {
  return `file ${needsRepr(f.name) ? repr(f.name) : f.name} seq ${f.seq} type ${f.type}\n`;
}

/** The manifest's text (Redis's getAofManifestAsString). */
export function formatManifest(m: AofManifest): string {
  let out = '';
  if (m.base !== null) out += line(m.base);
  for (const h of m.history) out += line(h);
  for (const i of m.incr) out += line(i);
  return out;
}

/** Why a manifest was refused, with the line Redis quotes. */
export class ManifestError extends Error {
  constructor(message: string, readonly lineNumber: number | null, readonly lineText: string | null) {
    super(message);
  }
}

/** Redis's MANIFEST_MAX_LINE. */
const MAX_LINE = 1024;

/** C's atoll: optional spaces and sign, then digits, stopping at the first other byte. */
function atoll(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function isBaseName(name: string): boolean {
  return !name.includes('/');
}

/** Parses a manifest file (Redis's aofLoadManifestFromFile); throws ManifestError. */
export function parseManifest(text: string): AofManifest {
  let base: AofFileInfo | null = null;
  const history: AofFileInfo[] = [];
  const incr: AofFileInfo[] = [];
  let baseSeq = 0;
  let incrSeq = 0;
  let maxSeq = 0;
  let lineNo = 0;
  let pos = 0;
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', null, null);
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    // fgets reads at most MAX_LINE bytes: a longer line has no newline in that piece.
    const end = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(pos, Math.min(end, pos + MAX_LINE));
    pos += raw.length;
    lineNo++;
    if (raw.startsWith('#')) continue;
    if (!raw.includes('\n')) throw new ManifestError('The AOF manifest file contains too long line', null, null);
    const trimmed = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const fail = (msg: string): never => {
      throw new ManifestError(msg, lineNo, trimmed);
    };
    if (trimmed.length === 0) fail('Invalid AOF manifest file format');
    const argv = splitArgs(trimmed);
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) fail('Invalid AOF manifest file format');
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv!.length; i += 2) {
      const k = argv![i]!.toLowerCase();
      const v = argv![i + 1]!;
      if (k === 'file') {
        name = v;
        if (!isBaseName(name)) fail("File can't be a path, just a filename");
      } else if (k === 'seq') {
        seq = atoll(v);
      } else if (k === 'type') {
        type = v.charAt(0);
      }
    }
    if (name === null || name === '' || seq === 0 || type === '') fail('Invalid AOF manifest file format');
    const info: AofFileInfo = { name: name!, seq, type: type as AofFileType };
    if (type === 'b') {
      if (base !== null) fail('Found duplicate base file information');
      base = info;
      baseSeq = seq;
    } else if (type === 'h') {
      history.push(info);
    } else if (type === 'i') {
      if (seq <= maxSeq) fail('Found a non-monotonic sequence number');
      incr.push(info);
      incrSeq = seq;
      maxSeq = seq;
    } else {
      fail('Unknown AOF file type');
    }
  }
  return { base, history, incr, baseSeq, incrSeq };
}

/** The log lines Redis writes before exiting on a bad manifest. */
export function manifestErrorLog(e: ManifestError): string[] {
  const out = ['\n*** FATAL AOF MANIFEST FILE ERROR ***\n'];
  if (e.lineText !== null) {
    out.push(`Reading the manifest file, at line ${e.lineNumber}\n`, `>>> '${e.lineText}'\n`);
  }
  out.push(`${e.message}\n`);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Transitions (each returns a new manifest)

/** A new base file name; the current base (if any) becomes history (getNewBaseFileNameAndMarkPreAsHistory). */
export function withNewBase(m: AofManifest, fileName: string, rdbFormat: boolean): AofManifest {
  const seq = m.baseSeq + 1;
  const base: AofFileInfo = { name: `${fileName}.${seq}.base.${rdbFormat ? 'rdb' : 'aof'}`, seq, type: 'b' };
  const history = m.base !== null ? [{ ...m.base, type: 'h' as const }, ...m.history] : [...m.history];
  return { ...m, base, history, baseSeq: seq };
}

/** A new incr file appended to the list (getNewIncrAofName). */
export function withNewIncr(m: AofManifest, fileName: string): AofManifest {
  const seq = m.incrSeq + 1;
  return { ...m, incr: [...m.incr, { name: `${fileName}.${seq}.incr.aof`, seq, type: 'i' }], incrSeq: seq };
}

/** The last incr file's name, adding one when there is none (getLastIncrAofName). */
export function withLastIncr(m: AofManifest, fileName: string): { manifest: AofManifest; name: string } {
  const last = m.incr[m.incr.length - 1];
  if (last !== undefined) return { manifest: m, name: last.name };
  const next = withNewIncr(m, fileName);
  return { manifest: next, name: next.incr[next.incr.length - 1]!.name };
}

/**
 * After a rewrite: every incr file but the one being written (`keepLast`) becomes history, placed
 * before the older history in sequence order (markRewrittenIncrAofAsHistory).
 */
export function withIncrAsHistory(m: AofManifest, keepLast: boolean): AofManifest {
  const n = keepLast ? m.incr.length - 1 : m.incr.length;
  if (n <= 0) return m;
  const moved = m.incr.slice(0, n).map((f) => ({ ...f, type: 'h' as const }));
  return { ...m, history: [...moved, ...m.history], incr: m.incr.slice(n) };
}

export function withoutHistory(m: AofManifest): AofManifest {
  return { ...m, history: [] };
}

/** The manifest Redis builds when upgrading a pre-7.0 single file: that file as base 1. */
export function upgradedManifest(fileName: string): AofManifest {
  return { ...EMPTY_MANIFEST, base: { name: fileName, seq: 1, type: 'b' }, baseSeq: 1 };
}

/** Base then incr files, the order they are loaded in. */
export function filesToLoad(m: AofManifest): AofFileInfo[] {
  return m.base !== null ? [m.base, ...m.incr] : [...m.incr];
}
