/**
 * `garrison-server [configfile] [--opt val ...] [-]`: the process entry, with redis-server 7.0's
 * process contract: the config file (absolute path kept for CONFIG REWRITE) then stdin then the
 * options, FATAL CONFIG FILE ERROR texts and exit status 1, `dir` applied while loading, the log
 * to `logfile` (or stdout) at `loglevel`, the start-up lines harnesses wait for ("Server
 * initialized", "Ready to accept connections"), "Failed listening on port ..." when the port is
 * taken, the pid file, the unix socket, SIGTERM/SIGINT shutdown per shutdown-on-sig*, and a crash
 * report for uncaught exceptions. Parsing is pure (server/config); this file does the I/O.
 */
import { AclCatalog } from './server/acl/catalog.js';
import { checkUserDirective, loadUsersAtStart } from './server/acl/file.js';
import { CommandTable } from './commands/registry.js';
import type { Client } from './server/client.js';
import { allCommandSpecs, buildSentinelServer, buildServer, listen, ListenFailure } from './node/build.js';
import { FATAL_HANDLERS } from './server/aof.js';
import { loadAtStart, LoadFailure } from './node/load-at-start.js';
import { announceSentinel, SENTINEL_DEFAULT_PORT, SentinelConfigError, type Sentinel } from './sentinel/index.js';
import { parseShutdownFlags, shutdownNode } from './node/shutdown.js';
import { startupBanner, writeCrashReport } from './node/reports.js';
import { nodeEnvironment, stdoutSink, fileSink, systemClock } from './runtime/node/index.js';
import { procTitle } from './server/proc-title.js';
import { OomScore } from './server/oom-score.js';
import * as proc from './runtime/node/process.js';
import type { LogSink } from './runtime/ports.js';
import { Config } from './server/config/config.js';
import { assembleConfigText, parseArgv } from './server/config/argv.js';
import {
  ConfigLoadFailure, formatFatalConfigError, loadConfigText, newLoadState, openErrorMessage, REDIS_VERSION,
  type ConfigFileHost,
} from './server/config/file.js';
import { Logger } from './server/log.js';
import { moduleLoadFailure } from './server/commands/module.js';
import { adjustOpenFilesLimit, maxclientsRefusal } from './server/fd-limit.js';
import type { Server } from './server/server.js';

const PROGRAM = 'garrison-server';

