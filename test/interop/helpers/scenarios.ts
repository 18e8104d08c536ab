/**
 * Multi-connection scenarios played on both servers (acl.test.ts, tracking.test.ts): a scenario is
 * a list of steps, each naming the connection it runs on (opened on first use) and its command.
 * Each suite's own `play` runs the steps on one server and returns one observation per step;
 * Garrison's must equal redis-server's, step by step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SideBySide } from './side-by-side.js';

/** A step: the connection's name and the command. */
export type Step = [conn: string, ...argv: string[]];

/** One test per scenario, inside the caller's `describe`. */
export function scenarioTests(
  servers: SideBySide, scenarios: Readonly<Record<string, readonly Step[]>>,
  play: (port: number, steps: readonly Step[]) => Promise<string[]>,
): void {
  for (const [name, steps] of Object.entries(scenarios)) {
    test(name, async () => {
      const r = await play(servers.redis.port, steps);
      const g = await play(servers.garrison.port, steps);
      for (let i = 0; i < r.length; i++) assert.equal(g[i], r[i], `step ${i + 1} of ${name}`);
    });
  }
}
