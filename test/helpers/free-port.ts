/**
 * Ports for tests: one to listen on, and one that refuses connections.
 *
 * `freePort` asks the kernel for a port (bind to port 0), so it comes from the ephemeral range, and
 * any other listener bound to port 0 later (another server of the same run, or anything else on
 * the machine) may be given the same one. That is fine for a port the caller binds at once; it is
 * not for "an address nothing answers on": a MIGRATE to such a port once reached a listener that
 * took it in between (CI, 2026-12-07). `refusedPort` returns a port below 1024 instead, which
 * bind(0) never hands out, and checks that connecting to it is refused.
 */
import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry if it is taken when they bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** A port below 1024 on 127.0.0.1 that refuses connections (the first such, from port 1 up). */
export async function refusedPort(): Promise<number> {
  for (let port = 1; port < 1024; port++) if (await refuses(port)) return port;
  throw new Error('every port below 1024 on 127.0.0.1 accepts connections');
}
