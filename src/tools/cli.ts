/**
 * `garrison <command>`: the umbrella command-line tool. Today one command, `up` (a local
 * topology of garrison-server and garrison-sentinel processes, see up.ts); the servers themselves
 * are `garrison-server` and `garrison-sentinel`.
 */
import { runUp } from './up.js';
import { parseUpArgs, UP_USAGE } from './up-plan.js';

const USAGE = `Usage: garrison <command> [options]

Commands:
  up        start a local master, replicas and sentinels as separate processes
            (garrison up --help for its options)

The servers themselves: garrison-server [redis.conf] [--option value ...]
                        garrison-sentinel sentinel.conf
`;

/** Runs the tool with its arguments (without node and the script); resolves with the exit status. */
export async function main(args: readonly string[]): Promise<number> {
  const out = (t: string): void => { process.stdout.write(t); };
  const err = (t: string): void => { process.stderr.write(t); };
  const [command, ...rest] = args;
  switch (command) {
    case undefined: case '-h': case '--help': case 'help':
      if (command === 'help' && rest[0] === 'up') out(UP_USAGE);
      else out(USAGE);
      return command === undefined ? 1 : 0;
    case 'up': {
      const o = parseUpArgs(rest);
      if (o === 'help') {
        out(UP_USAGE);
        return 0;
      }
      if ('error' in o) {
        err(`garrison up: ${o.error}\n${UP_USAGE}`);
        return 1;
      }
      return runUp(o, { out, err });
    }
    default:
      err(`garrison: unknown command '${command}'\n${USAGE}`);
      return 1;
  }
}
