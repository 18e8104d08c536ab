/**
 * DEBUG DIGEST golden values, taken from a real redis-server 7.0.15 after the same commands.
 * The collection cases use stand-in values implementing Digestible with Redis's per-type rules,
 * pinning the rules the data-type families must follow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from './keyspace.js';
import { DigestBuilder, datasetDigest, keyValueDigest, mixValueDigest, type Digestible } from './digest.js';
import type { CollectionValue, Value } from './value.js';

function keyspace(): Keyspace {
  return new Keyspace(16, { onExpired: () => {}, onKeyModified: () => {}, notify: () => {}, expiryMode: () => 'delete' });
}

function fake(type: CollectionValue['type'], digestInto: (d: DigestBuilder) => void): Value {
  const v: CollectionValue & Digestible = {
    type, encoding: () => 'fake', clone: () => v, memoryUsage: () => 0, digestInto,
  };
  return v;
}

function valueHex(v: Value, hasExpire = false): string {
  const d = new DigestBuilder();
  mixValueDigest(d, v, hasExpire);
  return d.hex();
}

test('empty dataset and missing key digest to zeros', () => {
  const ks = keyspace();
  assert.equal(datasetDigest(ks), '0'.repeat(40));
  assert.equal(keyValueDigest(ks.dbs[0]!, 'nosuch'), '0'.repeat(40));
});

test('string dataset digests match redis-server 7.0', () => {
  const ks = keyspace();
  const db0 = ks.dbs[0]!;
  db0.dict.set('a', 'b');
  assert.equal(datasetDigest(ks), '479783d7290f02957dfbe3408a858ba13eea1709');
  assert.equal(keyValueDigest(db0, 'a'), 'b78559cd22bce6e6df712eb99ce7f3b08e8f8f1f');
  db0.dict.set('foo', 'bar');
  assert.equal(datasetDigest(ks), '3f0c530442584cbf569d3774eff0c3f494c26181');
  assert.equal(keyValueDigest(db0, 'foo'), '68467c70ae30376e7ce005bcc8827f5ba7fd67dc');
  // A TTL adds the expire marker, whatever its value.
  db0.expires.set('foo', 99999999999999);
  assert.equal(datasetDigest(ks), '66ab760693695c79cc9764ecc74a1a58e392ade0');
  assert.equal(keyValueDigest(db0, 'foo'), '8ec3828f7209dd3abdf6ee448de8b0c0bd53265f');
  // Binary key and value in another database; the database id enters the digest.
  const db3 = ks.dbs[3]!;
  db3.dict.set('\x00\xff', 'bin\r\n');
  assert.equal(keyValueDigest(db3, '\x00\xff'), '3ab765f8be0b2a8a0a15b5692a9552c9306f5027');
  db3.dict.set('n', '12345');
  assert.equal(keyValueDigest(db3, 'n'), 'e1cf90774e995ae03de66e8109dc5cb9d9c2dc83');
  assert.equal(datasetDigest(ks), '6cf031b1e9878f09219dbb49821307fdbb185bae');
});

test('key order does not change the dataset digest', () => {
  const a = keyspace();
  const b = keyspace();
  for (const k of ['x', 'y', 'z']) a.dbs[0]!.dict.set(k, `v${k}`);
  for (const k of ['z', 'x', 'y']) b.dbs[0]!.dict.set(k, `v${k}`);
  assert.equal(datasetDigest(a), datasetDigest(b));
  b.dbs[0]!.dict.set('x', 'other');
  assert.notEqual(datasetDigest(a), datasetDigest(b));
});

test('per-type rules reproduce redis-server 7.0 value digests', () => {
  // ZADD z 1.5 m 0.1 n
  assert.equal(valueHex(fake('zset', (d) => { d.element('m', '1.5'); d.element('n', '0.10000000000000001'); })),
    '56aefd71afb0522fef8daa67986cff8b8561fa6e');
  // HSET h f v
  assert.equal(valueHex(fake('hash', (d) => { d.element('f', 'v'); })), '90c76e9e9f4c62d642a34fc97c7dad503b51f906');
  // SADD s x y
  assert.equal(valueHex(fake('set', (d) => { d.xor('y'); d.xor('x'); })), '36846f8a92fb6b6b824c73bf468c5bbcf5075ede');
  // RPUSH l x y
  assert.equal(valueHex(fake('list', (d) => { d.mix('x'); d.mix('y'); })), 'a3b14a34cfbd69f970cd30aff36fd797e07b4dbc');
  // XADD st 1-1 f v
  assert.equal(valueHex(fake('stream', (d) => { d.mix('1.1'); d.mix('f'); d.mix('v'); })), '2ed9a7a81688084b1f7eae33456ef7727d357031');
});

test('a collection without digestInto is a programmer error', () => {
  const v: CollectionValue = { type: 'list', encoding: () => 'x', clone: () => v, memoryUsage: () => 0 };
  assert.throws(() => valueHex(v), /does not implement digestInto/);
});
