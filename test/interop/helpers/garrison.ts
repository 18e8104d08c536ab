/**
 * An in-process Garrison for the interop suite. Directives this build does not know yet (the
 * config table grows as families land) are dropped with a note instead of failing the suite:
 * the differential scripts then show what differs.
 */
import type { RunningServer } from '../../../src/index.js';
import { startTestServer } from '../../helpers/server.js';

export interface GarrisonHandle {
  readonly port: number;
  readonly running: RunningServer;
  /** Directives that were dropped because this build rejects them. */
  readonly dropped: string[];
  close(): Promise<void>;
}

/** Unless `config` names a `dir`, the server works in a temporary directory removed by close() (startTestServer). */
export async function startGarrison(config: Record<string, string>): Promise<GarrisonHandle> {
  const cfg = { ...config };
  const dropped: string[] = [];
  for (;;) {
    try {
      const running = await startTestServer({ config: cfg });
      if (dropped.length > 0) process.stderr.write(`interop: Garrison does not accept ${dropped.join(', ')} yet; started without\n`);
      return { port: running.address.port, running, dropped, close: () => running.close() };
    } catch (e) {
      const m = /^config (\S+):/.exec((e as Error).message);
      if (m === null || !(m[1]! in cfg)) throw e;
      dropped.push(m[1]!);
      delete cfg[m[1]!];
    }
  }
}
