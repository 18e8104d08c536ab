/** SLOWLOG: what is logged, entry format, redacted secrets, trimming of long argv, max length, reset. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import type { Decoded } from '../helpers/resp-client.js';

test('every command is logged at threshold 0, newest first, with Redis 7.0 entry fields', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0 } }, async (_s, c) => {
    await c.call('SLOWLOG', 'RESET');
    await c.call('SET', 'a', 'b');
    await c.call('GET', 'a');
    const entries = (await c.call('SLOWLOG', 'GET', '2')) as Decoded[][];
    assert.equal(entries.length, 2);
    const [newest, older] = entries;
    assert.deepEqual(newest![3], ['GET', 'a']);
    assert.deepEqual(older![3], ['SET', 'a', 'b']);
    assert.equal(newest![0], (older![0] as number) + 1);
    assert.ok(Math.abs((newest![1] as number) - Date.now() / 1000) < 5);
    assert.ok(typeof newest![2] === 'number' && newest![2] >= 0);
    assert.match(String(newest![4]), /^127\.0\.0\.1:\d+$/);
    assert.equal(newest![5], '');
    // RESET, SET, GET and SLOWLOG GET: a command is logged after it runs, so LEN does not see itself.
    assert.equal(await c.call('SLOWLOG', 'LEN'), 4);
    assert.equal(((await c.call('SLOWLOG', 'GET', '-1')) as Decoded[]).length, 5);
    assert.deepEqual(await c.call('SLOWLOG', 'GET', '0'), []);
    assert.deepEqual(await c.call('SLOWLOG', 'GET', '-2'), { error: 'ERR count should be greater than or equal to -1' });
    await c.call('SLOWLOG', 'RESET');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 1, 'the RESET itself is logged after it empties the log');
  });
});

test('secrets read (redacted): AUTH, HELLO AUTH, and CONFIG SET of requirepass, masterauth and masteruser', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0 } }, async (_s, c) => {
    await c.call('SLOWLOG', 'RESET');
    const R = '(redacted)';
    assert.deepEqual(await c.call('CONFIG', 'SET', 'masterauth', 'secret1', 'maxclients', '100', 'requirepass', 'secret2'), { status: 'OK' });
    // A failed CONFIG SET still hides every sensitive value (Redis redacts before validating).
    assert.ok('error' in (await c.call('CONFIG', 'SET', 'nosuch', 'x', 'masteruser', 'secret3') as { error: string }));
    assert.deepEqual(await c.call('AUTH', 'secret2'), { status: 'OK' });
    assert.ok('error' in (await c.call('AUTH', 'default', 'wrong') as { error: string }));
    await c.call('HELLO', '2', 'AUTH', 'default', 'secret2', 'SETNAME', 'me');
    const argvs = ((await c.call('SLOWLOG', 'GET', '5')) as Decoded[][]).map((e) => e[3]);
    assert.deepEqual(argvs, [
      ['HELLO', '2', 'AUTH', R, R, 'SETNAME', 'me'],
      ['AUTH', R, R],
      ['AUTH', R],
      ['CONFIG', 'SET', 'nosuch', 'x', 'masteruser', R],
      ['CONFIG', 'SET', 'masterauth', R, 'maxclients', '100', 'requirepass', R],
    ]);
  });
});

test('long argv: 32 arguments at most, arguments cut at 128 bytes', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0 } }, async (_s, c) => {
    const args = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await c.call('MGET', ...args);
    await c.call('SET', 'big', 'x'.repeat(200));
    const [setEntry, mgetEntry] = (await c.call('SLOWLOG', 'GET', '2')) as Decoded[][];
    const argv = mgetEntry![3] as string[];
    assert.equal(argv.length, 32);
    assert.deepEqual(argv.slice(0, 2), ['MGET', 'k0']);
    assert.equal(argv[30], 'k29');
    assert.equal(argv[31], '... (10 more arguments)');
    assert.deepEqual(setEntry![3], ['SET', 'big', `${'x'.repeat(128)}... (72 more bytes)`]);
  });
});

test('slowlog-max-len bounds the log; a negative threshold disables it; the default skips fast commands', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0, 'slowlog-max-len': 3 } }, async (_s, c) => {
    for (let i = 0; i < 10; i++) await c.call('GET', `k${i}`);
    assert.equal(await c.call('SLOWLOG', 'LEN'), 3);
    const ids = ((await c.call('SLOWLOG', 'GET')) as Decoded[][]).map((e) => e[0] as number);
    assert.deepEqual(ids, [ids[0], ids[0]! - 1, ids[0]! - 2]);
  });
  await withServer({ config: { 'slowlog-log-slower-than': -1 } }, async (_s, c) => {
    await c.call('GET', 'a');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
  });
  await withServer({}, async (_s, c) => {
    await c.call('GET', 'a');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 0, '10 ms default threshold');
  });
});

test('bounds up to LONG_MAX: the log keeps working (a bigint bound used to crash the server)', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0 } }, async (_s, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'slowlog-max-len', '9223372036854775807'), { status: 'OK' });
    for (let i = 0; i < 5; i++) await c.call('GET', `k${i}`);
    assert.equal(await c.call('SLOWLOG', 'LEN'), 6);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '9223372036854775807'), { status: 'OK' });
    await c.call('SLOWLOG', 'RESET');
    await c.call('GET', 'a');
    assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
  });
});

test('skip_slowlog commands (EXEC) are not logged, the commands inside are', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 0 } }, async (s, c) => {
    if (s.server.commands.lookup('exec') === undefined) return; // MULTI family not registered in this build
    await c.call('SLOWLOG', 'RESET');
    await c.call('MULTI');
    await c.call('SET', 'x', '1');
    await c.call('EXEC');
    const names = ((await c.call('SLOWLOG', 'GET', '-1')) as Decoded[][]).map((e) => (e[3] as string[])[0]!.toLowerCase());
    assert.ok(names.includes('set'));
    assert.ok(!names.includes('exec'));
  });
});

test('SLOWLOG HELP and errors', async () => {
  await withServer({}, async (_s, c) => {
    const help = (await c.call('SLOWLOG', 'HELP')) as Array<{ status: string }>;
    assert.equal(help[0]!.status, 'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(await c.call('SLOWLOG', 'GET', '1', '2'), { error: "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP." });
    assert.deepEqual(await c.call('SLOWLOG', 'FOO'), { error: "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP." });
  });
});

test('DEBUG SLEEP is logged with the whole sleep as its duration, when it completes', async () => {
  await withServer({ config: { 'slowlog-log-slower-than': 50000, 'enable-debug-command': 'yes' } }, async (_s, c) => {
    await c.call('SLOWLOG', 'RESET');
    await c.call('DEBUG', 'SLEEP', '0.1');
    const entries = (await c.call('SLOWLOG', 'GET')) as Decoded[][];
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]![3], ['DEBUG', 'SLEEP', '0.1']);
    assert.ok((entries[0]![2] as number) >= 95000, `duration ${String(entries[0]![2])}`);
  });
});
