/**
 * Sentinel scenarios: a Sentinel-managed group (sentinel-group.ts) in the simulated world, one
 * fault each, explicit assertions, and the safety checker running throughout (sentinel-run.ts).
 * Each is a deterministic function of its seed (`npm run sim -- --scenario sentinel-kill-master
 * --seed N --trace` replays one):
 * - kill-master: 3 sentinels, 1 master, 2 replicas; `kill -9` the master: one promotion, the other
 *   replica follows, the old master restarted becomes a replica; config files rewritten;
 * - partition-sentinel: one sentinel cut off (quorum 1, so it does reach ODOWN alone): it tries and
 *   is never elected; nothing changes for the others; healed between two of its attempts, all
 *   agree on the old master;
 * - kill-leader: the elected leader dies during its failover (at a step chosen by the seed);
 *   another sentinel completes a failover in a later epoch after failover-timeout;
 * - priority-zero: a replica with `replica-priority 0` is never promoted, even when it is the only
 *   replica left (the failover aborts: no good replica);
 * - two-masters: the same sentinels monitor two masters; one fails, the other is untouched.
 * The partition of the master (split brain, lost writes) is in sentinel-partition.ts.
 */
import type { SimNode } from '../node.js';
import { DATA_PORT } from './sentinel-group.js';
import { SentinelRun, type SentinelScenarioResult } from './sentinel-run.js';

export interface SentinelScenarioOptions {
  seed: number;
}

const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 6000;

/** Time for a fresh group to discover itself and settle. */
const SETTLE_MS = 20_000;

export async function killMasterScenario(o: SentinelScenarioOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({ seed: o.seed, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS });
  const { g, world } = run;
  const [a1, a2, a3] = g.group().nodes as [SimNode, SimNode, SimNode];
  const m0 = await run.converge('start', SETTLE_MS);
  if (m0 === null) return run.finish(o.seed);
  run.check(m0 === a1, `initial master is ${m0.name}`);

  // A write every replica acknowledged (WAIT 2) before the kill must be on the new master.
  const set = await g.call(a1, 'SET', 'before-kill', 'v1');
  const waited = await g.call(a1, 'WAIT', '2', '2000');
  run.check(JSON.stringify(set) === '{"status":"OK"}' && waited === 2, `SET + WAIT 2 before the kill: ${JSON.stringify(set)} ${JSON.stringify(waited)}`);

  const killedAt = world.nowMs();
  a1.kill();
  const switched = await run.waitFor('failover after the kill', () => {
    const m = g.agreedMaster();
    return m !== null && m !== a1 && g.isMaster(m) && g.sentinels.every((s) => s.disk.peek('/data/sentinel.conf')?.toString().includes(`sentinel monitor mymaster ${m.ip} ${DATA_PORT} 2`) === true);
  }, 60_000);
  if (!switched) return run.finish(o.seed);
  const m1 = g.agreedMaster()!;
  run.metrics.failoverMs = Math.round(world.nowMs() - killedAt);
  run.check(m1 === a2 || m1 === a3, `new master ${m1.name}`);
  const other = m1 === a2 ? a3 : a2;
  await run.waitFor('the other replica follows the new master', () => g.replicatesFrom(other, m1), 30_000);
  const promotions = run.safety.promotionsOf('mymaster');
  run.check(promotions.length === 1, `one promotion, saw ${JSON.stringify(promotions)}`);
  run.check(run.eventsOf('+switch-master', `mymaster ${a1.ip} ${DATA_PORT} ${m1.ip} ${DATA_PORT}`).length === 3, 'every sentinel logged +switch-master');
  run.metrics.elections = run.eventsOf('+try-failover').length;
  run.check(JSON.stringify(await g.call(m1, 'GET', 'before-kill')) === '"v1"', 'the acknowledged write is on the new master');
  for (const s of g.sentinels) {
    const conf = s.disk.peek('/data/sentinel.conf')!.toString();
    run.check(/^sentinel config-epoch mymaster [1-9]\d*$/m.test(conf) && conf.includes(`sentinel known-replica mymaster ${a1.ip} ${DATA_PORT}`),
      `${s.name} rewrote its config: epoch and the old master as a known replica`);
  }
  // The promoted replica's redis.conf no longer says replicaof (SLAVEOF NO ONE + CONFIG REWRITE).
  run.check(!/^replicaof /m.test(m1.disk.peek('/data/redis.conf')!.toString()), `${m1.name}'s redis.conf was rewritten without replicaof`);

  // The old master comes back (with its old config: a master) and is turned into a replica.
  await a1.start();
  const back = await run.converge('old master rejoins', 60_000);
  run.check(back === m1 && g.replicatesFrom(a1, m1), `old master replicates from ${m1.name}`);
  run.check(run.eventsOf('+convert-to-slave', `${a1.ip}:${DATA_PORT}`).length >= 1, '+convert-to-slave for the old master');
  run.check(JSON.stringify(await g.call(a1, 'GET', 'before-kill')) === '"v1"', 'the old master has the data after its resync');
  return run.finish(o.seed);
}

