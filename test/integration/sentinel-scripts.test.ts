/**
 * Sentinel scripts run as real processes: shell scripts in a temp dir append their argv to a file.
 *  - a SENTINEL FAILOVER among Garrison servers runs the notification script for exactly the
 *    warning events redis-sentinel 7.0.15 runs it for in the same forced failover, and the
 *    client-reconfig script once, as `<name> leader start <old-ip> <old-port> <new-ip> <new-port>`;
 *  - a script that cannot run (exit status 2) is reported by -script-error; one that exits 1 is
 *    retried (PENDING-SCRIPTS shows it scheduled with its retry count); one that outlives
 *    script-max-runtime is reported by -script-timeout and killed; INFO counts running and queued
 *    jobs;
 *  - SENTINEL SET of script paths: denied by default with Redis's text, checked for execution
 *    rights under `deny-scripts-reconfig no`, cleared by an empty value.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReplicationGroup, startSentinel, type RunningSentinel } from '../../src/index.js';
import { refusedPort } from '../helpers/free-port.js';
import { RespClient, waitFor, type Decoded } from '../helpers/resp-client.js';
import { fields, info } from '../helpers/reply-fields.js';

const open: Array<{ close(): unknown }> = [];
const dir = mkdtempSync(join(tmpdir(), 'garrison-scripts-'));
after(async () => {
  for (const o of open.reverse()) await o.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An executable /bin/sh script in the temp dir. */
function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** A script appending its arguments, one run per line, to `<name>.log`; returns [path, log]. */
function recorder(name: string): [string, string] {
  const log = join(dir, `${name}.log`);
  return [script(`${name}.sh`, `echo "$@" >> '${log}'`), log];
}

function lines(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
}

async function sentinel(directives: string[]): Promise<{ s: RunningSentinel; c: RespClient; events: string[] }> {
  const s = await startSentinel({ sentinel: directives });
  open.push(s);
  const events: string[] = [];
  s.sentinel.eventListeners.push((e) => events.push(`${e.type} ${e.text}`));
  const c = await RespClient.connect(s.address.port);
  open.push(c);
  return { s, c, events };
}

test('a forced failover runs the notification script for its warning events and the reconfig script as leader', async () => {
  const group = await startReplicationGroup({ replicas: 2 });
  open.push(group);
  const mport = group.master.address.port;
  const [notify, notifyLog] = recorder('notify');
  const [reconf, reconfLog] = recorder('reconf');
  const { c } = await sentinel([
    `monitor mymaster 127.0.0.1 ${mport} 1`, 'down-after-milliseconds mymaster 1000', 'failover-timeout mymaster 6000',
    `notification-script mymaster ${notify}`, `client-reconfig-script mymaster ${reconf}`,
  ]);
  const m = fields(await c.call('SENTINEL', 'MASTER', 'mymaster'));
  assert.deepEqual([m['notification-script'], m['client-reconfig-script']], [notify, reconf]);
  await waitFor(async () => fields(await c.call('SENTINEL', 'MASTER', 'mymaster'))['num-slaves'] === '2', 15_000, 'replicas discovered');
  await waitFor(async () => {
    const reps = await c.call('SENTINEL', 'REPLICAS', 'mymaster') as Decoded[];
    return reps.every((r) => fields(r)['master-link-status'] === 'ok' && Number(fields(r)['role-reported-time']) > 1500);
  }, 15_000, 'replicas look healthy');
  assert.deepEqual(await c.call('SENTINEL', 'FAILOVER', 'mymaster'), { status: 'OK' });
  await waitFor(() => lines(notifyLog).some((l) => l.startsWith('+switch-master ')), 20_000, 'switch-master notified');
  await waitFor(async () => (await c.call('SENTINEL', 'PENDING-SCRIPTS') as Decoded[]).length === 0, 10_000, 'scripts done');

  const newPort = Number(lines(notifyLog).find((l) => l.startsWith('+switch-master '))!.split(' ')[5]);
  assert.ok(group.replicas.some((r) => r.address.port === newPort));
  assert.deepEqual(lines(reconfLog), [`mymaster leader start 127.0.0.1 ${mport} 127.0.0.1 ${newPort}`]);
  // Scripts run concurrently, so the file's order is not the events' order: compare as sets.
  // redis-sentinel 7.0.15 runs the notification script for exactly these events in this scenario.
  // A replica's +sdown/-sdown pair may come too: SLAVEOF's CLIENT KILL TYPE pubsub cuts the
  // pub/sub link to the promoted replica, and with down-after 1000 equal to the ping period the
  // reconnection may take long enough to flag it down for a moment (redis-sentinel does the same).
  const types = [...new Set(lines(notifyLog).filter((l) => !/^[+-]sdown slave /.test(l)).map((l) => l.split(' ')[0]))].sort();
  assert.deepEqual(types, [
    '+elected-leader', '+failover-end', '+failover-state-reconf-slaves', '+failover-state-select-slave', '+monitor',
    '+new-epoch', '+promoted-slave', '+selected-slave', '+switch-master', '+try-failover', '+vote-for-leader',
  ], lines(notifyLog).join('\n'));
  const got = lines(notifyLog);
  for (const l of [
    `+monitor master mymaster 127.0.0.1 ${mport} quorum 1`, '+new-epoch 1', `+try-failover master mymaster 127.0.0.1 ${mport}`,
    `+selected-slave slave 127.0.0.1:${newPort} 127.0.0.1 ${newPort} @ mymaster 127.0.0.1 ${mport}`,
    `+promoted-slave slave 127.0.0.1:${newPort} 127.0.0.1 ${newPort} @ mymaster 127.0.0.1 ${mport}`,
    `+switch-master mymaster 127.0.0.1 ${mport} 127.0.0.1 ${newPort}`,
  ]) assert.ok(got.includes(l), `${l} in\n${got.join('\n')}`);
});

