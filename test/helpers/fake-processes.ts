/**
 * A ProcessRunner for unit tests: records every spawn, lets the test end a child with any exit
 * code or signal when it wants (synchronously, as if the exit had just arrived), records kills,
 * and says which paths are executable.
 */
import type { ChildExit, ChildHandle, ProcessRunner } from '../../src/runtime/ports.js';

export interface FakeChild {
  argv: string[];
  pid: number;
  killed: boolean;
  ended: boolean;
  /** Reports the child's end to the runner's caller. */
  exit(code: number, signal?: number): void;
}

export class FakeProcessRunner implements ProcessRunner {
  readonly children: FakeChild[] = [];
  private nextPid = 1000;
  /** Paths isExecutable accepts (null: every path). */
  executables: Set<string> | null = null;

  spawn(argv: readonly string[], onExit: (e: ChildExit) => void): ChildHandle {
    const child: FakeChild = {
      argv: [...argv], pid: this.nextPid++, killed: false, ended: false,
      exit: (code, signal = 0) => {
        if (child.ended) throw new Error(`fake child ${child.pid} already ended`);
        child.ended = true;
        onExit({ code, signal });
      },
    };
    this.children.push(child);
    return { pid: child.pid, kill: () => { child.killed = true; } };
  }

  isExecutable(path: string): boolean {
    return this.executables === null || this.executables.has(path);
  }

  /** The children started and not ended yet. */
  running(): FakeChild[] {
    return this.children.filter((c) => !c.ended);
  }
}