export async function partitionSentinelScenario(o: SentinelScenarioOptions): Promise<SentinelScenarioResult> {
  // Quorum 1: the isolated sentinel reaches ODOWN on its own and tries; the majority rule must stop it.
  const run = await SentinelRun.start({ seed: o.seed, quorum: 1, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS });
  const { g, world } = run;
  const a1 = g.group().nodes[0]!;
  const [s1, s2, s3] = g.sentinels as [SimNode, SimNode, SimNode];
  if ((await run.converge('start', SETTLE_MS)) !== a1) return run.finish(o.seed);

  world.isolate(s1.name);
  await run.waitFor('the isolated sentinel tries a failover', () => s1.events.some((e) => e.type === '+try-failover'), 20_000);
  await world.runFor(3 * FAILOVER_TIMEOUT_MS);
  run.check(s1.events.some((e) => e.type === '-failover-abort-not-elected'), 'the isolated sentinel aborted: not elected');
  run.check(run.eventsOf('+elected-leader').length === 0, 'nobody was elected');
  for (const s of [s2, s3]) {
    run.check(!s.events.some((e) => ['+sdown', '+odown', '+try-failover'].includes(e.type) && e.text.startsWith('master')), `${s.name} saw the master fine`);
  }
  run.check(g.agreedMaster('mymaster', [s2, s3]) === a1 && g.isMaster(a1), 'the majority still has the master');
  run.metrics.isolatedEpoch = s1.sentinel?.currentEpoch ?? -1;

  // Heal right after one of its attempts ended. Healed during an attempt, the isolated sentinel
  // can still win that attempt's election: it asks for votes while its stale ODOWN lasts (until
  // its first PING reply), and the others vote for any first request of a new epoch whatever
  // they think of the master. Redis's sentinels do the same (sentinelVoteLeader); with quorum 1
  // that failover is legitimate, and not what this scenario is about.
  const aborts = (): number => s1.events.filter((e) => e.type === '-failover-abort-not-elected').length;
  const abortsBefore = aborts();
  await run.waitFor('an attempt of the isolated sentinel to end', () => aborts() > abortsBefore, 3 * FAILOVER_TIMEOUT_MS);
  world.heal();
  const m = await run.converge('after the heal', 30_000);
  run.check(m === a1, `all sentinels agree on the old master (${m?.name ?? 'none'})`);
  run.check(s1.sentinel !== null && !s1.sentinel.masters.get('mymaster')!.failoverInProgress, 'no failover in progress');
  run.check(run.safety.promotions.length === 0, 'no promotion ever');
  return run.finish(o.seed);
}

/** Where the leader dies: right after its election, after SLAVEOF NO ONE was sent, or after the promotion. */
const LEADER_KILL_POINTS = ['+elected-leader', '+failover-state-wait-promotion', '+promoted-slave'] as const;

export async function killLeaderScenario(o: SentinelScenarioOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({ seed: o.seed, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS });
  const { g, world } = run;
  const a1 = g.group().nodes[0]!;
  if ((await run.converge('start', SETTLE_MS)) !== a1) return run.finish(o.seed);
  const killPoint = LEADER_KILL_POINTS[o.seed % LEADER_KILL_POINTS.length]!;
  run.metrics.killPoint = o.seed % LEADER_KILL_POINTS.length;
  const state: { leader: SimNode | null; epoch: number; atMs: number } = { leader: null, epoch: 0, atMs: 0 };
  for (const s of g.sentinels) {
    s.eventListeners.push((e) => {
      if (state.leader !== null || e.type !== killPoint) return;
      state.leader = s;
      state.epoch = s.sentinel?.masters.get('mymaster')?.failoverEpoch ?? 0;
      state.atMs = world.nowMs();
      // After the event that is running now: the kill is a separate instant.
      world.loop.after(0, null, () => s.kill());
    });
  }
  a1.kill();
  if (!(await run.waitFor(`a leader reaching ${killPoint}`, () => state.leader !== null, 60_000))) return run.finish(o.seed);
  const dead = state.leader!;
  const others = g.sentinels.filter((s) => s !== dead);
  const done = await run.waitFor('another sentinel completes the failover', () => {
    const m = g.agreedMaster('mymaster', others);
    return m !== null && m !== a1 && g.isMaster(m) && g.group().nodes.every((n) => n === m || !n.isUp() || g.replicatesFrom(n, m));
  }, 2 * FAILOVER_TIMEOUT_MS + 40_000);
  if (!done) return run.finish(o.seed);
  run.metrics.recoveryMs = Math.round(world.nowMs() - state.atMs);
  const later = run.safety.promotionsOf('mymaster').filter((p) => p.epoch > state.epoch);
  const finisher = run.eventsOf('+elected-leader').filter((e) => e.sentinel !== dead.name);
  run.check(finisher.length >= 1, 'a surviving sentinel was elected');
  run.check(killPoint === '+promoted-slave' || later.length >= 1, `a promotion in an epoch after ${state.epoch}: ${JSON.stringify(run.safety.promotions)}`);
  run.check(killPoint !== '+elected-leader' || world.nowMs() - state.atMs >= FAILOVER_TIMEOUT_MS,
    'the survivors waited for the failover-timeout before their own attempt');
  // The dead leader comes back with what its config file says, and joins the agreement.
  await dead.start();
  const m = await run.converge('the dead leader restarted', 60_000);
  run.check(m !== null && m !== a1, `converged on a new master (${m?.name ?? 'none'})`);
  await a1.start();
  run.check((await run.converge('the old master restarted', 60_000)) === m, 'the old master joins the new one');
  return run.finish(o.seed);
}

