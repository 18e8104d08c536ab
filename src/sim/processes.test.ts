/** The simulator's ProcessRunner: what it records, when its fake children end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, SimProcess } from './event-loop.js';
import { SimProcessRunner } from './processes.js';

test('the simulated runner records each run and ends it 1 ms of virtual time later; kill ends it by SIGKILL', () => {
  const loop = new EventLoop();
  const runner = new SimProcessRunner(loop, new SimProcess('s1'));
  const exits: string[] = [];
  const a = runner.spawn(['/notify.sh', '+sdown', 'master m 127.0.0.1 1'], (e) => exits.push(`a ${e.code} ${e.signal} @${loop.nowUs}`));
  const b = runner.spawn(['/reconf.sh'], (e) => exits.push(`b ${e.code} ${e.signal} @${loop.nowUs}`));
  b.kill();
  while (loop.runOne()) { /* drain */ }
  assert.deepEqual(exits, ['b 0 9 @0', 'a 0 0 @1000']);
  assert.deepEqual(runner.runs.map((r) => [r.argv[0], r.pid]), [['/notify.sh', a.pid], ['/reconf.sh', b.pid]]);
  assert.equal(runner.isExecutable(), true);
});
