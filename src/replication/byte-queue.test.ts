import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from './byte-queue.js';

test('byte queue: lines, exact takes and the rest, whatever the chunking', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }), (cuts) => {
    const data = Buffer.from('+PONG\r\n\n+FULLRESYNC abc 12\r\n$5\r\nhelloREST');
    const q = new ByteQueue();
    let pos = 0;
    let i = 0;
    while (pos < data.length) {
      const n = cuts[i++ % cuts.length]!;
      q.push(data.subarray(pos, pos + n));
      pos += n;
    }
    assert.equal(q.readLine(), '+PONG');
    assert.equal(q.readLine(), '');
    assert.equal(q.readLine(), '+FULLRESYNC abc 12');
    assert.equal(q.readLine(), '$5');
    assert.equal(q.take(5).toString(), 'hello');
    assert.equal(q.readLine(), null);
    assert.equal(q.takeAll().toString(), 'REST');
    assert.equal(q.length, 0);
  }));
});
