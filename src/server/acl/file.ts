/**
 * Where users come from besides ACL SETUSER, as Redis 7.0.15 does it:
 * - the config file's `user` lines: checked while the file is read (checkUserDirective, unknown
 *   commands excepted), applied once the server exists (loadUsersAtStart); `default` is reset
 *   first, every other user starts as a new one;
 * - the `aclfile`: read at start and by ACL LOAD, all or nothing (parseAclFile), written by
 *   ACL SAVE (saveAclFile). Its lines are split on single spaces, not quotes, as Redis does.
 * Both at once is refused at start, as in Redis.
 */
import { error } from '../../protocol/reply.js';
import type { Server } from '../server.js';
import type { Acl } from './acl.js';
import type { AclCatalog } from './catalog.js';
import { ACL_RULE_ERRORS, hasSpaces } from './selector.js';
import { AclUser, mergeSelectorArgs } from './user.js';

export const ERR_NO_ACLFILE = error(
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command ' +
  'and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
);

/**
 * Checks a `user` line of the config file (its words after `user`) on a scratch user, as Redis's
 * ACLAppendUserForLoading does: null when fine, else the fatal error text. Unknown command names
 * are let through (Redis leaves them to the load, after modules). The word Redis names in the
 * error is counted from the rules but indexes the whole line (a Redis 7.0 quirk kept here).
 */
export function checkUserDirective(catalog: AclCatalog, args: readonly string[], seen: Set<string>): string | null {
  const line = ['user', ...args];
  const name = args[0]!;
  if (seen.has(name)) return `Error in user declaration '${line[1]!}': ${ACL_RULE_ERRORS.EALREADY}`;
  const merged = mergeSelectorArgs(args.slice(1));
  // Redis reports an errno left over from earlier work here; this is the text it gives in practice.
  if (typeof merged === 'number') return `Error in user declaration '${line[merged] ?? ''}': ${ACL_RULE_ERRORS.ENOENT}`;
  const scratch = new AclUser(name, catalog, () => false);
  for (let j = 0; j < merged.length; j++) {
    const err = scratch.apply(merged[j]!);
    if (err !== null && err !== 'ENOENT') return `Error in user declaration '${line[j] ?? ''}': ${ACL_RULE_ERRORS[err]}`;
  }
  seen.add(name);
  return null;
}

/**
 * Applies the config file's `user` lines and the aclfile after the server is built (Redis's
 * ACLLoadUsersAtStartup). Null when fine, else the lines to log before exiting.
 */
export function loadUsersAtStart(server: Server): string[] | null {
  const acl = server.acl;
  const lines = server.config.directives.users;
  const aclfile = server.config.str('aclfile');
  if (aclfile !== '' && lines.length > 0) {
    return ['Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. ' +
      'This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or ' +
      'declare users directly in your redis.conf, but not both.'];
  }
  for (const args of lines) {
    const name = args[0]!;
    if (hasSpaces(name)) return ['Spaces not allowed in ACL usernames', 'Critical error while loading ACLs. Exiting.'];
    let u = acl.users.get(name);
    if (u === undefined) u = acl.createUser(name);
    else u.apply('reset');
    const merged = mergeSelectorArgs(args.slice(1));
    for (const op of typeof merged === 'number' ? [] : merged) {
      const err = u.apply(op);
      if (err !== null) {
        return [`Error loading ACL rule '${op}' for the user named '${name}': ${ACL_RULE_ERRORS[err]}`, 'Critical error while loading ACLs. Exiting.'];
      }
    }
    u.refresh();
    if (!u.enabled) {
      server.logger.notice(`The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`);
    }
  }
  if (aclfile !== '') {
    const err = loadAclFile(server);
    if (err !== null) return [`Aborting Redis startup because of ACL errors: ${err}`];
  }
  return null;
}

/**
 * Parses an ACL file into fresh users (Redis 7.0.15's ACLLoadFromFile): the users, or the
 * accumulated error text. Every problem of every line is reported; nothing is applied then.
 */
export function parseAclFile(acl: Acl, path: string, text: string): Map<string, AclUser> | string {
  const users = new Map<string, AclUser>();
  let errors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '');
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${path}:${n} should start with user keyword followed by the username. `;
      continue;
    }
    const name = argv[1]!;
    if (hasSpaces(name)) {
      errors += `'${path}:${n}: username '${name}' contains invalid characters. `;
      continue;
    }
    if (users.has(name)) {
      errors += `WARNING: Duplicate user '${name}' found on line ${n}. `;
      continue;
    }
    const u = acl.detachedUser(name);
    users.set(name, u);
    const merged = mergeSelectorArgs(argv.slice(2));
    if (typeof merged === 'number') {
      errors += `${path}:${n}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    for (const raw of merged) {
      const op = raw.replace(/^[\t\r\n]+/, '').replace(/[\t\r\n]+$/, '');
      const err = u.apply(op);
      if (err === 'ENOENT') {
        errors += `${path}:${n}: Error in applying operation '${op}': ${ACL_RULE_ERRORS.ENOENT}. `;
      } else if (err !== null) {
        errors += `${path}:${n}: ${ACL_RULE_ERRORS[err]}. `;
        break;
      }
    }
    u.refresh();
  }
  if (errors !== '') return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
  return users;
}

/** ACL LOAD and the aclfile at start: null, or the error text (nothing changed then). */
export function loadAclFile(server: Server): string | null {
  const path = server.config.str('aclfile');
  if (path === '') return ERR_NO_ACLFILE.s.slice(4);
  const store = server.config.store;
  const text = store === null ? { error: 'No such file or directory' } : store.read(path) ?? { error: 'No such file or directory' };
  if (typeof text !== 'string') return `Error loading ACLs, opening file '${path}': ${text.error}`;
  const users = parseAclFile(server.acl, path, text);
  if (typeof users === 'string') return users;
  server.acl.replaceUsers(users);
  return null;
}

/** The users as ACL SAVE writes them (and CONFIG REWRITE without an aclfile): name order. */
export function describeAllUsers(acl: Acl): string[] {
  return [...acl.users.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((u) => `user ${u.name} ${u.describe()}`);
}

/** ACL SAVE: null, or the reply's error text (the cause is logged, as Redis does). */
export function saveAclFile(server: Server): string | null {
  const path = server.config.str('aclfile');
  const store = server.config.store;
  const text = describeAllUsers(server.acl).map((l) => `${l}\n`).join('');
  const err = store === null ? 'no file system' : store.writeAtomic(path, text);
  if (err === null) return null;
  server.logger.warning(`Writing ACL file for ACL SAVE: ${err}`);
  return 'There was an error trying to save the ACLs. Please check the server logs for more information';
}
