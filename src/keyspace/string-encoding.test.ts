import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyspace } from './keyspace.js';

function keyspace(): Keyspace {
  return new Keyspace(2, { onExpired: () => {}, onKeyModified: () => {}, notify: () => {}, expiryMode: () => 'delete' });
}

test('a string is named by its content until a command records the encoding it left', () => {
  const ks = keyspace();
  const db = ks.dbs[0]!;
  ks.setKey(db, 'a', '12');
  ks.setKey(db, 'b', 'hello');
  ks.setKey(db, 'c', 'x'.repeat(45));
  assert.deepEqual(['a', 'b', 'c'].map((k) => ks.stringEncodingOf(db, k, db.dict.get(k) as string)), ['int', 'embstr', 'raw']);
  ks.setStringEncoding(db, 'a', 'raw');
  ks.setStringEncoding(db, 'b', 'embstr');
  assert.equal(ks.stringEncodingOf(db, 'a', '12'), 'raw');
  assert.equal(ks.stringEncodingOf(db, 'b', 'hello'), 'embstr');
  // An embstr holds at most 44 bytes (INCRBYFLOAT's long results are raw).
  assert.equal(ks.stringEncodingOf(db, 'b', 'y'.repeat(45)), 'raw');
});

test('every store, delete, expiry, flush forgets the recorded encoding; SWAPDB carries it; the map goes when empty', () => {
  const ks = keyspace();
  const [db, other] = ks.dbs as [typeof ks.dbs[0], typeof ks.dbs[0]];
  const mark = (k: string): void => { ks.setKey(db, k, '1'); ks.setStringEncoding(db, k, 'raw'); };

  mark('set'); ks.setKey(db, 'set', '1');
  mark('upd'); ks.updateValue(db, 'upd', '2');
  mark('load'); ks.loadKey(db, 'load', '3');
  mark('del'); ks.deleteKey(db, 'del');
  for (const k of ['set', 'upd', 'load']) assert.equal(db.strEncodings?.get(k), undefined, k);
  assert.equal(db.strEncodings, null, 'no override left: back to the one-test fast path');

  ks.now = 1000;
  mark('exp'); ks.setExpire(db, 'exp', 500);
  assert.equal(ks.lookupRead(db, 'exp'), undefined);
  assert.equal(db.strEncodings, null);

  mark('kept'); mark('flushed');
  ks.deleteKey(db, 'flushed');
  db.swapWith(other);
  assert.equal(db.strEncodings, null);
  assert.equal(other.strEncodings?.get('kept'), 'raw');
  other.clear();
  assert.equal(other.strEncodings, null);
});
