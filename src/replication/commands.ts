/**
 * The replication commands: REPLICAOF / SLAVEOF, the internal REPLCONF, PSYNC and SYNC a replica
 * sends, and WAIT. Their rows follow Redis 7.0's COMMAND INFO (flags, ACL categories); the
 * summaries are ours.
 */
import { parseInt64Number } from '../lib/int64.js';
import type { CommandArg, CommandSpec, Handler } from '../commands/spec.js';
import { BLOCKED, error, OK, status, type Reply } from '../protocol/reply.js';
import type { Client } from '../server/client.js';
import { parseRangeLong } from '../commands/zset-common.js';
import type { Replication } from './replication.js';

type Spec = CommandSpec<Client>;
// REPLCONF ACK/GETACK, PSYNC and SYNC reply by themselves (or never): their handlers return undefined.

const REPLICAOF_ARGS: readonly CommandArg[] = [{
  name: 'args', type: 'oneof', args: [
    { name: 'host-port', type: 'block', args: [{ name: 'host', type: 'string' }, { name: 'port', type: 'integer' }] },
    { name: 'no-one', type: 'block', args: [{ name: 'no', type: 'pure-token', token: 'NO' }, { name: 'one', type: 'pure-token', token: 'ONE' }] },
  ],
}];


export function replicationCommands(repl: Replication): Spec[] {
  const replicaof = (c: Client, argv: string[]): Reply => {
    const server = c.server;
    if (server.config.bool('cluster-enabled')) return error('ERR REPLICAOF not allowed in cluster mode.');
    const [, host, portText] = argv as [string, string, string];
    if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
      if (repl.link !== null) {
        repl.unsetMaster();
        server.logger.notice(`MASTER MODE enabled (user request from '${repl.describe(c)}')`);
      }
      return OK;
    }
    if (c.roleFlags.includes('S')) return error('ERR Command is not valid when client is a replica.');
    const port = parseInt64Number(portText);
    if (port === null || port < 0 || port > 65535) return error('ERR Invalid master port');
    const link = repl.link;
    if (link !== null && link.host.toLowerCase() === host.toLowerCase() && link.port === port) {
      server.logger.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
      return status('OK Already connected to specified master');
    }
    repl.setMaster(host, port);
    server.logger.notice(`REPLICAOF ${host}:${port} enabled (user request from '${repl.describe(c)}')`);
    return OK;
  };

  const replconf = (c: Client, argv: string[]): Reply | undefined => {
    if (argv.length % 2 === 0) return error('ERR syntax error');
    const hs = repl.master.handshakeOf(c);
    for (let i = 1; i < argv.length; i += 2) {
      const opt = argv[i]!.toLowerCase();
      const val = argv[i + 1]!;
      switch (opt) {
        case 'listening-port': {
          const p = parseInt64Number(val);
          if (p === null) return error('ERR value is not an integer or out of range');
          hs.listeningPort = p;
          break;
        }
        case 'ip-address':
          if (val.length >= 46) return error(`ERR REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`);
          hs.announcedIp = val;
          break;
        case 'capa':
          if (val.toLowerCase() === 'eof') hs.capaEof = true;
          else if (val.toLowerCase() === 'psync2') hs.capaPsync2 = true;
          break;
        case 'ack': {
          // Sent by replicas only; never answered.
          if (!c.roleFlags.includes('S')) return undefined;
          const off = parseInt64Number(val);
          if (off !== null) repl.master.ack(c, off);
          return undefined;
        }
        case 'getack':
          if (repl.link !== null && c === repl.link.masterClient) {
            c.server.send(c, ['REPLCONF', 'ACK', String(repl.offset)]);
          }
          return undefined;
        case 'rdb-only': {
          const v = parseRangeLong(val, 0n, 1n, null);
          if (typeof v !== 'number') return v;
          break;
        }
        default:
          return error(`ERR Unrecognized REPLCONF option: ${argv[i]}`);
      }
    }
    return OK;
  };

  const sync = (c: Client, argv: string[]): Reply | undefined => {
    if (c.roleFlags.includes('S')) return undefined; // already a replica: ignore
    // PSYNC <replid> <offset> FAILOVER: our master hands its role over to us (FAILOVER command).
    if (argv.length > 3 && argv[0]!.toLowerCase() === 'psync' && argv[3]!.toLowerCase() === 'failover') {
      if (repl.link === null || argv[1]!.toLowerCase() !== repl.ids.replid) return error('ERR PSYNC FAILOVER replid must match my replid.');
      repl.unsetMaster();
      c.server.logger.notice(`MASTER MODE enabled (failover request from '${repl.describe(c)}')`);
    }
    if (repl.failover.state !== 'no-failover') return error("NOMASTERLINK Can't SYNC while failing over");
    const link = repl.link;
    if (link !== null && !link.linkUp) return error("NOMASTERLINK Can't SYNC while not connected with my master");
    // Replies to earlier commands of the same batch go to the client's queue now; the master
    // writes that queue before any stream bytes it writes straight to the socket.
    c.server.flushClient(c);
    repl.master.sync(c, argv[0]!.toLowerCase() === 'psync' ? { replid: argv[1]!, offset: argv[2]! } : null);
    return undefined;
  };

  const wait = (c: Client, argv: string[]): Reply => {
    if (repl.link !== null) {
      return error('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.');
    }
    const num = parseInt64Number(argv[1]!);
    if (num === null) return error('ERR value is not an integer or out of range');
    const timeout = parseInt64Number(argv[2]!);
    if (timeout === null) return error('ERR timeout is not an integer or out of range');
    if (timeout < 0) return error('ERR timeout is negative');
    const offset = repl.writeOffsets.get(c) ?? 0;
    const acked = repl.master.replicasAcked(offset);
    if (acked >= num || c.inTransaction || c.multi !== null) return acked;
    const deadline = timeout === 0 ? 0 : c.server.env.clock.nowMs() + timeout;
    const r = c.server.blocking.block(c, c.runningCmd!, c.runningArgv, [], deadline, () => {
      repl.master.removeWaiting(c);
      return repl.master.replicasAcked(offset);
    });
    repl.master.addWaiting(c, offset, num);
    return r === BLOCKED ? BLOCKED : r;
  };

  const adminFlags = { acl: ['admin', 'slow', 'dangerous'] as const, group: 'server' };
  return [
    {
      name: 'replicaof', arity: 3, flags: ['admin', 'noscript', 'stale', 'no_async_loading'], ...adminFlags,
      since: '5.0.0', summary: 'Follows another server as its replica, or stops replicating (NO ONE).', complexity: 'O(1)',
      args: REPLICAOF_ARGS, handler: replicaof,
    },
    {
      name: 'slaveof', arity: 3, flags: ['admin', 'noscript', 'stale', 'no_async_loading'], ...adminFlags,
      since: '1.0.0', summary: 'Follows another server as its replica, or stops replicating (NO ONE).', complexity: 'O(1)',
      docFlags: ['deprecated'], deprecatedSince: '5.0.0', replacedBy: '`REPLICAOF`', args: REPLICAOF_ARGS, handler: replicaof,
    },
    {
      name: 'replconf', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'], ...adminFlags,
      since: '3.0.0', summary: 'Internal: a replica describes itself and acknowledges the stream.', complexity: 'O(1)',
      docFlags: ['syscmd'], handler: replconf as Handler<Client>,
    },
    {
      name: 'psync', arity: -3, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], ...adminFlags,
      since: '2.8.0', summary: 'Internal: a replica asks to continue a replication history or to start over.',
      args: [{ name: 'replicationid', type: 'string' }, { name: 'offset', type: 'integer' }], handler: sync as Handler<Client>,
    },
    {
      name: 'sync', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], ...adminFlags,
      since: '1.0.0', summary: 'Internal: the pre-PSYNC way for a replica to ask for the whole dataset.', handler: sync as Handler<Client>,
    },
    {
      name: 'failover', arity: -1, flags: ['admin', 'noscript', 'stale'], ...adminFlags,
      since: '6.2.0', summary: 'Hands the master role over to a replica once it has every write.', complexity: 'O(1)',
      args: [
        { name: 'target', type: 'block', token: 'TO', flags: ['optional'], args: [
          { name: 'host', type: 'string' }, { name: 'port', type: 'integer' },
          { name: 'force', type: 'pure-token', token: 'FORCE', flags: ['optional'] },
        ] },
        { name: 'abort', type: 'pure-token', token: 'ABORT', flags: ['optional'] },
        { name: 'milliseconds', type: 'integer', token: 'TIMEOUT', flags: ['optional'] },
      ],
      handler: (_c, argv) => repl.failover.command(argv),
    },
    {
      name: 'wait', arity: 3, flags: ['noscript'], acl: ['slow', 'connection'], group: 'generic',
      since: '3.0.0', summary: "Blocks until the connection's earlier writes reached a number of replicas, or a timeout.", complexity: 'O(1)',
      tips: ['request_policy:all_shards', 'response_policy:agg_min'],
      args: [{ name: 'numreplicas', type: 'integer' }, { name: 'timeout', type: 'integer' }], handler: wait,
    },
  ];
}
