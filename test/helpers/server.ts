/** Starts an in-process Garrison server on a free port for a test, with a connected client. */
import { startServer, type RunningServer, type StartServerOptions } from '../../src/index.js';
import { RespClient } from './resp-client.js';

export async function withServer<T>(opts: StartServerOptions, fn: (s: RunningServer, c: RespClient) => Promise<T>): Promise<T> {
  const s = await startServer(opts);
  const c = await RespClient.connect(s.address.port);
  try {
    return await fn(s, c);
  } finally {
    c.close();
    await s.close();
  }
}
