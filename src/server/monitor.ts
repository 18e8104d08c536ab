/**
 * The MONITOR feed (Redis's replicationFeedMonitors): every executed command, after it ran (so a
 * SELECT shows the database it selected and the commands of a MULTI show up before their EXEC),
 * is sent to the MONITOR clients as one status line:
 *
 *   +1700000000.123456 [0 127.0.0.1:5555] "set" "k" "v"
 *
 * Arguments are quoted with sdscatrepr's escapes; commands flagged skip_monitor or admin are not
 * shown; the secrets of AUTH, HELLO ... AUTH and MIGRATE ... AUTH/AUTH2 read "(redacted)", as
 * Redis 7.0 redacts them (even when the command then fails). Scripts feed their own commands
 * through `feedMonitors` with the "lua" origin.
 */
import type { Command } from '../commands/registry.js';
import type { Client } from './client.js';
import { redactArgv } from './redact.js';
import type { Server } from './server.js';

/** Redis's sdscatrepr: a double-quoted string with C escapes and \xHH for unprintable bytes. */
export function reprBytes(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        if (c >= 0x20 && c <= 0x7e) out += s[i];
        else out += `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}"`;
}

/** Where a command came from, as the monitor line's bracket shows it. */
export type MonitorOrigin = { kind: 'client'; client: Client } | { kind: 'lua' };

/** The line for one command, CRLF-terminated. */
export function formatMonitorLine(nowUs: number, dbId: number, origin: string, argv: readonly string[]): string {
  const sec = Math.floor(nowUs / 1_000_000);
  const usec = String(nowUs % 1_000_000).padStart(6, '0');
  let line = `+${sec}.${usec} [${dbId} ${origin}]`;
  for (const a of argv) line += ` ${reprBytes(a)}`;
  return `${line}\r\n`;
}

/** The bracket's origin: the peer address, "unix:<path>" for unix sockets, or "lua". */
function originOf(server: Server, o: MonitorOrigin): string {
  if (o.kind === 'lua') return 'lua';
  const c = o.client;
  if (c.conn.isUnixSocket) {
    const configured = server.config.def('unixsocket') !== undefined ? server.config.get('unixsocket') : null;
    return `unix:${typeof configured === 'string' && configured !== '' ? configured : c.conn.localAddress}`;
  }
  return c.addr;
}

/** Sends one command to every MONITOR client. */
export function feedMonitors(server: Server, origin: MonitorOrigin, dbId: number, argv: readonly string[]): void {
  if (server.monitors.size === 0) return;
  const line = formatMonitorLine(server.env.clock.nowUs(), dbId, originOf(server, origin), redactArgv(argv, server.config.isSensitive));
  const raw = { t: 'raw', bytes: Buffer.from(line, 'latin1') } as const;
  for (const m of server.monitors) {
    // A monitor's own command: Redis queues the reply first, then the line. The reply is emitted
    // after the call observers run, so the line waits for the end of this I/O batch.
    if (origin.kind === 'client' && origin.client === m) server.env.scheduler.soon(() => server.send(m, raw));
    else server.send(m, raw);
  }
}

/** Whether a command shows up in MONITOR (Redis: not skip_monitor, not admin). */
export function isMonitored(cmd: Command<Client>): boolean {
  return !cmd.isSkipMonitor && !cmd.isAdmin;
}

/** Per-server setup: feeds MONITOR from every executed command. */
export function installMonitor(server: Server): void {
  server.callObservers.push((client, cmd, argv) => {
    if (server.monitors.size === 0 || !isMonitored(cmd)) return;
    feedMonitors(server, { kind: 'client', client }, client.db.id, argv);
  });
}

/** MONITOR: turns the client into a monitor (Redis marks it a replica-like client, flag O). */
export function startMonitoring(server: Server, client: Client): void {
  client.isMonitor = true;
  server.monitors.add(client);
}
