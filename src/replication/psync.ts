/**
 * The master's PSYNC decision (Redis's masterTryPartialResynchronization), as a pure function of
 * the node's replication ids, its backlog and the replica's request, with the log line Redis
 * writes for each outcome.
 */
import { parseInt64Number } from '../lib/int64.js';
import type { ReplicationBacklog } from './backlog.js';
import type { ReplicationIds } from './ids.js';

export type PsyncDecision =
  | { kind: 'continue'; from: number; log: string }
  | { kind: 'full'; log: string[]; countsAsPartialError: boolean };

export function decidePsync(
  ids: ReplicationIds,
  backlog: ReplicationBacklog | null,
  masterOffset: number,
  reqReplid: string,
  reqOffsetText: string,
  replicaName: string,
): PsyncDecision {
  const asked = reqReplid !== '?';
  const offset = parseInt64Number(reqOffsetText);
  const full = (log: string[]): PsyncDecision => ({ kind: 'full', log, countsAsPartialError: asked });
  if (offset === null) return full([]);
  const sameId = reqReplid.toLowerCase() === ids.replid;
  const secondId = reqReplid.toLowerCase() === ids.replid2;
  if (!sameId && (!secondId || offset > ids.secondOffset)) {
    if (!asked) return full([`Full resync requested by replica ${replicaName}`]);
    if (!secondId) {
      return full([`Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${reqReplid}', my replication IDs are '${ids.replid}' and '${ids.replid2}')`]);
    }
    return full([`Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${ids.secondOffset}`]);
  }
  if (backlog === null || offset < backlog.firstByteOffset || offset > backlog.firstByteOffset + backlog.histlen) {
    const log = [`Unable to partial resync with replica ${replicaName} for lack of backlog (Replica request was: ${offset}).`];
    if (offset > masterOffset) {
      log.push(`Warning: replica ${replicaName} tried to PSYNC with an offset that is greater than the master replication offset.`);
    }
    return full(log);
  }
  const bytes = masterOffset + 1 - offset;
  return {
    kind: 'continue',
    from: offset,
    log: `Partial resynchronization request from ${replicaName} accepted. Sending ${bytes} bytes of backlog starting from offset ${offset}.`,
  };
}

