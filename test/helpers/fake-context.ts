/**
 * A CommandContext without a server, for unit tests of command families: it records keyspace
 * events, modified keys, rewritten/extra propagation and block() calls, and runs a command row's
 * handler the way Server.call() would (arity checked, dirty counter compared).
 */
import assert from 'node:assert/strict';
import { DEFAULT_COMMAND_CONFIG, type CommandConfig, type CommandContext } from '../../src/commands/context.js';
import type { CommandSpec } from '../../src/commands/spec.js';
import type { Database } from '../../src/keyspace/database.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { BLOCKED, type Reply } from '../../src/protocol/reply.js';

export interface BlockCall { keys: readonly string[]; timeoutAtMs: number; timeoutReply: Reply }

export interface Execution {
  reply: Reply;
  /** How much the dirty counter grew (non-zero: the server would propagate). */
  dirty: number;
  /** What rewriteArgv() asked to propagate instead of argv (null: argv itself). */
  propArgv: string[] | null;
  /** alsoPropagate() calls, in order. */
  extra: string[][];
  prevented: boolean;
  /** What forcePropagation() asked for: null when not called. */
  forced: 'everywhere' | 'replicas' | null;
}

export class FakeContext implements CommandContext {
  readonly ks: Keyspace;
  db: Database;
  resp = 2;
  cfg: CommandConfig;
  inTransaction = false;
  reexecuting = false;
  propArgv: string[] | null = null;
  extra: string[][] = [];
  prevented = false;
  forced: 'everywhere' | 'replicas' | null = null;
  /** "type event db:key" per keyspace notification (see eventText). */
  events: string[] = [];
  /** "db:key" per signalled modification. */
  modified: string[] = [];
  /** "db:key" per expired key. */
  expired: string[] = [];
  blocks: BlockCall[] = [];
  expiryMode: 'delete' | 'hide' | 'keep' = 'delete';
  /** Record keymiss events too. */
  recordKeymiss = false;

  constructor(cfg: Partial<CommandConfig> = {}, eventText = (type: string, event: string, db: Database, key: string) => `${type} ${event} ${db.id}:${key}`) {
    this.cfg = { ...DEFAULT_COMMAND_CONFIG, ...cfg };
    this.ks = new Keyspace(16, {
      onExpired: (db, key) => this.expired.push(`${db.id}:${key}`),
      onKeyModified: (db, key) => this.modified.push(`${db.id}:${key}`),
      // keymiss events (class m, from every read of a missing key) only when asked for.
      notify: (type, event, db, key) => { if (type !== 'm' || this.recordKeymiss) this.events.push(eventText(type, event, db, key)); },
      expiryMode: () => this.expiryMode,
    });
    this.db = this.ks.dbs[0]!;
  }

  rewriteArgv(argv: string[]): void { this.propArgv = argv; }
  alsoPropagate(argv: string[]): void { this.extra.push(argv); }
  preventPropagation(): void { this.prevented = true; }
  forcePropagation(replicasOnly = false): void { this.forced = replicasOnly ? 'replicas' : 'everywhere'; }
  block(keys: readonly string[], timeoutAtMs: number, timeoutReply: Reply): Reply {
    this.blocks.push({ keys: [...keys], timeoutAtMs, timeoutReply });
    return BLOCKED;
  }
  random(): number { return 0; }

  /** Runs argv through the row of `table` it names (subcommands too), as Server.call() would. */
  exec(table: readonly CommandSpec[], argv: string[]): Execution {
    let spec: CommandSpec | undefined = table.find((s) => s.name === argv[0]!.toLowerCase());
    assert.ok(spec, `no command ${argv[0]}`);
    if (spec.subcommands) spec = spec.subcommands.find((s) => s.name === argv[1]!.toLowerCase());
    assert.ok(spec?.handler, `no handler for ${argv.slice(0, 2).join(' ')}`);
    assert.ok(spec.arity > 0 ? argv.length === spec.arity : argv.length >= -spec.arity, 'arity');
    this.propArgv = null;
    this.extra = [];
    this.prevented = false;
    this.forced = null;
    const before = this.ks.dirty;
    const reply = spec.handler(this, argv);
    return { reply, dirty: this.ks.dirty - before, propArgv: this.propArgv, extra: this.extra, prevented: this.prevented, forced: this.forced };
  }
}
