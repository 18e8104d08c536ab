/** adjustOpenFilesLimit: texts and arithmetic as redis-server 7.0 logs them under `ulimit -n`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustOpenFilesLimit, maxclientsRefusal, type OpenFilesHost } from './fd-limit.js';

function host(limit: number | null, raiseError: string | null): OpenFilesHost & { raised: number[] } {
  const raised: number[] = [];
  return { raised, limit: () => limit, raise: (n) => { raised.push(n); return raiseError; } };
}

test('a limit that holds maxclients + 32 changes nothing and tries no raise', () => {
  for (const limit of [10032, 20000, Infinity]) {
    const h = host(limit, 'Operation not permitted');
    assert.deepEqual(adjustOpenFilesLimit(10000, h), { maxclients: 10000, warnings: [], notice: null, fatal: null });
    assert.deepEqual(h.raised, []);
  }
});

test('ulimit -n 100: maxclients 68 and the three warnings redis-server 7.0 logs', () => {
  const h = host(100, 'Operation not permitted');
  const out = adjustOpenFilesLimit(10000, h);
  assert.deepEqual(h.raised, [10032]);
  assert.equal(out.maxclients, 68);
  assert.equal(out.fatal, null);
  assert.equal(out.notice, null);
  // Copied from redis-server 7.0.15's log under `ulimit -n 100`.
  assert.deepEqual(out.warnings, [
    'You requested maxclients of 10000 requiring at least 10032 max file descriptors.',
    "Server can't set maximum open files to 10032 because of OS error: Operation not permitted.",
    "Current maximum open files is 100. maxclients has been reduced to 68 to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
  ]);
});

test('a raise that succeeds keeps maxclients and logs the notice', () => {
  const h = host(1024, null);
  assert.deepEqual(adjustOpenFilesLimit(10000, h), {
    maxclients: 10000, warnings: [], fatal: null,
    notice: 'Increased maximum number of open files to 10032 (it was originally set to 1024).',
  });
});

test('32 descriptors or fewer: the server cannot start; 33 leaves one client', () => {
  const out = adjustOpenFilesLimit(10000, host(32, 'Operation not permitted'));
  assert.equal(out.fatal, "Your current 'ulimit -n' of 32 is not enough for the server to start. Please increase your open file limit to at least 10032. Exiting.");
  assert.equal(adjustOpenFilesLimit(10000, host(33, 'Operation not permitted')).maxclients, 1);
});

test('an unknown limit leaves maxclients as configured', () => {
  const h = host(null, null);
  assert.deepEqual(adjustOpenFilesLimit(10000, h), { maxclients: 10000, warnings: [], notice: null, fatal: null });
  assert.deepEqual(h.raised, []);
});

test("CONFIG SET's refusal text", () => {
  assert.equal(maxclientsRefusal(68), 'The operating system is not able to handle the specified number of clients, try with 68');
});
