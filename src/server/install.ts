/**
 * Attaches the server modules that keep per-server state beyond the core (pub/sub and keyspace
 * notifications, slowlog/latency/monitor feeds, ...). Called once by the composition root after
 * the Server is constructed. Each module adds its own line here.
 */
import { installProtectedGate } from './commands/protected.js';
import { infoState, installInfo } from './info.js';
import { LatencyMonitor } from './latency.js';
import { installMonitor } from './monitor.js';
import { installKeyspaceNotifications } from './notifications.js';
import type { Server } from './server.js';
import { SlowLog } from './slowlog.js';

export function installServerModules(server: Server): void {
  // SLOWLOG / LATENCY feeds from every executed command, and the gate of the protected commands
  // (enable-debug-command, enable-module-command).
  SlowLog.install(server);
  LatencyMonitor.install(server);
  installProtectedGate(server);
  // Pub/sub: a disconnecting client leaves every channel, pattern and shard channel.
  server.clientFreeHandlers.push((c) => server.pubsub.removeClient(c));
  installKeyspaceNotifications(server);
  // INFO (latency histograms, memory peak; pub/sub counts from server.pubsub) and the MONITOR feed.
  installInfo(server);
  const counters = infoState(server).counters;
  counters.pubsubChannels = () => server.pubsub.channels.size;
  counters.blockedClients = () => server.blocking.clients.size + server.postponedCount;
  counters.clientsInTimeoutTable = () => [...server.blocking.clients].filter((c) => c.blocked !== null && c.blocked.timeoutAtMs !== 0).length;
  counters.pubsubPatterns = () => server.pubsub.patterns.size;
  counters.trackingClients = () => server.tracking.clients;
  counters.pubsubShardChannels = () => server.pubsub.shardChannels.size;
  installMonitor(server);
}
