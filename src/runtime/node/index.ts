/** The real environment: Node's clock, randomness, timers, sockets, files and child processes. */
import type { Environment } from '../ports.js';
import { systemClock } from './clock.js';
import { systemRandom } from './random.js';
import { systemScheduler } from './scheduler.js';
import { tcpTransport } from './tcp.js';
import { nodeFileSystem } from './fs.js';
import { nodeProcessRunner } from './child-process.js';
import { hostInfo, processCpu, processMemory } from './process-stats.js';

export { systemClock, systemRandom, systemScheduler, tcpTransport, nodeFileSystem, nodeProcessRunner };
export { stdoutSink, fileSink, nullSink } from './log-sink.js';

export function nodeEnvironment(): Environment {
  return {
    clock: systemClock, random: systemRandom, scheduler: systemScheduler, transport: tcpTransport, fs: nodeFileSystem, processes: nodeProcessRunner, pid: process.pid,
    memory: processMemory, cpu: processCpu, host: hostInfo(),
  };
}
