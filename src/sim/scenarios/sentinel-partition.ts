/**
 * Split brain, measured: the master is cut off from its replicas and every sentinel while a client
 * on its side keeps writing (`SET w:<i> <i>`, then `WAIT 1 100`). The majority fails over; after
 * the heal the old master is demoted and resyncs from the new one, discarding what it accepted
 * alone. Every acknowledged write (the client got OK) is then looked up on the final master:
 * - without `min-replicas-to-write`, the writes the old master acknowledged during the partition
 *   are lost (asserted: some are, and only those);
 * - with `min-replicas-to-write 1` and `min-replicas-max-lag 1`, the old master refuses writes with
 *   NOREPLICAS once its replicas' last ACK is older than the lag (asserted: it does, within the
 *   lag plus the ACK and cron periods, and acknowledges nothing after that until the heal); the
 *   writes it acknowledged before it noticed are still lost, as on Redis (measured, not hidden);
 * - in both modes a write confirmed by WAIT (one replica had it) is never lost (asserted).
 */
import { isError, showReply } from '../resp.js';
import { SentinelRun, type SentinelScenarioResult } from './sentinel-run.js';

export interface PartitionOptions {
  seed: number;
  minReplicas: boolean;
}

const MAX_LAG_S = 1;
const WRITE_GAP_MS = 10;

interface Write {
  i: number;
  ackedAtMs: number;
  confirmed: boolean;
}

export async function partitionMasterScenario(o: PartitionOptions): Promise<SentinelScenarioResult> {
  const run = await SentinelRun.start({
    seed: o.seed, downAfterMs: 1000, failoverTimeoutMs: 6000,
    dataLines: () => (o.minReplicas ? ['min-replicas-to-write 1', `min-replicas-max-lag ${MAX_LAG_S}`] : []),
  });
  const { g, world } = run;
  const a1 = g.group().nodes[0]!;
  if ((await run.converge('start', 20_000)) !== a1) return run.finish(o.seed);

  // The writer: one SET then one WAIT at a time, on a client host that stays on the old master's side.
  const writes: Write[] = [];
  const w = { next: 0, stopped: false, busy: false, refused: 0, firstRefusalMs: -1, otherErrors: 0, ackedAfterRefusal: 0 };
  const client = world.client(a1, { name: 'writer' });
  const writeOne = (): void => {
    if (w.stopped || client.state === 'closed') return;
    const i = w.next++;
    w.busy = true;
    client.send(['SET', `w:${i}`, String(i)], (r) => {
      if (r !== null && !isError(r)) {
        const rec: Write = { i, ackedAtMs: world.nowMs(), confirmed: false };
        writes.push(rec);
        if (w.firstRefusalMs >= 0) w.ackedAfterRefusal++;
        client.send(['WAIT', '1', '100'], (n) => {
          rec.confirmed = typeof n === 'number' && n >= 1;
          w.busy = false;
          world.loop.after(WRITE_GAP_MS * 1000, null, writeOne);
        });
        return;
      }
      if (r !== null && isError(r) && r.error.startsWith('NOREPLICAS ')) {
        w.refused++;
        if (w.firstRefusalMs < 0) w.firstRefusalMs = world.nowMs();
      } else {
        w.otherErrors++;
        run.fail(`writer: SET w:${i} got ${r === null ? 'a lost link' : showReply(r)}`);
      }
      w.busy = false;
      world.loop.after(WRITE_GAP_MS * 1000, null, writeOne);
    });
  };
  writeOne();
  await world.runFor(2000);
  run.check(writes.length > 50 && w.refused === 0, `writes before the partition: ${writes.length} acked, ${w.refused} refused`);

  const partitionedAt = world.nowMs();
  for (const n of [...g.group().nodes.slice(1), ...g.sentinels]) world.partition(a1.name, n.name);
  const switched = await run.waitFor('failover on the majority side', () => {
    const m = g.agreedMaster();
    return m !== null && m !== a1 && g.isMaster(m);
  }, 30_000);
  if (!switched) return run.finish(o.seed);
  run.metrics.failoverMs = Math.round(world.nowMs() - partitionedAt);
  await world.runFor(3000);
  w.stopped = true;
  await run.waitFor('the writer stops', () => !w.busy, 5000);
  const healedAt = world.nowMs();
  world.heal();
  const m = await run.converge('the old master is demoted after the heal', 60_000);
  if (m === null) return run.finish(o.seed);
  run.check(g.replicatesFrom(a1, m), 'the old master replicates from the new one');
  run.metrics.demoteMs = Math.round(world.nowMs() - healedAt);
  client.close();

  // Which acknowledged writes survived, on the final master.
  const present = new Set<number>();
  for (let k = 0; k < writes.length; k += 500) {
    const batch = writes.slice(k, k + 500);
    const r = await g.call(m, 'MGET', ...batch.map((x) => `w:${x.i}`));
    if (!run.check(Array.isArray(r) && r.length === batch.length, `MGET: ${showReply(r).slice(0, 80)}`)) return run.finish(o.seed);
    batch.forEach((x, j) => { if ((r as unknown[])[j] === String(x.i)) present.add(x.i); });
  }
  const lost = writes.filter((x) => !present.has(x.i));
  const inPartition = writes.filter((x) => x.ackedAtMs >= partitionedAt);
  Object.assign(run.metrics, {
    acked: writes.length, ackedDuringPartition: inPartition.length, lostAcked: lost.length,
    confirmed: writes.filter((x) => x.confirmed).length, lostConfirmed: lost.filter((x) => x.confirmed).length,
    refused: w.refused, refusedAfterMs: w.firstRefusalMs < 0 ? -1 : Math.round(w.firstRefusalMs - partitionedAt),
  });
  run.check(lost.every((x) => !x.confirmed), `a write confirmed by WAIT was lost: ${lost.filter((x) => x.confirmed).map((x) => x.i).slice(0, 5).join(',')}`);
  // Replication is asynchronous: a write acknowledged a moment before the cut may not have left yet.
  run.check(lost.every((x) => x.ackedAtMs >= partitionedAt - 50), 'only writes acknowledged during the partition are lost');
  if (!o.minReplicas) {
    run.check(w.refused === 0, 'no NOREPLICAS without min-replicas-to-write');
    run.check(lost.length > 0 && lost.length >= inPartition.length - 1, `the old master's writes in the partition are discarded: ${lost.length} of ${inPartition.length}`);
  } else {
    const boundMs = (MAX_LAG_S + 2) * 1000 + 500;
    run.check(w.firstRefusalMs >= 0 && w.firstRefusalMs - partitionedAt <= boundMs, `NOREPLICAS within ${boundMs}ms of the cut (${run.metrics.refusedAfterMs}ms)`);
    run.check(w.ackedAfterRefusal === 0, `${w.ackedAfterRefusal} writes acknowledged after the first NOREPLICAS while partitioned`);
    run.check(lost.every((x) => x.ackedAtMs <= w.firstRefusalMs), 'every lost write was acknowledged before the master noticed');
  }
  return run.finish(o.seed);
}
