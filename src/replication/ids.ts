/**
 * The replication identity of a node (Redis's replid / replid2 / master_repl_offset /
 * second_replid_offset), which PSYNC2 is built on: a dataset history is named by a replication id
 * and an offset into it. A promoted replica keeps its old master's id as `replid2`, valid up to
 * `secondOffset`, so replicas of the old master can continue partially with the new one.
 */
export const NULL_REPLID = '0000000000000000000000000000000000000000';

export class ReplicationIds {
  replid: string;
  replid2 = NULL_REPLID;
  /** Last offset (inclusive) + 1 up to which replid2 is valid; -1 when there is no replid2. */
  secondOffset = -1;

  constructor(private readonly randomHex40: () => string) {
    this.replid = randomHex40();
  }

  /** A new history (Redis's changeReplicationId): e.g. when the backlog is created. */
  change(): void {
    this.replid = this.randomHex40();
  }

  clearSecond(): void {
    this.replid2 = NULL_REPLID;
    this.secondOffset = -1;
  }

  /**
   * Promotion (Redis's shiftReplicationId): the current history becomes the secondary one, valid
   * up to `masterOffset`, and a new id starts at `masterOffset + 1`.
   */
  shift(masterOffset: number): void {
    this.replid2 = this.replid;
    this.secondOffset = masterOffset + 1;
    this.change();
  }
}
