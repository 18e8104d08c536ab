/**
 * The wire protocol over real sockets: malformed and partial requests get Redis 7.0's exact
 * replies and connection behaviour (every expectation here was read off redis-server 7.0.15 with
 * the same bytes): errors are answered, then the connection is closed; partial frames wait;
 * commands before an error in the same packet still run; inline commands follow sdssplitargs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/index.js';
import { RawConn } from '../helpers/raw-conn.js';
import { RespClient } from '../helpers/resp-client.js';
import { startTestServer } from '../helpers/server.js';

async function withGarrison(fn: (s: RunningServer, port: number) => Promise<void>, config: Record<string, string> = {}): Promise<void> {
  const s = await startTestServer({ config });
  try {
    await fn(s, s.address.port);
  } finally {
    await s.close();
  }
}

/** A round trip on another connection: by then the server has handled what was written before. */
async function roundTrip(port: number): Promise<void> {
  const c = await RespClient.connect(port);
  try {
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
  } finally {
    c.close();
  }
}

const PE = (msg: string): string => `-ERR Protocol error: ${msg}\r\n`;

/** Bytes -> exact reply, then the server closes the connection (redis-server 7.0.15). */
const FATAL: Array<[string, string, string]> = [
  ['huge multibulk count', '*3000000000\r\nPING\r\n', PE('invalid multibulk length')],
  ['multibulk count over INT_MAX', '*2147483648\r\n', PE('invalid multibulk length')],
  ['non-numeric multibulk count', '*abc\r\n', PE('invalid multibulk length')],
  ['empty multibulk count', '*\r\n', PE('invalid multibulk length')],
  ['multibulk count with a sign', '*+1\r\n$4\r\nPING\r\n', PE('invalid multibulk length')],
  ['multibulk count with a leading zero', '*01\r\n$4\r\nPING\r\n', PE('invalid multibulk length')],
  ['multibulk count "-0"', '*-0\r\nPING\r\n', PE('invalid multibulk length')],
  ['multibulk count ended by a bare LF', '*1\n$4\r\nPING\r\n', PE('invalid multibulk length')],
  ['negative bulk length', '*1\r\n$-1\r\n', PE('invalid bulk length')],
  ['non-numeric bulk length', '*1\r\n$abc\r\n', PE('invalid bulk length')],
  ['empty bulk length', '*1\r\n$\r\n', PE('invalid bulk length')],
  ['bulk length over proto-max-bulk-len (512 MB)', '*1\r\n$536870913\r\n', PE('invalid bulk length')],
  ["a bulk that does not start with '$'", '*1\r\nx3\r\n', PE("expected '$', got 'x'")],
  ["an empty line where '$' is expected (CR shown as a space)", '*1\r\n\r\n', PE("expected '$', got ' '")],
  ['unbalanced double quote (inline)', 'SET "a b\r\n', PE('unbalanced quotes in request')],
  ['unbalanced single quote (inline)', "SET 'a\r\n", PE('unbalanced quotes in request')],
  ['closing quote followed by a non-space (inline)', 'SET "a"b c\r\n', PE('unbalanced quotes in request')],
  ['escaped closing quote (inline)', 'ECHO "unterminated\\"\r\n', PE('unbalanced quotes in request')],
  ['binary garbage after a multibulk star', '*\xff\xfe\x01\r\n', PE('invalid multibulk length')],
];

for (const [what, input, reply] of FATAL) {
  test(`protocol error: ${what}`, async () => {
    await withGarrison(async (_s, port) => {
      const c = await RawConn.connect(port);
      c.write(input);
      await c.waitClosed();
      assert.equal(c.text(), reply);
      await roundTrip(port); // the server itself is fine
    });
  });
}

test('truncated frames: the server waits, keeps the partial command, and answers when it completes', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    const frame = '*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n';
    for (const cut of [1, 4, 9, 14, 17, frame.length - 1]) {
      c.write(frame.slice(0, cut));
      await roundTrip(port);
      assert.equal(c.text(), '', `no reply after ${cut} bytes`);
      assert.equal(c.closed, false);
      c.write(frame.slice(cut));
      await c.waitText('$5\r\nhello\r\n');
      assert.equal(c.text(), '$5\r\nhello\r\n');
      c.received = Buffer.alloc(0);
    }
    // The largest legal counts also just wait for their data.
    c.write('*2147483647\r\n');
    await roundTrip(port);
    assert.equal(c.closed, false);
    assert.equal(c.text(), '');
    c.close();
  });
});

test('a huge announced bulk waits for its data without failing', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*1\r\n$536870912\r\n');
    await roundTrip(port);
    assert.equal(c.closed, false);
    assert.equal(c.text(), '');
    c.close();
  });
});

test('*0 and negative multibulk counts are skipped silently', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*0\r\n*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n');
    await c.waitText('+PONG\r\n');
    assert.equal(c.text(), '+PONG\r\n');
    c.close();
  });
});

