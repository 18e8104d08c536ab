import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplicationBacklog } from './backlog.js';

test('backlog: offsets follow Redis (first byte = master offset - histlen + 1)', () => {
  const b = new ReplicationBacklog(16 * 1024, 100);
  assert.equal(b.canServe(101), true);
  assert.equal(b.canServe(100), false);
  b.feed(Buffer.from('hello'));
  assert.equal(b.masterOffset, 105);
  assert.equal(b.firstByteOffset, 101);
  assert.equal(b.from(101).toString(), 'hello');
  assert.equal(b.from(104).toString(), 'lo');
  assert.equal(b.from(106).length, 0);
  assert.equal(b.canServe(106), true);
  assert.equal(b.canServe(107), false);
  assert.equal(b.canServe(100), false);
});

test('backlog: behaves like "the last size bytes of the stream" under random feeds and resizes', () => {
  fc.assert(fc.property(
    fc.array(fc.oneof(
      fc.record({ feed: fc.uint8Array({ maxLength: 40000 }) }),
      fc.record({ resize: fc.integer({ min: 16 * 1024, max: 70000 }) }),
    ), { maxLength: 30 }),
    (ops) => {
      const b = new ReplicationBacklog(20000, 0);
      let stream = Buffer.alloc(0);
      let size = b.size;
      let held = 0;
      for (const op of ops) {
        if ('feed' in op) {
          b.feed(Buffer.from(op.feed));
          stream = Buffer.concat([stream, Buffer.from(op.feed)]);
          held = Math.min(size, held + op.feed.length);
        } else {
          b.resize(op.resize);
          size = b.size;
          held = Math.min(held, size);
        }
        assert.equal(b.masterOffset, stream.length);
        assert.equal(b.histlen, held);
        const first = stream.length - held + 1;
        assert.equal(b.firstByteOffset, first);
        if (held > 0) {
          assert.deepEqual(b.from(first), stream.subarray(stream.length - held));
          const mid = first + Math.floor(held / 2);
          assert.deepEqual(b.from(mid), stream.subarray(mid - 1));
          assert.equal(b.canServe(first - 1), false);
        }
      }
    },
  ), { numRuns: 200 });
});
