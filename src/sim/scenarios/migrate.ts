/**
 * The MIGRATE scenario: movers on a source node write versions of their own keys and MIGRATE
 * them to a target node (random timeouts, COPY and REPLACE sometimes), while the network between
 * the two partitions, resets and delays, the target pauses (its replies stop until the timeout)
 * and crashes with restart (its data is gone). Bystanders on the source keep incrementing a
 * counter, so the source's hold (every other client waits while MIGRATE waits) must always end.
 *
 * What must hold, per reply (each mover sends one command at a time on its own connection):
 * - the source: MIGRATE answers OK (the key is gone unless COPY), NOKEY exactly when the key is
 *   absent, the target's BUSYKEY only without REPLACE, IOERR otherwise (the key stays); then a
 *   GET on the source gives exactly what the model says;
 * - the target: a GET there after an OK gives the migrated version, or a version an earlier,
 *   failed MIGRATE may still deliver (Redis's MIGRATE is at-least-once across timeouts: a RESTORE
 *   the target had not run yet can run after the source gave up; and after a lost reply MIGRATE
 *   dials again, so a BUSYKEY can answer a RESTORE whose first copy was stored); a value never
 *   sent is a failure;
 * - liveness: every command is answered once the faults stop, and the bystanders' counter ends
 *   at the number of increments acknowledged (none lost, none applied twice).
 */
import { SeededRandom } from '../../lib/prng.js';
import type { SimClient } from '../client.js';
import type { SimNode } from '../node.js';
import { isError, showReply, type SimReply } from '../resp.js';
import { World } from '../world.js';
import { failureRecorder } from './failures.js';
import type { ScenarioResult } from './kv.js';

export interface MigrateOptions {
  seed: number;
  movers?: number;
  durationMs?: number;
  faults?: boolean;
}

const COUNTER = 'bystander:counter';

interface KeyModel {
  /** The value on the source (undefined: absent). */
  source: string | undefined;
  /** Values the target may hold or come to hold (null: absent), see the file comment. */
  target: Set<string | null>;
  /** Values sent by a MIGRATE that failed: they may still arrive. */
  late: Set<string>;
}

class Mover {
  source: SimClient | null = null;
  target: SimClient | null = null;
  busy = false;
  version = 0;
  readonly keys = new Map<string, KeyModel>();

  constructor(readonly id: string) {
    for (let i = 0; i < 3; i++) this.keys.set(`${id}:k${i}`, { source: undefined, target: new Set([null]), late: new Set() });
  }
}

