/**
 * Sentinel's script jobs (Redis 7.0 sentinel.c's scripts queue): notification scripts
 * (`<path> <event-type> <event-description>`) and client-reconfig scripts are queued as argv jobs
 * and run on the sentinel's tick through the ProcessRunner port:
 *  - at most SCRIPT_MAX_QUEUE jobs wait; past that the oldest job not running is dropped;
 *  - at most SCRIPT_MAX_RUNNING run at once; a job waiting for a retry is not started before its
 *    time;
 *  - an exit with status 1, or a death by a signal, is retried after script-retry-delay doubled
 *    at each retry (delay * 2^(retries-1)), until the job has been started SCRIPT_MAX_RETRY times;
 *    any other status ends the job, and a non-zero end is reported by `-script-error <path>
 *    <signal> <status>` (Redis prints the signal before the status);
 *  - a job running longer than script-max-runtime is reported (`-script-timeout <path> <pid>`)
 *    and killed with SIGKILL, which then counts as a signal death.
 * Exits are reported by the runner at any time but handled on the tick (Redis reaps its children
 * with waitpid in its timer), so the state only changes inside `tick()`.
 */
import type { LogLevel } from '../runtime/ports.js';
import type { ChildExit, ChildHandle, ProcessRunner } from '../runtime/ports.js';
import { map, type Reply } from '../protocol/reply.js';
import { SCRIPT_MAX_ARGS, SCRIPT_MAX_QUEUE, SCRIPT_MAX_RETRY, SCRIPT_MAX_RUNNING } from './constants.js';

export interface ScriptJob {
  readonly argv: readonly string[];
  running: boolean;
  /** How many times it was started. */
  retryNum: number;
  /** Running: when it started; waiting: not before this time (0: at once). */
  startTimeMs: number;
  pid: number;
  handle: ChildHandle | null;
}

export interface ScriptHost {
  runner: ProcessRunner;
  now(): number;
  /** A sentinel event that concerns no instance (so it runs no notification script). */
  event(level: LogLevel, type: string, text: string): void;
  timing: { readonly scriptMaxRuntimeMs: number; readonly scriptRetryDelayMs: number };
}

/** script-retry-delay doubled for every retry after the first: delay * 2^(retryNum-1). */
export function scriptRetryDelay(baseMs: number, retryNum: number): number {
  let delay = baseMs;
  for (let n = retryNum; n > 1; n--) delay *= 2;
  return delay;
}

/** Whether an exit is retried: status 1 or a signal, while the job has retries left. */
export function isRetried(exit: ChildExit, retryNum: number): boolean {
  return (exit.signal !== 0 || exit.code === 1) && retryNum !== SCRIPT_MAX_RETRY;
}

export class ScriptQueue {
  readonly jobs: ScriptJob[] = [];
  running = 0;
  /** Exits reported by the runner, handled on the next tick. */
  private readonly exited: Array<{ job: ScriptJob; exit: ChildExit }> = [];

  constructor(private readonly host: ScriptHost) {}

  /** Queues `path args...` (Redis's sentinelScheduleScriptExecution). */
  schedule(path: string, ...args: string[]): void {
    const argv = [path, ...args].slice(0, SCRIPT_MAX_ARGS);
    this.jobs.push({ argv, running: false, retryNum: 0, startTimeMs: 0, pid: 0, handle: null });
    if (this.jobs.length > SCRIPT_MAX_QUEUE) {
      const i = this.jobs.findIndex((j) => !j.running);
      this.jobs.splice(i, 1);
    }
  }

  /** The timer's part: start what may start, reap what ended, kill what ran too long. */
  tick(): void {
    this.runPending();
    this.collectTerminated();
    this.killTimedOut();
  }

  private runPending(): void {
    const now = this.host.now();
    for (const job of this.jobs) {
      if (this.running >= SCRIPT_MAX_RUNNING) break;
      if (job.running) continue;
      if (job.startTimeMs !== 0 && job.startTimeMs > now) continue;
      job.running = true;
      job.startTimeMs = now;
      job.retryNum++;
      this.running++;
      const handle = this.host.runner.spawn(job.argv, (exit) => { this.exited.push({ job, exit }); });
      job.handle = handle;
      job.pid = handle.pid;
      this.host.event('debug', '+script-child', String(handle.pid));
    }
  }

  private collectTerminated(): void {
    const done = this.exited.splice(0);
    for (const { job, exit } of done) {
      this.host.event('debug', '-script-child', `${job.pid} ${exit.code} ${exit.signal}`);
      const i = this.jobs.indexOf(job);
      if (i < 0) continue;
      if (isRetried(exit, job.retryNum)) {
        job.running = false;
        job.pid = 0;
        job.handle = null;
        job.startTimeMs = this.host.now() + scriptRetryDelay(this.host.timing.scriptRetryDelayMs, job.retryNum);
      } else {
        if (exit.signal !== 0 || exit.code !== 0) {
          this.host.event('warning', '-script-error', `${job.argv[0]} ${exit.signal} ${exit.code}`);
        }
        this.jobs.splice(i, 1);
      }
      this.running--;
    }
  }

  private killTimedOut(): void {
    const now = this.host.now();
    for (const job of this.jobs) {
      if (!job.running || now - job.startTimeMs <= this.host.timing.scriptMaxRuntimeMs) continue;
      this.host.event('warning', '-script-timeout', `${job.argv[0]} ${job.pid}`);
      job.handle?.kill();
    }
  }

  /** SENTINEL PENDING-SCRIPTS: one map per job (numbers as bulk strings, as Redis replies them). */
  pendingReply(): Reply {
    const now = this.host.now();
    return this.jobs.map((job) => {
      const kv: Reply[] = ['argv', [...job.argv], 'flags', job.running ? 'running' : 'scheduled', 'pid', String(job.pid)];
      if (job.running) kv.push('run-time', String(now - job.startTimeMs));
      else kv.push('run-delay', String(job.startTimeMs !== 0 ? Math.max(0, job.startTimeMs - now) : 0));
      kv.push('retry-num', String(job.retryNum));
      return map(kv);
    });
  }

  /** Kills the scripts still running (the sentinel is closed in-process). */
  killAll(): void {
    for (const job of this.jobs) if (job.running) job.handle?.kill();
  }
}
