/**
 * ACL on a running Garrison, without Redis installed (test/interop/acl*.test.ts compares the
 * same behaviour with redis-server): NOPERM denials and their log, EXEC re-checking a revoked
 * command, DELUSER disconnecting the user's clients, and the aclfile of the library's
 * startServer (loaded before clients connect, refused when bad, written by ACL SAVE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/index.js';
import { RespClient, type Decoded } from '../helpers/resp-client.js';
import { withServer } from '../helpers/server.js';

const OK = { status: 'OK' };

test('a restricted user: command, key and channel denials, each in ACL LOG', async () => {
  await withServer({}, async (s, admin) => {
    const port = s.address.port;
    assert.deepEqual(await admin.call('ACL', 'SETUSER', 'app', 'on', '>pw', '~app:*', '&app:*', '+@read', '+@write', '+@transaction', '+publish', '-@dangerous'), OK);
    const c = await RespClient.connect(port);
    try {
      assert.deepEqual(await c.call('AUTH', 'app', 'pw'), OK);
      assert.deepEqual(await c.call('SET', 'app:1', 'x'), OK);
      assert.deepEqual(await c.call('SET', 'other', 'x'), { error: 'NOPERM this user has no permissions to access one of the keys used as arguments' });
      assert.deepEqual(await c.call('FLUSHALL'), { error: "NOPERM this user has no permissions to run the 'flushall' command" });
      assert.deepEqual(await c.call('PUBLISH', 'news', 'x'), { error: 'NOPERM this user has no permissions to access one of the channels used as arguments' });
      assert.equal(await c.call('PUBLISH', 'app:news', 'x'), 0);
      const log = (await admin.call('ACL', 'LOG')) as Decoded[][];
      assert.deepEqual(log.map((e) => [e[3], e[5], e[7], e[9]]), [
        ['channel', 'toplevel', 'news', 'app'], ['command', 'toplevel', 'flushall', 'app'], ['key', 'toplevel', 'other', 'app'],
      ]);
      assert.match(String(log[0]![13]), / cmd=publish user=app /);
      // Revoked between MULTI and EXEC: the queued command is refused inside EXEC's reply.
      assert.deepEqual(await c.call('MULTI'), OK);
      assert.deepEqual(await c.call('SET', 'app:2', 'y'), { status: 'QUEUED' });
      assert.deepEqual(await admin.call('ACL', 'SETUSER', 'app', '-set'), OK);
      assert.deepEqual(await c.call('EXEC'), [{ error: 'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand' }]);
      // DELUSER disconnects the user's clients.
      assert.equal(await admin.call('ACL', 'DELUSER', 'app'), 1);
      await c.waitClosed();
    } finally {
      c.close();
    }
  });
});

test('startServer loads an aclfile before clients connect, refuses a bad one, and ACL SAVE writes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'garrison-aclfile-'));
  const file = join(dir, 'users.acl');
  try {
    writeFileSync(file, 'user default off\nuser admin on >adminpw ~* &* +@all\n');
    const s = await startServer({ config: { aclfile: file } });
    try {
      const c = await RespClient.connect(s.address.port);
      assert.deepEqual(await c.call('PING'), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(await c.call('AUTH', 'admin', 'adminpw'), OK);
      assert.deepEqual(await c.call('ACL', 'SETUSER', 'bob', 'on', 'nopass', '+ping'), OK);
      assert.deepEqual(await c.call('ACL', 'SAVE'), OK);
      c.close();
    } finally {
      await s.close();
    }
    assert.equal(readFileSync(file, 'utf8'),
      'user admin on #5fcf82bc15aef42cd3ec93e6d4b51c04df110cf77ee715f62f3f172ff8ed9de9 ~* &* +@all\n' +
      'user bob on nopass resetchannels -@all +ping\nuser default off resetchannels -@all\n');
    writeFileSync(file, 'user admin on +nosuch\n');
    await assert.rejects(startServer({ config: { aclfile: file } }),
      new RegExp(`Aborting Redis startup because of ACL errors: ${file}:1: Error in applying operation '\\+nosuch'`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
