/**
 * What the command-line tools and the topology launchers need to watch the nodes they start: one
 * command on a fresh connection (through the link layer, with a deadline; failures reject), the
 * fields of INFO and of SENTINEL MASTER replies, and polling a condition until a deadline.
 */
import { Link } from '../link/index.js';
import { isError, type Reply } from '../protocol/reply.js';
import { tcpTransport } from '../runtime/node/index.js';

/** Sends one command to host:port and resolves with its reply (an error reply rejects). */
export function ask(host: string, port: number, argv: readonly string[], timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const link = new Link({ transport: tcpTransport, target: { host, port }, connectTimeoutMs: timeoutMs });
    const timer = setTimeout(() => {
      link.close();
      reject(new Error(`${argv[0] ?? ''} to ${host}:${port}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (f: () => void): void => {
      clearTimeout(timer);
      link.close();
      f();
    };
    link.onClose = (reason) => done(() => reject(new Error(`${argv[0] ?? ''} to ${host}:${port}: ${reason}`)));
    link.onConnect = () => {
      link.send(argv, (r) => done(() => (isError(r) ? reject(new Error(r.s)) : resolve(r))));
    };
    link.connect();
  });
}

/** `field:value` lines of an INFO reply as a record. */
export function infoFields(text: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof text !== 'string') return out;
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** A flat [name, value, ...] reply (SENTINEL MASTER, RESP2) as a record. */
export function pairFields(r: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(r)) return out;
  const items = r as readonly Reply[];
  for (let i = 0; i + 1 < items.length; i += 2) out[String(items[i])] = String(items[i + 1]);
  return out;
}

/**
 * Calls `cond` every `everyMs` until it is true (a throw counts as false); rejects with `what`
 * and the last error after `timeoutMs`, or at once with the error `fatal` returns.
 */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50, fatal: () => Error | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const f = fatal();
    if (f !== null) throw f;
    try {
      if (await cond()) return;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === '' ? '' : ` (last error: ${last})`}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
