/**
 * Attaches the server modules that keep per-server state beyond the core (pub/sub and keyspace
 * notifications, slowlog/latency/monitor feeds, ...). Called once by the composition root after
 * the Server is constructed. Each module adds its own line here.
 */
import type { Server } from './server.js';

export function installServerModules(server: Server): void {
  void server;
}
