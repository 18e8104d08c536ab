/**
 * The ACL system of one server (Redis 7.0's acl.c state): the users, the default user that
 * requirepass describes, authentication, the permission check every command passes before it
 * runs, and the ACL LOG of denials.
 *
 * Hot path: a client whose user allows everything (the default user unless configured otherwise)
 * costs one field test per command (`AclUser.unrestricted`). Clients the server runs itself (the
 * link to a master) have no user and are never checked, as Redis's NULL user.
 */
import type { Command } from '../../commands/registry.js';
import { error, type Reply } from '../../protocol/reply.js';
import { globMatch } from '../../lib/glob.js';
import { commandKeys } from '../commands/command-table-info.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { AclCatalog } from './catalog.js';
import { describeAllUsers } from './file.js';
import { AclLog } from './log.js';
import {
  ACL_DENIED_CHANNEL, ACL_DENIED_CMD, ACL_DENIED_KEY, ACL_OK, type AclChannelRef, type AclKeyRef, PERM_READ, PERM_WRITE,
} from './selector.js';
import { AclUser } from './user.js';

/** A refused command: why (ACL_DENIED_*) and the argv position of the key or channel refused. */
export interface AclDenial {
  readonly code: number;
  readonly pos: number;
}

const NOPERM_KEY = error('NOPERM this user has no permissions to access one of the keys used as arguments');
const NOPERM_CHANNEL = error('NOPERM this user has no permissions to access one of the channels used as arguments');

export class Acl {
  readonly catalog: AclCatalog;
  readonly users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  readonly log: AclLog;

