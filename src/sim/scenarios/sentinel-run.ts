/**
 * What every Sentinel scenario shares: starting the group with its safety checker sampling every
 * 100 ms of virtual time, recording checks and failures (a failure goes to the trace too), waiting
 * for conditions with a deadline, and the result (with named measurements) the CLI and tests
 * print.
 */
import type { SimNode } from '../node.js';
import type { ScenarioResult } from './kv.js';
import { SentinelSafety } from './sentinel-checker.js';
import { SentinelGroup, type GroupSpec } from './sentinel-group.js';

export interface SentinelScenarioResult extends ScenarioResult {
  /** Named measurements (ms, counts), printed by the CLI and kept by tests. */
  metrics: Record<string, number>;
}

export class SentinelRun {
  readonly failures: string[] = [];
  readonly metrics: Record<string, number> = {};
  checked = 0;
  private stopped = false;

  private constructor(readonly g: SentinelGroup, readonly safety: SentinelSafety) {}

  static async start(spec: GroupSpec): Promise<SentinelRun> {
    const g = await SentinelGroup.start(spec);
    const run = new SentinelRun(g, new SentinelSafety(g));
    const w = g.world;
    const tick = (): void => {
      if (run.stopped) return;
      run.safety.sample();
      w.loop.after(100_000, null, tick);
    };
    w.loop.after(0, null, tick);
    return run;
  }

  get world(): SentinelGroup['world'] {
    return this.g.world;
  }

  fail(msg: string): void {
    this.world.trace.add(`check FAIL ${msg}`);
    if (this.failures.length < 20) this.failures.push(`${this.world.nowMs().toFixed(3)}ms ${msg}`);
  }

  check(ok: boolean, msg: string): boolean {
    this.checked++;
    if (!ok) this.fail(msg);
    return ok;
  }

  /** Runs until `pred` holds; a failure named `what` after `timeoutMs` of virtual time. */
  async waitFor(what: string, pred: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.check(await this.world.runUntil(pred, timeoutMs), `${what}: not within ${timeoutMs}ms`);
  }

  /** Waits for the group of `master` to converge; the master it converged on, or null (a failure). */
  async converge(what: string, timeoutMs: number, master?: string): Promise<SimNode | null> {
    const m = await this.g.waitConverged(timeoutMs, master);
    this.check(m !== null, `${what}: the group did not converge within ${timeoutMs}ms`);
    return m;
  }

  /** Sentinel events of a type whose text includes `needle`. */
  eventsOf(type: string, needle = ''): Array<{ sentinel: string; text: string; atMs: number }> {
    return this.g.events(type).filter((e) => e.text.includes(needle));
  }

  finish(seed: number): SentinelScenarioResult {
    this.stopped = true;
    this.safety.sample();
    for (const v of this.safety.violations) this.failures.push(`safety: ${v}`);
    this.checked += this.safety.samples;
    return { seed, ok: this.failures.length === 0, failures: this.failures, world: this.world, checked: this.checked, metrics: this.metrics };
  }
}
