/**
 * Script argument lines, Garrison sentinel against redis-sentinel 7.0 in the same failover: one
 * Garrison sentinel and one redis-sentinel monitor the same real redis-server master with two real
 * replicas, each with its own recording notification and client-reconfig scripts (shell scripts
 * appending their argv to a file). SENTINEL FAILOVER is sent to one of them (the leader; the other
 * learns the switch from its hello, as an observer), then the roles are swapped on a fresh trio.
 * The lines each sentinel's scripts received, with ports and run ids replaced by their roles, must
 * be the same for Garrison and Redis in the same role (the one timing-dependent pair aside, see
 * normalized()).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSentinel } from '../../src/index.js';
import { freePort } from '../helpers/free-port.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { fields } from '../helpers/reply-fields.js';
import { requireBinaries, startRedis } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server', 'redis-sentinel');
const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
});

interface Watcher {
  port: number;
  notifyLog: string;
  reconfLog: string;
}

/** Two recording scripts in a fresh dir; their logs. */
function recorders(): { dir: string; notify: string; reconf: string; notifyLog: string; reconfLog: string } {
  const dir = mkdtempSync(join(tmpdir(), 'garrison-script-interop-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const make = (name: string): [string, string] => {
    const path = join(dir, `${name}.sh`);
    const log = join(dir, `${name}.log`);
    writeFileSync(path, `#!/bin/sh\necho "$@" >> '${log}'\n`);
    chmodSync(path, 0o755);
    return [path, log];
  };
  const [notify, notifyLog] = make('notify');
  const [reconf, reconfLog] = make('reconf');
  return { dir, notify, reconf, notifyLog, reconfLog };
}

function directives(masterPort: number, r: { notify: string; reconf: string }): string[] {
  return [
    `monitor mymaster 127.0.0.1 ${masterPort} 1`, 'down-after-milliseconds mymaster 1000', 'failover-timeout mymaster 6000',
    `notification-script mymaster ${r.notify}`, `client-reconfig-script mymaster ${r.reconf}`,
  ];
}

async function garrisonWatcher(masterPort: number): Promise<Watcher> {
  const r = recorders();
  const s = await startSentinel({ sentinel: directives(masterPort, r) });
  cleanup.push(() => s.close());
  return { port: s.address.port, notifyLog: r.notifyLog, reconfLog: r.reconfLog };
}

async function redisWatcher(masterPort: number): Promise<Watcher> {
  const r = recorders();
  const port = await freePort();
  const conf = join(r.dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${r.dir}`, ...directives(masterPort, r).map((l) => `sentinel ${l}`), ''].join('\n'));
  const child = spawn('redis-sentinel', [conf], { stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  cleanup.push(async () => { child.kill('SIGKILL'); await exited; });
  await waitFor(async () => (await call(port, 'PING').catch(() => null)) !== null, 10_000, 'redis-sentinel answers');
  return { port, notifyLog: r.notifyLog, reconfLog: r.reconfLog };
}

async function call(port: number, ...args: string[]): Promise<Decoded> {
  const c = await RespClient.connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

function lines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/**
 * Ports and run ids replaced by roles; sorted and unique (scripts run concurrently). A replica's
 * +sdown/-sdown pair is left out: SLAVEOF's CLIENT KILL cuts the sentinels' links to the promoted
 * replica, and with down-after-milliseconds equal to the 1 s ping period the time to reconnect
 * sometimes flags it down for a moment, in redis-sentinel as in Garrison (timing, not behaviour).
 */
function normalized(log: string, names: Map<string, string>): string[] {
  const out = lines(log).filter((l) => !/^[+-]sdown slave /.test(l)).map((l) => l
    .replace(/\b[0-9a-f]{40}\b/g, '<runid>')
    .replace(/\b\d{4,5}\b/g, (p) => names.get(p) ?? p));
  return [...new Set(out)].sort();
}

/**
 * A master with two replicas, both sentinels watching; the failover is forced on `leader`. Returns
 * what each sentinel's scripts received, normalized.
 */
async function failover(leaderIsGarrison: boolean): Promise<{ leader: string[][]; observer: string[][] }> {
  const m = await startRedis(['--repl-diskless-sync-delay', '0']);
  cleanup.push(() => m.stop());
  const reps = [];
  for (let i = 0; i < 2; i++) {
    const r = await startRedis(['--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(m.port)]);
    cleanup.push(() => r.stop());
    reps.push(r);
  }
  const g = await garrisonWatcher(m.port);
  const rs = await redisWatcher(m.port);
  const [leader, observer] = leaderIsGarrison ? [g, rs] : [rs, g];
  await waitFor(async () => {
    for (const w of [g, rs]) {
      const f = fields(await call(w.port, 'SENTINEL', 'MASTER', 'mymaster'));
      if (f['num-slaves'] !== '2' || f['num-other-sentinels'] !== '1') return false;
      const rr = await call(w.port, 'SENTINEL', 'REPLICAS', 'mymaster') as Decoded[];
      if (!rr.every((x) => fields(x)['master-link-status'] === 'ok' && Number(fields(x)['role-reported-time']) > 1500)) return false;
    }
    return true;
  }, 20_000, 'both sentinels know the replicas and each other');
  assert.deepEqual(await call(leader.port, 'SENTINEL', 'FAILOVER', 'mymaster'), { status: 'OK' });
  await waitFor(() => lines(observer.reconfLog).length > 0 && lines(leader.notifyLog).some((l) => l.startsWith('+switch-master')), 30_000, 'both sentinels ran their reconfig script');
  const newPort = lines(leader.reconfLog)[0]!.split(' ')[6]!;
  // Let the late events (the old master turned into a replica) run their scripts too.
  await waitFor(async () => {
    for (const w of [g, rs]) {
      const f = fields(await call(w.port, 'SENTINEL', 'MASTER', 'mymaster'));
      if (f['port'] !== newPort || f['num-slaves'] !== '2') return false;
      if ((await call(w.port, 'SENTINEL', 'PENDING-SCRIPTS') as Decoded[]).length !== 0) return false;
    }
    return true;
  }, 20_000, 'both sentinels settled on the new master');
  const names = new Map<string, string>([[String(m.port), 'OLD'], [newPort, 'NEW'], [String(g.port), 'SENTINEL'], [String(rs.port), 'SENTINEL']]);
  for (const r of reps) if (String(r.port) !== newPort) names.set(String(r.port), 'OTHER');
  const view = (w: Watcher): string[][] => [normalized(w.notifyLog, names), normalized(w.reconfLog, names)];
  return { leader: view(leader), observer: view(observer) };
}

describe('sentinel scripts interop', { skip: skip ?? false }, () => {
  test('Garrison\'s script lines match redis-sentinel\'s, as leader and as observer', async () => {
    const garrisonLeads = await failover(true);
    const redisLeads = await failover(false);
    if (process.env['SHOW_SCRIPT_LINES'] !== undefined) console.log(JSON.stringify({ garrisonLeads, redisLeads }, null, 1));
    assert.deepEqual(garrisonLeads.leader[1], ['mymaster leader start 127.0.0.1 OLD 127.0.0.1 NEW']);
    assert.deepEqual(garrisonLeads.observer[1], ['mymaster observer start 127.0.0.1 OLD 127.0.0.1 NEW']);
    assert.deepEqual(garrisonLeads.leader, redisLeads.leader, 'leader: Garrison (actual) vs redis-sentinel (expected)');
    assert.deepEqual(redisLeads.observer, garrisonLeads.observer, 'observer: Garrison (actual) vs redis-sentinel (expected)');
  });
});
