/**
 * Texts the process writes to its log besides ordinary lines: the start-up banner (always-show-logo,
 * or a terminal) and the crash report for an uncaught exception. Garrison's own art and wording;
 * the banner keeps the ` Port: <port>` and ` PID: <pid>` fields tools read from Redis's.
 */
import type { Logger } from '../server/log.js';
import { REDIS_VERSION } from '../server/config/file.js';

export function startupBanner(version: string, port: number, pid: number): string {
  const art = [
    '',
    '      ____                 _                ',
    `     / ___| __ _ _ __ _ __(_)___  ___  _ __    Garrison ${version} (Redis ${REDIS_VERSION} compatible) 64 bit`,
    "    | |  _ / _` | '__| '__| / __|/ _ \\| '_ \\   ",
    "    | |_| | (_| | |  | |  | \\__ \\ (_) | | | |  Running in standalone mode",
    `     \\____|\\__,_|_|  |_|  |_|___/\\___/|_| |_|  Port: ${port}`,
    `                                               PID: ${pid}`,
    '',
  ];
  return art.join('\n') + '\n';
}

export interface CrashInfo {
  version: string;
  nodeVersion: string;
  pid: number;
  configFile: string;
  argv: readonly string[];
}

/** The bug report written before exiting on an uncaught exception (crash-log-enabled). */
export function writeCrashReport(logger: Logger, e: unknown, info: CrashInfo): void {
  const err = e instanceof Error ? e : new Error(String(e));
  logger.rawText('warning', '\n\n=== GARRISON BUG REPORT START: Cut & paste starting from here ===\n');
  logger.raw('warning', `Garrison ${info.version} crashed by an uncaught exception: ${err.message}`);
  logger.rawText('warning', `\n------ STACK TRACE ------\n${err.stack ?? String(err)}\n`);
  logger.rawText('warning', '\n------ PROCESS ------\n' + [
    `garrison_version:${info.version}`,
    `redis_compat_version:${REDIS_VERSION}`,
    `node_version:${info.nodeVersion}`,
    `process_id:${info.pid}`,
    `config_file:${info.configFile}`,
    `executable_argv:${info.argv.join(' ')}`,
  ].join('\n') + '\n');
  logger.rawText('warning', '\n=== GARRISON BUG REPORT END. Make sure to include from START to END. ===\n\n');
}
