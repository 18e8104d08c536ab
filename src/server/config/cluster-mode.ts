/**
 * Garrison has no Redis Cluster yet. `cluster-enabled` stays in the parameter table (config files
 * name it; CONFIG GET reports it; it is immutable), but `cluster-enabled yes` is refused at start
 * instead of silently giving a standalone server: clients and tools that expect a cluster node
 * would otherwise meet "cluster support disabled" and a node that serves every slot. The start
 * fails with one log line saying why, and the process exits with 1, as for a TLS configuration
 * (tls.ts). A sentinel ignores the parameter, as redis-sentinel does.
 */
import type { Config } from './config.js';

/** Logged when the configuration asks for cluster mode (the start then fails). */
export const CLUSTER_UNSUPPORTED =
  'Garrison does not implement Redis Cluster yet: cluster-enabled must be no. Start the server without cluster-enabled yes.';

/** True when the configuration asks for a cluster node (Redis's server.cluster_enabled). */
export function clusterRequested(cfg: Config): boolean {
  return cfg.bool('cluster-enabled');
}
