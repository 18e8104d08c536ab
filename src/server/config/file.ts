/**
 * redis.conf loading with Redis 7.0's rules (config.c loadServerConfigFromString): lines trimmed,
 * `#` comments and blank lines skipped, arguments split like sdssplitargs (quotes, \xHH), the
 * directive name case-insensitive; parameters go through the typed table, the other directives
 * (include, rename-command, user, loadmodule, module configs, sentinel) are recorded for the
 * modules that act on them. Errors carry the line and Redis's message; `formatFatalConfigError`
 * prints them exactly as redis-server does before exiting with status 1.
 *
 * File access (include, `dir`'s chdir, the logfile check) goes through `ConfigFileHost` so that
 * this stays pure and testable; main.ts passes the real process.
 */
import { splitArgs } from '../../lib/split-args.js';
import type { Config } from './config.js';
import type { ConfigValue, SavePoints } from './params.js';
import { replicaOf } from './params.js';

export const REDIS_VERSION = '7.0.15';

export interface ConfigFileHost {
  /** The file's text, or the strerror text when it cannot be opened. */
  readFile(path: string): string | { error: string };
  /** glob(3): matching paths in order; [] when nothing matches. */
  glob(pattern: string): string[];
  /** chdir(2) for `dir`: null, or the strerror text. */
  chdir(path: string): string | null;
  /** getcwd(3) */
  cwd(): string;
  /** Whether the log file can be opened for appending: null, or the strerror text. */
  checkAppend(path: string): string | null;
}

/** A failed load: a directive error (FATAL CONFIG FILE ERROR) or an unreadable file. */
export type ConfigLoadError =
  | { readonly kind: 'directive'; readonly line: number | null; readonly text: string; readonly message: string }
  | { readonly kind: 'open'; readonly path: string; readonly message: string };

export class ConfigLoadFailure extends Error {
  constructor(readonly failure: ConfigLoadError) {
    super(failure.kind === 'open' ? `can't open config file '${failure.path}': ${failure.message}` : failure.message);
  }
}

/** What redis-server writes to stderr for a directive error. */
export function formatFatalConfigError(e: ConfigLoadError & { kind: 'directive' }): string {
  let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
  if (e.line !== null) out += `Reading the configuration file, at line ${e.line}\n>>> '${e.text}'\n`;
  return out + `${e.message}\n`;
}

/** The message redis-server logs (as a warning) when a config file cannot be opened. */
export function openErrorMessage(e: ConfigLoadError & { kind: 'open' }): string {
  return `Fatal error, can't open config file '${e.path}': ${e.message}`;
}

export interface LoadState {
  /** Names of the commands that exist, lower-case (rename-command checks against them). */
  commandNames: Set<string> | null;
  /** A `save` line was already read: later ones add save points (Redis's save_loaded). */
  saveLoaded: boolean;
  /**
   * Redis's reading_config_file: set while a text is parsed and cleared when any text (an included
   * file too) finishes, so after an `include` every `save` line replaces the previous ones again.
   */
  reading: boolean;
  /** Sentinel mode: `sentinel ...` lines are recorded for the sentinel instead of refused. */
  sentinelMode?: boolean;
  /** Checks a `user` line's words (server/acl/file.ts checkUserDirective): null, or the error. */
  checkUser?: (args: readonly string[]) => string | null;
}

export function newLoadState(commandNames: Iterable<string> | null): LoadState {
  return { commandNames: commandNames === null ? null : new Set([...commandNames].map((n) => n.toLowerCase())), saveLoaded: false, reading: false };
}

/** Directives Redis 7.0 still accepts and ignores (with exactly one argument). */
const DEPRECATED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

function trim(line: string): string {
  return line.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '');
}

/**
 * Applies config text to `config`. Throws ConfigLoadFailure on the first error, like Redis
 * (which exits there).
 */
