import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLoop, SimProcess } from './event-loop.js';

function drain(loop: EventLoop): void {
  while (loop.runOne()) { /* run */ }
}

test('events run in (time, scheduling order) and advance virtual time', () => {
  const loop = new EventLoop();
  const seen: string[] = [];
  loop.at(300, null, () => seen.push(`c@${loop.nowUs}`));
  loop.at(100, null, () => seen.push(`a@${loop.nowUs}`));
  loop.at(100, null, () => {
    seen.push(`b@${loop.nowUs}`);
    loop.after(0, null, () => seen.push(`b2@${loop.nowUs}`));
  });
  loop.at(200, null, () => seen.push(`d@${loop.nowUs}`));
  drain(loop);
  assert.deepEqual(seen, ['a@100', 'b@100', 'b2@100', 'd@200', 'c@300']);
  assert.equal(loop.nowUs, 300);
  assert.equal(loop.executed, 5);
});

test('a cancelled event does not run; the past is clamped to now', () => {
  const loop = new EventLoop();
  const seen: number[] = [];
  const cancel = loop.at(50, null, () => seen.push(1));
  loop.at(60, null, () => loop.at(10, null, () => seen.push(loop.nowUs)));
  cancel();
  drain(loop);
  assert.deepEqual(seen, [60]);
});

test('a paused process runs its events at the end of the pause, in their order', () => {
  const loop = new EventLoop();
  const p = new SimProcess('p');
  const seen: string[] = [];
  p.pausedUntilUs = 1000;
  loop.at(100, p, () => seen.push(`p1@${loop.nowUs}`));
  loop.at(200, null, () => seen.push(`free@${loop.nowUs}`));
  loop.at(300, p, () => seen.push(`p2@${loop.nowUs}`));
  loop.at(1500, p, () => seen.push(`p3@${loop.nowUs}`));
  drain(loop);
  assert.deepEqual(seen, ['free@200', 'p1@1000', 'p2@1000', 'p3@1500']);
});

test('a dead process loses its events', () => {
  const loop = new EventLoop();
  const p = new SimProcess('p');
  const seen: number[] = [];
  loop.at(100, p, () => seen.push(1));
  loop.at(50, null, () => { p.alive = false; });
  loop.at(200, null, () => seen.push(2));
  drain(loop);
  assert.deepEqual(seen, [2]);
  assert.equal(loop.peekUs(), null);
});
