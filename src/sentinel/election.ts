/**
 * Epochs and leader election, as pure decisions (Redis's sentinelVoteLeader and sentinelGetLeader).
 * A sentinel votes at most once per epoch, for the first candidate that asks with an epoch not
 * older than its own; a request with a newer epoch first moves the sentinel's current epoch. A
 * candidate wins an epoch with the most votes when they reach both a majority of all sentinels
 * known for the master (plus itself) and the master's quorum.
 */

export interface VoteState {
  currentEpoch: number;
  /** Run id this sentinel voted for in `leaderEpoch` (null: none yet). */
  leader: string | null;
  leaderEpoch: number;
}

export interface VoteOutcome {
  state: VoteState;
  /** The current epoch moved to the requested one (+new-epoch). */
  newEpoch: boolean;
  /** A vote was cast now (+vote-for-leader); the config must be saved. */
  voted: boolean;
}

/** Handles a vote request for `reqEpoch` from `reqRunId`; the reply is `state.leader`/`leaderEpoch`. */
export function voteLeader(s: VoteState, reqEpoch: number, reqRunId: string): VoteOutcome {
  let currentEpoch = s.currentEpoch;
  let newEpoch = false;
  if (reqEpoch > currentEpoch) {
    currentEpoch = reqEpoch;
    newEpoch = true;
  }
  if (s.leaderEpoch < reqEpoch && currentEpoch <= reqEpoch) {
    return { state: { currentEpoch, leader: reqRunId, leaderEpoch: currentEpoch }, newEpoch, voted: true };
  }
  return { state: { currentEpoch, leader: s.leader, leaderEpoch: s.leaderEpoch }, newEpoch, voted: false };
}

/** One known sentinel's last reported vote. */
export interface ReportedVote {
  leader: string | null;
  leaderEpoch: number;
}

/**
 * Counts the votes the other sentinels reported for `epoch` and returns the most voted run id
 * (ties: the first one reaching the count, in report order), or null.
 */
export function mostVoted(votes: readonly ReportedVote[], epoch: number): { winner: string | null; count: number; tally: Map<string, number> } {
  const tally = new Map<string, number>();
  for (const v of votes) {
    if (v.leader !== null && v.leaderEpoch === epoch) tally.set(v.leader, (tally.get(v.leader) ?? 0) + 1);
  }
  let winner: string | null = null;
  let count = 0;
  for (const [id, n] of tally) {
    if (n > count) {
      winner = id;
      count = n;
    }
  }
  return { winner, count, tally };
}

/**
 * The leader of `epoch`, given the others' votes (those reported for the current epoch count, as
 * in Redis) and this sentinel's own vote (cast for the most voted candidate, or for itself when
 * nobody is voted; it counts when it is for `epoch`), or null when no one has a majority of
 * `voters` and the quorum.
 */
export function electedLeader(
  votes: readonly ReportedVote[], currentEpoch: number, epoch: number, myVote: ReportedVote, voters: number, quorum: number,
): string | null {
  const counted = mostVoted(votes, currentEpoch);
  const tally = counted.tally;
  let { winner, count } = counted;
  if (myVote.leader !== null && myVote.leaderEpoch === epoch) {
    const n = (tally.get(myVote.leader) ?? 0) + 1;
    if (n > count) {
      winner = myVote.leader;
      count = n;
    }
  }
  const majority = Math.floor(voters / 2) + 1;
  if (winner !== null && (count < majority || count < quorum)) return null;
  return winner;
}
