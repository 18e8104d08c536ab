/** Records what a server propagates (replication/AOF stream) and the keyspace events it raises. */
import type { RunningServer } from '../../src/index.js';
import type { RespClient } from './resp-client.js';

export interface Recorder {
  props: string[][];
  events: string[];
}

/**
 * `keymiss`: also record keymiss events (class m), which every read of a missing key raises; the
 * tests about what commands write leave them out.
 */
export function record(s: RunningServer, opts: { keymiss?: boolean } = {}): Recorder {
  const r: Recorder = { props: [], events: [] };
  s.server.propagationSinks.push({ propagate: (_db, argv) => { r.props.push([...argv]); } });
  const hooks = s.server.ks.hooks;
  const original = hooks.notify.bind(hooks);
  hooks.notify = (type, event, db, key) => {
    if (type !== 'm' || opts.keymiss === true) r.events.push(`${type}:${event}:${key}`);
    original(type, event, db, key);
  };
  return r;
}

/** Runs one command and returns what it propagated and notified. */
export async function drain(r: Recorder, c: RespClient, ...cmd: string[]): Promise<{ props: string[][]; events: string[] }> {
  r.props.length = 0;
  r.events.length = 0;
  await c.call(...cmd);
  return { props: r.props.map((p) => [...p]), events: [...r.events] };
}
