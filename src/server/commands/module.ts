/**
 * MODULE (HELP, LIST, LOAD, LOADEX, UNLOAD) as a Redis 7.0.15 server with no module loaded
 * answers it. Garrison cannot load Redis modules (they are native shared libraries written
 * against Redis's C API), so:
 *  - LIST answers an empty array;
 *  - LOAD and LOADEX fail as Redis fails on a library it cannot load: the reply is Redis's
 *    "Error loading the extension" error and the reason goes to the log, in the line the
 *    process logs for a `loadmodule` directive at start (moduleLoadFailure). LOADEX first
 *    checks its CONFIG/ARGS arguments as Redis does, logging Redis's notice for a bad one;
 *  - UNLOAD answers that no module has that name.
 * LOAD, LOADEX and UNLOAD are protected commands: `enable-module-command` gates them before
 * any of this runs (protected.ts).
 */
import type { CommandSpec } from '../../commands/spec.js';
import { error, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { helpReply } from './introspection.js';

/** The warning logged when a module cannot be loaded, at start (`loadmodule`) or by MODULE LOAD. */
export function moduleLoadFailure(path: string): string {
  return `Module ${path} failed to load: Garrison cannot load Redis modules`;
}

const ERR_LOADING_MODULE = error('ERR Error loading the extension. Please check the server logs.');
const ERR_NO_SUCH_MODULE = error('ERR Error unloading module: no such module with that name');

const HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

/**
 * LOADEX's arguments after the path: `CONFIG name value` pairs, then optionally `ARGS` and
 * anything after it. Returns null when they are well formed, or the notice Redis logs.
 */
export function loadexArgumentsProblem(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const word = a.toLowerCase();
    if (word === 'config') {
      if (i + 2 >= args.length) return 'CONFIG specified without name value pair';
      i += 2;
    } else if (word === 'args') {
      return null;
    } else {
      return `Syntax Error from arguments to loadex around ${a}.`;
    }
  }
  return null;
}

function load(c: Client, path: string): Reply {
  c.server.logger.warning(moduleLoadFailure(path));
  return ERR_LOADING_MODULE;
}

type Spec = CommandSpec<Client>;

const MODULE_SPEC: Spec = {
  name: 'module', arity: -2, flags: [], acl: [], group: 'server', since: '4.0.0',
  summary: 'Native extension modules (Garrison loads none)', complexity: 'Depends on subcommand.',
  subcommands: [
    {
      name: 'help', arity: 2, flags: ['loading', 'stale'], acl: [], group: 'server', since: '5.0.0',
      summary: 'Lists the MODULE subcommands', complexity: 'O(1)',
      handler: (_c, argv) => helpReply(argv[0]!, HELP),
    },
    {
      name: 'list', arity: 2, flags: ['admin', 'noscript'], acl: [], group: 'server', since: '4.0.0',
      summary: 'Lists the loaded modules: always none', complexity: 'O(N) where N is the number of loaded modules.',
      tips: ['nondeterministic_output_order'], handler: () => [],
    },
    {
      name: 'load', arity: -3, flags: ['admin', 'noscript', 'no_async_loading', 'protected'], acl: [], group: 'server',
      since: '4.0.0', summary: 'Loads a module from a shared library: always fails', complexity: 'O(1)',
      args: [{ name: 'path', type: 'string' }, { name: 'arg', type: 'string', flags: ['optional', 'multiple'] }],
      handler: (c, argv) => load(c, argv[2]!),
    },
    {
      name: 'loadex', arity: -3, flags: ['admin', 'noscript', 'no_async_loading', 'protected'], acl: [], group: 'server',
      since: '7.0.0', summary: 'Loads a module with configuration values: always fails', complexity: 'O(1)',
      args: [
        { name: 'path', type: 'string' },
        { name: 'configs', type: 'block', token: 'CONFIG', flags: ['optional', 'multiple', 'multiple_token'], args: [
          { name: 'name', type: 'string' }, { name: 'value', type: 'string' },
        ] },
        { name: 'args', type: 'block', token: 'ARGS', flags: ['optional', 'multiple'], args: [{ name: 'arg', type: 'string' }] },
      ],
      handler: (c, argv) => {
        const problem = loadexArgumentsProblem(argv.slice(3));
        if (problem === null) return load(c, argv[2]!);
        c.server.logger.notice(problem);
        return ERR_LOADING_MODULE;
      },
    },
    {
      name: 'unload', arity: 3, flags: ['admin', 'noscript', 'no_async_loading', 'protected'], acl: [], group: 'server',
      since: '4.0.0', summary: 'Unloads a module by name: there is none', complexity: 'O(1)',
      args: [{ name: 'name', type: 'string' }], handler: () => ERR_NO_SUCH_MODULE,
    },
  ],
};

export const MODULE_COMMANDS: readonly Spec[] = [MODULE_SPEC];
