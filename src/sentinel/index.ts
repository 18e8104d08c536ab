/**
 * Sentinel: installs the module into a server built in sentinel mode (node/build.ts) and gives
 * access to it. The sentinel's host (log, pub/sub, config file, port) is the server; its clock,
 * randomness and transport are the server's Environment, so the simulator drives it too.
 */
import type { CommandSpec } from '../commands/spec.js';
import type { Client } from '../server/client.js';
import { rewriteConfigText } from '../server/config/index.js';
import type { Server } from '../server/server.js';
import { sentinelCommands } from './commands.js';
import { applySentinelDirective, mergeSentinelLines, sentinelConfigLines } from './config.js';
import { describe } from './instance.js';
import { Sentinel } from './sentinel.js';

export { Sentinel, type SentinelHost } from './sentinel.js';
export type { SentinelEvent } from './events.js';
export { Instance } from './instance.js';
export { DEFAULT_PORT as SENTINEL_DEFAULT_PORT } from './constants.js';

/** Commands of a data node that a sentinel also answers, as Redis's sentinel command table. */
export const SENTINEL_SHARED_COMMANDS: ReadonlySet<string> = new Set([
  'acl', 'auth', 'client', 'command', 'hello', 'ping', 'psubscribe', 'punsubscribe', 'subscribe', 'unsubscribe', 'shutdown',
]);

const MODULES = new WeakMap<Server, Sentinel>();

export function sentinelOf(server: Server): Sentinel | undefined {
  return MODULES.get(server);
}

/** The command rows of a sentinel node: the shared ones plus SENTINEL, INFO, ROLE and PUBLISH. */
export function sentinelCommandSpecs(shared: readonly CommandSpec<Client>[]): CommandSpec<Client>[] {
  return shared.filter((s) => SENTINEL_SHARED_COMMANDS.has(s.name));
}

/** Writes the config file with the sentinel's state; null, or the error text. */
function saveConfig(server: Server, s: Sentinel): string | null {
  const cfg = server.config;
  if (cfg.configFile === null || cfg.store === null) return null;
  const old = cfg.store.read(cfg.configFile);
  if (old !== null && typeof old !== 'string') return old.error;
  const users = cfg.describeUsers?.() ?? null;
  const text = mergeSentinelLines(rewriteConfigText(old, cfg, { users, cwd: cfg.store.cwd(), sentinel: true }), sentinelConfigLines(s));
  const err = cfg.store.writeAtomic(cfg.configFile, text);
  if (err !== null) server.logger.warning(`WARNING: Sentinel was not able to save the new configuration on disk!!!: ${err}`);
  else server.logger.notice('Sentinel new configuration saved on disk');
  return err;
}

/**
 * Creates the sentinel of `server` from the `sentinel` directives of its config (throws an Error
 * with Redis's text on a bad directive), registers its commands and its timer on the tick.
 */
/** Directives redis-sentinel applies before the `monitor` lines (its preMonitorCfgName). */
const PRE_MONITOR = new Set([
  'announce-ip', 'announce-port', 'deny-scripts-reconfig', 'sentinel-user', 'sentinel-pass', 'current-epoch', 'myid',
  'resolve-hostnames', 'announce-hostnames',
]);

/**
 * `sentinel` lines in the order redis-sentinel applies them: the global ones above, then every
 * `monitor`, then the rest (per-master settings and state), each group in file order; so a
 * per-master line may come before its `monitor` line in the file.
 */
function loadOrder<T extends { args: string[] }>(lines: readonly T[]): T[] {
  const kind = (d: T): number => {
    const name = (d.args[0] ?? '').toLowerCase();
    return PRE_MONITOR.has(name) ? 0 : name === 'monitor' ? 1 : 2;
  };
  return [0, 1, 2].flatMap((k) => lines.filter((d) => kind(d) === k));
}

export function installSentinel(server: Server): Sentinel {
  const myId = server.env.random.bytes(20).toString('hex');
  let loaded = false;
  const s: Sentinel = new Sentinel({
    env: server.env,
    log: (level, line) => server.logger.log(level, line),
    publish: (channel, message) => { server.pubsub.publish(channel, message); },
    flushConfig: () => { if (loaded) saveConfig(server, s); },
    port: () => server.config.int('port'),
    setTimerHz: (hz) => server.setTickHz(hz),
  }, myId);
  MODULES.set(server, s);
  for (const d of loadOrder(server.config.directives.sentinel)) {
    const err = applySentinelDirective(s, d.args);
    if (err !== null) throw new SentinelConfigError(d.line, d.text, err);
  }
  loaded = true;
  server.commands.register(sentinelCommands(s, () => saveConfig(server, s)));
  server.tickHandlers.push(() => s.tick());
  server.logger.role = 'X';
  server.mode = 'sentinel';
  return s;
}

/** Start-up of a sentinel node (after listening): saves the state and logs like Redis. */
export function announceSentinel(server: Server, s: Sentinel): void {
  saveConfig(server, s);
  server.logger.warning(`Sentinel ID is ${s.myId}`);
  for (const m of s.masters.values()) s.event('warning', '+monitor', `${describe(m)} quorum ${m.quorumInt}`, m);
}

export class SentinelConfigError extends Error {
  constructor(readonly line: number, readonly text: string, readonly reason: string) {
    super(reason);
  }
}
