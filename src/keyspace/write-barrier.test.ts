import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Database } from './database.js';
import { Keyspace } from './keyspace.js';

function keyspace(): { ks: Keyspace; seen: string[] } {
  const ks = new Keyspace(2, {
    onExpired: () => {}, onKeyModified: () => {}, notify: () => {}, expiryMode: () => 'delete',
  });
  const seen: string[] = [];
  // Records the key's state as the barrier sees it: it must be the state before the change.
  ks.writeBarrier = (db: Database, key: string) => {
    seen.push(`${key}=${String(db.dict.get(key) ?? '-')}/${db.expires.get(key) ?? '-'}`);
  };
  return { ks, seen };
}

test('the write barrier runs before every change to a value, existence or TTL', () => {
  const { ks, seen } = keyspace();
  const db = ks.dbs[0]!;
  ks.now = 1000;
  ks.setKey(db, 'k', 'v1');
  ks.updateValue(db, 'k', 'v2');
  ks.setExpire(db, 'k', 5000);
  ks.removeExpire(db, 'k');
  ks.lookupWrite(db, 'k');
  ks.deleteKey(db, 'k');
  assert.deepEqual(seen, ['k=-/-', 'k=v1/-', 'k=v2/-', 'k=v2/5000', 'k=v2/-', 'k=v2/-']);
});

test('no barrier call when nothing changes; expiry deletions pass it, lazy and active', () => {
  const { ks, seen } = keyspace();
  const db = ks.dbs[1]!;
  ks.now = 1000;
  assert.equal(ks.lookupWrite(db, 'missing'), undefined);
  assert.equal(ks.deleteKey(db, 'missing'), false);
  ks.setKey(db, 'a', 'x');
  seen.length = 0;
  assert.equal(ks.removeExpire(db, 'a'), false);
  assert.deepEqual(seen, [], 'nothing to change');
  ks.setExpire(db, 'a', 1500);
  ks.setKey(db, 'b', 'y');
  ks.setExpire(db, 'b', 1500);
  seen.length = 0;
  ks.now = 2000;
  assert.equal(ks.lookupRead(db, 'a'), undefined);
  assert.equal(ks.activeExpireCycle(100, 20, 10), 1);
  assert.deepEqual(seen, ['a=x/1500', 'b=y/1500']);
});

test('with no barrier installed the keyspace works as before', () => {
  const { ks } = keyspace();
  ks.writeBarrier = null;
  const db = ks.dbs[0]!;
  ks.setKey(db, 'k', 'v');
  assert.equal(ks.lookupWrite(db, 'k'), 'v');
  assert.equal(ks.deleteKey(db, 'k'), true);
});
