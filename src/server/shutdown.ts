/**
 * The shutdown sequence of Redis 7.0 (server.c's prepareForShutdown, isReadyToShutdown,
 * finishShutdown, abortShutdown and cancelShutdown), shared by SHUTDOWN, SIGTERM/SIGINT and the
 * library's servers.
 *
 * A master with replicas does not exit while a replica still lags behind its stream: unless NOW
 * is given or `shutdown-timeout` is 0, it pauses writes (as CLIENT PAUSE WRITE), asks every
 * replica for an ACK and waits, checking on every tick, until each replica has acknowledged the
 * whole stream or `shutdown-timeout` seconds have passed. Then it logs the replicas still behind
 * and goes on with the final steps (AOF, save, pid file, close: `Server.onShutdown` in a process,
 * a plain close in a library server: commands/admin.ts). While it waits, the SHUTDOWN callers stay blocked (another
 * SHUTDOWN blocks as well) and SHUTDOWN ABORT cancels it: the callers then get "Errors trying to
 * SHUTDOWN. Check logs.", as they do when the final steps fail (a save error without FORCE).
 *
 * Two bugs of 7.0.15 are not reproduced: CLIENT UNBLOCK on a client blocked in SHUTDOWN crashes
 * it (Garrison answers 0, as 7.2 does), and so does the next command of a client whose SHUTDOWN
 * was aborted (Garrison runs it).
 */
import type { Command } from '../commands/registry.js';
import { error, type ErrorReply } from '../protocol/reply.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

export interface ShutdownFlags {
  save: boolean;
  nosave: boolean;
  now: boolean;
  force: boolean;
}

export const NO_SHUTDOWN_FLAGS: Readonly<ShutdownFlags> = Object.freeze({ save: false, nosave: false, now: false, force: false });

/** What the replication layer tells the shutdown about the replicas attached to this master. */
export interface ShutdownReplicas {
  /** isReadyToShutdown: no replica attached, or each acknowledged the whole stream. */
  allAcked(): boolean;
  /** finishShutdown's report: a line per lagging replica, and how many replicas there are. */
  report(nowMs: number): { lagging: string[]; total: number };
  /** REPLCONF GETACK * to every replica. */
  requestAcks(): void;
}

/** The final steps (Redis's finishShutdown after its report); false when they failed. */
export type ShutdownFinisher = (flags: ShutdownFlags) => Promise<boolean>;

/** The reply of every SHUTDOWN caller when the shutdown is cancelled or fails. */
export const ERR_SHUTDOWN_FAILED: ErrorReply = error('ERR Errors trying to SHUTDOWN. Check logs.');

export class ShutdownSequence {
  /** Set by replication: without it the node has no replicas to wait for. */
  replicas: ShutdownReplicas | null = null;
  /** Redis's shutdown_asap: a signal asked for the shutdown (a second SIGINT then exits at once). */
  signalled = false;
  /** Redis's shutdown_mstime: when the wait for replicas ends; 0 while not waiting. */
  private deadlineMs = 0;
  private flags: ShutdownFlags = NO_SHUTDOWN_FLAGS;
  private finisher: ShutdownFinisher | null = null;
  /** The final steps are running (they wait for the save's fsync and the listeners' close). */
  private finishing = false;
  /** The final steps succeeded: the server is closed or the process exiting. */
  private finished = false;
  /** Clients blocked in SHUTDOWN until the sequence ends. */
  private readonly callers = new Set<Client>();
  /**
   * The SHUTDOWN that went straight to the final steps: if they fail, it counts as a failed call,
   * as it does in Redis, where they run inside the command.
   */
  private directCommand: Command<Client> | null = null;

  constructor(private readonly server: Server) {}

  /** isShutdownInitiated (and the final steps, which Redis runs without returning to its loop). */
  get initiated(): boolean {
    return this.deadlineMs !== 0 || this.finishing || this.finished;
  }