  constructor(private readonly server: Server) {
    this.catalog = new AclCatalog(server.commands);
    this.log = new AclLog(server);
    this.defaultUser = this.createUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) this.defaultUser.apply(op);
    this.defaultUser.refresh();
    this.setDefaultPassword(server.config.str('requirepass'));
    server.config.watch('requirepass', (v) => this.setDefaultPassword(String(v)));
    // CONFIG REWRITE writes the users as `user` lines, unless an aclfile keeps them.
    server.config.describeUsers = () => (server.config.str('aclfile') !== '' ? null : describeAllUsers(this).map((l) => l.slice('user '.length)));
  }

  /** acl-pubsub-default: whether new users and selectors start with every channel allowed. */
  private allChannelsDefault = (): boolean => this.server.config.str('acl-pubsub-default') === 'allchannels';

  /** A new user, disabled and allowed nothing, registered under `name` (Redis's ACLCreateUser). */
  createUser(name: string): AclUser {
    const u = new AclUser(name, this.catalog, this.allChannelsDefault);
    this.users.set(name, u);
    return u;
  }

  /** A user not in the table (ACL LOAD and the config's `user` lines are staged in these). */
  detachedUser(name: string): AclUser {
    return new AclUser(name, this.catalog, this.allChannelsDefault);
  }

  /** requirepass: the default user's only password, or nopass when empty (ACLUpdateDefaultUserPassword). */
  setDefaultPassword(password: string): void {
    const u = this.defaultUser;
    u.apply('resetpass');
    u.apply(password === '' ? 'nopass' : `>${password}`);
    u.refresh();
  }

  /** Whether a new connection must authenticate (the default user is not an enabled nopass user). */
  authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  /**
   * AUTH / HELLO AUTH: true and the client is now `user`, or false, and the failure is in the
   * ACL LOG (reason auth, the command name as typed, the user name tried).
   */
  authenticate(c: Client, username: string, password: string, commandName: string): boolean {
    const u = this.users.get(username);
    if (u !== undefined && u.checkPassword(password)) {
      c.user = u;
      c.authenticated = true;
      c.parser.authRequired = false;
      return true;
    }
    this.log.add(c, 'auth', c.multi !== null ? 'multi' : 'toplevel', commandName, username);
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Checks

  /**
   * Whether `user` may run `cmd` with `argv` (Redis's ACLCheckAllUserCommandPerm): allowed when
   * one selector allows the command, its keys and its channels. Otherwise the most relevant
   * denial: a command denial only when no selector allowed the command, else the key or channel
   * refused at the highest position.
   */
  check(user: AclUser, cmd: Command<Client>, argv: readonly string[]): AclDenial | null {
    const entry = this.catalog.byId[cmd.aclId]!;
    let code = ACL_DENIED_CMD;
    let pos = 0;
    let keys: AclKeyRef[] | null = null;
    for (const s of user.selectors) {
      let r = ACL_OK;
      let at = 0;
      if (!s.allowsCommand(entry, argv)) r = ACL_DENIED_CMD;
      else {
        if (!s.allKeys && entry.hasKeys) {
          keys ??= aclKeys(cmd, argv);
          for (const k of keys) {
            if (!s.allowsKey(argv[k.pos]!, k.perms)) {
              r = ACL_DENIED_KEY;
              at = k.pos;
              break;
            }
          }
        }
        if (r === ACL_OK && !s.allChannels) {
          for (const ch of aclChannels(cmd, argv)) {
            if (!s.allowsChannel(argv[ch.pos]!, ch.pattern)) {
              r = ACL_DENIED_CHANNEL;
              at = ch.pos;
              break;
            }
          }
        }
      }
      if (r === ACL_OK) return null;
      if (r > code || (r === code && at > pos)) {
        code = r;
        pos = at;
      }
    }
    return { code, pos };
  }

  /**
   * Whether some selector that allows the command may read every key (all keys, or a "*"
   * pattern with read permission): Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess, which SORT
   * asks before it follows BY and GET patterns.
   */
  readsAllKeys(user: AclUser, cmd: Command<Client>, argv: readonly string[]): boolean {
    if (user.unrestricted) return true;
    const entry = this.catalog.byId[cmd.aclId]!;
    const keys = aclKeys(cmd, argv);
    return user.selectors.some((s) => {
      if (!s.allKeys && !s.patterns.some((p) => p.pattern === '*' && (p.flags & PERM_READ) !== 0)) return false;
      if (!s.allowsCommand(entry, argv)) return false;
      if (!s.allKeys && !keys.every((k) => s.allowsKey(argv[k.pos]!, k.perms))) return false;
      return s.allChannels || aclChannels(cmd, argv).every((ch) => s.allowsChannel(argv[ch.pos]!, ch.pattern));
    });
  }

  /** The error a refused command gets (processCommand's NOPERM replies). */
  denialReply(d: AclDenial, cmd: Command<Client>): Reply {
    if (d.code === ACL_DENIED_KEY) return NOPERM_KEY;
    if (d.code === ACL_DENIED_CHANNEL) return NOPERM_CHANNEL;
    return error(`NOPERM this user has no permissions to run the '${cmd.fullName}' command`);
  }

  /** ACL DRYRUN's answer for a refused command (naming the command, key or channel). */
  denialText(d: AclDenial, cmd: Command<Client>, argv: readonly string[]): string {
    if (d.code === ACL_DENIED_KEY) return `This user has no permissions to access the '${argv[d.pos]!}' key`;
    if (d.code === ACL_DENIED_CHANNEL) return `This user has no permissions to access the '${argv[d.pos]!}' channel`;
    return `This user has no permissions to run the '${cmd.fullName}' command`;
  }

  /** Records a denial in the ACL LOG (Redis's addACLLogEntry for command, key and channel). */
  logDenial(c: Client, d: AclDenial, cmd: Command<Client>, argv: readonly string[], context: 'toplevel' | 'multi'): void {
    const reason = d.code === ACL_DENIED_KEY ? 'key' : d.code === ACL_DENIED_CHANNEL ? 'channel' : 'command';
    const object = d.code === ACL_DENIED_CMD ? cmd.fullName : argv[d.pos]!;
    this.log.add(c, reason, context, object, c.user?.name ?? 'default');
  }

  /** The clients authenticated as `user`. */
  clientsOf(user: AclUser): Client[] {
    return [...this.server.clients.values()].filter((c) => c.user === user);
  }

  /**
   * Removes a user and disconnects its clients (Redis's ACLFreeUserAndKillClients): each is
   * moved to the default user, unauthenticated, and closed; the calling client after its reply.
   */
  deleteUser(user: AclUser): void {
    this.users.delete(user.name);
    this.disconnectClientsOf(user);
  }

  private disconnectClientsOf(user: AclUser): void {
    for (const c of this.clientsOf(user)) {
      c.user = this.defaultUser;
      c.authenticated = false;
      if (c === this.server.current) c.closeAfterReply = true;
      else this.server.freeClient(c, true);
    }
  }

  /**
   * Replaces every user but the default one, whose rules are copied into the existing object
   * (clients keep pointing at it); clients of every other old user are disconnected, changed or
   * not, as a successful ACL LOAD does in Redis.
   */
  replaceUsers(fresh: Map<string, AclUser>): void {
    const old = [...this.users.values()].filter((u) => u !== this.defaultUser);
    const def = fresh.get('default');
    if (def !== undefined) this.defaultUser.copyFrom(def);
    else this.resetDefaultUser();
    this.users.clear();
    this.users.set('default', this.defaultUser);
    for (const [name, u] of fresh) if (name !== 'default') this.users.set(name, u);
    for (const u of old) this.disconnectClientsOf(u);
  }

  /** The default user as a fresh server has it: on, nopass, everything allowed. */
  private resetDefaultUser(): void {
    const fresh = this.detachedUser('default');
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) fresh.apply(op);
    this.defaultUser.copyFrom(fresh);
  }

  /**
   * After ACL SETUSER changed `user` (was `before`): its subscribed clients whose channels are no
   * longer all allowed are disconnected (Redis 7.0.15's ACLKillPubsubClientsIfNeeded). Patterns
   * must stay allowed literally, channels and shard channels by glob.
   */
  dropRevokedSubscribers(before: AclUser, user: AclUser): void {
    if (user.selectors.some((s) => s.allChannels)) return;
    const allowed = new Set(user.selectors.flatMap((s) => s.channels));
    const hadAll = before.selectors.some((s) => s.allChannels);
    if (!hadAll && before.selectors.every((s) => s.channels.every((ch) => allowed.has(ch)))) return;
    const patterns = [...allowed];
    const globOk = (ch: string): boolean => patterns.some((p) => globMatch(p, ch));
    for (const c of this.clientsOf(user)) {
      let ok = true;
      for (const p of c.patterns ?? []) if (!allowed.has(p)) ok = false;
      for (const ch of c.subscriptions ?? []) if (!globOk(ch)) ok = false;
      for (const ch of c.shardSubscriptions ?? []) if (!globOk(ch)) ok = false;
      if (ok) continue;
      if (c === this.server.current) c.closeAfterReply = true;
      else this.server.freeClient(c, true);
    }
  }
}

