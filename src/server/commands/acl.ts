/**
 * The ACL command family (Redis 7.0's aclCommand): SETUSER GETUSER DELUSER USERS LIST WHOAMI CAT
 * GENPASS DRYRUN LOG LOAD SAVE HELP, over the server's users (server/acl). Users are listed in
 * name order, as Redis's rax keeps them. Lines of ACL LIST, and the commands of ACL CAT, name
 * single commands in command-table order where Redis uses its dict's per-process hash order.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_NOT_INTEGER, errSubcommandSyntax } from '../../protocol/errors.js';
import { error, map, OK, set, type Reply } from '../../protocol/reply.js';
import { describeAllUsers, ERR_NO_ACLFILE, loadAclFile, saveAclFile } from '../acl/file.js';
import { hasSpaces, type Selector } from '../acl/selector.js';
import type { AclUser } from '../acl/user.js';
import { categoryBit } from '../acl/catalog.js';
import { ACL_CATEGORY_ORDER } from './command-table-info.js';
import type { Client } from '../client.js';

const ERR_GENPASS_BITS = error('ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096');

const HELP: readonly string[] = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

function sortedUsers(c: Client): AclUser[] {
  return [...c.server.acl.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function setuser(c: Client, argv: string[]): Reply {
  const name = argv[2]!;
  if (hasSpaces(name)) return error("ERR Usernames can't contain spaces or null characters");
  const acl = c.server.acl;
  const existing = acl.users.get(name);
  const target = existing ?? acl.detachedUser(name);
  const before = existing?.copy() ?? null;
  const err = target.setRules(argv.slice(3));
  if (err !== null) return error(`ERR ${err}`);
  if (existing === undefined) acl.users.set(name, target);
  else if (before !== null) acl.dropRevokedSubscribers(before, existing);
  return OK;
}

function selectorFields(s: Selector): Reply[] {
  return ['commands', s.describeCommands(), 'keys', s.describeKeys(), 'channels', s.describeChannels()];
}

function getuser(c: Client, argv: string[]): Reply {
  const u = c.server.acl.users.get(argv[2]!);
  if (u === undefined) return null;
  return map([
    'flags', set(u.flags()),
    'passwords', [...u.passwords],
    ...selectorFields(u.root),
    'selectors', u.selectors.slice(1).map((s) => map(selectorFields(s))),
  ]);
}

function deluser(c: Client, argv: string[]): Reply {
  const acl = c.server.acl;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === 'default') return error("ERR The 'default' user cannot be removed");
  }
  for (let i = 2; i < argv.length; i++) {
    const u = acl.users.get(argv[i]!);
    if (u === undefined) continue;
    acl.deleteUser(u);
    deleted++;
  }
  return deleted;
}

function cat(c: Client, argv: string[]): Reply {
  if (argv.length === 2) return [...ACL_CATEGORY_ORDER];
  if (argv.length > 3) return errSubcommandSyntax(argv);
  const bit = categoryBit(argv[2]!);
  if (bit === 0) return error(`ERR Unknown category '${argv[2]!}'`);
  return c.server.acl.catalog.byId.filter((cmd) => (cmd.categories & bit) !== 0).map((cmd) => cmd.fullName);
}

function genpass(c: Client, argv: string[]): Reply {
  let bits = 256;
  if (argv.length > 3) return errSubcommandSyntax(argv);
  if (argv.length === 3) {
    const n = parseInt64(argv[2]!);
    if (n === null) return ERR_NOT_INTEGER;
    if (typeof n === 'bigint' || n <= 0 || n > 4096) return ERR_GENPASS_BITS;
    bits = n;
  }
  const chars = Math.floor((bits + 3) / 4);
  return c.server.env.random.bytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

function dryrun(c: Client, argv: string[]): Reply {
  const acl = c.server.acl;
  const u = acl.users.get(argv[2]!);
  if (u === undefined) return error(`ERR User '${argv[2]!}' not found`);
  const args = argv.slice(3);
  let cmd = c.server.commands.lookup(args[0]!);
  if (cmd !== undefined && cmd.subcommands !== undefined && args.length >= 2) cmd = cmd.subcommands.get(args[1]!.toLowerCase());
  if (cmd === undefined) return error(`ERR Command '${args[0]!}' not found`);
  if ((cmd.arity > 0 && cmd.arity !== args.length) || args.length < -cmd.arity) {
    return error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
  }
  const denied = acl.check(u, cmd, args);
  if (denied === null) return OK;
  return acl.denialText(denied, cmd, args);
}

function log(c: Client, argv: string[]): Reply {
  const acl = c.server.acl;
  if (argv.length > 3) return errSubcommandSyntax(argv);
  let count = 10;
  if (argv.length === 3) {
    if (argv[2]!.toLowerCase() === 'reset') {
      acl.log.reset();
      return OK;
    }
    const n = parseInt64(argv[2]!);
    if (n === null || typeof n === 'bigint') return ERR_NOT_INTEGER;
    count = Math.max(0, n);
  }
  return acl.log.reply(count);
}

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const PLAIN = ['noscript', 'loading', 'stale'] as const;

function sub(
  name: string, arity: number, flags: readonly ('admin' | 'noscript' | 'loading' | 'stale')[], since: string,
  summary: string, complexity: string, handler: (c: Client, argv: string[]) => Reply,
): CommandSpec<Client> {
  return { name, arity, flags, acl: [], group: 'server', since, summary, complexity, handler };
}

export const ACL_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'acl', arity: -2, flags: [], acl: [], group: 'server', since: '6.0.0',
    summary: 'Access control: users, their permissions and the denial log', complexity: 'Depends on subcommand.',
    subcommands: [
      sub('cat', -2, PLAIN, '6.0.0', 'The ACL categories, or the commands of one', 'O(1) since the categories and commands are a fixed set.', cat),
      sub('deluser', -3, ADMIN, '6.0.0', 'Delete users and disconnect their clients', 'O(1) amortized time considering the typical user.', deluser),
      sub('dryrun', -4, ADMIN, '7.0.0', 'Whether a user could run a command, without running it', 'O(1).', dryrun),
      sub('genpass', -2, PLAIN, '6.0.0', 'A random password from the secure generator', 'O(1)', genpass),
      sub('getuser', 3, ADMIN, '6.0.0', "A user's flags, passwords and selectors", 'O(N). Where N is the number of password, command and pattern rules that the user has.', getuser),
      sub('help', 2, ['loading', 'stale'], '6.0.0', 'The ACL subcommands', 'O(1)', () => HELP.map((l) => ({ t: 'status' as const, s: l }))),
      sub('list', 2, ADMIN, '6.0.0', 'Every user as a rule line', 'O(N). Where N is the number of configured users.',
        (c) => describeAllUsers(c.server.acl)),
      sub('load', 2, ADMIN, '6.0.0', 'Replace the users with those of the ACL file', 'O(N). Where N is the number of configured users.', (c) => {
        if (c.server.config.str('aclfile') === '') return ERR_NO_ACLFILE;
        const r = loadAclFile(c.server);
        return r === null ? OK : error(`ERR ${r}`);
      }),
      sub('log', -2, ADMIN, '6.0.0', 'The recent permission denials and failed logins', 'O(N) with N being the number of entries shown.', log),
      sub('save', 2, ADMIN, '6.0.0', 'Write the users to the ACL file', 'O(N). Where N is the number of configured users.', (c) => {
        if (c.server.config.str('aclfile') === '') return ERR_NO_ACLFILE;
        const r = saveAclFile(c.server);
        return r === null ? OK : error(`ERR ${r}`);
      }),
      sub('setuser', -3, ADMIN, '6.0.0', 'Create a user or change its rules', 'O(N). Where N is the number of rules provided.', setuser),
      sub('users', 2, ADMIN, '6.0.0', 'The user names', 'O(N). Where N is the number of configured users.', (c) => sortedUsers(c).map((u) => u.name)),
      sub('whoami', 2, PLAIN, '6.0.0', 'The user of this connection', 'O(1)', (c) => c.user?.name ?? null),
    ],
  },
];
