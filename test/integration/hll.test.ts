/**
 * HyperLogLog commands over a real socket, for what a differential script cannot show: what each
 * command propagates (PFCOUNT writes its cached cardinality into the string, so a recount
 * propagates; PFDEBUG conversions propagate), keyspace events, and hll-sparse-max-bytes read
 * live from CONFIG SET.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { drain, record } from '../helpers/recorder.js';


test('HLL commands propagate verbatim exactly when they change the string', async () => {
  await withServer({}, async (s, c) => {
    const r = record(s);
    assert.deepEqual(await drain(r, c, 'PFADD', 'h', 'a', 'b'), { props: [['PFADD', 'h', 'a', 'b']], events: ['$:pfadd:h'] });
    assert.deepEqual(await drain(r, c, 'PFADD', 'h', 'a'), { props: [], events: [] });
    // The first count is written into the string: a change, propagated, but no event.
    assert.deepEqual(await drain(r, c, 'PFCOUNT', 'h'), { props: [['PFCOUNT', 'h']], events: [] });
    assert.deepEqual(await drain(r, c, 'PFCOUNT', 'h'), { props: [], events: [] });
    assert.deepEqual(await drain(r, c, 'PFCOUNT', 'h', 'nokey'), { props: [], events: [] });
    assert.deepEqual(await drain(r, c, 'PFCOUNT', 'nokey'), { props: [], events: [] });
    assert.deepEqual(await drain(r, c, 'PFMERGE', 'm', 'h'), { props: [['PFMERGE', 'm', 'h']], events: ['$:pfadd:m'] });
    assert.deepEqual(await drain(r, c, 'PFDEBUG', 'ENCODING', 'm'), { props: [], events: [] });
    assert.deepEqual(await drain(r, c, 'PFDEBUG', 'DECODE', 'm'), { props: [], events: [] });
    assert.deepEqual(await drain(r, c, 'PFDEBUG', 'GETREG', 'm'), { props: [['PFDEBUG', 'GETREG', 'm']], events: [] });
    assert.deepEqual(await drain(r, c, 'PFDEBUG', 'GETREG', 'm'), { props: [], events: [] }, 'already dense');
    assert.deepEqual(await drain(r, c, 'PFDEBUG', 'TODENSE', 'h'), { props: [['PFDEBUG', 'TODENSE', 'h']], events: [] });
    await c.call('SET', 'str', 'x');
    assert.deepEqual(await drain(r, c, 'PFADD', 'str', 'a'), { props: [], events: [] });
  });
});

test('hll-sparse-max-bytes is read live from CONFIG SET', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hll-sparse-max-bytes'), ['hll-sparse-max-bytes', '3000']);
    const els = Array.from({ length: 20 }, (_, i) => `e${i}`);
    await c.call('PFADD', 'a', ...els);
    assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'a'), { status: 'sparse' });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'hll-sparse-max-bytes', '30'), { status: 'OK' });
    await c.call('PFADD', 'b', ...els);
    assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'b'), { status: 'dense' });
    assert.equal(await c.call('STRLEN', 'b'), 12304);
    // An existing sparse value is promoted as soon as it has to grow.
    assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'a'), { status: 'sparse' });
    await c.call('PFADD', 'a', 'one-more', 'and-another');
    assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'a'), { status: 'dense' });
    assert.equal(await c.call('PFCOUNT', 'a'), 22);
  });
});
