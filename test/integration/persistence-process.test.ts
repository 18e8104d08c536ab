/**
 * Persistence of the real executable (node bin/garrison-server.js): SIGTERM with save points saves
 * the final snapshot, the next start loads it with Redis 7.0's log lines before "Ready to accept
 * connections", and a corrupt file makes the process exit 1 with Redis's wording.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { freePort } from '../helpers/free-port.js';

const BIN = fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url));

interface Running { child: ChildProcess; out: () => string; exited: Promise<number | null> }

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

/** The messages of the log, without pid, role and time. */
function messages(text: string): string[] {
  return text.split('\n').map((l) => /^\d+:[MCSX] .{24} [.\-*#] (.*)$/.exec(l)?.[1]).filter((m): m is string => m !== undefined);
}

test('SIGTERM saves the final snapshot; the next start loads it before accepting connections', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-persist-proc-')));
  try {
    const port = await freePort();
    const args = ['--port', String(port), '--dir', dir, '--save', '3600 1', '--enable-debug-command', 'yes'];
    const a = start(args);
    await waitFor(() => a.out().includes('Ready to accept connections'), 10_000, 'ready');
    const c = await RespClient.connect(port);
    await c.call('DEBUG', 'POPULATE', '5000');
    // Kept in memory (no active expiry) so that the file holds it and the loader skips it.
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.call('SET', 'gone', 'x', 'PX', '1');
    const digestBefore = await c.call('DEBUG', 'DIGEST');
    c.close();
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0);
    const first = messages(a.out());
    const at = first.indexOf('Saving the final RDB snapshot before exiting.');
    assert.ok(at > 0, first.join('\n'));
    assert.equal(first[at + 1], 'DB saved on disk');
    assert.ok(existsSync(join(dir, 'dump.rdb')));

    const port2 = await freePort();
    const b = start(['--port', String(port2), '--dir', dir, '--save', '', '--enable-debug-command', 'yes']);
    try {
      await waitFor(() => b.out().includes('Ready to accept connections'), 10_000, 'ready');
      const log = messages(b.out());
      const i = log.indexOf('Loading RDB produced by version 7.0.15');
      assert.ok(i > 0, log.join('\n'));
      assert.match(log[i + 1]!, /^RDB age \d+ seconds$/);
      assert.match(log[i + 2]!, /^RDB memory usage when created \d+\.\d\d Mb$/);
      assert.equal(log[i + 3], 'Done loading RDB, keys loaded: 5000, keys expired: 1.');
      assert.match(log[i + 4]!, /^DB loaded from disk: \d+\.\d{3} seconds$/);
      assert.ok(log.indexOf('Ready to accept connections') > i + 4);
      const c2 = await RespClient.connect(port2);
      assert.equal(await c2.call('DBSIZE'), 5000);
      assert.notDeepEqual(await c2.call('DEBUG', 'DIGEST'), digestBefore, 'the expired key is not loaded');
      await c2.call('SET', 'gone', 'x', 'PX', '1');
      c2.close();
    } finally {
      b.child.kill('SIGKILL');
      await b.exited;
    }

    writeFileSync(join(dir, 'dump.rdb'), readFileSync(join(dir, 'dump.rdb')).subarray(0, 2000));
    const bad = start(['--port', String(await freePort()), '--dir', dir, '--save', '']);
    assert.equal(await bad.exited, 1);
    const badLog = messages(bad.out());
    assert.ok(badLog.some((m) => /^Internal error in RDB reading offset \d+ -> /.test(m)), badLog.join('\n'));
    assert.ok(badLog.includes('Terminating server after rdb file reading failure.'));
    assert.ok(!badLog.includes('Ready to accept connections'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
