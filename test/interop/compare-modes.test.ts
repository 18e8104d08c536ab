/**
 * The comparison modes of the random differential tests (helpers/args-grammar.ts `same`): what
 * each one lets differ, and that everything else still has to match. No Redis needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { same } from './helpers/args-grammar.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

test('near: clock-derived integers within a second; -1/-2 and everything else exact', () => {
  assert.ok(same('near', B(':1000\r\n'), B(':999\r\n')));
  assert.ok(same('near', B(':1765000000000\r\n'), B(':1765000000400\r\n')));
  assert.ok(!same('near', B(':5000\r\n'), B(':1000\r\n')));
  assert.ok(!same('near', B(':-1\r\n'), B(':-2\r\n')));
  assert.ok(!same('near', B(':-1\r\n'), B(':0\r\n')));
  assert.ok(!same('near', B('$1\r\n5\r\n'), B(':5\r\n')));
  assert.ok(!same('near', B('-ERR a\r\n'), B('-ERR b\r\n')));
});

test('idle: XPENDING entries and XINFO CONSUMERS (flat and map) may differ in idle times only', () => {
  const pending = (idle: number, count: number, consumer = 'c1'): Buffer =>
    B(`*1\r\n*4\r\n$3\r\n1-1\r\n$${consumer.length}\r\n${consumer}\r\n:${idle}\r\n:${count}\r\n`);
  assert.ok(same('idle', pending(12, 1), pending(15, 1)));
  assert.ok(!same('idle', pending(12, 1), pending(12, 2)));
  assert.ok(!same('idle', pending(12, 1), pending(12, 1, 'c2')));
  const flat = (idle: number, pend: number): Buffer =>
    B(`*1\r\n*6\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:${pend}\r\n$4\r\nidle\r\n:${idle}\r\n`);
  assert.ok(same('idle', flat(5, 1), flat(99, 1)));
  assert.ok(!same('idle', flat(5, 1), flat(5, 2)));
  const map = (idle: number, pend: number): Buffer =>
    B(`*1\r\n%3\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:${pend}\r\n$4\r\nidle\r\n:${idle}\r\n`);
  assert.ok(same('idle', map(5, 1), map(99, 1)));
  assert.ok(!same('idle', map(5, 1), map(5, 3)));
  // The summary form has no idle time: it compares exactly.
  const summary = (n: number): Buffer => B(`*4\r\n:${n}\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$2\r\nc1\r\n$1\r\n${n}\r\n`);
  assert.ok(same('idle', summary(1), summary(1)));
  assert.ok(!same('idle', summary(1), summary(2)));
});
