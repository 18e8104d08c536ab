/**
 * Users at start-up, garrison-server against redis-server 7.0 given the same config file: the
 * config file's `user` lines, an `aclfile`, both at once, their errors (exit code and the log
 * line saying why), then ACL LIST, AUTH, ACL SAVE / ACL LOAD on the file and CONFIG REWRITE's
 * `user` lines. Paths are replaced by <dir> and single-command rules sorted before comparing
 * (Redis lists those in a per-process hash order).
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCommand, RespClient, waitFor } from '../helpers/resp-client.js';
import { freePort } from '../helpers/free-port.js';
import { requireBinaries } from './helpers/redis-process.js';

const skip = requireBinaries('redis-server');
const GARRISON = fileURLToPath(new URL('../../../bin/garrison-server.js', import.meta.url));

interface Outcome {
  /** The exit code when the server did not start, else null. */
  exit: number | null;
  /** The log lines that say why it stopped (message part only). */
  why: string[];
  /** The replies of the steps, when it started. */
  replies: string[];
  /** Files of the temp dir after the steps, by name. */
  files: Record<string, string>;
}

function normalise(text: string, dir: string): string {
  return text.split(dir).join('<dir>')
    .replace(/(?: [+-][a-z_|0-9]+(?![@a-z_|0-9]))+/g, (m) => ` ${m.trim().split(' ').sort().join(' ')}`);
}

/**
 * Starts `which` on a fresh dir holding `conf` (and `files`), runs `steps` on one connection,
 * shuts it down and reports. The config file gets the port, dir and no persistence prepended.
 */
