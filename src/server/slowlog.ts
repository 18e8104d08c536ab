/**
 * The slow log of one server (Redis's slowlog.c): every executed command whose duration reaches
 * `slowlog-log-slower-than` µs (negative disables, 0 logs everything) is kept, newest first, up to
 * `slowlog-max-len` entries. Commands flagged skip_slowlog (EXEC...) are left out; what is logged
 * is the argv as the client sent it (not a propagation rewrite), with its secrets "(redacted)"
 * (redact.ts) as MONITOR shows them.
 *
 * Entry format (Redis 7.0): id, unix time (s), duration (µs), argv trimmed to 32 arguments (the
 * last one replaced by "... (N more arguments)") with each argument cut at 128 bytes ("... (N more
 * bytes)"), client address, client name.
 */
import type { Command } from '../commands/registry.js';
import type { Client } from './client.js';
import type { Server } from './server.js';
import { redactArgv } from './redact.js';

export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export interface SlowLogEntry {
  readonly id: number;
  readonly timeSec: number;
  readonly durationUs: number;
  readonly argv: readonly string[];
  readonly peer: string;
  readonly clientName: string;
}

/** The argv as an entry stores it: at most 32 arguments, each at most 128 bytes plus a note. */
export function trimSlowLogArgv(argv: readonly string[]): string[] {
  const argc = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
  const out: string[] = [];
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out.push(`... (${argv.length - argc + 1} more arguments)`);
      break;
    }
    const a = argv[j]!;
    out.push(a.length > SLOWLOG_ENTRY_MAX_STRING
      ? `${a.slice(0, SLOWLOG_ENTRY_MAX_STRING)}... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`
      : a);
  }
  return out;
}

export class SlowLog {
  /** Oldest first (the reply walks it backwards). */
  private entries: SlowLogEntry[] = [];
  private nextId = 0;
  /** Which parameters' CONFIG SET values are secrets (see redact.ts); the server's table once installed. */
  isSensitive: (param: string) => boolean = () => false;
  slowerThanUs = 10000;
  maxLen = 128;
  /**
   * Clients whose running command replies later (DEBUG SLEEP): call() reports them with the time
   * the handler took, the real duration is recorded when the reply goes out (Redis logs a blocked
   * command when it is unblocked).
   */
  readonly deferred = new Set<Client>();

  get length(): number {
    return this.entries.length;
  }

  /** Adds an entry when `durationUs` reaches the threshold, then trims to `maxLen`. */
  pushIfNeeded(argv: readonly string[], durationUs: number, nowMs: number, peer: string | (() => string), clientName: string): void {
    if (this.slowerThanUs < 0 || durationUs < this.slowerThanUs) {
      if (this.entries.length > this.maxLen) this.trim();
      return;
    }
    if (typeof peer === 'function') peer = peer();
    this.entries.push({
      id: this.nextId++, timeSec: Math.floor(nowMs / 1000), durationUs: Math.floor(durationUs),
      argv: trimSlowLogArgv(redactArgv(argv, this.isSensitive)), peer, clientName,
    });
    this.trim();
  }

  /**
   * Logs an executed command (unless flagged skip_slowlog). `nowMs` is asked only when the command
   * is logged: on the command path every argument that is not a small integer would be boxed.
   */
  record(client: Client, cmd: Command<Client>, argv: readonly string[], us: number, nowMs: () => number): void {
    if (cmd.isSkipSlowlog || this.slowerThanUs < 0) return;
    // The common case, decided before the peer-address closure below is made.
    if (us < this.slowerThanUs && this.entries.length <= this.maxLen) return;
    this.recordSlow(client, argv, us, nowMs);
  }

  /**
   * Its own function because of the closure: a function whose body makes a closure over a
   * parameter allocates the context holding it on every call, before its first statement (record
   * did, once per executed command).
   */
  private recordSlow(client: Client, argv: readonly string[], us: number, nowMs: () => number): void {
    // The peer address and the redacted argv are made only for commands that are actually logged.
    this.pushIfNeeded(argv, us, nowMs(), () => client.addr, client.name);
  }

  private trim(): void {
    const excess = this.entries.length - this.maxLen;
    if (excess > 0) this.entries.splice(0, excess);
  }

  /** The `count` newest entries, newest first. */
  newest(count: number): SlowLogEntry[] {
    const out: SlowLogEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < count; i--) out.push(this.entries[i]!);
    return out;
  }

  reset(): void {
    this.entries = [];
  }

  /** Feeds the slow log from every executed command and follows the config values. */
  static install(server: Server): SlowLog {
    const log = new SlowLog();
    log.isSensitive = server.config.isSensitive;
    server.config.watchInt('slowlog-log-slower-than', (n) => { log.slowerThanUs = n; });
    server.config.watchInt('slowlog-max-len', (n) => {
      log.maxLen = n;
      log.trim();
    });
    const commandTimeMs = (): number => server.ks.now;
    server.callObservers.push((client: Client, cmd: Command<Client>, argv: readonly string[], us: number) => {
      if (log.deferred.size !== 0 && log.deferred.delete(client)) return;
      log.record(client, cmd, argv, us, commandTimeMs);
    });
    server.slowlog = log;
    return log;
  }
}
