/**
 * ACL LOG (Redis 7.0's ACLLog): the most recent denials and failed authentications, newest first,
 * at most acllog-max-len. A denial like one already logged in the last 60 seconds (same reason,
 * context, object and user) updates that entry's count, time and client instead of adding one.
 */
import { double, map, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { clientInfoString } from '../commands/client.js';
import type { Server } from '../server.js';

const GROUPING_MAX_MS = 60_000;
const GROUPING_CANDIDATES = 10;

export type AclLogReason = 'command' | 'key' | 'channel' | 'auth';
export type AclLogContext = 'toplevel' | 'multi' | 'lua';

interface Entry {
  count: number;
  readonly reason: AclLogReason;
  readonly context: AclLogContext;
  readonly object: string;
  readonly username: string;
  ctimeMs: number;
  clientInfo: string;
}

export class AclLog {
  /** Newest first. */
  private entries: Entry[] = [];

  constructor(private readonly server: Server) {}

  add(c: Client, reason: AclLogReason, context: AclLogContext, object: string, username: string): void {
    const now = this.server.env.clock.nowMs();
    const info = clientInfoString(this.server, c, now, null);
    // Only the newest entries are candidates for grouping (Redis looks at ten).
    const i = this.entries.slice(0, GROUPING_CANDIDATES).findIndex((e) => e.reason === reason && e.context === context
      && e.object === object && e.username === username && Math.abs(now - e.ctimeMs) <= GROUPING_MAX_MS);
    if (i >= 0) {
      const e = this.entries[i]!;
      e.count++;
      e.ctimeMs = now;
      e.clientInfo = info;
      this.entries.splice(i, 1);
      this.entries.unshift(e);
    } else {
      this.entries.unshift({ count: 1, reason, context, object, username, ctimeMs: now, clientInfo: info });
    }
    this.trim();
  }

  /** Keeps at most acllog-max-len entries. */
  trim(): void {
    const max = this.server.config.int('acllog-max-len');
    if (this.entries.length > max) this.entries.length = max;
  }

  reset(): void {
    this.entries = [];
  }

  /** ACL LOG [count]: the newest `count` entries as maps of Redis's seven fields. */
  reply(count: number): Reply {
    const now = this.server.env.clock.nowMs();
    return this.entries.slice(0, count).map((e) => map([
      'count', e.count,
      'reason', e.reason,
      'context', e.context,
      'object', e.object,
      'username', e.username,
      'age-seconds', double((now - e.ctimeMs) / 1000),
      'client-info', e.clientInfo,
    ]));
  }
}
