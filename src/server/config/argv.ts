/**
 * The command line of `garrison-server`, with redis-server 7.0's conventions (server.c main()):
 *   garrison-server [/path/to/redis.conf] [--name value ...] [-]
 * `-v`/`--version` and `-h`/`--help` are looked at in the first position only. The first argument
 * is the config file unless it starts with '-'. `--name v1 v2` becomes the config line
 * `name "v1" "v2"` appended after the file (and stdin) contents, so options win; a lone `-` as the
 * first or last argument reads more config from stdin. `--save` with no value means `save ""`.
 * `--sentinel` anywhere selects Sentinel mode. Pure: main.ts does the I/O.
 */
import { splitArgs } from '../../lib/split-args.js';
import { repr } from './values.js';

export type ParsedArgv =
  | { readonly kind: 'version' }
  | { readonly kind: 'help' }
  | { readonly kind: 'test-memory' }
  | { readonly kind: 'check-system' }
  | {
    readonly kind: 'run';
    /** The config file as given (main.ts makes it absolute), or null. */
    readonly configFile: string | null;
    readonly fromStdin: boolean;
    /** Options as config text, one directive per line. */
    readonly options: string;
    /** `--sentinel` was given (or the program is named *-sentinel). */
    readonly sentinel: boolean;
    /** No arguments at all: Redis warns that the default config is used. */
    readonly noArguments: boolean;
  };

export function parseArgv(args: readonly string[], programName = 'garrison-server'): ParsedArgv {
  const sentinel = args.includes('--sentinel') || /(^|\/)(redis|garrison)-sentinel$/.test(programName);
  if (args.length === 0) return { kind: 'run', configFile: null, fromStdin: false, options: '', sentinel, noArguments: true };
  const first = args[0]!;
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--test-memory') return { kind: 'test-memory' };
  if (first === '--check-system') return { kind: 'check-system' };

  let j = 0;
  let configFile: string | null = null;
  if (!first.startsWith('-')) {
    configFile = first;
    j = 1;
  }
  let fromStdin = false;
  let options = '';
  let handledLastArg = true;
  const last = args.length - 1;
  for (; j < args.length; j++) {
    const a = args[j]!;
    if (a === '-' && (j === 0 || j === last)) {
      fromStdin = true;
    } else if (handledLastArg && a.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += a.slice(2) + ' ';
      const parts = splitArgs(a);
      if (parts !== null && parts.length === 1) {
        // Only the option's name: its value(s) follow as separate arguments.
        handledLastArg = false;
        const next = args[j + 1];
        const nextIsOption = j !== last && next !== undefined && next.startsWith('--');
        const lower = a.toLowerCase();
        if (lower === '--save' && (nextIsOption || j === last)) {
          options += '""';
          handledLastArg = nextIsOption;
        } else if (lower === '--sentinel' && (nextIsOption || j === last)) {
          handledLastArg = nextIsOption;
        }
      } else {
        // "--port 6380" in one argument.
        handledLastArg = true;
      }
    } else {
      options += repr(a) + ' ';
      handledLastArg = true;
    }
  }
  return { kind: 'run', configFile, fromStdin, options, sentinel, noArguments: false };
}

/** The whole config text redis-server parses: file, then stdin, then the options. */
export function assembleConfigText(fileText: string, stdinText: string | null, options: string): string {
  let text = fileText;
  if (stdinText !== null) text += stdinText;
  if (options !== '') text += '\n' + options;
  return text;
}
