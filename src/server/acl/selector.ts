/**
 * One ACL selector (Redis 7.0's aclSelector): which commands, keys and channels it allows. A user
 * has a root selector and any number of extra ones ("(...)" rules); a command runs when any of
 * them allows it.
 *
 * Commands are one bit per command or subcommand of the catalog, plus the "future commands" bit
 * that only +@all sets: rules are compiled into bits as they are applied, and the rule text that
 * ACL LIST shows is worked out from the bits afterwards (describeCommands), as Redis 7.0 does:
 * +@all or -@all, then the categories that best explain the difference (greedy), then single
 * commands. Redis lists those single commands in its command dict's hash order, which differs
 * from process to process; Garrison lists them in command-table order.
 */
import { globMatch } from '../../lib/glob.js';
import { ACL_CATEGORY_ORDER } from '../commands/command-table-info.js';
import { type AclCatalog, type AclCommand, categoryBit } from './catalog.js';

export const PERM_READ = 1;
export const PERM_WRITE = 2;
export const PERM_ALL = 3;

export interface KeyPattern {
  readonly pattern: string;
  flags: number;
}

/** Why a rule was refused (Redis's errno values), turned into text by ACL_RULE_ERRORS. */
export type AclRuleError = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'EALREADY' | 'ECHILD';

/** Redis's ACLSetUserStringError texts. */
export const ACL_RULE_ERRORS: Readonly<Record<AclRuleError, string>> = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST: "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR: "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  EALREADY: 'Duplicate user found. A user can only be defined once in config files',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
};

/** Check outcomes, ordered as Redis ranks them when picking the error to report. */
export const ACL_OK = 0;
export const ACL_DENIED_CMD = 1;
export const ACL_DENIED_KEY = 2;
// 3 is Redis's ACL_DENIED_AUTH, which no command check returns (a failed AUTH is logged apart).
export const ACL_DENIED_CHANNEL = 4;

/** A key argument with the permissions its access needs (PERM_READ / PERM_WRITE bits). */
export interface AclKeyRef {
  readonly pos: number;
  readonly perms: number;
}

/** A channel argument; `pattern` for PSUBSCRIBE's, which must equal an allowed pattern literally. */
export interface AclChannelRef {
  readonly pos: number;
  readonly pattern: boolean;
}

