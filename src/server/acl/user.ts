/**
 * An ACL user (Redis 7.0's user): enabled or not, its passwords (SHA-256 hex), the payload
 * sanitization flag, and its selectors (the root one first). Rules apply one at a time through
 * `apply` (Redis's ACLSetUser); `setRules` applies a whole ACL SETUSER line to a copy and only
 * keeps it when every rule was accepted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { splitArgs } from '../../lib/split-args.js';
import type { AclCatalog } from './catalog.js';
import { ACL_RULE_ERRORS, type AclRuleError, Selector } from './selector.js';

/** SHA-256 of a password as lowercase hex (Redis's ACLHashPassword). */
export function hashPassword(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

export class AclUser {
  enabled = false;
  nopass = false;
  sanitize: 'skip' | 'sanitize' | null = null;
  passwords: string[] = [];
  selectors: Selector[];

  /**
   * @param allChannelsDefault acl-pubsub-default: whether new selectors start with allchannels.
   */
  constructor(readonly name: string, readonly catalog: AclCatalog, private allChannelsDefault: () => boolean) {
    this.selectors = [this.newSelector()];
  }

  /** A selector allowing nothing but, with acl-pubsub-default allchannels, every channel. */
  private newSelector(): Selector {
    const s = new Selector(this.catalog);
    s.allChannels = this.allChannelsDefault();
    return s;
  }

  /** The root selector (the rules outside parentheses): always the first. */
  get root(): Selector {
    return this.selectors[0]!;
  }

  /**
   * True when nothing is denied: one selector allowing every command, key and channel. Read on
   * every command; kept current by refresh(), which whoever applies rules calls afterwards.
   */
  unrestricted = false;

  refresh(): void {
    const r = this.root;
    this.unrestricted = this.selectors.length === 1 && r.allCommands && r.allKeys && r.allChannels;
  }

  /** A detached copy (the staging copy of ACL SETUSER). */
  copy(name = this.name): AclUser {
    const u = new AclUser(name, this.catalog, this.allChannelsDefault);
    u.copyFrom(this);
    return u;
  }

  /** Takes over another user's state (Redis's ACLCopyUser), keeping this object's identity. */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.clone());
    this.refresh();
  }

  /** Applies one rule (Redis's ACLSetUser). */
  apply(op: string): AclRuleError | null {
    if (op === '') return null;
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') this.sanitize = 'skip';
    else if (lower === 'sanitize-payload') this.sanitize = 'sanitize';
    else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      const hash = op[0] === '>' ? hashPassword(op.slice(1)) : op.slice(1);
      if (!isPasswordHash(hash)) return 'EBADMSG';
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      const hash = op[0] === '<' ? hashPassword(op.slice(1)) : op.slice(1);
      if (!isPasswordHash(hash)) return 'EBADMSG';
      const i = this.passwords.indexOf(hash);
      if (i < 0) return 'ENODEV';
      this.passwords.splice(i, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = this.newSelector();
      // Unbalanced quotes split into nothing (sdssplitargs fails): an empty selector, as in Redis.
      for (const r of splitArgs(op.slice(1, -1)) ?? []) {
        const err = s.apply(r);
        if (err !== null) return err;
      }
      this.selectors.push(s);
    } else if (lower === 'clearselectors') {
      this.selectors.length = 1;
    } else if (lower === 'reset') {
      this.apply('resetpass');
      this.apply('resetkeys');
      this.apply('resetchannels');
      if (this.allChannelsDefault()) this.apply('allchannels');
      this.apply('off');
      this.apply('sanitize-payload');
      this.apply('clearselectors');
      this.apply('-@all');
    } else {
      return this.root.apply(op);
    }
    return null;
  }

  /**
   * Applies an ACL SETUSER / `user` line to a copy and takes it over when every rule is accepted
   * (Redis's ACLStringSetUser). Selector rules split over several arguments ("(~a" "+get)") are
   * joined first. Returns the error text, or null.
   */
  setRules(rules: readonly string[]): string | null {
    const merged = mergeSelectorArgs(rules);
    if (typeof merged === 'number') {
      return `Unmatched parenthesis in acl selector starting at '${rules[merged]!}'.`;
    }
    const staged = this.copy();
    for (const op of merged) {
      const err = staged.apply(op);
      if (err !== null) return `Error in ACL SETUSER modifier '${op}': ${ACL_RULE_ERRORS[err]}`;
    }
    this.copyFrom(staged);
    return null;
  }

  /** The flags ACL GETUSER lists and ACL LIST starts with. */
  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize === 'skip') out.push('skip-sanitize-payload');
    if (this.sanitize === 'sanitize') out.push('sanitize-payload');
    return out;
  }

  /** The rules that recreate this user, as ACL LIST shows them after "user <name> ". */
  describe(): string {
    const parts = this.flags();
    for (const p of this.passwords) parts.push(`#${p}`);
    parts.push(this.root.describe());
    for (const s of this.selectors.slice(1)) parts.push(`(${s.describe()})`);
    return parts.join(' ');
  }

  /** Whether `password` authenticates this user (enabled, and nopass or a matching hash). */
  checkPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    // Compared in constant time, every password tried (Redis's time_independent_strcmp).
    const h = Buffer.from(hashPassword(password), 'latin1');
    let ok = false;
    for (const p of this.passwords) if (timingSafeEqual(Buffer.from(p, 'latin1'), h)) ok = true;
    return ok;
  }
}

/**
 * Joins arguments from one starting with "(" to the next ending with ")" (Redis's
 * ACLMergeSelectorArguments); the index of an unclosed "(" when there is one.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let sel = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j]!;
    if (open < 0 && op[0] === '(' && op[op.length - 1] !== ')') {
      sel = op;
      open = j;
      continue;
    }
    if (open >= 0) {
      sel += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  return open >= 0 ? open : out;
}
