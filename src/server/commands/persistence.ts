/**
 * SAVE, BGSAVE and LASTSAVE with Redis 7.0's replies and errors.
 *
 * SAVE produces the whole image at once (nothing else runs meanwhile, as in Redis); the fsync
 * that makes it durable runs off the event loop, and the client is held (blocked, without keys)
 * until the file has replaced `dbfilename`, so its reply still means "on disk". BGSAVE starts a
 * snapshot produced in slices (persistence/snapshot.ts) while the server keeps serving.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { ERR_SYNTAX } from '../../protocol/errors.js';
import { error, OK, status, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { persistenceOf, replyWhenDone } from '../persistence.js';

type Spec = CommandSpec<Client>;

const ERR_IN_PROGRESS = error('ERR Background save already in progress');
/** Redis's shared.err: a bare "-ERR" when the save failed (the reason is in the log). */
const ERR_BARE = error('ERR');
const ERR_NO_MODULE = error('ERR persistence is not available in this build');

function save(c: Client): Reply {
  const p = persistenceOf(c.server);
  if (p === null) return ERR_NO_MODULE;
  if (p.isSaving()) return ERR_IN_PROGRESS;
  return replyWhenDone(c, p.saveNow(), (err) => (err === null ? OK : ERR_BARE));
}

function bgsave(c: Client, argv: string[]): Reply {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1]!.toLowerCase() === 'schedule') schedule = true;
    else return ERR_SYNTAX;
  }
  const p = persistenceOf(c.server);
  if (p === null) return ERR_NO_MODULE;
  if (p.bgsave !== null) return ERR_IN_PROGRESS;
  if (p.foregroundSave || c.inTransaction) {
    // Redis: another child is active (or inside EXEC): only SCHEDULE (or EXEC) defers it.
    if (schedule || c.inTransaction) {
      p.bgsaveScheduled = true;
      return status('Background saving scheduled');
    }
    return error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
  }
  return p.startBgsave() === null ? status('Background saving started') : ERR_BARE;
}

function lastsave(c: Client): Reply {
  const p = persistenceOf(c.server);
  return Math.floor((p !== null ? p.lastSaveMs : c.server.stats.startMs) / 1000);
}

export const PERSISTENCE_COMMANDS: readonly Spec[] = [
  {
    name: 'save', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], acl: ['admin', 'slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Write the whole dataset to disk, answering when it is there',
    complexity: 'O(N)', handler: save,
  },
  {
    name: 'bgsave', arity: -1, flags: ['admin', 'noscript', 'no_async_loading'], acl: ['admin', 'slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Write the dataset to disk while the server keeps serving', complexity: 'O(1)',
    history: [['3.2.2', 'SCHEDULE option.']],
    args: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', flags: ['optional'] }],
    handler: bgsave,
  },
  {
    name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['admin', 'fast', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Unix time of the last save that reached the disk',
    complexity: 'O(1)', tips: ['nondeterministic_output'], handler: lastsave,
  },
];
