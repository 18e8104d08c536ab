/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] (Redis 7.0): save the dataset, empty it, load the file
 * back. The image is produced and loaded back in the same command, so no other client's write
 * falls between the save and the load, as in Redis where the whole command blocks; the reply
 * waits (the client is held) until the file is durable.
 */
import { error, OK, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { persistenceOf, replyWhenDone } from '../persistence.js';

const ERR_LOAD = error('ERR Error trying to load the RDB dump, check server logs.');

export function debugReload(c: Client, argv: readonly string[]): Reply {
  let flush = true;
  let save = true;
  let merge = false;
  for (const opt of argv.slice(2)) {
    const o = opt.toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else return error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const server = c.server;
  const p = persistenceOf(server);
  if (p === null) return error('ERR persistence is not available in this build');
  let image: Buffer | null;
  let durable: Promise<string | null> | null = null;
  if (save) {
    if (p.isSaving()) return error('ERR');
    image = p.imageNow();
    durable = p.writeImage(image, server.ks.dirty);
    if (!p.foregroundSave) return error('ERR');
  } else {
    try {
      image = server.env.fs.readFile(p.rdbPath());
    } catch (e) {
      server.logger.warning(`Fatal error loading the DB: ${e instanceof Error ? e.message : String(e)}. Exiting.`);
      return ERR_LOAD;
    }
    if (image === null) return ERR_LOAD;
  }
  if (flush) {
    for (const db of server.ks.dbs) {
      server.signalDbReplaced(db, null);
      db.clear();
    }
    server.tracking.invalidateOnFlush();
  }
  try {
    p.loadNow(image, merge);
  } catch (e) {
    server.logger.warning(`Error loading the RDB dump: ${e instanceof Error ? e.message : String(e)}`);
    return ERR_LOAD;
  }
  server.logger.warning('DB reloaded by DEBUG RELOAD');
  if (durable === null) return OK;
  return replyWhenDone(c, durable, (err) => (err === null ? OK : error('ERR')));
}
