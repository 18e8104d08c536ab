/**
 * CLIENT and its subcommands, as Redis 7.0's clientCommand: ID INFO LIST KILL SETNAME GETNAME
 * PAUSE UNPAUSE REPLY NO-EVICT TRACKING CACHING GETREDIR TRACKINGINFO HELP.
 *
 * CLIENT LIST / INFO print Redis 7.0.15's line (id addr laddr fd name age idle flags db sub psub
 * ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir
 * resp). Node has no file descriptors to show: `fd` is the client id (stable per connection); the
 * buffer figures are what Garrison holds — the unparsed query bytes, the current argv, the MULTI
 * queue and the bytes queued on the socket — and Redis's fixed reply buffer (rbs/rbp, obl, oll)
 * does not exist here (0).
 *
 * TRACKING, CACHING, GETREDIR and TRACKINGINFO parse and report what server/tracking.ts keeps
 * (Redis's clientCommand checks and texts, in its order).
 */
import type { AclUser } from '../acl/user.js';
import type { CommandSpec } from '../../commands/spec.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_SYNTAX, errSubcommandSyntax } from '../../protocol/errors.js';
import { error, map, OK, set, status, verbatim, type RawReply, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';

type Spec = CommandSpec<Client>;

/** A handler's "no reply" (the client must receive nothing for this command). */
const NOTHING: RawReply = Object.freeze({ t: 'raw', bytes: Buffer.alloc(0) });

export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** Redis's getClientType: MONITOR clients count as normal although Redis flags them as replicas. */
export function clientType(c: Client): ClientType {
  if (c.roleFlags.includes('M')) return 'master';
  if (c.roleFlags.includes('S') && !c.isMonitor) return 'replica';
  if (c.subscriptionCount() > 0) return 'pubsub';
  return 'normal';
}

/** Redis's getClientTypeByName (slave is the old name of replica). */
export function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave': case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return null;
  }
}

/**
 * Redis's client-name rule (shared with HELLO SETNAME): printable ASCII without spaces. Returns
 * the error, or null when the name is acceptable.
 */
export function validateClientName(name: string): Reply | null {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return error('ERR Client names cannot contain spaces, newlines or special characters.');
  }
  return null;
}