test('script failures: -script-error, retries of status 1, -script-timeout and SIGKILL; INFO counts the jobs', async () => {
  const dead = await refusedPort();
  const missing = script('gone.sh', 'exit 0');
  const broken = await sentinel([`monitor m1 127.0.0.1 ${dead} 1`, `notification-script m1 ${missing}`]);
  rmSync(missing); // executable at start-up, gone when it runs: the exec fails (status 2)
  await waitFor(() => broken.events.includes(`-script-error ${missing} 0 2`), 10_000, '-script-error for a script that cannot run');

  const [flaky, flakyLog] = recorder('flaky');
  const failing = script('fails.sh', `${flaky} "$@"; exit 1`);
  const retried = await sentinel([`monitor m2 127.0.0.1 ${dead} 1`, `notification-script m2 ${failing}`]);
  assert.deepEqual(await retried.c.call('SENTINEL', 'DEBUG', 'script-retry-delay', '200'), { status: 'OK' });
  await waitFor(() => lines(flakyLog).filter((l) => l.startsWith('+monitor master m2')).length >= 2, 10_000, 'status 1 is retried');
  const jobs = await retried.c.call('SENTINEL', 'PENDING-SCRIPTS') as Decoded[];
  const job = jobs.map(fields).find((j) => j['argv']?.includes('+monitor'));
  assert.ok(job !== undefined, JSON.stringify(jobs));
  assert.ok(['running', 'scheduled'].includes(job['flags']!));
  assert.ok(Number(job['retry-num']) >= 2);
  assert.ok(!retried.events.some((e) => e.startsWith('-script-error')), 'no error while retries are left');

  const slow = script('slow.sh', 'exec sleep 30');
  const timed = await sentinel([`monitor m3 127.0.0.1 ${dead} 1`, `notification-script m3 ${slow}`]);
  await waitFor(async () => {
    const i = info(await timed.c.call('INFO', 'sentinel'));
    return i['sentinel_running_scripts'] === '1' && i['sentinel_scripts_queue_length'] === '1';
  }, 5000, 'INFO counts the running script');
  const [running] = (await timed.c.call('SENTINEL', 'PENDING-SCRIPTS') as Decoded[]).map(fields);
  assert.equal(running!['flags'], 'running');
  assert.ok(Number(running!['pid']) > 0);
  assert.ok('run-time' in running!);
  assert.deepEqual(await timed.c.call('SENTINEL', 'DEBUG', 'script-max-runtime', '100', 'script-retry-delay', '60000'), { status: 'OK' });
  await waitFor(() => timed.events.includes(`-script-timeout ${slow} ${running!['pid']}`), 5000, '-script-timeout');
  // Killed by SIGKILL: retried later, so the job waits again with its delay.
  await waitFor(async () => {
    const [j] = (await timed.c.call('SENTINEL', 'PENDING-SCRIPTS') as Decoded[]).map(fields);
    return j !== undefined && j['flags'] === 'scheduled' && Number(j['run-delay']) > 50_000 && j['retry-num'] === '1';
  }, 5000, 'the killed script is scheduled for a retry');
  assert.equal(info(await timed.c.call('INFO', 'sentinel'))['sentinel_running_scripts'], '0');
});

test('SENTINEL SET of script paths: denied by default, checked for execution rights, cleared by an empty value', async () => {
  const dead = await refusedPort();
  const [ok] = recorder('set-ok');
  const denied = await sentinel([`monitor m4 127.0.0.1 ${dead} 1`]);
  const text = 'Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration';
  assert.deepEqual(await denied.c.call('SENTINEL', 'SET', 'm4', 'notification-script', ok), { error: `ERR ${text}` });
  assert.deepEqual(await denied.c.call('SENTINEL', 'SET', 'm4', 'client-reconfig-script', ok), { error: `ERR ${text}` });

  const allowed = await sentinel(['deny-scripts-reconfig no', `monitor m5 127.0.0.1 ${dead} 1`]);
  const notExec = join(dir, 'plain.txt');
  writeFileSync(notExec, 'not a program\n');
  assert.deepEqual(await allowed.c.call('SENTINEL', 'SET', 'm5', 'notification-script', notExec), { error: 'ERR Notification script seems non existing or non executable' });
  assert.deepEqual(await allowed.c.call('SENTINEL', 'SET', 'm5', 'client-reconfig-script', join(dir, 'nope')), { error: 'ERR Client reconfiguration script seems non existing or non executable' });
  assert.deepEqual(await allowed.c.call('SENTINEL', 'SET', 'm5', 'notification-script', ok, 'client-reconfig-script', ok), { status: 'OK' });
  let m = fields(await allowed.c.call('SENTINEL', 'MASTER', 'm5'));
  assert.deepEqual([m['notification-script'], m['client-reconfig-script']], [ok, ok]);
  assert.ok(allowed.events.includes(`+set master m5 127.0.0.1 ${dead} notification-script ${ok}`));
  assert.deepEqual(await allowed.c.call('SENTINEL', 'SET', 'm5', 'notification-script', ''), { status: 'OK' });
  m = fields(await allowed.c.call('SENTINEL', 'MASTER', 'm5'));
  assert.equal(m['notification-script'], undefined);
  assert.equal(m['client-reconfig-script'], ok);
});

test('a script path that is not executable is refused at start-up with Redis\'s text', async () => {
  const dead = await refusedPort();
  await assert.rejects(
    startSentinel({ sentinel: [`monitor m6 127.0.0.1 ${dead} 1`, `notification-script m6 ${join(dir, 'absent.sh')}`] }),
    /Notification script seems non existing or non executable\./,
  );
});
