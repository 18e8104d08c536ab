/**
 * The process's own figures for INFO: memory (process.memoryUsage), CPU time (process.cpuUsage) and
 * static host facts (uname, total memory, the executable). Only this adapter reads them; the server
 * sees them through the Environment port.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import type { CpuUsage, HostInfo, MemoryUsage } from '../ports.js';

/** The last memory reading that succeeded (see processMemory). */
const lastMemory: { value: MemoryUsage } = { value: { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 } };

/**
 * process.memoryUsage() reads the RSS from /proc/self/stat, so it throws (EMFILE) when every file
 * descriptor is taken, e.g. by clients past the descriptor limit. The server reads memory on its
 * tick: it then gets the last good reading instead of an exception that would stop the process.
 */
export function processMemory(): MemoryUsage {
  try {
    const m = process.memoryUsage();
    lastMemory.value = { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
  } catch {
    // Keep the last reading.
  }
  return lastMemory.value;
}

export function processCpu(): CpuUsage {
  const c = process.cpuUsage();
  return { userUs: c.user, systemUs: c.system };
}

export function hostInfo(): HostInfo {
  const platform = os.platform();
  const script = process.argv[1];
  return {
    os: `${os.type()} ${os.release()} ${os.machine()}`,
    archBits: /64/.test(os.arch()) ? 64 : 32,
    multiplexingApi: platform === 'linux' ? 'epoll' : platform === 'win32' ? 'iocp' : platform === 'sunos' ? 'evport' : 'kqueue',
    executable: script !== undefined ? resolve(script) : process.execPath,
    totalSystemMemory: os.totalmem(),
  };
}