export async function priorityZeroScenario(o: SentinelScenarioOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({
    seed: o.seed, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS,
    dataLines: (_m, i) => (i === 1 ? ['replica-priority 0'] : []),
  });
  const { g, world } = run;
  const [a1, a2, a3] = g.group().nodes as [SimNode, SimNode, SimNode];
  if ((await run.converge('start', SETTLE_MS)) !== a1) return run.finish(o.seed);

  a1.kill();
  const m1 = await run.converge('first failover', 60_000);
  run.check(m1 === a3, `the replica with priority 100 was promoted (got ${m1?.name ?? 'none'})`);
  // Now the only replica left has priority 0: no failover may promote it.
  a3.kill();
  await run.waitFor('the failover gives up: no good replica', () => run.eventsOf('-failover-abort-no-good-slave').length > 0, 60_000);
  await world.runFor(3 * FAILOVER_TIMEOUT_MS);
  run.check(!g.isMaster(a2), 'the priority-0 replica is still a replica');
  run.check(run.eventsOf('+selected-slave', `${a2.ip}:${DATA_PORT}`).length === 0, 'never selected');
  // The promoted replica comes back (its redis.conf says master now) and is the master again;
  // then the first master comes back and is turned into its replica.
  await a3.start();
  run.check((await run.converge('a3 restarted', 60_000)) === a3, 'the sentinels keep the promoted replica');
  await a1.start();
  const m2 = await run.converge('a1 restarted', 60_000);
  run.check(m2 === a3 && g.replicatesFrom(a1, a3), `a1 follows a3 (${m2?.name ?? 'none'})`);
  run.check(run.safety.promotions.every((p) => p.addr !== `${a2.ip}:${DATA_PORT}`), 'no promotion of the priority-0 replica');
  return run.finish(o.seed);
}

export async function twoMastersScenario(o: SentinelScenarioOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({ seed: o.seed, masters: ['mymaster', 'other'], downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS });
  const { g } = run;
  const a1 = g.group('mymaster').nodes[0]!;
  const b1 = g.group('other').nodes[0]!;
  if ((await run.converge('start mymaster', SETTLE_MS, 'mymaster')) !== a1) return run.finish(o.seed);
  if ((await run.converge('start other', SETTLE_MS, 'other')) !== b1) return run.finish(o.seed);

  b1.kill();
  const nb = await run.converge('other fails over', 60_000, 'other');
  run.check(nb !== null && nb !== b1, `other moved to ${nb?.name ?? 'none'}`);
  run.check(g.converged('mymaster') === a1, 'mymaster untouched');
  const touched = [...g.events('+sdown'), ...g.events('+odown'), ...g.events('+try-failover'), ...g.events('+switch-master')]
    .filter((e) => e.text.includes('mymaster'));
  run.check(touched.length === 0, `no mymaster events: ${JSON.stringify(touched.slice(0, 3))}`);
  run.check(g.sentinels.every((s) => g.view(s, 'mymaster')?.configEpoch === 0), 'mymaster config epoch still 0');
  run.check(run.safety.promotionsOf('mymaster').length === 0 && run.safety.promotionsOf('other').length === 1, 'one promotion, for other');
  await b1.start();
  run.check((await run.converge('b1 rejoins', 60_000, 'other')) === nb, 'b1 replicates from the new master of other');
  return run.finish(o.seed);
}
