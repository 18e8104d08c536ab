import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSubjectivelyDown, objectiveDown, tiltTriggered, unresponsiveMs, type SdownFacts } from './down.js';
import { electedLeader, mostVoted, voteLeader } from './election.js';
import { compareForPromotion, isReplicaEligible, selectReplica, type ReplicaFacts } from './select-replica.js';

const base: SdownFacts = {
  nowMs: 100_000, downAfterMs: 5_000, actPingTimeMs: 0, disconnected: false, lastAvailTimeMs: 100_000,
  isMaster: true, reportsReplica: false, roleReportedTimeMs: 0, masterReboot: false, masterRebootSinceMs: 0, masterRebootDownAfterMs: 0,
};

test('SDOWN: counted from the oldest unanswered PING, or from last availability when disconnected', () => {
  assert.equal(isSubjectivelyDown(base), false);
  assert.equal(isSubjectivelyDown({ ...base, actPingTimeMs: 95_000 }), false, 'exactly down-after is not yet down');
  assert.equal(isSubjectivelyDown({ ...base, actPingTimeMs: 94_999 }), true);
  assert.equal(isSubjectivelyDown({ ...base, disconnected: true, lastAvailTimeMs: 94_000 }), true);
  assert.equal(unresponsiveMs({ nowMs: 10, actPingTimeMs: 4, disconnected: true, lastAvailTimeMs: 0 }), 6, 'a pending PING wins over the link state');
  assert.equal(isSubjectivelyDown({ ...base, disconnected: true, lastAvailTimeMs: 96_000 }), false);
});

test('SDOWN: a master reporting role slave for down-after + 2 INFO periods', () => {
  const f = { ...base, reportsReplica: true, roleReportedTimeMs: 100_000 - 25_000 };
  assert.equal(isSubjectivelyDown(f), false);
  assert.equal(isSubjectivelyDown({ ...f, roleReportedTimeMs: 100_000 - 25_001 }), true);
  assert.equal(isSubjectivelyDown({ ...f, isMaster: false, roleReportedTimeMs: 0 }), false, 'replicas are expected to be replicas');
});

test('SDOWN: a rebooted master within master-reboot-down-after-period', () => {
  assert.equal(isSubjectivelyDown({ ...base, masterReboot: true, masterRebootSinceMs: 99_000, masterRebootDownAfterMs: 2_000 }), false);
  assert.equal(isSubjectivelyDown({ ...base, masterReboot: true, masterRebootSinceMs: 97_000, masterRebootDownAfterMs: 2_000 }), true);
});

test('ODOWN needs SDOWN and own vote plus others reaching the quorum', () => {
  assert.deepEqual(objectiveDown(false, 5, 2), { odown: false, votes: 0 });
  assert.deepEqual(objectiveDown(true, 0, 2), { odown: false, votes: 1 });
  assert.deepEqual(objectiveDown(true, 1, 2), { odown: true, votes: 2 });
  assert.deepEqual(objectiveDown(true, 0, 1), { odown: true, votes: 1 });
});

test('TILT when the timer goes backwards or stalls beyond the trigger', () => {
  assert.equal(tiltTriggered(1000, 1100, 2000), false);
  assert.equal(tiltTriggered(1000, 3000, 2000), false);
  assert.equal(tiltTriggered(1000, 3001, 2000), true);
  assert.equal(tiltTriggered(1000, 999, 2000), true);
});

test('vote: one vote per epoch, first asker wins; newer epochs move the current epoch', () => {
  let s = { currentEpoch: 3, leader: null as string | null, leaderEpoch: 0 };
  let o = voteLeader(s, 4, 'aaa');
  assert.deepEqual(o, { state: { currentEpoch: 4, leader: 'aaa', leaderEpoch: 4 }, newEpoch: true, voted: true });
  s = o.state;
  o = voteLeader(s, 4, 'bbb');
  assert.deepEqual(o, { state: { currentEpoch: 4, leader: 'aaa', leaderEpoch: 4 }, newEpoch: false, voted: false }, 'second asker in the same epoch gets the first one');
  o = voteLeader(s, 3, 'ccc');
  assert.equal(o.state.leader, 'aaa', 'an older epoch gets no vote');
  assert.equal(o.voted, false);
  o = voteLeader(s, 5, 'bbb');
  assert.deepEqual(o.state, { currentEpoch: 5, leader: 'bbb', leaderEpoch: 5 });
  // Current epoch already beyond the request (moved by a hello): no vote.
  o = voteLeader({ currentEpoch: 7, leader: 'x', leaderEpoch: 5 }, 6, 'y');
  assert.deepEqual(o, { state: { currentEpoch: 7, leader: 'x', leaderEpoch: 5 }, newEpoch: false, voted: false });
});

