import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RdbError } from './errors.js';
import { decodeIntset, encodeIntset } from './intset.js';
import { decodeListpack, encodeListpack } from './listpack.js';
import { decodeZiplist } from './ziplist.js';
import { decodeZipmap } from './zipmap.js';

const canon = (s: string): string => s;

test('listpack golden bytes (as Redis 7.0 writes RPUSH l a b 12345 -7)', () => {
  assert.equal(encodeListpack(['a', 'b', '12345', '-7']).toString('hex'),
    '1400000004008161028162' + '02f1393003dff902ff');
});

test('listpack round trip of strings and integers of every width (fast-check)', () => {
  const entry = fc.oneof(
    fc.string({ maxLength: 70 }).map((s) => Buffer.from(s, 'latin1').toString('latin1')),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    fc.integer({ min: -5000, max: 5000 }).map(String),
    fc.constantFrom('x'.repeat(5000), '01', '-0', '+1', ''),
  );
  fc.assert(fc.property(fc.array(entry, { maxLength: 40 }), (items) => {
    assert.deepEqual(decodeListpack(encodeListpack(items)), items.map(canon));
  }));
});

test('intset golden bytes and round trip', () => {
  assert.equal(encodeIntset([1, 2, 3]).toString('hex'), '0200000003000000010002000300');
  fc.assert(fc.property(fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 30 }), (vals) => {
    const sorted = [...vals].sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(decodeIntset(encodeIntset(sorted)), sorted.map(String));
  }));
  // Not ascending: corrupt.
  const bad = encodeIntset([1, 2]);
  bad.writeInt16LE(5, 8);
  assert.throws(() => decodeIntset(bad), RdbError);
});

/** A ziplist built by hand from the format description (Redis 7.0 cannot write one). */
function ziplist(entries: Buffer[]): Buffer {
  const body: Buffer[] = [];
  let prev = 0;
  let lastOff = 10;
  let off = 10;
  for (const e of entries) {
    const pl = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), u32(prev)]);
    const full = Buffer.concat([pl, e]);
    body.push(full);
    lastOff = off;
    off += full.length;
    prev = full.length;
  }
  const total = off + 1;
  const h = Buffer.alloc(10);
  h.writeUInt32LE(total, 0);
  h.writeUInt32LE(entries.length === 0 ? 10 : lastOff, 4);
  h.writeUInt16LE(entries.length, 8);
  return Buffer.concat([h, ...body, Buffer.from([0xff])]);
}
function u32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }

test('ziplist decoder: every encoding, hand-built golden bytes', () => {
  const zl = ziplist([
    Buffer.from([0x03, 0x61, 0x62, 0x63]), // 6-bit string "abc"
    Buffer.from([0xf1]), // immediate 0
    Buffer.from([0xfd]), // immediate 12
    Buffer.from([0xfe, 0x80]), // int8 -128
    Buffer.from([0xc0, 0x00, 0x80]), // int16 -32768
    Buffer.from([0xf0, 0xff, 0xff, 0x7f]), // int24 8388607
    Buffer.from([0xd0, 0x00, 0x00, 0x00, 0x80]), // int32 -2^31
    Buffer.from([0xe0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), // int64 max
    Buffer.concat([Buffer.from([0x41, 0x2c]), Buffer.alloc(300, 0x78)]), // 14-bit length
  ]);
  assert.deepEqual(decodeZiplist(zl), ['abc', '0', '12', '-128', '-32768', '8388607', '-2147483648', '9223372036854775807', 'x'.repeat(300)]);
  const badPrev = Buffer.from(zl);
  badPrev[10 + 5] = 9; // second entry's prevlen
  assert.throws(() => decodeZiplist(badPrev), RdbError);
});

test('zipmap decoder: hand-built golden bytes, free bytes skipped', () => {
  const zm = Buffer.from([0x02, 0x03, 0x66, 0x6f, 0x6f, 0x03, 0x02, 0x62, 0x61, 0x72, 0x00, 0x00,
    0x01, 0x6b, 0x01, 0x00, 0x76, 0xff]);
  assert.deepEqual(decodeZipmap(zm), ['foo', 'bar', 'k', 'v']);
  assert.throws(() => decodeZipmap(zm.subarray(0, 10)), RdbError);
});

test('decoders never throw anything but RdbError on random and mutated bytes (fast-check)', () => {
  const valid = [encodeListpack(['a', '1', 'x'.repeat(80), '-70000']), encodeIntset([1, 70000, 5000000000]),
    ziplist([Buffer.from([0x01, 0x61]), Buffer.from([0xf2])]), Buffer.from([0x01, 0x01, 0x61, 0x01, 0x00, 0x62, 0xff])];
  const decoders = [decodeListpack, decodeIntset, decodeZiplist, decodeZipmap];
  const check = (b: Buffer): void => {
    for (const d of decoders) {
      try { d(b); } catch (e) { if (!(e instanceof RdbError)) throw e; }
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (a) => check(Buffer.from(a))));
  fc.assert(fc.property(fc.nat(3), fc.nat(200), fc.nat(7), fc.nat(200), (which, at, bit, cut) => {
    const b = Buffer.from(valid[which]!);
    b[at % b.length]! ^= 1 << bit;
    check(b);
    check(b.subarray(0, cut % (b.length + 1)));
  }));
});
