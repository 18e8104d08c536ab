/**
 * `garrison-server [configfile] [--opt val ...]`: the process entry, with redis-server's
 * command-line conventions. Argument parsing and the config file live in server/config; this file
 * wires the process (signals, exit codes) to a node.
 */
import { buildServer, listen } from './node/build.js';
import { nodeEnvironment, stdoutSink } from './runtime/node/index.js';
import { Config } from './server/config/config.js';

async function main(argv: string[]): Promise<void> {
  const config = new Config();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const args: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) args.push(argv[++i]!);
      const err = config.set(a.slice(2), args);
      if (err !== null) {
        process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n>>> '${a.slice(2)} ${args.join(' ')}'\n${err}\n`);
        process.exit(1);
      }
    }
  }
  const server = buildServer({ env: nodeEnvironment(), config, logSink: stdoutSink });
  try {
    await listen(server);
  } catch (e) {
    server.logger.warning((e as Error).message);
    server.logger.warning(`Failed listening on port ${config.int('port')} (tcp), aborting.`);
    process.exit(1);
  }
  server.startTicking();
  server.logger.notice('Ready to accept connections');
  const stop = (): void => {
    server.logger.warning('Received SIGTERM scheduling shutdown...');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main(process.argv.slice(2));