test('leader: most voted with a majority of voters and the quorum', () => {
  const votes = [{ leader: 'b', leaderEpoch: 5 }, { leader: 'a', leaderEpoch: 5 }, { leader: 'b', leaderEpoch: 5 }, { leader: 'c', leaderEpoch: 4 }];
  assert.equal(mostVoted(votes, 5).winner, 'b');
  assert.equal(mostVoted(votes, 5).count, 2);
  // 5 sentinels: b has 2 + my vote = 3 = majority.
  assert.equal(electedLeader(votes, 5, 5, { leader: 'b', leaderEpoch: 5 }, 5, 2), 'b');
  // My vote went elsewhere earlier: b has 2 < 3.
  assert.equal(electedLeader(votes, 5, 5, { leader: 'a', leaderEpoch: 5 }, 5, 2), null);
  // Quorum above the majority.
  assert.equal(electedLeader(votes, 5, 5, { leader: 'b', leaderEpoch: 5 }, 5, 4), null);
  // Alone with quorum 1: my own vote elects me.
  assert.equal(electedLeader([], 1, 1, { leader: 'me', leaderEpoch: 1 }, 1, 1), 'me');
  // Three sentinels, nobody else voted yet: 1 < 2.
  assert.equal(electedLeader([{ leader: null, leaderEpoch: 0 }, { leader: null, leaderEpoch: 0 }], 1, 1, { leader: 'me', leaderEpoch: 1 }, 3, 2), null);
  // My vote for an older epoch does not count.
  assert.equal(electedLeader([{ leader: 'me', leaderEpoch: 6 }], 6, 6, { leader: 'me', leaderEpoch: 5 }, 3, 2), null);
});

const now = 1_000_000;
const good: ReplicaFacts = { down: false, disconnected: false, lastAvailTimeMs: now, infoRefreshMs: now, masterLinkDownMs: 0, priority: 100, replOffset: 10, runId: 'b' };
const m = { nowMs: now, downAfterMs: 1000, sdown: true, sdownSinceMs: now - 3000 };

test('replica eligibility follows Redis rules', () => {
  assert.equal(isReplicaEligible(m, good), true);
  assert.equal(isReplicaEligible(m, { ...good, down: true }), false);
  assert.equal(isReplicaEligible(m, { ...good, disconnected: true }), false);
  assert.equal(isReplicaEligible(m, { ...good, priority: 0 }), false);
  assert.equal(isReplicaEligible(m, { ...good, lastAvailTimeMs: now - 5001 }), false);
  assert.equal(isReplicaEligible(m, { ...good, infoRefreshMs: now - 5001 }), false, 'master in SDOWN: INFO must be 5 s fresh');
  assert.equal(isReplicaEligible({ ...m, sdown: false }, { ...good, infoRefreshMs: now - 29_000 }), true, 'otherwise 30 s');
  assert.equal(isReplicaEligible({ ...m, sdown: false }, { ...good, infoRefreshMs: now - 30_001 }), false);
  // 10 * down-after + time in SDOWN = 13 s.
  assert.equal(isReplicaEligible(m, { ...good, masterLinkDownMs: 13_000 }), true);
  assert.equal(isReplicaEligible(m, { ...good, masterLinkDownMs: 13_001 }), false);
});

test('promotion order: priority, then offset, then run id; unknown run id last', () => {
  const rs = [
    { ...good, runId: 'c', priority: 100, replOffset: 50 },
    { ...good, runId: 'b', priority: 100, replOffset: 50 },
    { ...good, runId: 'a', priority: 100, replOffset: 40 },
    { ...good, runId: 'z', priority: 10, replOffset: 1 },
    { ...good, runId: 'y', priority: 0, replOffset: 999 },
  ];
  assert.equal(selectReplica(m, rs)?.runId, 'z');
  assert.equal(selectReplica(m, rs.slice(0, 3))?.runId, 'b');
  assert.equal(compareForPromotion({ ...good, runId: null }, { ...good, runId: 'z' }), 1);
  assert.equal(compareForPromotion({ ...good, runId: 'B' }, { ...good, runId: 'a' }), 1, 'case-insensitive as strcasecmp');
  assert.equal(selectReplica(m, [rs[4]!]), null);
});
