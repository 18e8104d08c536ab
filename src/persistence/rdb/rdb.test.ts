import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_COMMAND_CONFIG } from '../../commands/context.js';
import { DigestBuilder, mixValueDigest } from '../../keyspace/digest.js';
import { HashValue } from '../../keyspace/types/hash.js';
import { ListValue } from '../../keyspace/types/list.js';
import { SetValue } from '../../keyspace/types/set.js';
import { ZSet } from '../../keyspace/types/zset.js';
import type { Value } from '../../keyspace/value.js';
import { RdbReader, type RdbItem } from './decoder.js';
import { createDumpPayload, decodeDumpPayload, verifyDumpPayload } from './dump-payload.js';
import { RdbWriter } from './encoder.js';
import { RdbError } from './errors.js';

const CFG = DEFAULT_COMMAND_CONFIG;
const digest = (v: Value): string => { const d = new DigestBuilder(); mixValueDigest(d, v, false); return d.bytes.toString('hex'); };
const enc = (v: Value): string => (typeof v === 'string' ? 'string' : v.encoding());

function sampleValues(): Array<[string, Value]> {
  const bigHash = HashValue.fromPairs(Array.from({ length: 1200 }, (_, i) => `f${i}`), CFG);
  const bigZ = ZSet.fromEntries(Array.from({ length: 300 }, (_, i) => `m${i}`), Array.from({ length: 300 }, (_, i) => i / 7), CFG);
  return [
    ['str', 'hello'], ['int', '-12345'], ['long', 'z'.repeat(5000)],
    ['list', ListValue.from(['a', '1', 'x'.repeat(9000), ...Array.from({ length: 2000 }, (_, i) => String(i))])],
    ['iset', SetValue.of(['1', '-7', '99999999999'], 512)],
    ['hset', SetValue.of(['a', 'b', 'c'], 512)],
    ['hash', HashValue.fromPairs(['f', 'v', 'g', '12'], CFG)], ['bighash', bigHash],
    ['zset', ZSet.fromEntries(['a', 'b', 'c'], [1, 0.1, -Infinity], CFG)], ['bigz', bigZ],
  ];
}

function writeFile(entries: Array<[string, Value]>, checksum: boolean, sliced = false): Buffer {
  const w = new RdbWriter({ compression: true, checksum });
  const parts: Buffer[] = [];
  w.header([['redis-ver', '7.0.15'], ['redis-bits', '64']]);
  w.selectDb(0, entries.length, 1);
  for (const [i, [k, v]] of entries.entries()) {
    w.entry(k, v, i === 0 ? 1893456000000 : -1);
    if (sliced) parts.push(w.take());
  }
  w.end();
  parts.push(w.take());
  const out = Buffer.concat(parts);
  assert.equal(w.bytesWritten, out.length);
  return out;
}

function readAll(buf: Buffer): RdbItem[] {
  const r = new RdbReader(buf, { limits: CFG });
  const items: RdbItem[] = [];
  for (let it = r.next(); it !== null; it = r.next()) items.push(it);
  return items;
}

test('writer output reads back to equal values, encodings and expiries (whole and sliced)', () => {
  const vals = sampleValues();
  for (const sliced of [false, true]) {
    const buf = writeFile(vals, true, sliced);
    assert.equal(buf.subarray(0, 9).toString(), 'REDIS0010');
    const items = readAll(buf);
    assert.deepEqual(items.slice(0, 4).map((i) => i.kind), ['aux', 'aux', 'select-db', 'resize-db']);
    const entries = items.filter((i) => i.kind === 'entry');
    assert.equal(entries.length, vals.length);
    for (const [i, e] of entries.entries()) {
      if (e.kind !== 'entry') continue;
      assert.equal(e.key, vals[i]![0]);
      assert.equal(digest(e.value), digest(vals[i]![1]));
      assert.equal(enc(e.value), enc(vals[i]![1]));
      assert.equal(e.expireMs, i === 0 ? 1893456000000 : -1);
    }
    assert.equal(items.at(-1)!.kind, 'end');
  }
});

test('checksum: verified when present, zeros skip it, a flipped byte is caught', () => {
  const vals = sampleValues().slice(0, 3);
  const good = writeFile(vals, true);
  const bad = Buffer.from(good);
  bad[20]! ^= 0x10;
  assert.throws(() => readAll(bad), RdbError);
  const nosum = writeFile(vals, false);
  assert.ok(nosum.subarray(-8).equals(Buffer.alloc(8)));
  assert.equal(readAll(nosum).filter((i) => i.kind === 'entry').length, 3);
});