/** The letters of CLIENT LIST's `flags=`, in Redis's order; N when none applies. */
export function clientFlags(server: Server, c: Client): string {
  const has = (letter: string): boolean => c.roleFlags.includes(letter);
  let f = '';
  if (c.isMonitor) f += 'O';
  else if (has('S')) f += 'S';
  if (has('M')) f += 'M';
  if (c.subscriptionCount() > 0 || has('P')) f += 'P';
  if (c.multi !== null) f += 'x';
  if (server.isPostponed(c) || c.blocked !== null || has('b')) f += 'b';
  const t = c.tracking;
  if (t !== null) {
    f += 't';
    if (t.brokenRedir) f += 'R';
    if (t.bcast) f += 'B';
  }
  if (c.watchDirty) f += 'd';
  if (c.closeAfterReply) f += 'c';
  for (const l of 'uA') if (has(l)) f += l;
  if (c.conn.isUnixSocket) f += 'U';
  if (has('r')) f += 'r';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

function argvBytes(argv: readonly string[]): number {
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/**
 * One CLIENT LIST line (without the newline). `currentArgv` is the argv of the command being run
 * when `c` is the caller (Redis counts it in argv-mem).
 */
export function clientInfoString(server: Server, c: Client, nowMs: number, currentArgv: readonly string[] | null): string {
  const qbuf = c.parser.pendingBytes();
  const argvMem = currentArgv !== null ? argvBytes(currentArgv) : 0;
  let multiMem = 0;
  if (c.multi !== null) for (const q of c.multi.queue) multiMem += argvBytes(q.argv);
  const omem = c.outputPending();
  const subs = c.subscriptions?.size ?? 0;
  const psubs = c.patterns?.size ?? 0;
  const ssubs = c.shardSubscriptions?.size ?? 0;
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.id} name=${c.name}` +
    ` age=${Math.floor((nowMs - c.createdMs) / 1000)} idle=${Math.floor((nowMs - c.lastInteractionMs) / 1000)}` +
    ` flags=${clientFlags(server, c)} db=${c.db.id} sub=${subs} psub=${psubs} ssub=${ssubs}` +
    ` multi=${c.multi === null ? -1 : c.multi.queue.length} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem}` +
    ` multi-mem=${multiMem} rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + argvMem + multiMem + omem}` +
    ` events=r${omem > 0 ? 'w' : ''} cmd=${c.lastCommand} user=${c.user?.name ?? '(superuser)'} redir=${c.tracking === null ? -1 : c.tracking.redirect} resp=${c.resp}`;
}

// ---------------------------------------------------------------------------------------------
// Handlers

function clientList(c: Client, argv: string[]): Reply {
  const server = c.server;
  const now = server.env.clock.nowMs();
  const line = (cl: Client): string => `${clientInfoString(server, cl, now, cl === c ? argv : null)}\n`;
  let out = '';
  if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
    const type = clientTypeByName(argv[3]!);
    if (type === null) return error(`ERR Unknown client type '${argv[3]!}'`);
    for (const cl of server.clients.values()) if (clientType(cl) === type) out += line(cl);
  } else if (argv.length >= 4 && argv[2]!.toLowerCase() === 'id') {
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]!);
      if (id === null) return error('ERR Invalid client ID');
      const cl = typeof id === 'number' ? server.clients.get(id) : undefined;
      if (cl !== undefined) out += line(cl);
    }
  } else if (argv.length !== 2) {
    return ERR_SYNTAX;
  } else {
    for (const cl of server.clients.values()) out += line(cl);
  }
  return verbatim(out);
}

function clientInfo(c: Client, argv: string[]): Reply {
  return verbatim(`${clientInfoString(c.server, c, c.server.env.clock.nowMs(), argv)}\n`);
}

function clientKill(c: Client, argv: string[]): Reply {
  const server = c.server;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: ClientType | null = null;
  let id = 0;
  let user: AclUser | null = null;
  let skipMe = true;
  const oldForm = argv.length === 3;
  if (oldForm) {
    addr = argv[2]!;
    skipMe = false; // the old form may kill the caller
  } else if (argv.length > 3 && argv.length % 2 === 0) {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toLowerCase();
      const val = argv[i + 1]!;
      if (opt === 'id') {
        const n = parseInt64(val);
        if (n === null || n < 1) return error('ERR client-id should be greater than 0');
        id = typeof n === 'bigint' ? Infinity : n; // valid, but beyond any id handed out
      } else if (opt === 'type') {
        type = clientTypeByName(val);
        if (type === null) return error(`ERR Unknown client type '${val}'`);
      } else if (opt === 'addr') {
        addr = val;
      } else if (opt === 'laddr') {
        laddr = val;
      } else if (opt === 'user') {
        user = server.acl.users.get(val) ?? null;
        if (user === null) return error(`ERR No such user '${val}'`);
      } else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v === 'yes') skipMe = true;
        else if (v === 'no') skipMe = false;
        else return ERR_SYNTAX;
      } else {
        return ERR_SYNTAX;
      }
    }
  } else {
    return ERR_SYNTAX;
  }
  let killed = 0;
  let killSelf = false;
  for (const cl of [...server.clients.values()]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== null && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (cl === c && skipMe) continue;
    if (cl === c) killSelf = true;
    else server.freeClient(cl, true);
    killed++;
  }
  // The caller is closed only after its reply is queued.
  if (killSelf) c.closeAfterReply = true;
  if (oldForm) return killed === 0 ? error('ERR No such client') : OK;
  return killed;
}

function clientSetName(c: Client, argv: string[]): Reply {
  const name = argv[2]!;
  const bad = validateClientName(name);
  if (bad !== null) return bad;
  c.name = name;
  return OK;
}

function clientPause(c: Client, argv: string[]): Reply {
  if (argv.length > 4) return errSubcommandSyntax(argv);
  let writeOnly = false;
  if (argv.length === 4) {
    const mode = argv[3]!.toLowerCase();
    if (mode === 'write') writeOnly = true;
    else if (mode !== 'all') return error('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const t = parseInt64(argv[2]!);
  if (t === null) return error('ERR timeout is not an integer or out of range');
  if (t < 0) return error('ERR timeout is negative');
  const server = c.server;
  const now = server.env.clock.nowMs();
  // Redis adds the timeout to mstime() in a long long: past INT64_MAX it wraps negative, which is
  // a pause already over.
  let end = 0;
  if (t > 0) {
    const big = BigInt(t) + BigInt(now);
    end = big > 9223372036854775807n ? -1 : Number(big);
  }
  pauseClients(server, end, writeOnly);
  return OK;
}

/**
 * Redis's pauseClients for CLIENT PAUSE: while a pause is running, a new one can only lengthen
 * it and widen it (WRITE -> ALL), never shorten or narrow it.
 */
export function pauseClients(server: Server, endMs: number, writeOnly: boolean): void {
  const now = server.env.clock.nowMs();
  if (server.pauseUntilMs !== 0 && server.pauseUntilMs > now) {
    server.pauseWritesOnly = server.pauseWritesOnly && writeOnly;
    if (endMs > server.pauseUntilMs) server.pauseUntilMs = endMs;
  } else if (endMs > now) {
    server.pauseUntilMs = endMs;
    server.pauseWritesOnly = writeOnly;
  }
}

function clientReply(c: Client, argv: string[]): Reply {
  const mode = argv[2]!.toLowerCase();
  if (mode === 'on') {
    c.replyMode = 'on';
    return OK;
  }
  if (mode === 'off') {
    c.replyMode = 'off';
    return NOTHING;
  }
  if (mode === 'skip') {
    if (c.replyMode !== 'off') c.replyMode = 'skip-next';
    return NOTHING;
  }
  return ERR_SYNTAX;
}

function clientNoEvict(c: Client, argv: string[]): Reply {
  const v = argv[2]!.toLowerCase();
  if (v === 'on') c.noEvict = true;
  else if (v === 'off') c.noEvict = false;
  else return ERR_SYNTAX;
  return OK;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
function clientTracking(c: Client, argv: string[]): Reply {
  const server = c.server;
  let redir = 0;
  const opts = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'redirect' && moreArgs > 0) {
      j++;
      if (redir !== 0) return error('ERR A client can only redirect to a single other client');
      const id = parseInt64(argv[j]!);
      if (id === null) return error('ERR value is not an integer or out of range');
      // The client must exist now, even though it may go away later.
      if (typeof id !== 'number' || !server.clients.has(id)) return error('ERR The client ID you want redirect to does not exist');
      redir = id;
    } else if (opt === 'bcast') {
      opts.bcast = true;
    } else if (opt === 'optin') {
      opts.optin = true;
    } else if (opt === 'optout') {
      opts.optout = true;
    } else if (opt === 'noloop') {
      opts.noloop = true;
    } else if (opt === 'prefix' && moreArgs > 0) {
      j++;
      prefixes.push(argv[j]!);
    } else {
      return ERR_SYNTAX;
    }
  }
  const mode = argv[2]!.toLowerCase();
  if (mode === 'on') {
    if (!opts.bcast && prefixes.length > 0) return error('ERR PREFIX option requires BCAST mode to be enabled');
    const t = c.tracking;
    if (t !== null && t.bcast !== opts.bcast) {
      return error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (opts.bcast && (opts.optin || opts.optout)) return error('ERR OPTIN and OPTOUT are not compatible with BCAST');
    if (opts.optin && opts.optout) return error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (t !== null && ((opts.optin && t.optout) || (opts.optout && t.optin))) {
      return error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    const collision = opts.bcast ? server.tracking.prefixCollision(c, prefixes) : null;
    if (collision !== null && collision.refused) return error(collision.text);
    server.tracking.enable(c, redir, opts, prefixes);
    if (collision !== null) {
      // 7.0.15 answers the error and then +OK (two replies to one command), tracking enabled.
      server.stats.countError(collision.text);
      return { t: 'raw', bytes: Buffer.from(`-${collision.text}\r\n+OK\r\n`, 'latin1') };
    }
  } else if (mode === 'off') {
    server.tracking.disable(c);
  } else {
    return ERR_SYNTAX;
  }
  return OK;
}

/** CLIENT CACHING YES|NO: whether the next command's keys are tracked (OPTIN / OPTOUT modes). */
function clientCaching(c: Client, argv: string[]): Reply {
  const t = c.tracking;
  if (t === null) return error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  const opt = argv[2]!.toLowerCase();
  if (opt === 'yes') {
    if (!t.optin) return error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (opt === 'no') {
    if (!t.optout) return error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return ERR_SYNTAX;
  }
  t.caching = true;
  return OK;
}

/** CLIENT TRACKINGINFO: flags (a set), redirect and prefixes, as Redis orders them. */
function clientTrackingInfo(c: Client): Reply {
  const t = c.tracking;
  if (t === null) return map(['flags', set(['off']), 'redirect', -1, 'prefixes', []]);
  const flags: string[] = ['on'];
  if (t.bcast) flags.push('bcast');
  if (t.optin) {
    flags.push('optin');
    if (t.caching) flags.push('caching-yes');
  }
  if (t.optout) {
    flags.push('optout');
    if (t.caching) flags.push('caching-no');
  }
  if (t.noloop) flags.push('noloop');
  if (t.brokenRedir) flags.push('broken_redirect');
  const prefixes = [...t.prefixes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return map(['flags', set(flags), 'redirect', t.redirect, 'prefixes', prefixes]);
}

const HELP_LINES = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

function clientHelp(_c: Client, argv: string[]): Reply {
  return [
    status(`${argv[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...HELP_LINES.map((l) => status(l)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Table

const CONN: Pick<Spec, 'group'> = { group: 'connection' };
const PLAIN = ['noscript', 'loading', 'stale'] as const;
const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

export const CLIENT_COMMANDS: readonly Spec[] = [
  {
    name: 'client', arity: -2, flags: [], acl: ['slow'], ...CONN, since: '2.4.0',
    summary: 'A container for client connection commands', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'caching', arity: 3, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '6.0.0',
        summary: 'Instruct the server about tracking or not keys in the next request', complexity: 'O(1)',
        args: [{ name: 'mode', type: 'oneof', args: [
          { name: 'yes', type: 'pure-token', token: 'YES' }, { name: 'no', type: 'pure-token', token: 'NO' },
        ] }],
        handler: clientCaching,
      },
      {
        name: 'getredir', arity: 2, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '6.0.0',
        summary: 'Get tracking notifications redirection client ID if any', complexity: 'O(1)',
        handler: (c) => (c.tracking === null ? -1 : c.tracking.redirect),
      },
      {
        name: 'getname', arity: 2, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '2.6.9',
        summary: 'Get the current connection name', complexity: 'O(1)',
        handler: (c) => (c.name === '' ? null : c.name),
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['slow', 'connection'], ...CONN, since: '5.0.0',
        summary: 'Show helpful text about the different subcommands', complexity: 'O(1)', handler: clientHelp,
      },
      {
        name: 'id', arity: 2, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '5.0.0',
        summary: 'Returns the client ID for the current connection', complexity: 'O(1)',
        handler: (c) => c.id,
      },
      {
        name: 'info', arity: 2, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '6.2.0',
        summary: 'Returns information about the current client connection.', complexity: 'O(1)',
        tips: ['nondeterministic_output'], handler: clientInfo,
      },
      {
        name: 'kill', arity: -3, flags: ADMIN, acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '2.4.0',
        summary: 'Kill the connection of a client', complexity: 'O(N) where N is the number of client connections',
        handler: clientKill,
      },
      {
        name: 'list', arity: -2, flags: ADMIN, acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '2.4.0',
        summary: 'Get the list of client connections', complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'], handler: clientList,
      },
      {
        name: 'no-evict', arity: 3, flags: ADMIN, acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '7.0.0',
        summary: 'Set client eviction mode for the current connection', complexity: 'O(1)', handler: clientNoEvict,
      },
      {
        name: 'pause', arity: -3, flags: ADMIN, acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '2.9.50',
        summary: 'Stop processing commands from clients for some time', complexity: 'O(1)', handler: clientPause,
      },
      {
        name: 'reply', arity: 3, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '3.2.0',
        summary: 'Instruct the server whether to reply to commands', complexity: 'O(1)', handler: clientReply,
      },
      {
        name: 'setname', arity: 3, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '2.6.9',
        summary: 'Set the current connection name', complexity: 'O(1)', handler: clientSetName,
      },
      {
        name: 'unblock', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '5.0.0',
        summary: 'Unblock a client blocked in a blocking command from another connection', complexity: 'O(log N) where N is the number of client connections',
        handler: clientUnblock,
      },
      {
        name: 'tracking', arity: -3, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '6.0.0',
        summary: 'Enable or disable server assisted client side caching support',
        complexity: 'O(1). Some options may introduce additional complexity.',
        args: [
          { name: 'status', type: 'oneof', args: [
            { name: 'on', type: 'pure-token', token: 'ON' }, { name: 'off', type: 'pure-token', token: 'OFF' },
          ] },
          { name: 'client-id', type: 'integer', token: 'REDIRECT', flags: ['optional'] },
          { name: 'prefix', type: 'string', token: 'PREFIX', flags: ['optional', 'multiple', 'multiple_token'] },
          { name: 'bcast', type: 'pure-token', token: 'BCAST', flags: ['optional'] },
          { name: 'optin', type: 'pure-token', token: 'OPTIN', flags: ['optional'] },
          { name: 'optout', type: 'pure-token', token: 'OPTOUT', flags: ['optional'] },
          { name: 'noloop', type: 'pure-token', token: 'NOLOOP', flags: ['optional'] },
        ],
        handler: clientTracking,
      },
      {
        name: 'trackinginfo', arity: 2, flags: PLAIN, acl: ['slow', 'connection'], ...CONN, since: '6.2.0',
        summary: 'Return information about server assisted client side caching for the current connection',
        complexity: 'O(1)', handler: clientTrackingInfo,
      },
      {
        name: 'unpause', arity: 2, flags: ADMIN, acl: ['admin', 'slow', 'dangerous', 'connection'], ...CONN, since: '6.2.0',
        summary: 'Resume processing of clients that were paused', complexity: 'O(N) Where N is the number of paused clients',
        handler: (c) => {
          c.server.unpauseClients();
          return OK;
        },
      },
    ],
  },
];

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: answers a blocked client as if its timeout had passed, or
 * with Redis's UNBLOCKED error. 1 when that client was blocked, 0 otherwise.
 */
function clientUnblock(c: Client, argv: string[]): Reply {
  // Redis reads the reason before the id, and more than one reason is no UNBLOCK form at all.
  if (argv.length > 4) return errSubcommandSyntax(argv);
  let asError = false;
  if (argv.length === 4) {
    const how = argv[3]!.toLowerCase();
    if (how === 'error') asError = true;
    else if (how !== 'timeout') return error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const id = parseInt64(argv[2]!);
  if (id === null) return error('ERR value is not an integer or out of range');
  const target = typeof id === 'number' ? c.server.clients.get(id) : undefined;
  if (target === undefined) return 0;
  return c.server.blocking.unblockByRequest(target, asError) ? 1 : 0;
}
