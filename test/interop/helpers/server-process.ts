/**
 * redis-server or garrison-server as a process, started the same way for a comparison: a free
 * port on 127.0.0.1, no persistence, a fresh directory holding its log file `log`, and the
 * caller's extra options. For the suites that need what only a process has (exit codes, signals,
 * its log, /proc), where side-by-side.ts runs Garrison in process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/resp-client.js';
import { freePort } from '../../helpers/free-port.js';

const GARRISON = fileURLToPath(new URL('../../../../bin/garrison-server.js', import.meta.url));

export type Side = 'redis' | 'garrison';

export interface Proc {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** The exit code once the process has exited, else null. */
  exitCode(): number | null;
  log(): string;
  stop(): Promise<void>;
}

export async function launch(side: Side, extra: string[]): Promise<Proc> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-proc-')));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', 'log', ...extra];
  const [cmd, argv] = side === 'redis' ? ['redis-server', args] : [process.execPath, [GARRISON, ...args]];
  const child = spawn(cmd, argv, { cwd: dir, stdio: 'ignore' });
  let code: number | null = null;
  const exited = new Promise<void>((r) => child.once('exit', (c) => { code = c ?? -1; r(); }));
  const log = (): string => { try { return readFileSync(join(dir, 'log'), 'latin1'); } catch { return ''; } };
  const proc: Proc = {
    port, dir, child, log,
    exitCode: () => code,
    stop: async () => {
      if (code === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await waitFor(() => code !== null || log().includes('Ready to accept connections'), 10_000, `${side} to start`);
  if (code !== null) throw new Error(`${side} exited at start: ${log()}`);
  return proc;
}
