/**
 * Starts an in-process Garrison server on a free port for a test, with a connected client.
 * Unless the test names a `dir`, the server works in a fresh temporary directory, removed
 * afterwards: a server loads `dir/dbfilename` when present, so a dump.rdb left in the working
 * directory (by `npm start` and a shutdown that saved) must not leak into the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/index.js';
import { RespClient } from './resp-client.js';

/** `config` with `dir` set to a new temporary directory unless it has one; `cleanup` removes that directory. */
function withTempDir(config: StartServerOptions['config']): { config: NonNullable<StartServerOptions['config']>; cleanup: () => void } {
  if (config !== undefined && config['dir'] !== undefined) return { config, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'garrison-test-'));
  return { config: { ...config, dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** startServer in a temporary `dir` (see above) that close() removes. */
export async function startTestServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const { config, cleanup } = withTempDir(opts.config);
  let s: RunningServer;
  try {
    s = await startServer({ ...opts, config });
  } catch (e) {
    cleanup();
    throw e;
  }
  const close = s.close.bind(s);
  return Object.assign(s, { close: () => close().finally(cleanup) });
}

export async function withServer<T>(opts: StartServerOptions, fn: (s: RunningServer, c: RespClient) => Promise<T>): Promise<T> {
  const s = await startTestServer(opts);
  try {
    const c = await RespClient.connect(s.address.port);
    try {
      return await fn(s, c);
    } finally {
      c.close();
    }
  } finally {
    await s.close();
  }
}
