/**
 * `garrison-sentinel sentinel.conf` as a process: Redis's start-up lines, the state written into
 * the config file (myid, epochs; SENTINEL SET rewrites in place, comments kept), and the same
 * identity after a restart from the rewritten file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient, waitFor } from '../helpers/resp-client.js';
import { freePort, refusedPort } from '../helpers/free-port.js';

const BIN = fileURLToPath(new URL('../../../bin/garrison-sentinel.js', import.meta.url));

async function runSentinel(conf: string): Promise<{ out: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(() => out.includes('+monitor master'), 10_000, 'sentinel started');
  return { out: () => out, stop: async () => { child.kill('SIGKILL'); await exited; } };
}

test('garrison-sentinel: start-up lines, state saved in the config file, same id after a restart', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-sentinel-proc-')));
  try {
    const port = await freePort();
    const deadPort = await refusedPort();
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(conf, `# my sentinel\nport ${port}\nsentinel monitor mymaster 127.0.0.1 ${deadPort} 2\n`);
    const first = await runSentinel(conf);
    const lines = first.out();
    assert.match(lines, new RegExp(`^\\d+:X .* \\* Running mode=sentinel, port=${port}\\.$`, 'm'));
    const id = /# Sentinel ID is ([0-9a-f]{40})$/m.exec(lines)?.[1];
    assert.ok(id !== undefined, lines);
    assert.match(lines, new RegExp(`# \\+monitor master mymaster 127\\.0\\.0\\.1 ${deadPort} quorum 2$`, 'm'));
    assert.ok(!lines.includes('Ready to accept connections'));
    let text = readFileSync(conf, 'utf8');
    assert.ok(text.startsWith(`# my sentinel\nport ${port}\nsentinel monitor mymaster 127.0.0.1 ${deadPort} 2\n`), text);
    for (const l of [`sentinel myid ${id}`, 'sentinel config-epoch mymaster 0', 'sentinel leader-epoch mymaster 0', 'sentinel current-epoch 0', 'protected-mode no']) {
      assert.ok(text.split('\n').includes(l), `${l} in\n${text}`);
    }
    // As redis-sentinel's rewrite: no save points (a sentinel has no dataset).
    assert.ok(!/^save /m.test(text), text);

    const c = await RespClient.connect(port);
    assert.equal(await c.call('SENTINEL', 'MYID'), id);
    assert.deepEqual(await c.call('SENTINEL', 'SET', 'mymaster', 'down-after-milliseconds', '7000'), { status: 'OK' });
    c.close();
    text = readFileSync(conf, 'utf8');
    assert.ok(text.split('\n').includes('sentinel down-after-milliseconds mymaster 7000'), text);
    await first.stop();

    const second = await runSentinel(conf);
    assert.match(second.out(), new RegExp(`# Sentinel ID is ${id}$`, 'm'));
    const c2 = await RespClient.connect(port);
    const m = await c2.call('SENTINEL', 'MASTER', 'mymaster') as unknown[];
    assert.equal(m[m.indexOf('down-after-milliseconds') + 1], 7000);
    c2.close();
    await second.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