  /**
   * SHUTDOWN without ABORT: blocks `c` until the sequence ends (counted as called now, as Redis
   * counts a SHUTDOWN that blocks) and starts the sequence unless it is already under way.
   */
  request(c: Client, flags: ShutdownFlags, finisher: ShutdownFinisher): void {
    const cmd = c.runningCmd!;
    this.callers.add(c);
    c.server.blocking.block(c, cmd, c.runningArgv, [], 0, ERR_SHUTDOWN_FAILED, 'shutdown');
    if (!this.initiated && this.prepare(flags, finisher) === 'finishing') this.directCommand = cmd;
  }

  /** SIGTERM / SIGINT with the flags of shutdown-on-sigterm / shutdown-on-sigint. */
  signal(flags: ShutdownFlags, finisher: ShutdownFinisher): void {
    this.signalled = true;
    this.prepare(flags, finisher);
  }

  /** prepareForShutdown: waits for lagging replicas, or goes straight to the final steps. */
  private prepare(flags: ShutdownFlags, finisher: ShutdownFinisher): 'busy' | 'waiting' | 'finishing' {
    if (this.initiated) return 'busy';
    const server = this.server;
    this.finisher = finisher;
    // A server still loading its data never saves on the way out.
    this.flags = server.isLoading() ? { ...flags, save: false, nosave: true } : flags;
    server.logger.warning('User requested shutdown...');
    const timeoutS = server.config.int('shutdown-timeout');
    const replicas = this.replicas;
    if (!flags.now && timeoutS !== 0 && replicas !== null && !replicas.allAcked()) {
      const now = server.env.clock.nowMs();
      this.deadlineMs = now + timeoutS * 1000;
      if (!server.clientsPaused(now)) replicas.requestAcks();
      server.setShutdownPause(true);
      server.logger.notice('Waiting for replicas before shutting down.');
      return 'waiting';
    }
    void this.finish();
    return 'finishing';
  }

  /** serverCron's check: the replicas caught up, or the time is up. */
  tick(nowMs: number): void {
    if (this.deadlineMs === 0) return;
    if (nowMs >= this.deadlineMs || (this.replicas?.allAcked() ?? true)) void this.finish();
  }

  /**
   * SHUTDOWN ABORT: false when no wait is under way (a signal starts its shutdown at once, so
   * there is no scheduled one to clear; the final steps cannot be cancelled, as in Redis, where
   * they run without returning to the event loop). Redis counts the ABORT as a failed call when
   * it sent errors to SHUTDOWN callers; `onErrorsSent` lets the command count it.
   */
  abort(onErrorsSent: () => void): boolean {
    if (this.deadlineMs === 0) return false;
    if (this.cancel() > 0) onErrorsSent();
    this.server.logger.notice('Shutdown manually aborted.');
    return true;
  }

  /** finishShutdown: the replicas' report, then the final steps; a failure cancels the shutdown. */
  private async finish(): Promise<void> {
    const server = this.server;
    this.finishing = true;
    this.deadlineMs = 0;
    const report = this.replicas?.report(server.env.clock.nowMs()) ?? { lagging: [], total: 0 };
    for (const line of report.lagging) server.logger.warning(line);
    if (report.total > 0) {
      server.logger.notice(`${report.total - report.lagging.length} of ${report.total} replicas are in sync when shutting down.`);
    }
    const done = await this.finisher!(this.flags);
    this.finishing = false;
    const direct = this.directCommand;
    this.directCommand = null;
    if (done) {
      this.finished = true;
      return;
    }
    server.logger.warning('Errors trying to shut down the server. Check the logs for more information.');
    if (this.cancel() > 0 && direct !== null) direct.failedCalls++;
  }

  /** cancelShutdown: writes resume and every SHUTDOWN caller gets the error; returns how many. */
  private cancel(): number {
    const server = this.server;
    this.deadlineMs = 0;
    this.flags = NO_SHUTDOWN_FLAGS;
    this.finisher = null;
    this.signalled = false;
    server.setShutdownPause(false);
    const callers = [...this.callers];
    this.callers.clear();
    let answered = 0;
    for (const c of callers) {
      if (c.closed || c.blocked === null) continue;
      server.stats.countError(ERR_SHUTDOWN_FAILED.s);
      server.blocking.unblock(c, ERR_SHUTDOWN_FAILED);
      answered++;
    }
    return answered;
  }
}
