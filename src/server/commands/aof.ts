/**
 * BGREWRITEAOF and DEBUG LOADAOF with Redis 7.0's replies (the AOF itself is persistence/aof/).
 *
 * BGREWRITEAOF starts a rewrite in slices (the snapshot engine's point-in-time image), or
 * schedules it while a BGSAVE runs or inside EXEC. DEBUG LOADAOF writes the AOF buffer, empties
 * the dataset and loads the AOF files again, blocking like Redis's; where Redis exits when the
 * files cannot be loaded, Garrison answers an error (a library server must not end its process).
 */
import type { CommandSpec } from '../../commands/spec.js';
import { error, OK, status, type Reply } from '../../protocol/reply.js';
import { aofOf, loadAofNow } from '../aof.js';
import type { Client } from '../client.js';
import { persistenceOf } from '../persistence.js';

const ERR_NO_MODULE = error('ERR the AOF is not available in this build');

function bgrewriteaof(c: Client): Reply {
  const aof = aofOf(c.server);
  if (aof === null) return ERR_NO_MODULE;
  if (aof.rewrite !== null) return error('ERR Background append only file rewriting already in progress');
  const rdb = persistenceOf(c.server);
  if ((rdb !== null && rdb.isSaving()) || c.inTransaction) {
    aof.rewriteScheduled = true;
    // A manual request resets the failure count so that it runs at once.
    aof.consecutiveFailures = 0;
    return status('Background append only file rewriting scheduled');
  }
  if (aof.startRewrite() === null) return status('Background append only file rewriting started');
  return error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
}

/** DEBUG LOADAOF. */
export function debugLoadAof(c: Client): Reply {
  const server = c.server;
  const aof = aofOf(server);
  if (aof === null) return ERR_NO_MODULE;
  // Loading changes the dataset, but nothing of it must reach the AOF or replicas (Redis sets dirty to 0).
  c.preventPropagation();
  if (aof.state === 'on') aof.flush(true);
  for (const db of server.ks.dbs) {
    server.signalDbReplaced(db, null);
    db.clear();
  }
  server.tracking.invalidateOnFlush();
  const manifestErr = aof.reloadManifest();
  if (manifestErr !== null) {
    for (const l of manifestErr) server.logger.warning(l);
    return error('ERR Error trying to load the AOF files, check server logs.');
  }
  const st = loadAofNow(server, aof);
  if (st !== 'ok' && st !== 'empty' && st !== 'truncated') {
    return error('ERR Error trying to load the AOF files, check server logs.');
  }
  server.logger.warning('Append Only File loaded by DEBUG LOADAOF');
  return OK;
}

export const AOF_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'bgrewriteaof', arity: 1, flags: ['admin', 'noscript', 'no_async_loading'], acl: ['admin', 'slow', 'dangerous'],
    group: 'server', since: '1.0.0', summary: 'Rewrite the append-only file from the dataset while the server keeps serving',
    complexity: 'O(1)', handler: bgrewriteaof,
  },
];
