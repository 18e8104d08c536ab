/**
 * The Sentinel safety checker fails when it should: two sentinels announcing different masters for
 * one config epoch, and a sentinel's epoch going back, are reported (the scenarios' safety
 * assertions rest on it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SentinelSafety } from '../../src/sim/scenarios/sentinel-checker.js';
import { SentinelGroup } from '../../src/sim/scenarios/sentinel-group.js';

test('the safety checker reports two masters for one config epoch and an epoch going back', async () => {
  const g = await SentinelGroup.start({ seed: 11 });
  const safety = new SentinelSafety(g);
  await g.world.runFor(3000);
  safety.sample();
  assert.deepEqual(safety.violations, []);
  const s1 = g.sentinels[0]!;
  const s2 = g.sentinels[1]!;
  const m1 = s1.sentinel!.masters.get('mymaster')!;
  const m2 = s2.sentinel!.masters.get('mymaster')!;
  m1.configEpoch = m2.configEpoch = 7;
  s1.sentinel!.currentEpoch = s2.sentinel!.currentEpoch = 7;
  m2.host = g.group().nodes[1]!.ip;
  safety.sample();
  assert.equal(safety.violations.length, 1);
  assert.match(safety.violations[0]!, /mymaster@7: s2 says 10\.0\.0\.2:6379, s1 said 10\.0\.0\.1:6379/);
  s1.sentinel!.currentEpoch = 3;
  safety.sample();
  assert.match(safety.violations[1] ?? '', /s1: current epoch went back from 7 to 3/);
});
