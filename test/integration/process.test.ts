/**
 * The process contract of `garrison-server`, on the real executable (node bin/garrison-server.js):
 * the command line (precedence over the config file, stdin, errors and exit codes, --version,
 * --help, --sentinel), the log (format, logfile, dir), the pid file, the unix socket, SIGTERM
 * shutdown, a taken port, rename-command and CONFIG REWRITE on the file it was started with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient, callFresh, waitFor } from '../helpers/resp-client.js';
import { freePort } from '../helpers/free-port.js';

const BIN = fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url));
const LOG_LINE = /^(\d+):([MCSX]) \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) (.*)$/;


function tempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'garrison-proc-')));
}

/** Runs the executable to completion (for the cases that exit at once). */
function runToExit(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: input ?? '', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Running {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], opts: { cwd?: string; stdin?: string } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString('latin1'); });
  child.stdin!.end(opts.stdin ?? '');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function stop(r: Running): Promise<number | null> {
  if (r.child.exitCode === null) r.child.kill('SIGKILL');
  return r.exited;
}

async function ready(text: () => string): Promise<void> {
  await waitFor(() => text().includes('Ready to accept connections'), 10_000, 'Ready to accept connections');
}

test('--version, -v and --help', () => {
  const v = runToExit(['--version']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^Garrison server v=\d+\.\d+\.\d+\S* \(Redis 7\.0\.15 compatible\) sha=\S+ malloc=\S+ bits=64 build=\S+\n$/);
  assert.equal(runToExit(['-v']).stdout, v.stdout);
  const h = runToExit(['--help']);
  assert.equal(h.status, 1);
  assert.match(h.stderr, /^Usage: garrison-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]$/m);
  assert.equal(runToExit(['-h']).stderr, h.stderr);
});

