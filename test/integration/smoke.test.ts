import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';

test('PING, SET and GET over a real socket', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await c.call('SET', 'k', 'v'), { status: 'OK' });
    assert.equal(await c.call('GET', 'k'), 'v');
    assert.equal(await c.call('GET', 'missing'), null);
  });
});

test('two servers in one process do not share data', async () => {
  await withServer({}, async (_a, ca) => {
    await withServer({}, async (_b, cb) => {
      await ca.call('SET', 'k', 'a');
      assert.equal(await cb.call('GET', 'k'), null);
    });
  });
});
