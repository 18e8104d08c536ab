/**
 * The seams through which subsystems above the server (replication, cluster, persistence) plug
 * into it, so that server/ never imports them (DESIGN.md: server declares hooks, subsystems
 * implement them). Every hook has a neutral default in the server: a standalone master.
 */
import type { Reply } from '../protocol/reply.js';
import type { Command } from '../commands/registry.js';
import type { Client } from './client.js';

/** Receives every change to the dataset, in order (replication stream, AOF). */
export interface PropagationSink {
  /** `argv` ran against database `dbId`. MULTI/EXEC wrappers arrive as their own argv. */
  propagate(dbId: number, argv: readonly string[]): void;
  /**
   * True for the replication stream: it also takes what is propagated to replicas only (PUBLISH,
   * as Redis's forceCommandPropagation(c, PROPAGATE_REPL)). Other sinks (the AOF) never see that.
   */
  readonly replication?: boolean;
  /**
   * Whether `propagate` would do anything now (the AOF is on, a replication stream exists).
   * Absent: always. When no sink is active a write command skips collecting its propagation.
   */
  active?(): boolean;
}

/**
 * A check run before a command executes, after arity and authentication: cluster routing
 * (MOVED/ASK/CROSSSLOT), read-only replicas, min-replicas-to-write, stale data. Returns the
 * rejection reply, or null to let the command run.
 */
export type AdmissionCheck = (client: Client, cmd: Command<Client>, argv: readonly string[]) => Reply | null;

/** What role this node plays, as INFO/ROLE and lazy expiry need to know. */
export interface RoleProvider {
  isReplica(): boolean;
  /** True while the master's stream is being applied by this client (lazy expiry keeps keys). */
  isMasterClient(client: Client | null): boolean;
}
