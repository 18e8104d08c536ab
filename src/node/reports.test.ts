import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../server/log.js';
import { startupBanner, writeCrashReport } from './reports.js';

const clock = { nowMs: () => Date.UTC(2024, 0, 2, 3, 4, 5, 6), monotonicUs: () => 0, nowUs: () => 0 };

test('the banner carries the port and pid fields tools read', () => {
  const b = startupBanner('1.2.3', 7777, 4242);
  assert.match(b, / Port: 7777\n/);
  assert.match(b, / PID: 4242\n/);
  assert.match(b, /Garrison 1\.2\.3 \(Redis 7\.0\.15 compatible\)/);
});

test('a crash report holds the message, the stack, the version and the config file', () => {
  let out = '';
  const logger = new Logger(clock, 99, { write: (l) => { out += l; } });
  logger.level = 'warning';
  const err = new Error('boom');
  writeCrashReport(logger, err, { version: '1.2.3', nodeVersion: 'v20.0.0', pid: 99, configFile: '/etc/g.conf', argv: ['/etc/g.conf', '--port', '1'] });
  assert.match(out, /=== GARRISON BUG REPORT START/);
  assert.match(out, /^99:M \d\d Jan 2024 \d\d:\d\d:\d\d\.\d{3} # Garrison 1\.2\.3 crashed by an uncaught exception: boom$/m);
  assert.ok(out.includes(err.stack!));
  assert.match(out, /^config_file:\/etc\/g\.conf$/m);
  assert.match(out, /^executable_argv:\/etc\/g\.conf --port 1$/m);
  assert.match(out, /=== GARRISON BUG REPORT END/);
});
