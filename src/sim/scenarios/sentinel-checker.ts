/**
 * The safety checker of Sentinel scenarios and swarms, fed by every sentinel's events (the
 * simulator's recorder, SimNode.events) and by sampling their state:
 * - one leader per epoch: no two sentinels log `+elected-leader` for the same master and epoch
 *   (each sentinel votes once per epoch, so two winners would mean a broken vote);
 * - one master per epoch: every (master, config epoch) ever seen on any sentinel, as the address
 *   it announces (the promoted replica from `+promoted-slave` on), names one address only: two
 *   sentinels never report different masters for the same config epoch, before or after a
 *   restart;
 * - epochs never go backwards on a running sentinel, nor across its restarts (they are saved in
 *   its config file before they are acted on).
 * Violations are collected as text; the scenario fails with them and the seed.
 */
import type { SimNode } from '../node.js';
import type { SentinelGroup } from './sentinel-group.js';

export class SentinelSafety {
  readonly violations: string[] = [];
  /** (master, config epoch) -> announced address, with who saw it first. */
  private readonly byEpoch = new Map<string, { addr: string; who: string }>();
  /** (master, failover epoch) -> the sentinel elected in it. */
  private readonly leaders = new Map<string, string>();
  /** Highest current epoch each sentinel had (by name, across restarts). */
  private readonly epochs = new Map<string, number>();
  /** Promotions seen, one per (master, epoch). */
  readonly promotions: Array<{ master: string; epoch: number; addr: string; by: string; atMs: number }> = [];
  samples = 0;
  private readonly reported = new Set<string>();

  constructor(private readonly g: SentinelGroup) {
    // Leaders and promotions are read when their event happens (the failover state at that instant).
    for (const s of g.sentinels) s.eventListeners.push((e) => this.onEvent(s, e.type));
  }

  private violation(msg: string): void {
    if (this.reported.has(msg)) return;
    this.reported.add(msg);
    this.g.world.trace.add(`check FAIL ${msg}`);
    if (this.violations.length < 20) this.violations.push(`${this.g.world.nowMs().toFixed(3)}ms ${msg}`);
  }

  private onEvent(s: SimNode, type: string): void {
    const sen = s.sentinel;
    if (sen === null) return;
    if (type === '+elected-leader' || type === '+promoted-slave') {
      for (const m of sen.masters.values()) {
        if (!m.failoverInProgress) continue;
        const key = `${m.name}@${m.failoverEpoch}`;
        if (type === '+elected-leader') {
          if (m.failoverState !== 'wait_start') continue;
          const prev = this.leaders.get(key);
          if (prev !== undefined && prev !== s.name) this.violation(`two leaders for ${key}: ${prev} and ${s.name}`);
          this.leaders.set(key, s.name);
        } else if (m.failoverState === 'reconf_slaves' && m.promotedReplica !== null && m.configEpoch === m.failoverEpoch) {
          const addr = `${m.promotedReplica.host}:${m.promotedReplica.port}`;
          const prev = this.promotions.find((p) => p.master === m.name && p.epoch === m.failoverEpoch);
          if (prev === undefined) this.promotions.push({ master: m.name, epoch: m.failoverEpoch, addr, by: s.name, atMs: this.g.world.nowMs() });
          else if (prev.addr !== addr) this.violation(`two promotions in ${key}: ${prev.by} promoted ${prev.addr}, ${s.name} ${addr}`);
        }
      }
    }
    // The state is looked at once the event that is running has finished: an event can be emitted
    // in the middle of a transition (+config-update-from comes between the new config epoch and
    // the new address), which no other sentinel can observe.
    this.g.world.loop.after(0, null, () => this.sampleOne(s));
  }

  /** Looks at every running sentinel's state now. */
  sample(): void {
    this.samples++;
    for (const s of this.g.sentinels) this.sampleOne(s);
  }

  private sampleOne(s: SimNode): void {
    const sen = s.sentinel;
    if (sen === null || !s.isUp()) return;
    const prevEpoch = this.epochs.get(s.name) ?? 0;
    if (sen.currentEpoch < prevEpoch) this.violation(`${s.name}: current epoch went back from ${prevEpoch} to ${sen.currentEpoch}`);
    this.epochs.set(s.name, Math.max(prevEpoch, sen.currentEpoch));
    for (const m of sen.masters.values()) {
      const a = sen.currentMasterAddress(m);
      const addr = `${a.host}:${a.port}`;
      const key = `${m.name}@${m.configEpoch}`;
      const prev = this.byEpoch.get(key);
      if (prev === undefined) this.byEpoch.set(key, { addr, who: s.name });
      else if (prev.addr !== addr) this.violation(`${key}: ${s.name} says ${addr}, ${prev.who} said ${prev.addr}`);
    }
  }

  /** The epochs in which a master was promoted, per master name. */
  promotionsOf(master: string): Array<{ epoch: number; addr: string }> {
    return this.promotions.filter((p) => p.master === master).map((p) => ({ epoch: p.epoch, addr: p.addr }));
  }
}