test('commands before a protocol error in the same packet execute, and their replies come first', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$1\r\n1\r\nPING\r\n*x\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n');
    await c.waitClosed();
    assert.equal(c.text(), `+OK\r\n+PONG\r\n${PE('invalid multibulk length')}`);
    const d = await RespClient.connect(port);
    assert.equal(await d.call('GET', 'before'), '1');
    assert.equal(await d.call('GET', 'after'), null, 'a command after the error must not run');
    d.close();
  });
});

test('the two bytes after a bulk are skipped unchecked, as Redis does', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n');
    await c.waitText('+PONG\r\n+PONG\r\n');
    assert.equal(c.text(), '+PONG\r\n+PONG\r\n');
    c.close();
  });
});

test('inline commands: quotes, escapes, empty lines, bare LF, binary bytes', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('\r\n\n   \r\nSET "a b" \'c d\'\r\nGET "a b"\nECHO "x\\x41\\n\\ty"\r\nECHO \'it\\\'s\'\r\nECHO "" \r\n');
    const want = '+OK\r\n$3\r\nc d\r\n$5\r\nxA\n\ty\r\n$4\r\nit\'s\r\n$0\r\n\r\n';
    await c.waitText(want);
    assert.equal(c.text(), want);
    c.received = Buffer.alloc(0);
    c.write('\xff\xfe garbage\r\nPING\r\n');
    const want2 = "-ERR unknown command '\xff\xfe', with args beginning with: 'garbage' \r\n+PONG\r\n";
    await c.waitText(want2);
    assert.equal(c.text(), want2);
    c.received = Buffer.alloc(0);
    // A frame header outside a multibulk is just an inline command named "$4".
    c.write('$4\r\nPING\r\n');
    const want3 = "-ERR unknown command '$4', with args beginning with: \r\n+PONG\r\n";
    await c.waitText(want3);
    assert.equal(c.text(), want3);
    c.close();
  });
});

test('inline: a NUL before the newline hides it, so the request waits (Redis uses strchr)', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('\xff\xfe\x00garbage\r\nPING\r\n');
    await roundTrip(port);
    assert.equal(c.text(), '');
    assert.equal(c.closed, false);
    c.write(Buffer.alloc(70_000, 'a'));
    await c.waitClosed();
    assert.equal(c.text(), PE('too big inline request'));
  });
});

test('binary garbage with a NUL in a count line waits like Redis (strchr), then hits the 64 KB limit', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*\xff\xfe\x00\x01\r\n*1\r\n$4\r\nPING\r\n');
    await roundTrip(port);
    assert.equal(c.text(), '');
    assert.equal(c.closed, false);
    c.write(Buffer.alloc(70_000, 'a'));
    await c.waitClosed();
    assert.equal(c.text(), PE('too big mbulk count string'));
  });
});

test('inline requests over 64 KB: too big inline request; exactly 64 KB still waits', async () => {
  await withGarrison(async (_s, port) => {
    const ok = await RawConn.connect(port);
    ok.write(Buffer.alloc(65536, 'a'));
    const c = await RawConn.connect(port);
    c.write(Buffer.alloc(65537, 'a'));
    await c.waitClosed();
    assert.equal(c.text(), PE('too big inline request'));
    await roundTrip(port);
    assert.equal(ok.closed, false);
    assert.equal(ok.text(), '');
    ok.close();
  });
});

test('count strings over 64 KB without CRLF: too big mbulk / bulk count string', async () => {
  await withGarrison(async (_s, port) => {
    const a = await RawConn.connect(port);
    a.write(Buffer.concat([Buffer.from('*'), Buffer.alloc(70_000, '1')]));
    await a.waitClosed();
    assert.equal(a.text(), PE('too big mbulk count string'));
    const b = await RawConn.connect(port);
    b.write(Buffer.concat([Buffer.from('*1\r\n$'), Buffer.alloc(70_000, '1')]));
    await b.waitClosed();
    assert.equal(b.text(), PE('too big bulk count string'));
  });
});

test('unauthenticated clients may not send more than 10 arguments or bulks over 16 KB', async () => {
  await withGarrison(async (_s, port) => {
    const a = await RawConn.connect(port);
    a.write('*11\r\n');
    await a.waitClosed();
    assert.equal(a.text(), PE('unauthenticated multibulk length'));
    const b = await RawConn.connect(port);
    b.write('*2\r\n$4\r\nAUTH\r\n$16385\r\n');
    await b.waitClosed();
    assert.equal(b.text(), PE('unauthenticated bulk length'));
    // Within the limits, an unauthenticated client gets NOAUTH and stays connected.
    const c = await RawConn.connect(port);
    c.write('*1\r\n$4\r\nPING\r\n');
    await c.waitText('-NOAUTH Authentication required.\r\n');
    assert.equal(c.text(), '-NOAUTH Authentication required.\r\n');
    assert.equal(c.closed, false);
    c.close();
  }, { requirepass: 'secret' });
});

test('QUIT answers +OK and closes the connection', async () => {
  await withGarrison(async (_s, port) => {
    const c = await RawConn.connect(port);
    c.write('*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n');
    await c.waitClosed();
    assert.equal(c.text(), '+OK\r\n');
  });
});
