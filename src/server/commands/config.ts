/**
 * CONFIG GET/SET/RESETSTAT/REWRITE/HELP with Redis 7.0's replies and error texts. The parameter
 * logic lives in server/config (matching, the all-or-nothing SET, the rewrite); this file adapts
 * it to clients: a map reply for GET, a deferred reply when an apply action rebinds a listener,
 * and the file I/O of REWRITE through the config's store.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { ERR_LOADING, ERR_SYNTAX } from '../../protocol/errors.js';
import { error, map, OK, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { rewriteConfigText } from '../config/rewrite.js';
import { DENIED_WHILE_LOADING, type Config } from '../config/config.js';
import { allowProtectedAction } from './protected.js';
import { helpReply } from './introspection.js';
import { replyWhenDone } from '../persistence.js';
import { resetCommandStats } from '../info.js';

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

/** enable-protected-configs: yes, or local for local clients (the rule of the protected commands). */
function allowProtected(c: Client): boolean {
  return allowProtectedAction(c.server.config.str('enable-protected-configs'), c);
}

function configGet(c: Client, argv: string[]): Reply {
  const kv: Reply[] = [];
  for (const [k, v] of c.server.config.matching(argv.slice(2))) kv.push(k, v);
  return map(kv);
}

function configSet(c: Client, argv: string[]): Reply {
  if (argv.length % 2 !== 0) return ERR_SYNTAX;
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
  const server = c.server;
  const r = server.config.configSet(pairs, allowProtected(c), server.isLoading());
  if (r === DENIED_WHILE_LOADING) return ERR_LOADING;
  if (r === null) return OK;
  if (typeof r === 'string') return error(`ERR ${r}`);
  // An apply action works asynchronously (rebinding listeners): the client waits, its pipelined
  // commands behind it too, and gets its answer when the listeners are bound (or rolled back).
  return replyWhenDone(c, r, (res) => (res === null ? OK : error(`ERR ${res}`)));
}

function configRewrite(c: Client): Reply {
  const server = c.server;
  const cfg = server.config;
  if (cfg.configFile === null || cfg.store === null) return error('ERR The server is running without a config file');
  const store = cfg.store;
  const fail = (why: string): Reply => {
    server.logger.warning(`CONFIG REWRITE failed: ${why}`);
    return error(`ERR Rewriting config file: ${why}`);
  };
  const old = store.read(cfg.configFile);
  if (old !== null && typeof old !== 'string') return fail(old.error);
  const users = cfg.describeUsers?.() ?? null;
  const text = rewriteConfigText(old, cfg, { users, cwd: store.cwd() });
  const err = store.writeAtomic(cfg.configFile, text);
  if (err !== null) return fail(err);
  server.logger.warning('CONFIG REWRITE executed with success.');
  return OK;
}

function configResetStat(c: Client): Reply {
  const server = c.server;
  server.stats.reset();
  const ks = server.ks.stats;
  ks.keyspaceHits = 0;
  ks.keyspaceMisses = 0;
  ks.expiredKeys = 0;
  ks.expiredStalePerc = 0;
  ks.expiredTimeCapReachedCount = 0;
  ks.expireCycleCpuMs = 0;
  for (const cmd of server.commands.all()) {
    for (const k of [cmd, ...(cmd.subcommands?.values() ?? [])]) {
      k.calls = 0;
      k.usec = 0;
      k.rejectedCalls = 0;
      k.failedCalls = 0;
    }
  }
  resetCommandStats(server); // and the INFO latencystats histograms
  return OK;
}

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const ADMIN_ACL = ['admin', 'slow', 'dangerous'] as const;

export const CONFIG_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'config', arity: -2, flags: [], acl: ['slow'], group: 'server', since: '2.0.0',
    summary: 'A container for server configuration commands', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get', arity: -3, flags: [...ADMIN], acl: [...ADMIN_ACL], group: 'server', since: '2.0.0',
        summary: 'Get the values of configuration parameters',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configGet,
      },
      {
        name: 'set', arity: -4, flags: [...ADMIN], acl: [...ADMIN_ACL], group: 'server', since: '2.0.0',
        summary: 'Set configuration parameters to the given values',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet as (c: Client, argv: string[]) => Reply,
      },
      {
        name: 'resetstat', arity: 2, flags: [...ADMIN], acl: [...ADMIN_ACL], group: 'server', since: '2.0.0',
        summary: 'Reset the stats returned by INFO', complexity: 'O(1)',
        handler: configResetStat,
      },
      {
        name: 'rewrite', arity: 2, flags: [...ADMIN], acl: [...ADMIN_ACL], group: 'server', since: '2.8.0',
        summary: 'Rewrite the configuration file with the in memory configuration', complexity: 'O(1)',
        handler: configRewrite,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['slow'], group: 'server', since: '5.0.0',
        summary: 'Show helpful text about the different subcommands', complexity: 'O(1)',
        handler: (_c, argv) => helpReply(argv[0]!, CONFIG_HELP),
      },
    ],
  },
];
