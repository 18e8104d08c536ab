/**
 * The real ProcessRunner: node:child_process.spawn of a program path with its argv (no shell,
 * stdio ignored, the parent's environment), the exit reported as code and signal number, SIGKILL
 * to stop it, and access(X_OK) for the start-up check of script paths. A spawn that fails (ENOENT,
 * EACCES...) is reported as exit code 2, what Redis's forked child returns when execve fails.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ChildExit, ChildHandle, ProcessRunner } from '../ports.js';

/** Exit status of a child whose program could not be executed (Redis: `_exit(2)` after execve). */
const EXEC_FAILED_STATUS = 2;

function signalNumber(name: NodeJS.Signals | null): number {
  if (name === null) return 0;
  return (osConstants.signals as Record<string, number>)[name] ?? 0;
}

export const nodeProcessRunner: ProcessRunner = {
  spawn(argv: readonly string[], onExit: (e: ChildExit) => void): ChildHandle {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: 'ignore', shell: false });
    const state = { done: false };
    const finish = (e: ChildExit): void => {
      if (state.done) return;
      state.done = true;
      onExit(e);
    };
    child.once('error', () => finish({ code: EXEC_FAILED_STATUS, signal: 0 }));
    child.once('exit', (code, signal) => finish({ code: code ?? 0, signal: signalNumber(signal) }));
    return {
      pid: child.pid ?? 0,
      kill: () => {
        if (!state.done && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  },
  isExecutable(path: string): boolean {
    try {
      accessSync(path, fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};
