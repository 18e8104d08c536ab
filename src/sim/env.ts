/**
 * The Environment of one simulated process (a node incarnation): virtual clock, its own seeded
 * random stream, a scheduler on the world's event loop whose events belong to the process (so a
 * crash drops them and a pause defers them), the host's transport and disk, a process runner that records scripts instead of running them, and fixed figures for
 * pid, memory, cpu and host facts (INFO stays deterministic).
 */
import { SeededRandom } from '../lib/prng.js';
import type { Environment, FileSystem, HostInfo, Transport } from '../runtime/ports.js';
import type { EventLoop, SimProcess } from './event-loop.js';
import { SimProcessRunner } from './processes.js';

export const SIM_HOST_INFO: HostInfo = {
  os: 'Linux 6.1.0-sim x86_64',
  archBits: 64,
  multiplexingApi: 'epoll',
  executable: '/usr/local/bin/garrison-server',
  totalSystemMemory: 8 * 1024 * 1024 * 1024,
};

export interface ProcessEnvParts {
  loop: EventLoop;
  process: SimProcess;
  seed: number;
  /** Wall-clock time at virtual time zero, in ms, for this host (the world's epoch plus its skew; may jump). */
  epochMs: () => number;
  transport: Transport;
  fs: FileSystem;
  pid: number;
}

export function processEnvironment(p: ProcessEnvParts): Environment {
  const { loop, process: proc } = p;
  const rng = new SeededRandom(p.seed);
  return {
    clock: {
      nowMs: () => Math.floor(p.epochMs() + loop.nowUs / 1000),
      nowUs: () => Math.floor(p.epochMs() * 1000) + loop.nowUs,
      monotonicUs: () => loop.nowUs,
    },
    random: {
      float: () => rng.float(),
      bytes: (n) => {
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = rng.nextU32() & 0xff;
        return b;
      },
    },
    scheduler: {
      every: (ms, fn) => {
        const periodUs = Math.max(1, Math.round(ms * 1000));
        const state = { cancel: (): void => {}, stopped: false };
        const arm = (): void => {
          state.cancel = loop.after(periodUs, proc, () => {
            if (state.stopped) return;
            arm();
            fn();
          });
        };
        arm();
        return () => {
          state.stopped = true;
          state.cancel();
        };
      },
      soon: (fn) => loop.after(0, proc, fn),
      after: (ms, fn) => loop.after(Math.max(0, Math.round(ms * 1000)), proc, fn),
    },
    transport: p.transport,
    fs: p.fs,
    processes: new SimProcessRunner(loop, proc),
    pid: p.pid,
    memory: () => ({ rss: 8 << 20, heapTotal: 6 << 20, heapUsed: 4 << 20, external: 1 << 20 }),
    cpu: () => ({ userUs: 0, systemUs: 0 }),
    host: SIM_HOST_INFO,
  };
}