export async function migrateScenario(opts: MigrateOptions): Promise<ScenarioResult> {
  const world = new World({ seed: opts.seed });
  const rng = new SeededRandom(world.deriveSeed());
  const duration = opts.durationMs ?? 3000;
  const { failures, fail } = failureRecorder(world);
  let checked = 0;

  const src = await world.addNode(['--save', '']);
  const dst = await world.addNode(['--save', '']);
  let dstIncarnation = dst.incarnation;
  const movers = Array.from({ length: opts.movers ?? 3 }, (_, i) => new Mover(`m${i}`));

  /** The target restarted: its data is gone (values already on their way may still arrive). */
  const syncTarget = (): void => {
    if (dstIncarnation === dst.incarnation) return;
    dstIncarnation = dst.incarnation;
    for (const m of movers) for (const k of m.keys.values()) k.target = new Set([null]);
  };

  const call = (c: SimClient, args: string[]): Promise<SimReply | Error> =>
    new Promise((resolve) => c.send(args, (r, err) => resolve(err ?? r)));

  const open = (node: SimNode, name: string, current: SimClient | null): SimClient =>
    current !== null && current.state !== 'closed' ? current : world.client(node, { name: `${name}.${world.loop.executed}` });

  /** One round of a mover: SET a new version (sometimes), MIGRATE, read both sides back. */
  const round = async (m: Mover): Promise<void> => {
    m.source = open(src, `${m.id}-src`, m.source);
    m.target = open(dst, `${m.id}-dst`, m.target);
    if (m.source.state !== 'open') return;
    const key = [...m.keys.keys()][rng.int(m.keys.size)]!;
    const k = m.keys.get(key)!;
    if (rng.int(3) !== 0) {
      const v = `${m.id}-v${++m.version}`;
      const r = await call(m.source, ['SET', key, v]);
      if (r instanceof Error) return; // the source is never faulted: only a closing world gets here
      checked++;
      if (showReply(r) !== showReply({ status: 'OK' })) fail(`${m.id} SET ${key}: ${showReply(r)}`);
      k.source = v;
    }
    const copy = rng.int(5) === 0;
    const replace = rng.int(3) !== 0;
    const timeout = String(20 + rng.int(300));
    const { host, port } = dst.address;
    const args = ['MIGRATE', host, String(port), key, '0', timeout, ...(copy ? ['COPY'] : []), ...(replace ? ['REPLACE'] : [])];
    const sent = k.source;
    const r = await call(m.source, args);
    if (r instanceof Error) return;
    checked++;
    syncTarget();
    const text = r !== null && isError(r) ? r.error : null;
    world.trace.add(`migrate outcome ${text === null ? showReply(r) : text.slice(0, 40)} (${key} ${sent ?? "absent"})`);
    if (sent === undefined) {
      if (showReply(r) !== showReply({ status: 'NOKEY' })) fail(`${m.id} ${args.join(' ')} on a missing key: ${showReply(r)}`);
    } else if (text === null) {
      if (showReply(r) !== showReply({ status: 'OK' })) fail(`${m.id} ${args.join(' ')}: ${showReply(r)}`);
      k.target = new Set([sent, ...k.late]);
      if (!copy) k.source = undefined;
    } else if (text.startsWith('ERR Target instance replied with error: BUSYKEY')) {
      if (replace) fail(`${m.id} ${args.join(' ')}: BUSYKEY despite REPLACE`);
      // The key may be there from a first attempt whose reply was lost: MIGRATE then dials again
      // and its second RESTORE finds the key (Redis does the same).
      k.late.add(sent);
      k.target.add(sent);
    } else if (/^IOERR error or timeout (connecting to the client|writing to target instance|reading to target instance)$/.test(text)) {
      k.late.add(sent);
      k.target.add(sent);
    } else if (!text.startsWith('LOADING')) {
      fail(`${m.id} ${args.join(' ')}: ${text}`);
    }
    const back = await call(m.source, ['GET', key]);
    if (back instanceof Error) return;
    checked++;
    if ((back ?? undefined) !== k.source) fail(`${m.id} GET ${key} on the source after ${showReply(r)}: ${showReply(back)}, model ${showReply(k.source ?? null)}`);
    if (m.target.state !== 'open') return;
    const there = await call(m.target, ['GET', key]);
    if (there instanceof Error) return;
    syncTarget();
    checked++;
    if (there !== null && typeof there !== 'string') {
      if (!isError(there) || !/^LOADING/.test(there.error)) fail(`${m.id} GET ${key} on the target: ${showReply(there)}`);
      return;
    }
    if (!k.target.has(there)) fail(`${m.id} GET ${key} on the target: ${showReply(there)}, possible ${[...k.target].map((v) => showReply(v)).join(' ')}`);
  };

  const state = { running: true };
  const loop = (m: Mover): void => {
    if (!state.running || m.busy) return;
    m.busy = true;
    void round(m).finally(() => {
      m.busy = false;
      world.loop.after(500 + rng.int(5000), null, () => loop(m));
    });
  };
  for (const m of movers) world.loop.after(rng.int(5000), null, () => loop(m));

  // Bystanders: increments on the source, pipelined, on connections that are never faulted.
  let acked = 0;
  let lost = 0;
  const bystanders = [0, 1].map((i) => world.client(src, { name: `bystander${i}` }));
  const increment = (c: SimClient): void => {
    if (!state.running) return;
    c.send(['INCR', COUNTER], (r, err) => {
      if (err !== null) {
        lost++;
        return;
      }
      checked++;
      if (typeof r !== 'number') fail(`INCR ${COUNTER}: ${showReply(r)}`);
      else acked++;
    });
    world.loop.after(200 + rng.int(3000), null, () => increment(c));
  };
  for (const c of bystanders) world.loop.after(rng.int(2000), null, () => increment(c));

  if (opts.faults ?? true) {
    const at = (ms: number, fn: () => void): void => { world.loop.after(Math.round(ms * 1000), null, fn); };
    for (let i = 0; i < 4; i++) at(rng.float() * duration, () => dst.pause(10 + rng.int(400)));
    for (let i = 0; i < 3; i++) {
      at(rng.float() * duration, () => {
        world.partition(src.name, dst.name);
        at(20 + rng.int(400), () => world.heal(src.name, dst.name));
      });
    }
    for (let i = 0; i < 3; i++) at(rng.float() * duration, () => { world.resetConnections(src.name, dst.name); });
    at(rng.float() * duration, () => world.setLatency(src.name, dst.name, 1, 40));
    at(duration * (0.3 + 0.4 * rng.float()), () => {
      dst.crash();
      at(50 + rng.int(400), () => { void dst.restart(); });
    });
  }

  await world.runFor(duration);
  state.running = false;
  world.heal();
  const quiet = await world.runUntil(() => movers.every((m) => !m.busy) && bystanders.every((c) => c.inFlight() === 0), 20_000);
  if (!quiet) fail('commands still unanswered 20 s after the faults stopped (a hold that never ended?)');

  // Final read-back through fresh connections.
  const s = world.client(src, { name: 'check-src' });
  const counter = await world.settle(call(s, ['GET', COUNTER]), 10_000);
  const n = typeof counter === 'string' ? Number(counter) : 0;
  if (lost === 0 && n !== acked) fail(`${COUNTER} = ${showReply(counter instanceof Error ? { error: counter.message } : counter)}, ${acked} increments acknowledged`);
  const t = world.client(dst, { name: 'check-dst' });
  syncTarget();
  for (const m of movers) {
    for (const [key, k] of m.keys) {
      const a = await world.settle(call(s, ['GET', key]), 10_000);
      const b = await world.settle(call(t, ['GET', key]), 10_000);
      checked += 2;
      if (a instanceof Error || (a ?? undefined) !== k.source) fail(`final GET ${key} on the source: ${showReply(a instanceof Error ? { error: a.message } : a)}, model ${showReply(k.source ?? null)}`);
      if (b instanceof Error || (b !== null && typeof b !== 'string') || !k.target.has(b)) {
        fail(`final GET ${key} on the target: ${showReply(b instanceof Error ? { error: b.message } : b)}, possible ${[...k.target].map((v) => showReply(v)).join(' ')}`);
      }
    }
  }
  s.close();
  t.close();
  for (const c of bystanders) c.close();
  for (const m of movers) {
    m.source?.close();
    m.target?.close();
  }
  return { seed: opts.seed, ok: failures.length === 0, failures, world, checked };
}
