/**
 * Attaches the server modules that keep per-server state beyond the core (pub/sub and keyspace
 * notifications, slowlog/latency/monitor feeds, ...). Called once by the composition root after
 * the Server is constructed. Each module adds its own line here.
 */
import { installDebugGate } from './commands/debug.js';
import { LatencyMonitor } from './latency.js';
import { installKeyspaceNotifications } from './notifications.js';
import type { Server } from './server.js';
import { SlowLog } from './slowlog.js';

export function installServerModules(server: Server): void {
  // SLOWLOG / LATENCY feeds from every executed command, and the enable-debug-command gate.
  SlowLog.install(server);
  LatencyMonitor.install(server);
  installDebugGate(server);
  // Pub/sub: a disconnecting client leaves every channel, pattern and shard channel.
  server.clientFreeHandlers.push((c) => server.pubsub.removeClient(c));
  installKeyspaceNotifications(server);
}
