/**
 * The simulator's ProcessRunner: no program runs. Each spawn is recorded (argv and virtual time)
 * and "exits" with status 0 one virtual millisecond later, on the process's own event queue (a
 * crash of the node drops the exit with everything else it owned). Every path counts as
 * executable. Scenarios can read `runs` to assert which Sentinel scripts were started.
 */
import type { ChildHandle, ChildExit, ProcessRunner } from '../runtime/ports.js';
import type { EventLoop, SimProcess } from './event-loop.js';

export interface SimRun {
  argv: string[];
  atUs: number;
  pid: number;
}

export class SimProcessRunner implements ProcessRunner {
  readonly runs: SimRun[] = [];
  private nextPid = 50_000;

  constructor(private readonly loop: EventLoop, private readonly owner: SimProcess) {}

  spawn(argv: readonly string[], onExit: (e: ChildExit) => void): ChildHandle {
    const pid = this.nextPid++;
    this.runs.push({ argv: [...argv], atUs: this.loop.nowUs, pid });
    const state = { done: false };
    const end = (e: ChildExit): void => {
      if (state.done) return;
      state.done = true;
      onExit(e);
    };
    this.loop.after(1000, this.owner, () => end({ code: 0, signal: 0 }));
    return { pid, kill: () => this.loop.after(0, this.owner, () => end({ code: 0, signal: 9 })) };
  }

  isExecutable(): boolean {
    return true;
  }
}
