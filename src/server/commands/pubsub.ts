/**
 * Pub/sub commands as Redis 7.0 runs them outside cluster mode: SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE
 * PUNSUBSCRIBE PUBLISH, the shard variants SSUBSCRIBE SUNSUBSCRIBE SPUBLISH, and PUBSUB
 * CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP.
 *
 * (Un)subscribe confirmations are one push per channel (RESP2 arrays, RESP3 `>`), written with
 * Server.send: like Redis 7.0.15 they go out even under CLIENT REPLY OFF/SKIP. The handler itself
 * returns NO_REPLY, so a pending SKIP is still consumed by the command. Inside EXEC the pushes
 * land in the EXEC reply in command order (EXEC writes its output the same way).
 * Counts: channel/pattern confirmations report channels + patterns; shard ones report shard
 * channels only. SSUBSCRIBE refuses to run inside EXEC (Redis's DENY_BLOCKING check, which
 * SUBSCRIBE/PSUBSCRIBE skip for backward compatibility).
 */
import type { CommandSpec, KeySpec } from '../../commands/spec.js';
import { errSubcommandSyntax, sanitizeErrorText } from '../../protocol/errors.js';
import { error, push, status, type Reply } from '../../protocol/reply.js';
import { globMatch } from '../../lib/glob.js';
import { isClusterEnabled } from '../../commands/key-common.js';
import type { Client } from '../client.js';
import { NO_REPLY, PubSub } from '../pubsub.js';

function confirm(c: Client, kind: string, channel: string | null, count: number): void {
  c.server.send(c, push([kind, channel, count]));
}

function subscribe(c: Client, argv: string[]): Reply {
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.subscribe(c, argv[i]!);
    confirm(c, 'subscribe', argv[i]!, PubSub.count(c));
  }
  return NO_REPLY;
}

function psubscribe(c: Client, argv: string[]): Reply {
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.psubscribe(c, argv[i]!);
    confirm(c, 'psubscribe', argv[i]!, PubSub.count(c));
  }
  return NO_REPLY;
}

function ssubscribe(c: Client, argv: string[]): Reply {
  // Inside EXEC the client may not block, and Redis makes no exception for SSUBSCRIBE.
  if (c.multi !== null) return error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  const ps = c.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    ps.ssubscribe(c, argv[i]!);
    confirm(c, 'ssubscribe', argv[i]!, PubSub.shardCount(c));
  }
  return NO_REPLY;
}

/**
 * The three UNSUBSCRIBE flavours: with names, one confirmation per name (subscribed or not);
 * without, one per current subscription, or a single one with a null name when there is none.
 */
function unsubscribeGeneric(
  kind: 'unsubscribe' | 'punsubscribe' | 'sunsubscribe',
  mine: (c: Client) => Set<string> | null,
  remove: (c: Client, name: string) => boolean,
  count: (c: Client) => number,
): (c: Client, argv: string[]) => Reply {
  return (c, argv) => {
    if (argv.length > 1) {
      for (let i = 1; i < argv.length; i++) {
        remove(c, argv[i]!);
        confirm(c, kind, argv[i]!, count(c));
      }
      return NO_REPLY;
    }
    const current = mine(c);
    if (current === null || current.size === 0) {
      confirm(c, kind, null, count(c));
      return NO_REPLY;
    }
    for (const name of [...current]) {
      remove(c, name);
      confirm(c, kind, name, count(c));
    }
    return NO_REPLY;
  };
}

const unsubscribe = unsubscribeGeneric('unsubscribe', (c) => c.subscriptions, (c, n) => c.server.pubsub.unsubscribe(c, n), PubSub.count);
const punsubscribe = unsubscribeGeneric('punsubscribe', (c) => c.patterns, (c, n) => c.server.pubsub.punsubscribe(c, n), PubSub.count);
const sunsubscribe = unsubscribeGeneric('sunsubscribe', (c) => c.shardSubscriptions, (c, n) => c.server.pubsub.sunsubscribe(c, n), PubSub.shardCount);

function publish(c: Client, argv: string[]): Reply {
  const ps = c.server.pubsub;
  const receivers = ps.publish(argv[1]!, argv[2]!);
  ps.notifyPublished(argv[1]!, argv[2]!, false);
  toReplicas(c);
  return receivers;
}

function spublish(c: Client, argv: string[]): Reply {
  const ps = c.server.pubsub;
  const receivers = ps.spublish(argv[1]!, argv[2]!);
  ps.notifyPublished(argv[1]!, argv[2]!, true);
  toReplicas(c);
  return receivers;
}

/**
 * PUBLISH and SPUBLISH go down the replication stream (not into the AOF), so that clients
 * subscribed on replicas get the message too: Redis's forceCommandPropagation(c, PROPAGATE_REPL).
 * In cluster mode Redis sends them over the cluster bus instead, which Garrison does not have yet.
 */
function toReplicas(c: Client): void {
  if (!isClusterEnabled(c)) c.forcePropagation(true);
}

