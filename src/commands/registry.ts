/**
 * The command table: lookup by name for dispatch, with the flags precomputed into booleans so the
 * hot path reads a field instead of scanning a list. Containers (CLIENT, CONFIG, OBJECT...) hold
 * their subcommands in their own table.
 */
import type { HdrHistogram } from '../lib/hdr-histogram.js';
import type { CommandContext } from './context.js';
import type { CommandFlag, CommandSpec, Handler } from './spec.js';

export class Command<C extends CommandContext = CommandContext> {
  readonly name: string;
  /** "client|list" for subcommands, the name otherwise (what Redis calls fullname). */
  readonly fullName: string;
  readonly arity: number;
  readonly isWrite: boolean;
  readonly isReadonly: boolean;
  readonly isDenyOom: boolean;
  readonly isAdmin: boolean;
  readonly isPubsub: boolean;
  readonly isNoAuth: boolean;
  readonly isLoadingOk: boolean;
  readonly isStaleOk: boolean;
  readonly isSkipMonitor: boolean;
  readonly isSkipSlowlog: boolean;
  readonly isNoMulti: boolean;
  readonly isBlocking: boolean;
  readonly isMayReplicate: boolean;
  /** Redis's CMD_PROTECTED: refused unless its enable-*-command parameter allows it (Server.protectedGate). */
  readonly isProtected: boolean;
  readonly handler: Handler<C> | undefined;
  readonly subcommands: Map<string, Command<C>> | undefined;
  readonly parent: Command<C> | undefined;
  /** Statistics for INFO commandstats. */
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  /** This command's position in the ACL catalog's bit arrays (server/acl/catalog.ts); -1 before it is built. */
  aclId = -1;
  /** Latency distribution of this command (INFO latencystats, LATENCY HISTOGRAM), from its first call. */
  histogram: HdrHistogram | null = null;

  constructor(readonly spec: CommandSpec<C>, parent?: Command<C>) {
    this.name = spec.name;
    this.parent = parent;
    this.fullName = parent ? `${parent.name}|${spec.name}` : spec.name;
    this.arity = spec.arity;
    const has = (f: CommandFlag): boolean => spec.flags.includes(f);
    this.isWrite = has('write');
    this.isReadonly = has('readonly');
    this.isDenyOom = has('denyoom');
    this.isAdmin = has('admin');
    this.isPubsub = has('pubsub');
    this.isNoAuth = has('no_auth');
    this.isLoadingOk = has('loading');
    this.isStaleOk = has('stale');
    this.isSkipMonitor = has('skip_monitor');
    this.isSkipSlowlog = has('skip_slowlog');
    this.isNoMulti = has('no_multi');
    this.isBlocking = has('blocking');
    this.isMayReplicate = has('may_replicate');
    this.isProtected = has('protected');
    this.handler = spec.handler;
    if (spec.subcommands) {
      this.subcommands = new Map();
      for (const s of spec.subcommands) this.subcommands.set(s.name, new Command(s, this));
    }
  }
}

export class CommandTable<C extends CommandContext = CommandContext> {
  private readonly byName = new Map<string, Command<C>>();
  /** Told of each command registered (the ACL catalog numbers them). */
  readonly onRegister: Array<(cmd: Command<C>) => void> = [];

  register(specs: readonly CommandSpec<C>[]): void {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command registered twice: ${spec.name}`);
      const cmd = new Command(spec);
      this.byName.set(spec.name, cmd);
      // Clients mostly send names in one case; index both so the common lookups skip toLowerCase.
      this.byName.set(spec.name.toUpperCase(), cmd);
      for (const f of this.onRegister) f(cmd);
    }
  }

  /** Looks up a top-level command by name, in any letter case. */
  lookup(name: string): Command<C> | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Renames or removes a command (rename-command): an empty new name removes it. */
  rename(from: string, to: string): boolean {
    const cmd = this.lookup(from);
    if (!cmd) return false;
    this.byName.delete(cmd.name);
    this.byName.delete(cmd.name.toUpperCase());
    if (to !== '') {
      this.byName.set(to.toLowerCase(), cmd);
      this.byName.set(to.toUpperCase(), cmd);
    }
    return true;
  }

  /** Every distinct command once, in registration order. */
  all(): Command<C>[] {
    return [...new Set(this.byName.values())];
  }
}
