/**
 * Sentinel with authentication and a manual failover: every data node has `requirepass` and
 * `masterauth`, the sentinels `sentinel auth-pass`. Killing the master fails over as without
 * passwords (the sentinels' links authenticate, SLAVEOF + CONFIG REWRITE go through); the old
 * master rejoins; then `SENTINEL FAILOVER mymaster` on one sentinel moves the master again with
 * no failure at all (forced failover: no ODOWN, no election), and the others follow its config.
 */
import { SentinelRun, type SentinelScenarioResult } from './sentinel-run.js';

const PASS = 's3cret';

export async function authAndManualFailoverScenario(o: { seed: number }): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({
    seed: o.seed, downAfterMs: 1000, failoverTimeoutMs: 6000,
    dataLines: () => [`requirepass ${PASS}`, `masterauth ${PASS}`],
    sentinelLines: [`sentinel auth-pass mymaster ${PASS}`],
  });
  const { g } = run;
  const a1 = g.group().nodes[0]!;
  if ((await run.converge('start', 20_000)) !== a1) return run.finish(o.seed);
  const noAuth = await g.call(a1, 'GET', 'k');
  run.check(JSON.stringify(noAuth) === '{"error":"NOAUTH Authentication required."}', `the data nodes require a password: ${JSON.stringify(noAuth)}`);

  a1.kill();
  const m1 = await run.converge('failover with passwords', 60_000);
  if (m1 === null) return run.finish(o.seed);
  run.check(m1 !== a1, `a replica was promoted (${m1.name})`);
  await a1.start();
  run.check((await run.converge('the old master rejoins', 60_000)) === m1, 'the old master replicates from the new one');

  const promotionsBefore = run.safety.promotions.length;
  const askedAtMs = g.world.nowMs();
  const reply = await g.call(g.sentinels[0]!, 'SENTINEL', 'FAILOVER', 'mymaster');
  run.check(JSON.stringify(reply) === '{"status":"OK"}', `SENTINEL FAILOVER: ${JSON.stringify(reply)}`);
  const moved = await run.waitFor('the manual failover completes', () => {
    const c = g.converged();
    return c !== null && c !== m1;
  }, 60_000);
  if (moved) {
    // Event times are the sentinels' wall clocks: compare with the world's epoch added.
    const since = (e: { atMs: number }): boolean => e.atMs - g.world.epochMs >= askedAtMs;
    run.check(run.safety.promotions.length === promotionsBefore + 1, 'one more promotion');
    run.check(g.events('+odown').filter(since).length === 0 && g.events('+sdown').filter((e) => since(e) && e.text.startsWith('master')).length === 0,
      'no SDOWN or ODOWN of the master for the manual failover');
    const leaders = g.events('+elected-leader').filter(since);
    run.check(leaders.length === 1 && leaders[0]!.sentinel === 's1', `s1 alone led it: ${JSON.stringify(leaders)}`);
  }
  return run.finish(o.seed);
}