function channelsMatching(map: Map<string, Set<Client>>, argv: string[]): Reply {
  if (argv.length > 3) return errSubcommandSyntax(argv);
  const pattern = argv[2];
  const out: string[] = [];
  for (const ch of map.keys()) if (pattern === undefined || globMatch(pattern, ch)) out.push(ch);
  return out;
}

function numsub(map: Map<string, Set<Client>>, argv: string[]): Reply {
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(argv[i]!, map.get(argv[i]!)?.size ?? 0);
  return out;
}

const PUBSUB_HELP: readonly Reply[] = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
].map((s) => status(s as string));

/** Key specs of the shard commands: channels sit where keys would, for slot routing (not_key). */
const shardChannelsSpec = (lastKey: number): readonly KeySpec[] => [
  { flags: ['not_key'], beginSearch: { index: 1 }, findKeys: { range: { lastKey, step: 1, limit: 0 } } },
];

const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const INTROSPECTION_FLAGS = ['pubsub', 'loading', 'stale'] as const;

export const PUBSUB_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'subscribe', arity: -2, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    group: 'pubsub', since: '2.0.0', summary: 'Listen for messages published to the given channels',
    complexity: 'O(N) where N is the number of channels to subscribe to.', handler: subscribe,
  },
  {
    name: 'psubscribe', arity: -2, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    group: 'pubsub', since: '2.0.0', summary: 'Listen for messages published to channels matching the given patterns',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.', handler: psubscribe,
  },
  {
    name: 'unsubscribe', arity: -1, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    group: 'pubsub', since: '2.0.0', summary: 'Stop listening for messages posted to the given channels',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.', handler: unsubscribe,
  },
  {
    name: 'punsubscribe', arity: -1, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    group: 'pubsub', since: '2.0.0', summary: 'Stop listening for messages posted to channels matching the given patterns',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    handler: punsubscribe,
  },
  {
    name: 'ssubscribe', arity: -2, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    keys: { first: 1, last: -1, step: 1 }, keySpecs: shardChannelsSpec(-1),
    group: 'pubsub', since: '7.0.0', summary: 'Listen for messages published to the given shard channels',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.', handler: ssubscribe,
  },
  {
    name: 'sunsubscribe', arity: -1, flags: SUB_FLAGS, acl: ['pubsub', 'slow'],
    keys: { first: 1, last: -1, step: 1 }, keySpecs: shardChannelsSpec(-1),
    group: 'pubsub', since: '7.0.0', summary: 'Stop listening for messages posted to the given shard channels',
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.', handler: sunsubscribe,
  },
  {
    name: 'publish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], acl: ['pubsub', 'fast'],
    group: 'pubsub', since: '2.0.0', summary: 'Post a message to a channel',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: publish,
  },
  {
    name: 'spublish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], acl: ['pubsub', 'fast'],
    keys: { first: 1, last: 1, step: 1 }, keySpecs: shardChannelsSpec(0),
    group: 'pubsub', since: '7.0.0', summary: 'Post a message to a shard channel',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.', handler: spublish,
  },
  {
    name: 'pubsub', arity: -2, flags: [], acl: ['slow'],
    group: 'pubsub', since: '2.8.0', summary: 'A container for Pub/Sub commands', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'channels', arity: -2, flags: INTROSPECTION_FLAGS, acl: ['pubsub', 'slow'],
        group: 'pubsub', since: '2.8.0', summary: 'List active channels',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        handler: (c, argv) => channelsMatching(c.server.pubsub.channels, argv),
      },
      {
        name: 'numsub', arity: -2, flags: INTROSPECTION_FLAGS, acl: ['pubsub', 'slow'],
        group: 'pubsub', since: '2.8.0', summary: 'Get the count of subscribers for channels',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        handler: (c, argv) => numsub(c.server.pubsub.channels, argv),
      },
      {
        name: 'numpat', arity: 2, flags: INTROSPECTION_FLAGS, acl: ['pubsub', 'slow'],
        group: 'pubsub', since: '2.8.0', summary: 'Get the count of unique patterns pattern subscriptions', complexity: 'O(1)',
        handler: (c) => c.server.pubsub.patterns.size,
      },
      {
        name: 'shardchannels', arity: -2, flags: INTROSPECTION_FLAGS, acl: ['pubsub', 'slow'],
        group: 'pubsub', since: '7.0.0', summary: 'List active shard channels',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        handler: (c, argv) => channelsMatching(c.server.pubsub.shardChannels, argv),
      },
      {
        name: 'shardnumsub', arity: -2, flags: INTROSPECTION_FLAGS, acl: ['pubsub', 'slow'],
        group: 'pubsub', since: '7.0.0', summary: 'Get the count of subscribers for shard channels',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        handler: (c, argv) => numsub(c.server.pubsub.shardChannels, argv),
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['slow'],
        group: 'pubsub', since: '6.2.0', summary: 'Show helpful text about the different subcommands', complexity: 'O(1)',
        handler: () => PUBSUB_HELP,
      },
    ],
  },
];
