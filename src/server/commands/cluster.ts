/**
 * CLUSTER and its 7.0 subcommands, READONLY, READWRITE and ASKING as a Redis 7.0.15 standalone
 * server answers them, that is one started with `cluster-enabled no`: each of them replies
 * "ERR This instance has cluster support disabled" (CLUSTER HELP too). The rows are complete
 * (arity, flags, ACL categories, tips, docs: COMMAND INFO prints them byte for byte as
 * redis-server 7.0.15 does), so arity errors and unknown subcommands come from the dispatcher,
 * and clients that probe the command table see Redis's.
 *
 * Garrison has no Cluster yet, and refuses to start with `cluster-enabled yes`
 * (server/config/cluster-mode.ts). The Cluster subsystem will give these rows real handlers.
 */
import type { CommandArg, CommandFlag, CommandSpec } from '../../commands/spec.js';
import { error, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';

/** What every command of the family answers while cluster support is disabled. */
export const ERR_CLUSTER_DISABLED = error('ERR This instance has cluster support disabled');

const disabled = (): Reply => ERR_CLUSTER_DISABLED;

type Spec = CommandSpec<Client>;

/** Flags shared by most subcommands that change the cluster configuration. */
const ADMIN: readonly CommandFlag[] = ['admin', 'stale', 'no_async_loading'];
const NONDETERMINISTIC = ['nondeterministic_output'];

const NODE_ID: readonly CommandArg[] = [{ name: 'node-id', type: 'string' }];
const SLOT_RANGES: readonly CommandArg[] = [{
  name: 'start-slot_end-slot', type: 'block', flags: ['multiple'],
  args: [{ name: 'start-slot', type: 'integer' }, { name: 'end-slot', type: 'integer' }],
}];

function sub(
  name: string, arity: number, flags: readonly CommandFlag[], since: string, summary: string, complexity: string,
  extra: Partial<Pick<Spec, 'args' | 'tips' | 'history' | 'docFlags' | 'deprecatedSince' | 'replacedBy'>> = {},
): Spec {
  return { name, arity, flags, acl: [], group: 'cluster', since, summary, complexity, ...extra, handler: disabled };
}

const CLUSTER_SPEC: Spec = {
  name: 'cluster', arity: -2, flags: [], acl: [], group: 'cluster', since: '3.0.0',
  summary: 'Cluster administration and introspection', complexity: 'Depends on subcommand.',
  subcommands: [
    sub('addslots', -3, ADMIN, '3.0.0', 'Makes the node serve the given hash slots',
      'O(N) where N is the total number of hash slot arguments',
      { args: [{ name: 'slot', type: 'integer', flags: ['multiple'] }] }),
    sub('addslotsrange', -4, ADMIN, '7.0.0', 'Makes the node serve the given ranges of hash slots',
      'O(N) where N is the total number of the slots between the start slot and end slot arguments.',
      { args: SLOT_RANGES }),
    sub('bumpepoch', 2, ADMIN, '3.0.0', "Increments the node's config epoch", 'O(1)', { tips: NONDETERMINISTIC }),
    sub('count-failure-reports', 3, ['admin', 'stale'], '3.0.0', 'Counts the live failure reports about a node',
      'O(N) where N is the number of failure reports', { args: NODE_ID, tips: NONDETERMINISTIC }),
    sub('countkeysinslot', 3, ['stale'], '3.0.0', 'Counts the keys of this node in a hash slot', 'O(1)',
      { args: [{ name: 'slot', type: 'integer' }] }),
    sub('delslots', -3, ADMIN, '3.0.0', 'Makes the node stop serving the given hash slots',
      'O(N) where N is the total number of hash slot arguments',
      { args: [{ name: 'slot', type: 'integer', flags: ['multiple'] }] }),
    sub('delslotsrange', -4, ADMIN, '7.0.0', 'Makes the node stop serving the given ranges of hash slots',
      'O(N) where N is the total number of the slots between the start slot and end slot arguments.',
      { args: SLOT_RANGES }),
    sub('failover', -2, ADMIN, '3.0.0', 'Makes a replica take over from its master by hand', 'O(1)', {
      args: [{ name: 'options', type: 'oneof', flags: ['optional'], args: [
        { name: 'force', type: 'pure-token', token: 'FORCE' }, { name: 'takeover', type: 'pure-token', token: 'TAKEOVER' },
      ] }],
    }),
    sub('flushslots', 2, ADMIN, '3.0.0', 'Forgets every hash slot the node serves', 'O(1)'),
    sub('forget', 3, ADMIN, '3.0.0', "Drops a node from this node's table", 'O(1)', { args: NODE_ID }),
    sub('getkeysinslot', 4, ['stale'], '3.0.0', 'Lists keys of this node in a hash slot',
      'O(log(N)) where N is the number of requested keys',
      { args: [{ name: 'slot', type: 'integer' }, { name: 'count', type: 'integer' }], tips: NONDETERMINISTIC }),
    sub('help', 2, ['loading', 'stale'], '5.0.0', 'Lists the CLUSTER subcommands', 'O(1)'),
    sub('info', 2, ['stale'], '3.0.0', "Reports the node's view of the cluster state", 'O(1)', { tips: NONDETERMINISTIC }),
    sub('keyslot', 3, ['stale'], '3.0.0', 'Computes the hash slot of a key',
      'O(N) where N is the number of bytes in the key', { args: [{ name: 'key', type: 'string' }] }),
    sub('links', 2, ['stale'], '7.0.0', 'Lists the cluster bus connections of this node',
      'O(N) where N is the total number of Cluster nodes', { tips: NONDETERMINISTIC }),
    sub('meet', -4, ADMIN, '3.0.0', 'Introduces another node into the cluster', 'O(1)', {
      args: [
        { name: 'ip', type: 'string' }, { name: 'port', type: 'integer' },
        { name: 'cluster_bus_port', type: 'integer', since: '4.0.0', flags: ['optional'] },
      ],
      history: [['4.0.0', 'The cluster_bus_port argument.']],
    }),
    sub('myid', 2, ['stale'], '3.0.0', "Returns this node's ID", 'O(1)'),
    sub('nodes', 2, ['stale'], '3.0.0', "Describes every node in this node's table",
      'O(N) where N is the total number of Cluster nodes', { tips: NONDETERMINISTIC }),
    sub('replicas', 3, ['admin', 'stale'], '5.0.0', 'Lists the replicas of a master', 'O(1)',
      { args: NODE_ID, tips: NONDETERMINISTIC }),
    sub('replicate', 3, ADMIN, '3.0.0', 'Makes this node a replica of a master', 'O(1)', { args: NODE_ID }),
    sub('reset', -2, ['admin', 'noscript', 'stale'], '3.0.0', 'Resets this node to an empty cluster of its own',
      'O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.', {
        args: [{ name: 'hard_soft', type: 'oneof', flags: ['optional'], args: [
          { name: 'hard', type: 'pure-token', token: 'HARD' }, { name: 'soft', type: 'pure-token', token: 'SOFT' },
        ] }],
      }),
    sub('saveconfig', 2, ADMIN, '3.0.0', 'Writes the cluster configuration file now', 'O(1)'),
    sub('set-config-epoch', 3, ADMIN, '3.0.0', "Sets a new node's config epoch", 'O(1)',
      { args: [{ name: 'config-epoch', type: 'integer' }] }),
    sub('setslot', -4, ADMIN, '3.0.0', 'Changes the state of a hash slot on this node', 'O(1)', {
      args: [
        { name: 'slot', type: 'integer' },
        { name: 'subcommand', type: 'oneof', args: [
          { name: 'node-id', type: 'string', token: 'IMPORTING' },
          { name: 'node-id', type: 'string', token: 'MIGRATING' },
          { name: 'node-id', type: 'string', token: 'NODE' },
          { name: 'stable', type: 'pure-token', token: 'STABLE' },
        ] },
      ],
    }),
    sub('shards', 2, ['stale'], '7.0.0', 'Describes the shards of the cluster and their nodes',
      'O(N) where N is the total number of cluster nodes', { tips: NONDETERMINISTIC }),
    sub('slaves', 3, ['admin', 'stale'], '3.0.0', 'Lists the replicas of a master', 'O(1)', {
      args: NODE_ID, tips: NONDETERMINISTIC,
      docFlags: ['deprecated'], deprecatedSince: '5.0.0', replacedBy: '`CLUSTER REPLICAS`',
    }),
    sub('slots', 2, ['stale'], '3.0.0', 'Maps hash slot ranges to their nodes',
      'O(N) where N is the total number of Cluster nodes', {
        tips: NONDETERMINISTIC,
        docFlags: ['deprecated'], deprecatedSince: '7.0.0', replacedBy: '`CLUSTER SHARDS`',
        history: [['4.0.0', 'Node IDs in the reply.'], ['7.0.0', 'A networking metadata field in the reply.']],
      }),
  ],
};

export const CLUSTER_COMMANDS: readonly Spec[] = [
  CLUSTER_SPEC,
  {
    name: 'readonly', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'cluster', since: '3.0.0',
    summary: 'Lets this connection read from a cluster replica', complexity: 'O(1)', handler: disabled,
  },
  {
    name: 'readwrite', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'cluster', since: '3.0.0',
    summary: 'Ends READONLY for this connection', complexity: 'O(1)', handler: disabled,
  },
  {
    name: 'asking', arity: 1, flags: ['fast'], acl: ['connection'], group: 'cluster', since: '3.0.0',
    summary: 'Lets the next command reach a slot being imported, after an ASK redirection', complexity: 'O(1)',
    handler: disabled,
  },
];
