/**
 * The command catalog ACL rules are written against (Redis's server.orig_commands): every command
 * and subcommand of the table with a numeric id, its ACL categories as a bit mask, and lookup by
 * original name ("get", "config|get"). Rules name commands by their original names even after
 * rename-command, as in Redis. Ids are positions in one bit array per selector (selector.ts).
 */
import type { AclCategory } from '../../commands/spec.js';
import type { Command, CommandTable } from '../../commands/registry.js';
import { ACL_CATEGORY_ORDER, commandHasKeys, effectiveAclCategories } from '../commands/command-table-info.js';
import type { Client } from '../client.js';

export interface AclCommand {
  readonly id: number;
  /** "get", or "config|get" for a subcommand. */
  readonly fullName: string;
  /** Bit j set when the command is in ACL_CATEGORY_ORDER[j]. */
  readonly categories: number;
  readonly parent: AclCommand | null;
  readonly subcommands: readonly AclCommand[];
  readonly hasKeys: boolean;
  readonly noAuth: boolean;
}

/** The bit of a category name ("read", case-insensitive), 0 when there is no such category. */
export function categoryBit(name: string): number {
  const i = ACL_CATEGORY_ORDER.indexOf(name.toLowerCase() as AclCategory);
  return i < 0 ? 0 : 1 << i;
}

export class AclCatalog {
  /** Top-level commands, in registration order (subcommands hang off them). */
  readonly top: AclCommand[] = [];
  /** Every command and subcommand by id. */
  readonly byId: AclCommand[] = [];
  private readonly byName = new Map<string, AclCommand>();

  /** Takes the table's commands, and those registered later (replication, sentinel, modules). */
  constructor(table: CommandTable<Client>) {
    for (const cmd of table.all()) this.top.push(this.add(cmd, null));
    table.onRegister.push((cmd) => this.top.push(this.add(cmd, null)));
  }

  private add(cmd: Command<Client>, parent: AclCommand | null): AclCommand {
    let categories = 0;
    for (const c of effectiveAclCategories(cmd.spec)) categories |= categoryBit(c);
    const subs: AclCommand[] = [];
    const entry: AclCommand = {
      id: this.byId.length,
      fullName: cmd.fullName,
      categories,
      parent,
      subcommands: subs,
      hasKeys: commandHasKeys(cmd.spec),
      noAuth: cmd.isNoAuth,
    };
    cmd.aclId = entry.id;
    this.byId.push(entry);
    this.byName.set(cmd.fullName, entry);
    if (cmd.subcommands !== undefined) for (const s of new Set(cmd.subcommands.values())) subs.push(this.add(s, entry));
    return entry;
  }

  /** A command by original name, "name" or "name|sub", in any letter case. */
  lookup(name: string): AclCommand | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get size(): number {
    return this.byId.length;
  }
}