/** Redis's ACLStringHasSpaces: whitespace or NUL, refused in user names and patterns. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0 || ch === 32 || (ch >= 9 && ch <= 13)) return true;
  }
  return false;
}

export class Selector {
  allKeys = false;
  allChannels = false;
  /** Every command bit set (a shortcut; cleared as soon as one bit is cleared). */
  allCommands = false;
  /** Set by +@all only: the user may run commands added later (describes as "+@all ..."). */
  future = false;
  bits: Uint8Array;
  /** Allowed first arguments of otherwise denied commands ("+select|0"), by command id. */
  firstArgs: Map<number, string[]> | null = null;
  patterns: KeyPattern[] = [];
  channels: string[] = [];

  constructor(readonly catalog: AclCatalog) {
    this.bits = new Uint8Array(catalog.size);
  }

  clone(): Selector {
    const s = new Selector(this.catalog);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.bits = this.bits.slice();
    if (this.firstArgs !== null) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.patterns = this.patterns.map((p) => ({ pattern: p.pattern, flags: p.flags }));
    s.channels = [...this.channels];
    return s;
  }

  // -------------------------------------------------------------------------------------------
  // Rules (Redis's ACLSetSelector)

  /** Applies one rule; the error when it is refused (the selector may be partly changed then). */
  apply(op: string): AclRuleError | null {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.patterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.patterns = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.bits = new Uint8Array(this.catalog.size).fill(1);
      this.allCommands = true;
      this.future = true;
      this.firstArgs = null;
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.bits = new Uint8Array(this.catalog.size);
      this.allCommands = false;
      this.future = false;
      this.firstArgs = null;
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      if (this.allChannels) return 'EISDIR';
      const pat = op.slice(1);
      if (hasSpaces(pat)) return 'EINVAL';
      if (!this.channels.includes(pat)) this.channels.push(pat);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] !== '@') {
      return this.commandRule(op.slice(1), op[0] === '+');
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = categoryBit(op.slice(2));
      if (bit === 0) return 'ENOENT';
      this.setCategory(bit, op[0] === '+');
    } else {
      return 'EINVAL';
    }
    return null;
  }

  private addKeyPattern(op: string): AclRuleError | null {
    if (this.allKeys) return 'EEXIST';
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const ch = op[offset]!.toUpperCase();
        if (ch === 'R' && (flags & PERM_READ) === 0) flags |= PERM_READ;
        else if (ch === 'W' && (flags & PERM_WRITE) === 0) flags |= PERM_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'EINVAL';
      }
      if (flags === 0) return 'EINVAL';
    } else {
      flags = PERM_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'EINVAL';
    // Only the literal "~*" (handled in apply) means allkeys: "%RW~*" is an ordinary pattern.
    const existing = this.patterns.find((p) => p.pattern === pattern);
    if (existing !== undefined) existing.flags |= flags;
    else this.patterns.push({ pattern, flags });
    return null;
  }

  /**
   * +cmd / -cmd / +cmd|sub / -cmd|sub / +cmd|firstarg (Redis's command branches of ACLSetSelector).
   * A "-" rule names a command or subcommand whole; a "+" rule splits at the last "|".
   */
  private commandRule(name: string, allow: boolean): AclRuleError | null {
    const bar = name.lastIndexOf('|');
    if (bar < 0 || !allow) {
      const cmd = this.catalog.lookup(name);
      if (cmd === undefined) return 'ENOENT';
      this.changePerm(cmd, allow);
      return null;
    }
    const cmd = this.catalog.lookup(name.slice(0, bar));
    if (cmd === undefined) return 'ENOENT';
    if (cmd.parent !== null) return 'ECHILD';
    const sub = name.slice(bar + 1);
    if (sub === '') return 'EINVAL';
    if (cmd.subcommands.length !== 0) {
      const subcmd = this.catalog.lookup(name);
      if (subcmd === undefined) return 'ENOENT';
      this.changePerm(subcmd, allow);
      return null;
    }
    // A first argument of a command without subcommands (+select|0).
    const map = (this.firstArgs ??= new Map<number, string[]>());
    const list = map.get(cmd.id);
    if (list === undefined) map.set(cmd.id, [sub]);
    else if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
    return null;
  }

  /**
   * Whether command `id` is allowed. Commands registered after this selector was made (the
   * catalog grows as modules install theirs) are allowed exactly when +@all was its last word
   * on all commands, as Redis's bitmaps set by +@all cover ids not yet handed out.
   */
  has(id: number): boolean {
    return id < this.bits.length ? this.bits[id] === 1 : this.future;
  }

  private grow(): void {
    const bits = new Uint8Array(this.catalog.size);
    bits.fill(this.future ? 1 : 0);
    bits.set(this.bits);
    this.bits = bits;
  }

  private setBit(id: number, allow: boolean): void {
    if (id >= this.bits.length) this.grow();
    this.bits[id] = allow ? 1 : 0;
    if (!allow) this.allCommands = false;
  }

  /** Redis's ACLChangeSelectorPerm: the command and all its subcommands; its first args reset. */
  changePerm(cmd: AclCommand, allow: boolean): void {
    this.setBit(cmd.id, allow);
    if (this.firstArgs !== null) {
      this.firstArgs.delete(cmd.id);
      if (this.firstArgs.size === 0) this.firstArgs = null;
    }
    for (const s of cmd.subcommands) this.setBit(s.id, allow);
  }

  /** Every command and subcommand in the category (Redis's ACLSetSelectorCommandBitsForCategory). */
  setCategory(bit: number, allow: boolean): void {
    const walk = (list: readonly AclCommand[]): void => {
      for (const cmd of list) {
        if ((cmd.categories & bit) !== 0) this.changePerm(cmd, allow);
        if (cmd.subcommands.length !== 0) walk(cmd.subcommands);
      }
    };
    walk(this.catalog.top);
  }

  private countCategory(bit: number): [on: number, off: number] {
    let on = 0;
    let off = 0;
    for (const cmd of this.catalog.byId) {
      if ((cmd.categories & bit) === 0) continue;
      if (this.has(cmd.id)) on++;
      else off++;
    }
    return [on, off];
  }

  // -------------------------------------------------------------------------------------------
  // Description (ACL LIST, ACL GETUSER, ACL SAVE, CONFIG REWRITE)

  /** The command rules, e.g. "+@all -@dangerous +info" (Redis's ACLDescribeSelectorCommandRules). */
  describeCommands(): string {
    const fake = new Selector(this.catalog);
    const additive = !this.future;
    const rules: string[] = [];
    if (additive) {
      rules.push('-@all');
      fake.apply('-@all');
    } else {
      rules.push('+@all');
      fake.apply('+@all');
    }
    // Greedy: the category that agrees with the user on more commands than it disagrees, with
    // the fewest disagreements (then the most agreements), applied until none is left.
    const temp = this.clone();
    const applied = new Array<boolean>(ACL_CATEGORY_ORDER.length).fill(false);
    for (;;) {
      let best = -1;
      let minDiff = Number.MAX_SAFE_INTEGER;
      let maxSame = 0;
      for (let j = 0; j < ACL_CATEGORY_ORDER.length; j++) {
        if (applied[j]) continue;
        const [on, off] = temp.countCategory(1 << j);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = j;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best < 0) break;
      fake.setCategory(1 << best, additive);
      temp.setCategory(1 << best, !additive);
      rules.push(`${additive ? '+' : '-'}@${ACL_CATEGORY_ORDER[best]!}`);
      applied[best] = true;
    }
    this.describeSingles(fake, this.catalog.top, rules);
    return rules.join(' ');
  }

  private describeSingles(fake: Selector, list: readonly AclCommand[], rules: string[]): void {
    for (const cmd of list) {
      const userBit = this.has(cmd.id);
      if (userBit !== fake.has(cmd.id)) {
        rules.push(`${userBit ? '+' : '-'}${cmd.fullName}`);
        fake.changePerm(cmd, userBit);
      }
      if (cmd.subcommands.length !== 0) this.describeSingles(fake, cmd.subcommands, rules);
      const args = this.firstArgs?.get(cmd.id);
      if (!userBit && args !== undefined) for (const a of args) rules.push(`+${cmd.fullName}|${a}`);
    }
  }

  /** Key patterns as ACL GETUSER's "keys" shows them ("~*", "~a %R~b"). */
  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.patterns.map((p) => `${p.flags === PERM_ALL ? '~' : p.flags === PERM_READ ? '%R~' : '%W~'}${p.pattern}`).join(' ');
  }

  /** Channel patterns as ACL GETUSER's "channels" shows them ("&*", "&a &b", ""). */
  describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => `&${c}`).join(' ');
  }

  /** The whole selector as ACL LIST writes it (Redis's ACLDescribeSelector). */
  describe(): string {
    const parts: string[] = [];
    const keys = this.describeKeys();
    if (keys !== '') parts.push(keys);
    parts.push(this.allChannels ? '&*' : ['resetchannels', ...this.channels.map((c) => `&${c}`)].join(' '));
    parts.push(this.describeCommands());
    return parts.join(' ');
  }

  // -------------------------------------------------------------------------------------------
  // Checks (Redis's ACLSelectorCheckCmd)

  /** Whether the command itself (with its first argument for first-arg rules) is allowed. */
  allowsCommand(cmd: AclCommand, argv: readonly string[]): boolean {
    if (this.allCommands || cmd.noAuth || this.has(cmd.id)) return true;
    const args = this.firstArgs?.get(cmd.id);
    if (args === undefined || argv.length < 2) return false;
    const first = argv[cmd.parent !== null ? 2 : 1];
    if (first === undefined) return false;
    const lower = first.toLowerCase();
    return args.some((a) => a.toLowerCase() === lower);
  }

  /** Whether a key with the given needed permissions matches one of the patterns. */
  allowsKey(key: string, perms: number): boolean {
    if (this.allKeys) return true;
    for (const p of this.patterns) {
      if ((p.flags & perms) !== perms) continue;
      if (globMatch(p.pattern, key)) return true;
    }
    return false;
  }

  /** Channels match patterns; a PSUBSCRIBE pattern must equal an allowed pattern literally. */
  allowsChannel(channel: string, pattern: boolean): boolean {
    if (this.allChannels) return true;
    for (const p of this.channels) {
      if (pattern ? p === channel : globMatch(p, channel)) return true;
    }
    return false;
  }
}
