import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationBacklog } from './backlog.js';
import { ReplicationIds } from './ids.js';
import { decidePsync } from './psync.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function ids(replid: string, replid2?: string, second?: number): ReplicationIds {
  const queue = [replid];
  const i = new ReplicationIds(() => queue.shift() ?? C);
  if (replid2 !== undefined) {
    i.replid2 = replid2;
    i.secondOffset = second!;
  }
  return i;
}

function backlogHolding(first: number, last: number): ReplicationBacklog {
  const b = new ReplicationBacklog(16 * 1024, first - 1);
  b.feed(Buffer.alloc(last - first + 1, 120));
  return b;
}

test('psync: continues from the backlog with the current id, any offset it still holds', () => {
  const b = backlogHolding(101, 200);
  for (const off of [101, 150, 200, 201]) {
    const d = decidePsync(ids(A), b, 200, A, String(off), '127.0.0.1:6380');
    assert.equal(d.kind, 'continue', `offset ${off}`);
    if (d.kind === 'continue') {
      assert.equal(d.from, off);
      assert.equal(d.log, `Partial resynchronization request from 127.0.0.1:6380 accepted. Sending ${201 - off} bytes of backlog starting from offset ${off}.`);
    }
  }
});

test('psync: offsets outside the backlog need a full resync, with Redis\'s log lines', () => {
  const b = backlogHolding(101, 200);
  const early = decidePsync(ids(A), b, 200, A, '100', 'r');
  assert.deepEqual(early, { kind: 'full', countsAsPartialError: true, log: ['Unable to partial resync with replica r for lack of backlog (Replica request was: 100).'] });
  const late = decidePsync(ids(A), b, 200, A, '202', 'r');
  assert.deepEqual(late, {
    kind: 'full', countsAsPartialError: true,
    log: ['Unable to partial resync with replica r for lack of backlog (Replica request was: 202).',
      'Warning: replica r tried to PSYNC with an offset that is greater than the master replication offset.'],
  });
  const none = decidePsync(ids(A), null, 200, A, '150', 'r');
  assert.equal(none.kind, 'full');
});

test('psync: the secondary id is honoured up to its offset (a promoted replica)', () => {
  const b = backlogHolding(101, 300);
  const i = ids(A, B, 251);
  assert.equal(decidePsync(i, b, 300, B, '251', 'r').kind, 'continue');
  assert.equal(decidePsync(i, b, 300, B, '180', 'r').kind, 'continue');
  const past = decidePsync(i, b, 300, B, '252', 'r');
  assert.deepEqual(past, { kind: 'full', countsAsPartialError: true, log: ['Partial resynchronization not accepted: Requested offset for second ID was 252, but I can reply up to 251'] });
  const other = decidePsync(i, b, 300, C, '150', 'r');
  assert.deepEqual(other, {
    kind: 'full', countsAsPartialError: true,
    log: [`Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${C}', my replication IDs are '${A}' and '${B}')`],
  });
});

test('psync: "?" asks for a full resync and is not a partial error; a bad offset is a full resync', () => {
  assert.deepEqual(decidePsync(ids(A), null, 0, '?', '-1', 'r'), { kind: 'full', countsAsPartialError: false, log: ['Full resync requested by replica r'] });
  assert.equal(decidePsync(ids(A), backlogHolding(1, 10), 10, A, 'abc', 'r').kind, 'full');
});

test('ids: shift keeps the old history as the secondary one, valid up to offset + 1', () => {
  const i = ids(A);
  i.shift(500);
  assert.equal(i.replid, C);
  assert.equal(i.replid2, A);
  assert.equal(i.secondOffset, 501);
});