test('bad arguments print FATAL CONFIG FILE ERROR like redis-server and exit 1', () => {
  const a = runToExit(['--port', 'abc']);
  assert.equal(a.status, 1);
  assert.equal(a.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n");
  const b = runToExit(['--foo', 'bar']);
  assert.equal(b.status, 1);
  assert.match(b.stderr, />>> 'foo "bar"'\nBad directive or wrong number of arguments\n$/);
  const dir = tempDir();
  try {
    const conf = join(dir, 'g.conf');
    writeFileSync(conf, '# comment\nport 7000\nmaxmemory 1x\n');
    const c = runToExit([conf]);
    assert.equal(c.status, 1);
    assert.equal(c.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxmemory 1x'\nargument must be a memory value\n");
    const missing = runToExit([join(dir, 'missing.conf')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /^\d+:C .* # Fatal error, can't open config file '.*missing\.conf': No such file or directory$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const s = runToExit(['--sentinel']);
  assert.equal(s.status, 1);
  assert.match(s.stdout, / # Sentinel needs config file on disk to save state\. Exiting\.\.\.$/m);
  const sdir = tempDir();
  try {
    const sconf = join(sdir, 's.conf');
    writeFileSync(sconf, 'port 26397\nsentinel monitor m 127.0.0.1 1 1\nsentinel bogus x\n');
    const bad = runToExit([sconf, '--sentinel']);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'sentinel bogus x'\nUnrecognized sentinel configuration statement.\n");
  } finally {
    rmSync(sdir, { recursive: true, force: true });
  }
});

test('config file, stdin and options: later wins; log format; pid file; SIGTERM exits 0 and cleans up', async () => {
  const dir = tempDir();
  const port = await freePort();
  const conf = join(dir, 'g.conf');
  writeFileSync(conf, `port 1\nhz 20\nmaxmemory 1mb\nloglevel verbose\n`);
  const pidfile = join(dir, 'g.pid');
  const r = start(['g.conf', '--port', String(port), '--pidfile', pidfile, '--loglevel', 'notice', '-'], { cwd: dir, stdin: 'maxmemory 2mb\ntimeout 7\n' });
  let c: RespClient | null = null;
  try {
    await ready(r.out);
    c = await RespClient.connect(port);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '20']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', String(2 * 1024 * 1024)]);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout'), ['timeout', '7']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'loglevel'), ['loglevel', 'notice']);
    assert.equal(readFileSync(pidfile, 'utf8'), `${r.child.pid}\n`);

    const lines = r.out().trimEnd().split('\n');
    const parsed = lines.map((l) => LOG_LINE.exec(l));
    for (const [i, m] of parsed.entries()) {
      assert.ok(m !== null, `not a log line: ${JSON.stringify(lines[i])}`);
      assert.equal(m[1], String(r.child.pid));
    }
    const ready_ = parsed.find((m) => m![4] === 'Ready to accept connections')!;
    assert.equal(ready_[2], 'M');
    assert.equal(ready_[3], '*');
    assert.ok(parsed.some((m) => m![4] === 'Server initialized'));
    assert.ok(parsed.some((m) => m![4] === `Running mode=standalone, port=${port}.`));
    assert.ok(parsed.some((m) => m![2] === 'C' && m![4] === 'Configuration loaded'));

    c.close();
    c = null;
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 0);
    assert.match(r.out(), new RegExp(`^${r.child.pid}:signal-handler \\(\\d+\\) Received SIGTERM scheduling shutdown\\.\\.\\.$`, 'm'));
    assert.match(r.out(), / # User requested shutdown\.\.\.\n/);
    assert.match(r.out(), / \* Removing the pid file\.\n/);
    assert.equal(existsSync(pidfile), false);
  } finally {
    c?.close();
    await stop(r);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logfile inside dir, unix socket with its permissions, banner with always-show-logo', async () => {
  const dir = tempDir();
  const port = await freePort();
  const sock = join(dir, 'g.sock');
  const r = start(['--port', String(port), '--dir', dir, '--logfile', 'g.log', '--unixsocket', sock, '--unixsocketperm', '700',
    '--always-show-logo', 'yes']);
  try {
    const log = (): string => (existsSync(join(dir, 'g.log')) ? readFileSync(join(dir, 'g.log'), 'latin1') : '');
    await ready(log);
    await waitFor(() => log().includes(`The server is now ready to accept connections at ${sock}`), 5000, 'unix socket line');
    assert.equal(r.out(), '');
    assert.match(log(), new RegExp(` PID: ${r.child.pid}\\n`));
    assert.match(log(), new RegExp(` Port: ${port}\\n`));
    assert.equal(statSync(sock).mode & 0o777, 0o700);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ path: sock }, () => s.write('*1\r\n$4\r\nPING\r\n'));
      s.once('data', (d) => { resolve(d.toString('latin1')); s.destroy(); });
      s.once('error', reject);
    });
    assert.equal(reply, '+PONG\r\n');
    const c = await RespClient.connect(port);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', dir]);
    c.close();
    r.child.kill('SIGINT');
    assert.equal(await r.exited, 0);
    assert.equal(existsSync(sock), false);
    assert.match(log(), /Received SIGINT scheduling shutdown\.\.\./);
  } finally {
    await stop(r);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use: "Failed listening on port" and a non-zero exit', async () => {
  const blocker = net.createServer();
  await new Promise<void>((res) => blocker.listen(0, () => res()));
  const port = (blocker.address() as net.AddressInfo).port;
  const r = start(['--port', String(port)]);
  try {
    const code = await r.exited;
    assert.notEqual(code, 0);
    assert.match(r.out(), new RegExp(` # Warning: Could not create server TCP listening socket \\*:${port}: bind: Address already in use\\n`));
    assert.match(r.out(), new RegExp(` # Failed listening on port ${port} \\(tcp\\), aborting\\.\\n`));
  } finally {
    await stop(r);
    blocker.close();
  }
});