function packageVersion(): string {
  const text = proc.readTextFile(new URL('../../package.json', import.meta.url).pathname);
  if (typeof text !== 'string') return '0.0.0';
  try {
    return String((JSON.parse(text) as { version?: string }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

function versionLine(version: string): string {
  return `Garrison server v=${version} (Redis ${REDIS_VERSION} compatible) sha=00000000:0 malloc=node bits=64 build=node-${proc.nodeVersion()}\n`;
}

function usage(): string {
  return [
    `Usage: ${PROGRAM} [/path/to/redis.conf] [options] [-]`,
    `       ${PROGRAM} - (read config from stdin)`,
    `       ${PROGRAM} -v or --version`,
    `       ${PROGRAM} -h or --help`,
    '',
    'Examples:',
    `       ${PROGRAM} (run the server with the default configuration)`,
    `       echo 'maxmemory 128mb' | ${PROGRAM} -`,
    `       ${PROGRAM} /etc/redis/6379.conf`,
    `       ${PROGRAM} --port 7777`,
    `       ${PROGRAM} --port 7777 --replicaof 127.0.0.1 8888`,
    `       ${PROGRAM} /etc/myredis.conf --loglevel verbose -`,
    `       ${PROGRAM} /etc/myredis.conf --loglevel verbose`,
    '',
    'Options are redis.conf directives: they are applied after the config file and stdin, so they win.',
    `Sentinel mode: ${PROGRAM} /path/to/sentinel.conf --sentinel (or garrison-sentinel /path/to/sentinel.conf).`,
    '',
  ].join('\n');
}

/** The config-file host over the real process: files, glob, chdir. */
const fileHost: ConfigFileHost = {
  readFile: proc.readTextFile,
  glob: proc.glob,
  chdir: proc.chdir,
  cwd: proc.cwd,
  checkAppend: proc.checkAppend,
};

/** The top-level config file: a pattern includes every match, like `include`. */
function readConfigFile(path: string): string | { path: string; error: string } {
  const paths = /[*?[]/.test(path) ? proc.glob(path) : [path];
  let text = '';
  for (const p of paths) {
    const t = proc.readTextFile(p);
    if (typeof t !== 'string') return { path: p, error: t.error };
    text += t;
  }
  return text;
}

function main(argv: string[]): void {
  const parsed = parseArgv(argv, PROGRAM);
  const version = packageVersion();
  switch (parsed.kind) {
    case 'version':
      proc.writeStdout(versionLine(version));
      return proc.exit(0);
    case 'help':
      proc.writeStderr(usage());
      return proc.exit(1);
    case 'test-memory':
    case 'check-system':
      proc.writeStderr(`${PROGRAM}: --${parsed.kind} is not supported by Garrison.\n`);
      return proc.exit(1);
    case 'run':
      break;
  }
  const sentinelMode = parsed.sentinel;

  const pid = proc.pid();
  // Before the config is read, Redis logs to stdout as role C.
  const early = new Logger(systemClock, pid, stdoutSink);
  early.role = 'C';
  const config = new Config(undefined, { defaults: { dir: proc.cwd() } });
  if (sentinelMode) {
    // As redis-sentinel's initSentinelConfig: values set over the defaults (the file may still
    // change them), so CONFIG REWRITE writes them as Redis's sentinel does.
    config.set('port', [String(SENTINEL_DEFAULT_PORT)]);
    config.set('protected-mode', ['no']);
  }
  let fileText = '';
  if (parsed.configFile !== null) {
    config.configFile = proc.absolutePath(parsed.configFile);
    const t = readConfigFile(config.configFile);
    if (typeof t !== 'string') {
      early.warning(openErrorMessage({ kind: 'open', path: t.path, message: t.error }));
      return proc.exit(1);
    }
    fileText = t;
  }
  let stdinText: string | null = null;
  if (parsed.fromStdin) {
    early.warning('Reading config from stdin');
    stdinText = proc.readStdin();
  }
  try {
    loadConfigText(assembleConfigText(fileText, stdinText, parsed.options), config, fileHost,
      { ...newLoadState(allCommandSpecs().map((s) => s.name)), sentinelMode, checkUser: userDirectiveChecker() });
  } catch (e) {
    if (!(e instanceof ConfigLoadFailure)) throw e;
    const f = e.failure;
    if (f.kind === 'open') early.warning(openErrorMessage(f));
    else proc.writeStderr(formatFatalConfigError(f));
    return proc.exit(1);
  }

  const logfile = config.str('logfile');
  const sink: LogSink = logfile === '' ? stdoutSink : fileSink(logfile);
  const log = new Logger(systemClock, pid, sink);
  log.role = 'C';
  config.watch('loglevel', (v) => { log.level = v as Logger['level']; });
  log.warning('ooOOoo Garrison is starting ooOOoo');
  log.warning(`Garrison version=${version}, redis-compat=${REDIS_VERSION}, node=${proc.nodeVersion()}, bits=64, pid=${pid}, just started`);
  if (parsed.noArguments) {
    log.warning(`Warning: no config file given, running with the default configuration. To use one: ${PROGRAM} /path/to/redis.conf`);
  } else {
    log.warning('Configuration loaded');
  }
  if (config.bool('daemonize')) {
    log.warning('daemonize yes is accepted but Garrison does not fork: it stays in the foreground (use a process supervisor).');
  }
  for (const m of config.directives.loadModules) {
    log.warning(moduleLoadFailure(m[0]!));
    log.warning(`Can't load module from ${m[0]}: server aborting`);
    return proc.exit(1);
  }

  config.store = { read: proc.readIfExists, writeAtomic: proc.writeFileAtomic, cwd: proc.cwd };
  config.onApply(['dir'], () => {
    const err = proc.chdir(config.str('dir'));
    if (err !== null) return err;
    config.setValue('dir', proc.cwd());
    return null;
  });

  if (sentinelMode) {
    if (config.configFile === null) {
      log.warning('Sentinel needs config file on disk to save state. Exiting...');
      return proc.exit(1);
    }
    const notWritable = proc.checkAppend(config.configFile);
    if (notWritable !== null) {
      log.warning(`Sentinel config file ${config.configFile} is not writable: ${notWritable}. Exiting...`);
      return proc.exit(1);
    }
  }
  let server: Server;
  let sentinel: Sentinel | null = null;
  if (sentinelMode) {
    try {
      ({ server, sentinel } = buildSentinelServer({ env: nodeEnvironment(), config, logSink: sink, portZero: 'none' }));
    } catch (e) {
      if (!(e instanceof SentinelConfigError)) throw e;
      proc.writeStderr(formatFatalConfigError({ kind: 'directive', line: e.line, text: e.text, message: e.reason }));
      return proc.exit(1);
    }
  } else {
    server = buildServer({ env: nodeEnvironment(), config, logSink: sink, portZero: 'none' });
    // A node started with `replicaof` logs as a replica from the start (role S), as Redis does.
    if (server.logger.role !== 'S') server.logger.role = 'M';
  }
  if (!fitMaxclientsToFileLimit(server, config)) return proc.exit(1);
  proc.onUncaught((e) => {
    if (config.bool('crash-log-enabled')) {
      writeCrashReport(server.logger, e, {
        version, nodeVersion: proc.nodeVersion(), pid, configFile: config.configFile ?? '', argv,
      });
    }
    proc.exit(1);
  });
  void start(server, config, version, pid, sentinel);
}

/** The config file's `user` lines checked against the command table, as Redis checks them while reading. */
function userDirectiveChecker(): (args: readonly string[]) => string | null {
  const table = new CommandTable<Client>();
  table.register(allCommandSpecs());
  const catalog = new AclCatalog(table);
  const seen = new Set<string>();
  return (args) => checkUserDirective(catalog, args, seen);
}

/**
 * maxclients against the open-files limit (Redis's adjustOpenFilesLimit, see server/fd-limit.ts):
 * at start, where a limit too low for maxclients reduces it (false: too low to start at all), and
 * on CONFIG SET maxclients, which a limit too low refuses (updateMaxclients).
 */
function fitMaxclientsToFileLimit(server: Server, config: Config): boolean {
  const host = { limit: proc.openFilesLimit, raise: proc.raiseOpenFilesLimit };
  const adjust = (maxclients: number): number | null => {
    const out = adjustOpenFilesLimit(maxclients, host);
    if (out.fatal !== null) {
      server.logger.warning(out.fatal);
      return null;
    }
    for (const w of out.warnings) server.logger.warning(w);
    if (out.notice !== null) server.logger.notice(out.notice);
    return out.maxclients;
  };
  const atStart = adjust(config.int('maxclients'));
  if (atStart === null) return false;
  if (atStart !== config.int('maxclients')) config.setValue('maxclients', atStart);
  config.onApply(['maxclients'], () => {
    const wanted = config.int('maxclients');
    const possible = adjust(wanted);
    // Redis exits here too (adjustOpenFilesLimit), should the limit have dropped to 32 or less.
    if (possible === null) return proc.exit(1);
    return possible === wanted ? null : maxclientsRefusal(possible);
  });
  return true;
}

/**
 * oom-score-adj (Redis's setOOMScoreAdj at the end of start-up, on CONFIG SET of either parameter,
 * and when the node becomes a replica or a master; here on the next tick).
 */
function controlOomScore(server: Server, config: Config): void {
  const oom = new OomScore({ read: proc.readOomScoreAdj, write: proc.writeOomScoreAdj }, (l) => server.logger.warning(l));
  const role = (): 'master' | 'replica' => (server.role.isReplica() ? 'replica' : 'master');
  const mode = (): number => OOM_MODES[config.str('oom-score-adj')] ?? 0;
  const apply = (): boolean => oom.apply(mode(), config.get('oom-score-adj-values') as number[], role());
  apply();
  config.onApply(['oom-score-adj', 'oom-score-adj-values'], () => (apply() ? null : 'Failed to set current oom_score_adj. Check server logs.'));
  let last = role();
  server.tickHandlers.push(() => {
    if (role() === last) return;
    last = role();
    apply();
  });
}

const OOM_MODES: Record<string, number> = { no: 0, yes: 1, relative: 1, absolute: 2 };

/**
 * The process title (Redis's redisSetProcTitle at start, and again on CONFIG SET
 * proc-title-template): `garrison-server 127.0.0.1:6379` in ps, as redis-server's.
 */
function setProcTitle(config: Config, sentinelMode: boolean): void {
  const apply = (): void => {
    const binds = config.get('bind') as readonly string[];
    const title = procTitle(config.str('proc-title-template'), {
      title: proc.executableName(), bind: binds[0], port: config.int('port'), tlsPort: config.int('tls-port'),
      unixsocket: config.str('unixsocket'), mode: sentinelMode ? 'sentinel' : 'standalone', configFile: config.configFile,
    });
    if (title !== null) proc.setTitle(title);
  };
  // At start only with set-proc-title yes; a CONFIG SET of the template sets it either way (Redis's
  // updateProcTitleTemplate does not look at set-proc-title: measured on 7.0.15).
  let started = false;
  config.watch('proc-title-template', () => {
    if (started || config.bool('set-proc-title')) apply();
  });
  started = true;
}

async function start(server: Server, config: Config, version: string, pid: number, sentinel: Sentinel | null): Promise<void> {
  const log = server.logger;
  if (config.directives.moduleConfigs.length > 0) {
    log.warning('Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting');
    return proc.exit(1);
  }
  const port = config.int('port');
  try {
    await listen(server, { portZero: 'none' });
  } catch (e) {
    if (!(e instanceof ListenFailure)) throw e;
    for (const line of e.logLines) log.warning(line);
    return proc.exit(1);
  }
  const hasTcp = server.listeners.some((l) => 'port' in l.address);
  const unixsocket = config.str('unixsocket');
  if (!hasTcp && unixsocket === '') {
    log.warning('Configured to not listen anywhere, exiting.');
    return proc.exit(1);
  }
  const pidfile = config.str('pidfile');
  if (pidfile !== '') {
    const err = proc.writePidFile(pidfile, pid);
    if (err !== null) log.warning(`Failed to write PID file: ${err}`);
  }
  const showLogo = config.bool('always-show-logo') || (config.str('logfile') === '' && proc.isStdoutTty());
  if (showLogo) log.rawText('notice', startupBanner(version, port, pid));
  else log.notice(`Running mode=${sentinel !== null ? 'sentinel' : 'standalone'}, port=${port}.`);
  if (sentinel === null) log.warning('Server initialized');
  const aclFailure = loadUsersAtStart(server);
  if (aclFailure !== null) {
    for (const line of aclFailure) log.warning(line);
    return proc.exit(1);
  }
  if (sentinel !== null) announceSentinel(server, sentinel);
  setProcTitle(config, sentinel !== null);
  controlOomScore(server, config);
  server.startTicking();
  if (sentinel === null) {
    // Redis exits when the AOF cannot be written with appendfsync always.
    FATAL_HANDLERS.set(server, () => proc.exit(1));
    try {
      await loadAtStart(server);
    } catch (e) {
      if (!(e instanceof LoadFailure)) throw e;
      for (const line of e.logLines) log.warning(line);
      return proc.exit(1);
    }
  }
  // redis-sentinel does not print it: its start-up ends with the +monitor events.
  if (hasTcp && sentinel === null) log.notice('Ready to accept connections');
  if (unixsocket !== '') log.notice(`The server is now ready to accept connections at ${unixsocket}`);

  // SHUTDOWN and the signals run the same sequence (server/shutdown.ts: the wait for lagging
  // replicas), whose final steps are the process's, then the process exits.
  server.onShutdown = (flags) => shutdownNode(server, flags, { removePidFile: () => proc.removeFile(pidfile) })
    .then((done) => {
      if (done) proc.exit(0);
      return done;
    });
  const onSignal = (sig: 'SIGTERM' | 'SIGINT'): void => {
    if (server.shutdown.signalled && sig === 'SIGINT') {
      log.fromSignalHandler('You insist... exiting now.');
      return proc.exit(1);
    }
    log.fromSignalHandler(`Received ${sig} scheduling shutdown...`);
    const flags = parseShutdownFlags(config.str(sig === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm'));
    server.shutdown.signal(flags, server.onShutdown!);
  };
  proc.onSignal('SIGTERM', () => onSignal('SIGTERM'));
  proc.onSignal('SIGINT', () => onSignal('SIGINT'));
}

main(process.argv.slice(2));