test('reader: versions, opcodes, empty keys skipped, 7.2 streams and modules refused by name', () => {
  // REDIS0003 (no checksum), seconds expiry (253), idle (248), freq (249), a zset type 3 with text doubles.
  const f = Buffer.concat([Buffer.from('REDIS0003'), Buffer.from([0xfe, 0x01, 0xfd, 0x10, 0x00, 0x00, 0x00, 0xf8, 0x05, 0xf9, 0x07,
    0x03, 0x01, 0x7a, 0x02, 0x01, 0x61, 0x03, 0x31, 0x2e, 0x35, 0x01, 0x62, 0xfe,
    0x02, 0x01, 0x65, 0x00, // empty set: skipped
    0xff])]);
  const r = new RdbReader(f, { limits: CFG });
  assert.deepEqual(r.next(), { kind: 'select-db', db: 1 });
  const e = r.next();
  assert.ok(e !== null && e.kind === 'entry');
  assert.equal(e.expireMs, 16000);
  assert.equal(e.idle, 5);
  assert.equal(e.freq, 7);
  assert.equal(e.db, 1);
  assert.equal((e.value as ZSet).score('a'), 1.5);
  assert.equal((e.value as ZSet).score('b'), Infinity);
  assert.equal(r.next()!.kind, 'end');
  assert.equal(r.emptyKeysSkipped, 1);
  assert.equal(r.next(), null);
  for (const [t, word] of [[21, 'Stream'], [6, 'Module'], [7, 'Module'], [42, 'Unknown RDB encoding type 42']] as const) {
    const bytes = Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([t, 0x01, 0x6b, 0x00])]);
    assert.throws(() => readAll(bytes), (err: unknown) => err instanceof RdbError && err.message.includes(word));
  }
  assert.throws(() => readAll(Buffer.from('REDIS0011\xff')), /Can't handle RDB format version 0011/);
  assert.throws(() => readAll(Buffer.from('RADIS0010\xff')), /Wrong signature/);
  assert.throws(() => readAll(Buffer.from('REDIS0010\xf7')), RdbError);
});

test('conversion to the configured encodings on load', () => {
  const small = { ...CFG, hashMaxListpackEntries: 1, zsetMaxListpackEntries: 1, setMaxIntsetEntries: 1 };
  const buf = writeFile([['h', HashValue.fromPairs(['a', '1', 'b', '2'], CFG)], ['z', ZSet.fromEntries(['a', 'b'], [1, 2], CFG)],
    ['s', SetValue.of(['1', '2'], 512)]], true);
  const r = new RdbReader(buf, { limits: small });
  const got: string[] = [];
  for (let it = r.next(); it !== null; it = r.next()) if (it.kind === 'entry') got.push(enc(it.value));
  assert.deepEqual(got, ['hashtable', 'skiplist', 'hashtable']);
});

test('DUMP payload: footer, CRC, decode round trip', () => {
  for (const [, v] of sampleValues()) {
    const p = createDumpPayload(v);
    assert.ok(verifyDumpPayload(p));
    assert.equal(p.readUInt16LE(p.length - 10), 10);
    assert.equal(digest(decodeDumpPayload(p, CFG)!), digest(v));
    const bad = Buffer.from(p);
    bad[0]! ^= 1;
    assert.equal(verifyDumpPayload(bad), false);
  }
});

test('reader never throws anything but RdbError on random bytes, truncations and bit flips (fast-check)', () => {
  const valid = writeFile(sampleValues().slice(0, 7).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 200) : v]), false);
  const check = (b: Buffer): void => {
    try { readAll(b); } catch (e) { if (!(e instanceof RdbError)) throw e; }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (a) => check(Buffer.concat([Buffer.from('REDIS0010'), Buffer.from(a)]))), { numRuns: 300 });
  fc.assert(fc.property(fc.nat(), fc.nat(7), fc.nat(), (at, bit, cut) => {
    const b = Buffer.from(valid);
    b[at % b.length]! ^= 1 << bit;
    check(b);
    check(valid.subarray(0, cut % valid.length));
  }), { numRuns: 300 });
});