export function loadConfigText(text: string, config: Config, host: ConfigFileHost, state: LoadState): void {
  const lines = text.split('\n');
  state.reading = true;
  let lineNo = 0;
  const fail = (message: string, withLine = true): never => {
    throw new ConfigLoadFailure({ kind: 'directive', line: withLine ? lineNo : null, text: withLine ? trim(lines[lineNo - 1]!) : '', message });
  };
  for (let i = 0; i < lines.length; i++) {
    lineNo = i + 1;
    const line = trim(lines[i]!);
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    if (argv === null) fail('Unbalanced quotes in configuration line');
    const args = argv!;
    if (args.length === 0) continue;
    const name = args[0]!.toLowerCase();
    let rest = args.slice(1);

    const p = config.def(name);
    if (p) {
      if (!config.isMultiArg(p) && args.length !== 2) fail('wrong number of arguments');
      // Redis splits a single non-empty argument of a multi-argument directive at spaces, so
      // `--save "3600 1"` and `save "60 100"` work like `save 3600 1`.
      if (config.isMultiArg(p) && rest.length === 1 && rest[0] !== '') rest = splitArgs(rest[0]!) ?? rest;
      if (p.name === 'dir') {
        const err = host.chdir(rest[0]!);
        if (err !== null) fail(err);
        config.setValue('dir', host.cwd());
        continue;
      }
      const v = config.parse(p, rest);
      if (typeof v === 'object' && v !== null && 'error' in v) fail(String((v as { error: string }).error));
      let value = v as ConfigValue;
      if (p.accumulate === true && state.reading) {
        // `save ""` always clears; otherwise the first save line of the load replaces the
        // defaults and later ones add to it.
        const clears = rest.length === 1 && rest[0] === '';
        if (state.saveLoaded && !clears) value = [...(config.get(p.name) as SavePoints), ...(value as SavePoints)];
        state.saveLoaded = true;
      }
      config.setValue(p.name, value);
      continue;
    }
    if (DEPRECATED.has(name) && args.length === 2) continue;

    if (name === 'include' && args.length === 2) {
      includeFile(rest[0]!, config, host, state);
    } else if (name === 'rename-command' && args.length === 3) {
      const [from, to] = [rest[0]!, rest[1]!];
      const names = state.commandNames;
      if (names !== null) {
        if (!names.has(from.toLowerCase())) fail('No such command in rename-command');
        names.delete(from.toLowerCase());
        if (to !== '') {
          if (names.has(to.toLowerCase())) fail('Target command name already exists');
          names.add(to.toLowerCase());
        }
      }
      config.directives.renameCommands.push([from, to]);
    } else if (name === 'user' && args.length >= 2) {
      const err = state.checkUser?.(rest) ?? null;
      if (err !== null) fail(err);
      config.directives.users.push(rest);
    } else if (name === 'loadmodule' && args.length >= 2) {
      config.directives.loadModules.push(rest);
    } else if (name.includes('.')) {
      if (args.length !== 2) fail('Module config specified without value');
      config.directives.moduleConfigs.push([args[0]!, rest[0]!]);
    } else if (name === 'sentinel') {
      // A bare `sentinel` line is the mode switch main() looks for; with arguments it is sentinel state.
      if (args.length !== 1) {
        if (state.sentinelMode !== true) fail('sentinel directive while not in sentinel mode');
        config.directives.sentinel.push({ args: rest, line: lineNo, text: line });
      }
    } else {
      fail('Bad directive or wrong number of arguments');
    }
  }

  const logfile = config.str('logfile');
  if (logfile !== '') {
    const err = host.checkAppend(logfile);
    if (err !== null) fail(`Can't open the log file: ${err}`, false);
  }
  if (config.bool('cluster-enabled') && replicaOf(config.get('replicaof')) !== null) {
    fail('replicaof directive not allowed in cluster mode', false);
  }
  state.reading = false;
}

/** `include path`: a glob pattern includes every match (none is fine); a plain path must open. */
export function includeFile(path: string, config: Config, host: ConfigFileHost, state: LoadState): void {
  const paths = /[*?[]/.test(path) ? host.glob(path) : [path];
  let text = '';
  for (const p of paths) {
    const t = host.readFile(p);
    if (typeof t !== 'string') throw new ConfigLoadFailure({ kind: 'open', path: p, message: t.error });
    text += t;
  }
  if (paths.length > 0) loadConfigText(text, config, host, state);
}