/**
 * The keys of a command with the permissions each needs (Redis's ACLSelectorCheckKey: read for
 * an access, write for an insert, delete or update), from the flags of this call.
 */
export function aclKeys(cmd: Command<Client>, argv: readonly string[]): AclKeyRef[] {
  const refs = commandKeys(cmd.spec, argv);
  if (refs === null) return [];
  return refs.map((r) => ({ pos: r.pos, perms: permsOf(r.flags) }));
}

function permsOf(flags: readonly string[]): number {
  let p = 0;
  for (const f of flags) {
    if (f === 'access') p |= PERM_READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') p |= PERM_WRITE;
  }
  return p;
}

/** The channels a command publishes or subscribes to (Redis's getChannelsFromCommand). */
export function aclChannels(cmd: Command<Client>, argv: readonly string[]): AclChannelRef[] {
  if (cmd.parent !== undefined) return [];
  switch (cmd.name) {
    case 'publish':
    case 'spublish':
      return [{ pos: 1, pattern: false }];
    case 'subscribe':
    case 'ssubscribe':
    case 'psubscribe': {
      const out: AclChannelRef[] = [];
      for (let i = 1; i < argv.length; i++) out.push({ pos: i, pattern: cmd.name === 'psubscribe' });
      return out;
    }
    default:
      return [];
  }
}
