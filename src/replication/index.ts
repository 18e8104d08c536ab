/** Replication: installs the module into a server and returns it (see replication.ts). */
import { OK } from '../protocol/reply.js';
import { replicaOf } from '../server/config/params.js';
import { infoState } from '../server/info.js';
import type { Server } from '../server/server.js';
import { replicationCommands } from './commands.js';
import { replicationInfo, roleReply } from './info.js';
import { Replication } from './replication.js';

export { Replication } from './replication.js';
export type { SnapshotProvider, SnapshotSink, DatasetLoader, LoadedReplInfo } from './ports.js';

const MODULES = new WeakMap<Server, Replication>();

/** The replication module of a server built with it (undefined for a bare Server). */
export function replicationOf(server: Server): Replication | undefined {
  return MODULES.get(server);
}

/**
 * Creates the node's replication module, registers its commands, INFO section and ROLE. A
 * `replicaof` directive makes the node a replica that connects from its first cron run (within a
 * second of starting), as Redis does.
 */
export function installReplication(server: Server): Replication {
  const repl = new Replication(server);
  MODULES.set(server, repl);
  repl.install();
  server.commands.register(replicationCommands(repl));
  server.debugSubcommands.set('change-repl-id', {
    argc: 2,
    run: () => {
      // Redis's debug.c: a new history and no secondary id, so replicas must resync in full.
      server.logger.warning('Changing replication IDs after receiving DEBUG change-repl-id');
      repl.ids.change();
      repl.ids.clearSecond();
      return OK;
    },
  });
  const info = infoState(server);
  info.sections.set('replication', () => replicationInfo(server, repl));
  info.roleReply = () => roleReply(repl);
  info.counters.replBacklogMemory = () => repl.backlog?.memory() ?? 0;
  const configured = replicaOf(server.config.get('replicaof'));
  if (configured !== null) repl.setMaster(configured.host, configured.port, false);
  return repl;
}
