import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, Transport } from '../runtime/ports.js';
import { status, type Reply } from '../protocol/reply.js';
import { Link } from './link.js';
import { fakeConnection } from '../../test/helpers/fake-connection.js';

/** A fake dialled connection: records what the link writes; the test pushes server bytes. */
function fakeConn(): Connection & { written: string[] } {
  const written: string[] = [];
  const conn = fakeConnection((d) => { written.push(d.toString('latin1')); }, { remotePort: 6379, localPort: 5000 });
  return Object.assign(conn, { written });
}

async function connected(opts: Partial<ConstructorParameters<typeof Link>[0]> = {}) {
  const conn = fakeConn();
  const transport: Transport = { listen: () => Promise.reject(new Error('no')), connect: () => Promise.resolve(conn) };
  const link = new Link({ transport, target: { host: '127.0.0.1', port: 6379 }, connectTimeoutMs: 1000, ...opts });
  const up = new Promise<void>((resolve) => { link.onConnect = resolve; });
  link.connect();
  await up;
  return { link, conn };
}

test('AUTH and CLIENT SETNAME go first; replies reach their callbacks in order across chunks', async () => {
  const { link, conn } = await connected({ auth: { user: null, pass: 'secret' }, clientName: 'sentinel-1-cmd' });
  const got: Reply[] = [];
  link.send(['PING'], (r) => got.push(r));
  link.send(['INFO'], (r) => got.push(r));
  assert.deepEqual(conn.written, [
    '*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n',
    '*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$14\r\nsentinel-1-cmd\r\n',
    '*1\r\n$4\r\nPING\r\n',
    '*1\r\n$4\r\nINFO\r\n',
  ]);
  assert.equal(link.pending, 4);
  const bytes = '-WRONGPASS invalid\r\n+OK\r\n+PONG\r\n$5\r\nhello\r\n';
  for (const ch of bytes) conn.onData(Buffer.from(ch, 'latin1'));
  assert.deepEqual(got, [status('PONG'), 'hello']);
  assert.equal(link.authError, 'WRONGPASS invalid');
  assert.equal(link.pending, 0);
});

test('pub/sub mode: messages go to onMessage, confirmations to callbacks', async () => {
  const { link, conn } = await connected();
  const msgs: (readonly Reply[])[] = [];
  const confirms: Reply[] = [];
  link.onMessage = (m) => msgs.push(m);
  link.subscribe(['__sentinel__:hello'], (r) => confirms.push(r));
  conn.onData(Buffer.from('*3\r\n$9\r\nsubscribe\r\n$18\r\n__sentinel__:hello\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$3\r\nhi!\r\n'));
  assert.deepEqual(confirms, [['subscribe', '__sentinel__:hello', 1]]);
  assert.deepEqual(msgs, [['message', '__sentinel__:hello', 'hi!']]);
});

test('a failed dial or a closed connection is reported once; close() is silent; send fails when closed', async () => {
  const transport: Transport = { listen: () => Promise.reject(new Error('no')), connect: () => Promise.reject(new Error('Connection refused')) };
  const link = new Link({ transport, target: { host: '127.0.0.1', port: 1 }, connectTimeoutMs: 10 });
  const reason = await new Promise<string>((resolve) => { link.onClose = resolve; link.connect(); });
  assert.equal(reason, 'Connection refused');
  assert.equal(link.send(['PING']), false);

  const { link: l2, conn } = await connected();
  const closes: string[] = [];
  l2.onClose = (r) => closes.push(r);
  l2.send(['PING'], () => assert.fail('callback of a closed link'));
  conn.onClose();
  conn.onClose();
  assert.deepEqual(closes, ['Connection closed']);
  const { link: l3, conn: c3 } = await connected();
  l3.onClose = () => assert.fail('onClose after close()');
  l3.close();
  c3.onClose();
  assert.equal(l3.state, 'closed');
});

test('a protocol error in a reply closes the link', async () => {
  const { link, conn } = await connected();
  const closes: string[] = [];
  link.onClose = (r) => closes.push(r);
  link.send(['PING']);
  conn.onData(Buffer.from('?bad\r\n'));
  assert.equal(closes.length, 1);
  assert.equal(link.state, 'closed');
});
