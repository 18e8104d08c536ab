/**
 * The Sentinel walkthrough of the seeds with Garrison processes only: `garrison up --sentinel`
 * starts 1 master, 2 replicas (garrison-server) and 3 sentinels (garrison-sentinel), each with its
 * config file in a temp dir; the master is killed with SIGKILL; the sentinels publish
 * +switch-master for one of the replicas, the other replica follows it, every sentinel answers the
 * new address; the old master, restarted from its own config file, is turned into a replica of the
 * new one; the sentinels' and the servers' config files were rewritten; SIGTERM to the launcher
 * stops every node it started. Also the launcher's help, argument errors, and a node that
 * cannot start (its port is taken: the launcher stops and shows its last log lines).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { callFresh, RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { info } from '../helpers/reply-fields.js';
import { freePort } from '../helpers/free-port.js';

const BIN = (name: string): string => fileURLToPath(new URL(`../../../bin/${name}.js`, import.meta.url));

interface Row { role: string; port: number; pid: number; conf: string }

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

/**
 * Every process the test started or learnt of and has not seen exit: killed at the end even if
 * the test times out (a pid seen gone is forgotten, so a reused pid is never signalled).
 */
const pids = new Set<number>();
function killAll(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
after(killAll);

test('walkthrough: kill -9 the master of garrison processes, a replica takes over, the old master rejoins as a replica, config files rewritten', { timeout: 120_000 }, async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-walkthrough-')));
  const cli = spawn(process.execPath, [BIN('garrison'), 'up', '--sentinel', '--port', '0', '--dir', dir,
    '--down-after-ms', '1000', '--failover-timeout-ms', '3000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  pids.add(cli.pid!);
  cli.once('exit', () => pids.delete(cli.pid!));
  let out = '';
  cli.stdout!.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  cli.stderr!.on('data', (d: Buffer) => { out += d.toString('utf8'); });
  const clients: RespClient[] = [];
  try {
    await waitFor(() => out.includes('\nready\n') || cli.exitCode !== null, 40_000, 'garrison up is ready');
    assert.match(out, /\nready\n/, out);
    const rows: Row[] = [...out.matchAll(/^(master|replica|sentinel) +127\.0\.0\.1:(\d+) +(\d+) +(\S+)$/gm)]
      .map((m) => ({ role: m[1]!, port: Number(m[2]), pid: Number(m[3]), conf: m[4]! }));
    for (const r of rows) pids.add(r.pid);
    assert.deepEqual(rows.map((r) => r.role), ['master', 'replica', 'replica', 'sentinel', 'sentinel', 'sentinel'], out);
    for (const r of rows) assert.equal(r.conf, join(dir, `${r.role}-${r.port}.conf`));
    const [master, r1, r2, ...sentinels] = rows as [Row, Row, Row, ...Row[]];

    // A write acknowledged by both replicas survives the failover.
    assert.deepEqual(await callFresh(master.port, 'SET', 'walkthrough', 'before'), { status: 'OK' });
    assert.equal(await callFresh(master.port, 'WAIT', '2', '5000'), 2);

    const sub = await RespClient.connect(sentinels[0]!.port);
    clients.push(sub);
    assert.deepEqual(await sub.call('SUBSCRIBE', '+switch-master'), ['subscribe', '+switch-master', 1]);
    process.kill(master.pid, 'SIGKILL');
    await waitFor(() => !isAlive(master.pid), 5000, 'the master is gone');
    pids.delete(master.pid);

    const pushed = await sub.readWithin(20_000);
    assert.ok(pushed !== 'timeout' && pushed !== 'closed', `+switch-master: ${String(pushed)}`);
    const [kind, channel, text] = pushed.value as [string, string, string];
    assert.deepEqual([kind, channel], ['message', '+switch-master']);
    const m = /^mymaster 127\.0\.0\.1 (\d+) 127\.0\.0\.1 (\d+)$/.exec(text);
    assert.ok(m !== null, text);
    assert.equal(Number(m[1]), master.port);
    const promoted = [r1, r2].find((r) => r.port === Number(m[2]));
    assert.ok(promoted !== undefined, `the new master ${m[2]} is one of the replicas`);
    const other = promoted === r1 ? r2 : r1;

    await waitFor(async () => {
      for (const s of sentinels) {
        const a = await callFresh(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster');
        if (JSON.stringify(a) !== JSON.stringify(['127.0.0.1', String(promoted.port)])) return false;
      }
      return true;
    }, 20_000, 'every sentinel answers the new master');
    assert.equal((await callFresh(promoted.port, 'ROLE') as Decoded[])[0], 'master');
    await waitFor(async () => {
      const i = info(await callFresh(other.port, 'INFO', 'replication'));
      return i['master_port'] === String(promoted.port) && i['master_link_status'] === 'up';
    }, 20_000, 'the other replica follows the new master');
    assert.equal(await callFresh(promoted.port, 'GET', 'walkthrough'), 'before');
    assert.deepEqual(await callFresh(promoted.port, 'SET', 'walkthrough', 'after'), { status: 'OK' });
    await waitFor(() => out.includes(`master 127.0.0.1:${master.port} (pid ${master.pid}) exited (SIGKILL)`), 5000, 'garrison up reports the killed master');

    // The old master comes back with its own config file and is turned into a replica.
    const old = spawn(process.execPath, [BIN('garrison-server'), master.conf], { stdio: 'ignore' });
    pids.add(old.pid!);
    old.once('exit', () => pids.delete(old.pid!));
    await waitFor(async () => {
      const role = await callFresh(master.port, 'ROLE') as Decoded[] | null;
      return role !== null && role[0] === 'slave' && role[2] === promoted.port && role[3] === 'connected';
    }, 40_000, 'the old master becomes a replica of the new one');
    await waitFor(async () => (await callFresh(master.port, 'GET', 'walkthrough')) === 'after', 10_000, 'the old master has the new data');
    assert.equal(info(await callFresh(master.port, 'INFO', 'replication'))['role'], 'slave');

    // Config files: the sentinels' state and the servers' replicaof lines.
    await waitFor(() => sentinels.every((s) => {
      const l = lines(s.conf);
      return l.includes(`sentinel monitor mymaster 127.0.0.1 ${promoted.port} 2`) &&
        l.includes(`sentinel known-replica mymaster 127.0.0.1 ${other.port}`) &&
        l.includes(`sentinel known-replica mymaster 127.0.0.1 ${master.port}`);
    }), 10_000, 'every sentinel config names the new master and both replicas');
    for (const s of sentinels) {
      const l = lines(s.conf);
      assert.ok(!l.includes(`sentinel monitor mymaster 127.0.0.1 ${master.port} 2`));
      assert.ok(!l.includes(`sentinel known-replica mymaster 127.0.0.1 ${promoted.port}`));
      const known = l.filter((x) => x.startsWith('sentinel known-sentinel mymaster 127.0.0.1 ')).map((x) => Number(x.split(' ')[4]));
      assert.deepEqual(known.sort(), sentinels.filter((x) => x !== s).map((x) => x.port).sort(), s.conf);
      assert.ok(l.some((x) => /^sentinel current-epoch [1-9]\d*$/.test(x)), s.conf);
      assert.ok(l.some((x) => /^sentinel myid [0-9a-f]{40}$/.test(x)), s.conf);
    }
    const replicaof = (conf: string): string[] => lines(conf).filter((x) => /^(replicaof|slaveof) /.test(x));
    assert.deepEqual(replicaof(promoted.conf), [], 'the promoted replica no longer has replicaof');
    assert.deepEqual(replicaof(other.conf), [`replicaof 127.0.0.1 ${promoted.port}`]);
    assert.deepEqual(replicaof(master.conf), [`replicaof 127.0.0.1 ${promoted.port}`]);

    // SIGTERM to the launcher stops every node it started (not the old master we restarted).
    cli.kill('SIGTERM');
    await exited(cli);
    assert.equal(cli.exitCode, 0, out);
    for (const r of rows) {
      await waitFor(() => !isAlive(r.pid), 10_000, `pid ${r.pid} (${r.role}) stopped`);
      pids.delete(r.pid);
    }
    assert.ok(isAlive(old.pid!));
  } finally {
    for (const c of clients) c.close();
    killAll();
    await exited(cli);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('garrison --help, garrison up --help, argument errors, and a node that cannot start', async () => {
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [BIN('garrison'), ...args], { encoding: 'utf8' });
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: garrison <command>/);
  assert.match(help.stdout, /\n {2}up {8}start a local master/);
  const up = run('up', '--help');
  assert.equal(up.status, 0);
  assert.match(up.stdout, /^Usage: garrison up \[options\]/);
  assert.match(up.stdout, /--sentinels N/);
  const bad = run('up', '--replicas', 'many');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^garrison up: --replicas needs a number\n/);
  const unknown = run('down');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^garrison: unknown command 'down'\n/);

  // The master's port is taken: garrison up stops what it started and shows the node's last log lines.
  const port = await freePort();
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-up-fail-')));
  try {
    const failed = spawnSync(process.execPath, [BIN('garrison'), 'up', '--port', String(port), '--dir', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, new RegExp(`^garrison up: master 127\\.0\\.0\\.1:${port} \\(pid \\d+\\) exited while starting \\(status 1\\)`));
    assert.match(failed.stderr, new RegExp(`Failed listening on port ${port} \\(tcp\\), aborting\\.`));
  } finally {
    squatter.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