async function run(which: 'redis' | 'garrison', conf: string, files: Record<string, string>, steps: string[][], keep: string[]): Promise<Outcome> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'garrison-acl-start-')));
  try {
    const port = await freePort();
    const text = `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsave ""\nappendonly no\n${conf.split('<dir>').join(dir)}`;
    writeFileSync(join(dir, 'redis.conf'), text);
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    const [cmd, args] = which === 'redis' ? ['redis-server', [join(dir, 'redis.conf')]] : [process.execPath, [GARRISON, join(dir, 'redis.conf')]];
    const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    let exit: number | null = null;
    const exited = new Promise<void>((r) => child.on('exit', (code) => { exit = code ?? -1; r(); }));
    await waitFor(() => exit !== null || out.includes('Ready to accept connections'), 10_000, `${which} to start or exit`);
    if (exit !== null) {
      const why = out.split('\n').map((l) => l.replace(/^\d+:[A-Z] \d\d \w{3} \d{4} [\d:.]+ . /, '').trim())
        .filter((l) => /ACL|user|User|declaration/.test(l)).map((l) => normalise(l, dir));
      return { exit, why, replies: [], files: {} };
    }
    const c = await RespClient.connect(port);
    const replies: string[] = [];
    for (const s of steps) {
      c.writeRaw(encodeCommand(s));
      const r = await c.readWithin(3000);
      replies.push(`${s.join(' ')} -> ${typeof r === 'string' ? `(${r})` : normalise(JSON.stringify(r.raw.toString('latin1')), dir)}`);
    }
    c.close();
    const admin = await RespClient.connect(port);
    await admin.call('AUTH', 'admin', 'adminpw');
    admin.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await exited;
    admin.close();
    const kept: Record<string, string> = {};
    for (const name of keep) {
      let body = readFileSync(join(dir, name), 'latin1');
      // CONFIG REWRITE's comment lines and the parameters each server writes in its own way aside:
      if (name === 'redis.conf') body = body.split('\n').filter((l) => l.startsWith('user ')).join('\n');
      kept[name] = normalise(body, dir);
    }
    return { exit: null, why: [], replies, files: kept };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every case has an `admin` user (so the test can shut the server down) unless it must fail. */
const ADMIN = 'user admin on >adminpw ~* &* +@all\n';

interface Case {
  conf: string;
  files?: Record<string, string>;
  steps?: string[][];
  keep?: string[];
}

const CASES: Record<string, Case> = {
  'user lines: the default user is reset first, others start new; requirepass loses to them': {
    conf: `requirepass foo\n${ADMIN}user default on >bar ~* +@all\nuser alice on >pw ~a* &ch +get +set (~b* +del)\nuser off1\n`,
    steps: [['PING'], ['AUTH', 'foo'], ['AUTH', 'bar'], ['ACL', 'LIST'], ['CONFIG', 'GET', 'requirepass'], ['AUTH', 'alice', 'pw'],
      ['GET', 'a1'], ['GET', 'b1'], ['DEL', 'b1'], ['AUTH', 'off1', 'x']],
  },
  'requirepass alone sets the default user\'s password': {
    conf: `requirepass foo\n${ADMIN}`,
    steps: [['PING'], ['AUTH', 'foo'], ['ACL', 'LIST']],
  },
  'CONFIG REWRITE writes every user as a user line': {
    conf: `${ADMIN}user alice on >pw ~a* +get\n`,
    steps: [['AUTH', 'admin', 'adminpw'], ['ACL', 'SETUSER', 'bob', 'on', '%R~x', '+@read'], ['ACL', 'DELUSER', 'alice'], ['CONFIG', 'REWRITE']],
    keep: ['redis.conf'],
  },
  'aclfile: loaded at start, ACL SAVE writes it, ACL LOAD reads it back and disconnects other users\' clients': {
    conf: 'aclfile <dir>/users.acl\n',
    files: { 'users.acl': `${ADMIN}user default on nopass ~* &* +@all\nuser carol on >c ~c* +@string -append\n` },
    steps: [['ACL', 'LIST'], ['AUTH', 'carol', 'c'], ['ACL', 'WHOAMI'], ['AUTH', 'admin', 'adminpw'],
      ['ACL', 'SETUSER', 'dave', 'on', 'nopass', '+ping'], ['ACL', 'SAVE'], ['ACL', 'DELUSER', 'dave'], ['ACL', 'LOAD'], ['PING'],
      ['ACL', 'LIST']],
    keep: ['users.acl'],
  },
  'aclfile without a default user: the default user becomes nopass again': {
    conf: 'requirepass foo\naclfile <dir>/users.acl\n',
    files: { 'users.acl': ADMIN },
    steps: [['PING'], ['ACL', 'LIST'], ['CONFIG', 'GET', 'requirepass']],
  },
  'a bad rule in a user line is a fatal config error': { conf: `${ADMIN}user alice on bogus\n` },
  'a repeated user line is a fatal config error': { conf: `${ADMIN}user alice on\nuser alice off\n` },
  'an unknown command in a user line stops the start when users are loaded': { conf: `${ADMIN}user alice on +nosuchcommand\n` },
  'user lines and an aclfile together are refused': { conf: `${ADMIN}aclfile <dir>/users.acl\n`, files: { 'users.acl': ADMIN } },
  'a missing aclfile stops the start': { conf: 'aclfile <dir>/missing.acl\n' },
  'a bad aclfile stops the start': {
    conf: 'aclfile <dir>/users.acl\n',
    files: { 'users.acl': `${ADMIN}user bob on +nosuch +nosuch2 bogus ~x\n# comment\nuser admin on\nuser eve (+get\nuser f ~* ~x\nuser g <nopw\nmallory on\n` },
  },
};

describe('ACL at start-up: garrison-server vs redis-server 7.0', { skip: skip ?? false }, () => {
  for (const [name, c] of Object.entries(CASES)) {
    test(name, { timeout: 60_000 }, async () => {
      const r = await run('redis', c.conf, c.files ?? {}, c.steps ?? [], c.keep ?? []);
      const g = await run('garrison', c.conf, c.files ?? {}, c.steps ?? [], c.keep ?? []);
      assert.deepEqual(g, r);
    });
  }
});
