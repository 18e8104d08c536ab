/**
 * What a shutdown asks of the replicas attached to this node (server/shutdown.ts): whether each
 * has acknowledged the whole stream (Redis 7.0's isReadyToShutdown), the lines finishShutdown
 * logs about those that have not, and a REPLCONF GETACK to make them say.
 */
import type { ShutdownReplicas } from '../server/shutdown.js';
import type { Replication } from './replication.js';

export function shutdownReplicas(repl: Replication): ShutdownReplicas {
  return {
    allAcked: () => {
      for (const r of repl.master.replicas.values()) if (r.ackOffset !== repl.offset) return false;
      return true;
    },
    report: (nowMs) => {
      const lagging: string[] = [];
      for (const r of repl.master.replicas.values()) {
        if (r.ackOffset === repl.offset) continue;
        const online = r.state === 'online';
        const lag = online ? Math.floor((nowMs - r.ackTimeMs) / 1000) : 0;
        lagging.push(`Lagging replica ${r.name()} reported offset ${repl.offset - r.ackOffset} behind master, lag=${lag}, state=${online ? 'online' : 'wait_bgsave'}.`);
      }
      return { lagging, total: repl.master.replicas.size };
    },
    requestAcks: () => repl.master.requestAcks(),
  };
}
