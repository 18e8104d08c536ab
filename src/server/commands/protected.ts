/**
 * Redis 7.0's protected commands (the `protected` flag, CMD_PROTECTED): DEBUG, and MODULE LOAD,
 * LOADEX and UNLOAD. Each family is gated by its own parameter, `enable-debug-command` and
 * `enable-module-command`: `no` (the default) refuses it, `yes` allows it, `local` allows it from
 * a unix socket or 127.0.0.1 / ::1 only. The server asks the gate right after the arity check
 * (Server.protectedGate), where Redis's processCommand checks it: before authentication, and
 * before MULTI queues the command (the refusal then aborts the transaction). The refusal counts
 * as a rejected call, with Redis's exact text naming the command and its parameter.
 *
 * `enable-protected-configs` (CONFIG SET of `dir` and `dbfilename`) uses the same rule
 * (allowProtectedAction), as Redis does.
 */
import type { Command } from '../../commands/registry.js';
import { error, type ErrorReply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';

/**
 * Redis's islocalClient: a unix socket, or exactly 127.0.0.1 or ::1 (the TCP adapter reports an
 * IPv4-mapped peer in its IPv4 form).
 */
export function isLocalClient(c: Client): boolean {
  if (c.conn.isUnixSocket) return true;
  const a = c.conn.remoteAddress;
  return a === '127.0.0.1' || a === '::1';
}

/** Redis's allowProtectedAction: the parameter's value (no / yes / local) for this client. */
export function allowProtectedAction(mode: string, c: Client): boolean {
  return mode === 'yes' || (mode === 'local' && isLocalClient(c));
}

function notAllowed(label: string, param: string): ErrorReply {
  return error(
    `ERR ${label} command not allowed. If the ${param} option is set to "local", you can run it from a local ` +
    'connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  );
}

interface Gate {
  readonly param: string;
  readonly refusal: ErrorReply;
}

/** The protected families, by top-level command name (Redis tells them apart by handler). */
const GATES: ReadonlyMap<string, Gate> = new Map([
  ['debug', { param: 'enable-debug-command', refusal: notAllowed('DEBUG', 'enable-debug-command') }],
  ['module', { param: 'enable-module-command', refusal: notAllowed('MODULE', 'enable-module-command') }],
]);

function familyOf(cmd: Command<Client>): string {
  return cmd.parent !== undefined ? cmd.parent.name : cmd.name;
}

/**
 * Installs the gate. Every command flagged `protected` in the table must belong to a family with
 * a parameter: a protected row without one is a table error, reported here rather than let
 * through or refused with a text naming nothing.
 */
export function installProtectedGate(server: Server): void {
  for (const cmd of server.commands.all()) {
    for (const c of [cmd, ...(cmd.subcommands?.values() ?? [])]) {
      if (c.isProtected && !GATES.has(familyOf(c))) throw new Error(`protected command ${c.fullName} has no enable-*-command gate`);
    }
  }
  server.protectedGate = (client, cmd) => {
    const gate = GATES.get(familyOf(cmd))!;
    return allowProtectedAction(server.config.str(gate.param), client) ? null : gate.refusal;
  };
}