test("a configuration that asks for TLS fails the start (Garrison has none) with Redis's last log line", async () => {
  for (const args of [['--tls-port', '6390'], ['--tls-replication', 'yes'], ['--tls-cluster', 'yes']]) {
    const r = start(['--port', '0', ...args]);
    try {
      const code = await r.exited;
      assert.equal(code, 1, args.join(' '));
      assert.match(r.out(), / # TLS is not supported by Garrison: tls-port must be 0, tls-replication and tls-cluster no\n/);
      assert.match(r.out(), / # Failed to configure TLS\. Check logs for more info\.\n/);
      assert.doesNotMatch(r.out(), /Ready to accept connections/);
    } finally {
      await stop(r);
    }
  }
});

test('cluster-enabled yes fails the start with a line saying Garrison has no Cluster yet', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'c.conf'), 'port 0\ncluster-enabled yes\n');
    for (const args of [['--port', '0', '--cluster-enabled', 'yes'], [join(dir, 'c.conf')]]) {
      const r = start(args);
      try {
        assert.equal(await r.exited, 1, args.join(' '));
        assert.match(r.out(), / # Garrison does not implement Redis Cluster yet: cluster-enabled must be no\. Start the server without cluster-enabled yes\.\n/);
        assert.doesNotMatch(r.out(), /Ready to accept connections/);
      } finally {
        await stop(r);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rename-command applies to the command table; CONFIG REWRITE updates the (relative) config file', async () => {
  const dir = tempDir();
  const port = await freePort();
  writeFileSync(join(dir, 'g.conf'), `# my settings\nport ${port}\nmaxmemory 1mb\nrename-command flushall nukeall\n`);
  const r = start(['g.conf', '--daemonize', 'yes'], { cwd: dir });
  let c: RespClient | null = null;
  try {
    await ready(r.out);
    assert.match(r.out(), /daemonize yes is accepted but Garrison does not fork/);
    c = await RespClient.connect(port);
    assert.deepEqual(await c.call('FLUSHALL'), { error: "ERR unknown command 'FLUSHALL', with args beginning with: " });
    assert.deepEqual(await c.call('NUKEALL'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '2mb', 'hz', '15'), { status: 'OK' });
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
    const text = readFileSync(join(dir, 'g.conf'), 'latin1');
    assert.equal(text, [
      '# my settings', `port ${port}`, 'maxmemory 2mb', 'rename-command flushall nukeall', '',
      '# Generated by CONFIG REWRITE', 'daemonize yes', 'hz 15', `dir "${dir}"`, 'save 3600 1', 'save 300 100', 'save 60 10000',
      'latency-tracking-info-percentiles 50 99 99.9', 'user default on nopass ~* &* +@all', '',
    ].join('\n'));
  } finally {
    c?.close();
    await stop(r);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Whether this process may raise its hard limit on open files (CAP_SYS_RESOURCE). */
function mayRaiseHardLimit(): boolean {
  return spawnSync('bash', ['-c', 'ulimit -n 160 && prlimit --pid $$ --nofile=10032:10032'], { stdio: 'ignore' }).status === 0;
}

/** garrison-server on `port` under `ulimit -n limit`, with its output collected. */
function spawnUnderUlimit(limit: number, port: number): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn('bash', ['-c', `ulimit -n ${limit} && exec "${process.execPath}" "${BIN}" --port ${port} --save "" --appendonly no`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

test('ulimit -n 160: maxclients is reduced to 128 as Redis does; clients past it get the max-clients error; CONFIG SET cannot go higher', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const { child, out: output, exited } = spawnUnderUlimit(160, port);
  const clients: RespClient[] = [];
  try {
    await ready(() => output());
    if (mayRaiseHardLimit()) {
      // With CAP_SYS_RESOURCE the limit is raised instead, as redis-server does it.
      assert.match(output(), /\* Increased maximum number of open files to 10032 \(it was originally set to 160\)\.\n/);
      clients.push(await RespClient.connect(port));
      assert.deepEqual(await clients[0]!.call('CONFIG', 'GET', 'maxclients'), ['maxclients', '10000']);
      return;
    }
    // redis-server 7.0's three lines (without CAP_SYS_RESOURCE).
    assert.match(output(), /# You requested maxclients of 10000 requiring at least 10032 max file descriptors\.\n/);
    assert.match(output(), /# Server can't set maximum open files to 10032 because of OS error: Operation not permitted\.\n/);
    assert.match(output(), /# Current maximum open files is 160\. maxclients has been reduced to 128 to compensate for low ulimit\. If you need higher maxclients increase 'ulimit -n'\.\n/);
    for (let i = 0; i < 128; i++) {
      const c = await RespClient.connect(port);
      clients.push(c);
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    }
    assert.deepEqual(await clients[0]!.call('CONFIG', 'GET', 'maxclients'), ['maxclients', '128']);
    // Past maxclients: answered and closed, with descriptors to spare (without the reduction the
    // server ran out of them around here, and libuv dropped connections unanswered).
    for (let i = 0; i < 10; i++) {
      const r = await callFresh(port, 'PING');
      assert.deepEqual(r, { error: 'ERR max number of clients reached' });
    }
    assert.deepEqual(await clients[0]!.call('CONFIG', 'SET', 'maxclients', '129'), {
      error: "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with 128",
    });
    await waitFor(() => output().includes('# Failed applying new configuration. Possibly related to new maxclients setting. Restoring previous settings.'), 5_000, 'the failure logged');
    assert.deepEqual(await clients[0]!.call('CONFIG', 'GET', 'maxclients'), ['maxclients', '128']);
    assert.deepEqual(await clients[0]!.call('CONFIG', 'SET', 'maxclients', '100'), { status: 'OK' });
    for (const c of clients.splice(0)) c.close();
    await waitFor(async () => {
      const r = await callFresh(port, 'PING');
      return r !== null && typeof r === 'object' && 'status' in r && r.status === 'PONG';
    }, 10_000, 'PING once the clients are gone');
    assert.equal(child.exitCode, null, output());
  } finally {
    for (const c of clients) c.close();
    child.kill('SIGKILL');
    await exited;
  }
});

test('ulimit -n 64: the module graph loads one file at a time, and the server starts as redis-server does (maxclients 32); at 32 it exits', { timeout: 60_000 }, async () => {
  // Node's concurrent module loader failed with EMFILE here before anything ran.
  const port = await freePort();
  const { child, out: output, exited } = spawnUnderUlimit(64, port);
  const clients: RespClient[] = [];
  try {
    await ready(() => output());
    const raised = mayRaiseHardLimit();
    if (!raised) assert.match(output(), /# Current maximum open files is 64\. maxclients has been reduced to 32 to compensate for low ulimit\./);
    const maxclients = raised ? 10000 : 32;
    clients.push(await RespClient.connect(port));
    assert.deepEqual(await clients[0]!.call('CONFIG', 'GET', 'maxclients'), ['maxclients', String(maxclients)]);
    if (!raised) {
      for (let i = 1; i < 32; i++) {
        const c = await RespClient.connect(port);
        clients.push(c);
        assert.deepEqual(await c.call('PING'), { status: 'PONG' });
      }
      assert.deepEqual(await callFresh(port, 'PING'), { error: 'ERR max number of clients reached' });
    }
    assert.equal(child.exitCode, null, output());
  } finally {
    for (const c of clients) c.close();
    child.kill('SIGKILL');
    await exited;
  }
  if (mayRaiseHardLimit()) return;
  // At 32 descriptors redis-server 7.0 refuses to start, with this line and status 1.
  const low = spawnSync('bash', ['-c', `ulimit -n 32 && exec "${process.execPath}" "${BIN}" --port 0 --save ""`], { encoding: 'latin1', timeout: 20_000 });
  assert.equal(low.status, 1, low.stdout + low.stderr);
  assert.match(low.stdout, /# Your current 'ulimit -n' of 32 is not enough for the server to start\. Please increase your open file limit to at least 10032\. Exiting\.\n/);
});

test('the process title is proc-title-template expanded, as redis-server sets it; set-proc-title no leaves it until the template is set', { skip: existsSync('/proc/self/cmdline') ? false : 'no /proc' }, async () => {
  const title = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]!;
  const port = await freePort();
  const r = start(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  try {
    await ready(r.out);
    assert.equal(title(r.child.pid!), `garrison-server 127.0.0.1:${port}`);
    const c = await RespClient.connect(port);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'proc-title-template', '{title} {port} {{x}'), { status: 'OK' });
    assert.equal(title(r.child.pid!), `garrison-server ${port} {x}`);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'proc-title-template', '{title}'), {
      error: "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables",
    });
    assert.equal(title(r.child.pid!), `garrison-server ${port} {x}`);
    c.close();
  } finally {
    await stop(r);
  }
  const port2 = await freePort();
  const off = start(['--port', String(port2), '--save', '', '--set-proc-title', 'no']);
  try {
    await ready(off.out);
    assert.equal(title(off.child.pid!), process.execPath);
    // A CONFIG SET of the template sets it even so, as in redis-server 7.0.15.
    const c = await RespClient.connect(port2);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'proc-title-template', '{title} x'), { status: 'OK' });
    assert.equal(title(off.child.pid!), 'garrison-server x');
    c.close();
  } finally {
    await stop(off);
  }
});
