import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  findBit, getSignedField, getUnsignedField, popcount, setField, signedFieldAdd, unsignedFieldAdd,
} from './bit-ops.js';

function bitAt(buf: Uint8Array, i: number): number {
  return (buf[i >> 3]! >> (7 - (i & 7))) & 1;
}

test('fields are big-endian from the most significant bit of byte 0', () => {
  const b = Buffer.from([0b1010_0000, 0xff, 0x01]);
  assert.equal(getUnsignedField(b, 0, 1), 1n);
  assert.equal(getUnsignedField(b, 0, 4), 0b1010n);
  assert.equal(getSignedField(b, 0, 4), -6n);
  assert.equal(getUnsignedField(b, 8, 16), 0xff01n);
  assert.equal(getUnsignedField(b, 20, 8), 0x10n, 'reads past the end as zeros');
  assert.equal(getSignedField(Buffer.alloc(8, 0xff), 0, 64), -1n);
  assert.equal(getUnsignedField(Buffer.alloc(8, 0xff), 1, 63), 2n ** 63n - 1n);
});

test('overflow rules: WRAP, SAT, and the unsigned SET of a negative number', () => {
  assert.deepEqual(signedFieldAdd(100n, 100n, 8, 'wrap'), { overflow: 1, value: -56n });
  assert.deepEqual(signedFieldAdd(100n, 100n, 8, 'sat'), { overflow: 1, value: 127n });
  assert.deepEqual(signedFieldAdd(-100n, -100n, 8, 'sat'), { overflow: -1, value: -128n });
  assert.deepEqual(signedFieldAdd(2n ** 63n - 1n, 1n, 64, 'wrap'), { overflow: 1, value: -(2n ** 63n) });
  assert.deepEqual(signedFieldAdd(5n, -3n, 8, 'fail'), { overflow: 0, value: 2n });
  assert.deepEqual(unsignedFieldAdd(200n, 100n, 8, 'wrap'), { overflow: 1, value: 44n });
  assert.deepEqual(unsignedFieldAdd(10n, -20n, 8, 'sat'), { overflow: -1, value: 0n });
  // SET u8 -1: Redis sees 2^64-1, which is "too large": SAT gives the maximum, not 0.
  assert.deepEqual(unsignedFieldAdd(-1n, 0n, 8, 'sat'), { overflow: 1, value: 255n });
  assert.deepEqual(unsignedFieldAdd(-1n, 0n, 8, 'wrap'), { overflow: 1, value: 255n });
  assert.deepEqual(unsignedFieldAdd(-100n, 0n, 8, 'wrap'), { overflow: 1, value: 156n });
});

test('property: setField writes exactly its bits and getField reads them back', () => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.integer({ min: 1, max: 64 }), fc.nat(), fc.bigInt(),
    (bytes, bits, offRaw, value) => {
      const total = bytes.length * 8;
      if (bits > total) return true;
      const offset = offRaw % (total - bits + 1);
      const buf = Buffer.from(bytes);
      const before = Buffer.from(buf);
      setField(buf, offset, bits, value);
      if (getUnsignedField(buf, offset, bits) !== BigInt.asUintN(bits, value)) return false;
      if (getSignedField(buf, offset, bits) !== BigInt.asIntN(bits, value)) return false;
      for (let i = 0; i < total; i++) {
        if ((i < offset || i >= offset + bits) && bitAt(buf, i) !== bitAt(before, i)) return false;
      }
      return true;
    }));
});

test('property: signed and unsigned adds agree with exact arithmetic', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.bigInt(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    (bits, raw, incr) => {
      const value = BigInt.asIntN(bits, raw);
      const max = 2n ** BigInt(bits - 1) - 1n;
      const min = -max - 1n;
      const sum = value + incr;
      const w = signedFieldAdd(value, incr, bits, 'wrap');
      const s = signedFieldAdd(value, incr, bits, 'sat');
      const inRange = sum >= min && sum <= max;
      return w.value === BigInt.asIntN(bits, sum) &&
        s.value === (sum > max ? max : sum < min ? min : sum) &&
        (w.overflow === 0) === inRange;
    }));
  fc.assert(fc.property(fc.integer({ min: 1, max: 63 }), fc.bigInt(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    (bits, raw, incr) => {
      const value = BigInt.asUintN(bits, raw);
      const max = 2n ** BigInt(bits) - 1n;
      const sum = value + incr;
      const w = unsignedFieldAdd(value, incr, bits, 'wrap');
      const s = unsignedFieldAdd(value, incr, bits, 'sat');
      return w.value === BigInt.asUintN(bits, sum) && s.value === (sum > max ? max : sum < 0n ? 0n : sum);
    }));
});

test('property: popcount and findBit agree with a bit-by-bit scan', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.nat(), fc.nat(), fc.constantFrom<0 | 1>(0, 1),
    (bytes, a, b, bit) => {
      const buf = Buffer.from(bytes);
      const total = buf.length * 8;
      let s = a % total;
      let e = b % total;
      if (s > e) [s, e] = [e, s];
      let expectedPos = -1;
      for (let i = s; i <= e; i++) if (bitAt(buf, i) === bit) { expectedPos = i; break; }
      const sb = s >> 3;
      const eb = e >> 3;
      let ones = 0;
      for (let i = sb * 8; i < (eb + 1) * 8; i++) ones += bitAt(buf, i);
      return findBit(buf, s, e, bit) === expectedPos && popcount(buf, sb, eb) === ones;
    }));
});
