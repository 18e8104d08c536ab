/** MONITOR: line format, escaping, db after the command, skipped admin commands, redaction, MULTI order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';

/** Reads monitor lines (status replies) until `n` arrived. */
async function monitorLines(m: RespClient, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await m.read();
    assert.ok(typeof r.value === 'object' && r.value !== null && 'status' in r.value, `not a status line: ${r.raw.toString('latin1')}`);
    out.push(r.value.status);
  }
  return out;
}

const LINE = /^(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$/;

test('each executed command reaches the monitors as one line', async () => {
  await withServer({}, async (s, m) => {
    assert.deepEqual(await m.call('MONITOR'), { status: 'OK' });
    const c = await RespClient.connect(s.address.port);
    try {
      const [me] = ((await c.call('CLIENT', 'INFO')) as string).split(' ').filter((f) => f.startsWith('addr='));
      const addr = me!.slice(5);
      c.socket.write(encodeCommand(['set', 'k\x01', 'a"b\\\n\xff']));
      await c.read();
      await c.call('GET', 'k');
      await c.call('SELECT', '3');
      await c.call('CONFIG', 'GET', 'maxmemory'); // admin: not shown
      await c.call('CLIENT', 'LIST'); // admin subcommand: not shown
      await c.call('GET'); // rejected before execution: not shown
      await c.call('NOSUCH'); // unknown: not shown
      await c.call('AUTH', 'secret');
      await c.call('HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'x');
      await c.call('MULTI');
      await c.call('INCR', 'n');
      await c.call('EXEC');
      await c.call('SELECT', '0');
      const before = Date.now() / 1000;
      const lines = await monitorLines(m, 10);
      const parsed = lines.map((l) => LINE.exec(l));
      for (const p of parsed) {
        assert.ok(p !== null);
        assert.ok(Math.abs(Number(p[1]) - before) < 10);
        assert.equal(p[4], addr);
      }
      assert.deepEqual(parsed.map((p) => [p![3], p![5]]), [
        ['0', '"CLIENT" "INFO"'],
        ['0', '"set" "k\\x01" "a\\"b\\\\\\n\\xff"'],
        ['0', '"GET" "k"'],
        ['3', '"SELECT" "3"'],
        ['3', '"AUTH" "(redacted)"'],
        ['3', '"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "x"'],
        ['3', '"MULTI"'],
        ['3', '"INCR" "n"'],
        ['3', '"EXEC"'],
        ['0', '"SELECT" "0"'],
      ]);
    } finally {
      c.close();
    }
  });
});

test('every monitor gets the line; a second MONITOR is ignored; MONITOR in a transaction is refused', async () => {
  await withServer({}, async (s, m1) => {
    const m2 = await RespClient.connect(s.address.port);
    const c = await RespClient.connect(s.address.port);
    try {
      await m1.call('MONITOR');
      await m2.call('MONITOR');
      // Redis sends nothing for a repeated MONITOR: the next reply m1 sees is the line for c's PING.
      m1.writeRaw('MONITOR\r\n');
      await c.call('PING');
      const [l1] = await monitorLines(m1, 1);
      const [l2] = await monitorLines(m2, 1);
      assert.match(l1!, /"PING"$/);
      assert.equal(l1!.replace(/^\d+\.\d+ /, ''), l2!.replace(/^\d+\.\d+ /, ''));
      const flags = ((await c.call('CLIENT', 'LIST')) as string).split('\n').filter((l) => l !== '').map((l) => /flags=(\S+)/.exec(l)![1]);
      assert.deepEqual(flags.sort(), ['N', 'O', 'O']);
      await c.call('MULTI');
      await c.call('MONITOR');
      assert.deepEqual(await c.call('EXEC'), [{ error: "ERR MONITOR isn't allowed for DENY BLOCKING client" }]);
      const tx = await monitorLines(m1, 2);
      assert.deepEqual(tx.map((l) => l.replace(/^.*\] /, '')), ['"MULTI"', '"EXEC"']);
      await monitorLines(m2, 2);
      // A monitor's own command: the reply first, then its line (as Redis queues them).
      const own = await m1.callRaw('ECHO', 'self');
      assert.equal(own.raw.toString('latin1'), '$4\r\nself\r\n');
      const [ownLine] = await monitorLines(m1, 1);
      assert.match(ownLine!, /"ECHO" "self"$/);
      // A closed monitor leaves the set.
      m2.close();
      await m2.waitClosed();
      await c.call('PING');
      const [last] = await monitorLines(m1, 1);
      assert.match(last!, /"PING"$/);
    } finally {
      m2.close();
      c.close();
    }
  });
});
