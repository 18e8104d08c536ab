/**
 * String commands. (Being completed: see issue #2.)
 */
import { ERR_WRONGTYPE, ERR_SYNTAX } from '../protocol/errors.js';
import { OK, type Reply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import type { CommandSpec } from './spec.js';

function get(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  if (v === undefined) return null;
  if (typeof v !== 'string') return ERR_WRONGTYPE;
  return v;
}

function set(c: CommandContext, argv: string[]): Reply {
  if (argv.length !== 3) return ERR_SYNTAX;
  const key = argv[1]!;
  c.ks.setKey(c.db, key, argv[2]!);
  c.ks.dirty++;
  c.ks.notify('$', 'set', c.db, key);
  return OK;
}

export const STRING_COMMANDS: readonly CommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'string', 'fast'], keys: { first: 1, last: 1, step: 1 },
    group: 'string', since: '1.0.0', summary: 'Get the value of a key', complexity: 'O(1)', handler: get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'string', 'slow'], keys: { first: 1, last: 1, step: 1 },
    group: 'string', since: '1.0.0', summary: 'Set the string value of a key', complexity: 'O(1)', handler: set },
];
