import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { crc64 } from './crc64.js';
import { RdbError } from './errors.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { readLen, readOldDouble, readString, writeLen, writeOldDouble, writeString } from './primitives.js';
import { formatDouble17g } from '../../lib/float.js';

const hex = (b: Buffer): string => b.toString('hex');
function written(f: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter(4);
  f(w);
  return w.take();
}

test('crc64 check value (Jones, as Redis crc64.c)', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.equal(crc64(Buffer.alloc(0)), 0n);
});

test('length encodings: 6, 14, 32 and 64-bit (golden bytes)', () => {
  assert.equal(hex(written((w) => writeLen(w, 0))), '00');
  assert.equal(hex(written((w) => writeLen(w, 63))), '3f');
  assert.equal(hex(written((w) => writeLen(w, 64))), '4040');
  assert.equal(hex(written((w) => writeLen(w, 16383))), '7fff');
  assert.equal(hex(written((w) => writeLen(w, 16384))), '8000004000');
  assert.equal(hex(written((w) => writeLen(w, 0xffffffff))), '80ffffffff');
  assert.equal(hex(written((w) => writeLen(w, 2 ** 32))), '810000000100000000');
});

test('string encodings: int8/16/32, raw, LZF only when longer than 20 and it compresses', () => {
  assert.equal(hex(written((w) => writeString(w, '12', true))), 'c00c');
  assert.equal(hex(written((w) => writeString(w, '-129', true))), 'c17fff');
  assert.equal(hex(written((w) => writeString(w, '2147483647', true))), 'c2ffffff7f');
  assert.equal(hex(written((w) => writeString(w, '2147483648', true))), '0a32313437343833363438');
  assert.equal(hex(written((w) => writeString(w, '012', true))), '03303132');
  // 62 'a': Redis 7.0's DUMP of this string carries exactly these bytes.
  assert.equal(hex(written((w) => writeString(w, 'a'.repeat(62), true))), 'c3093e016161e03100016161');
  assert.equal(written((w) => writeString(w, 'a'.repeat(62), false)).length, 63);
  // Incompressible: stored raw even with compression on.
  const noisy = 'qwertyuiopasdfghjklzxcvbnm';
  assert.equal(written((w) => writeString(w, noisy, true))[0], noisy.length);
});

test('length and string round trips (fast-check)', () => {
  fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), (n) => {
    const r = new ByteReader(written((w) => writeLen(w, n)));
    assert.equal(readLen(r), n);
    assert.equal(r.remaining, 0);
  }));
  fc.assert(fc.property(
    fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
      fc.integer().map(String), fc.constantFrom('a'.repeat(100), 'abcabcabcabcabcabcabcabcabc')),
    fc.boolean(),
    (s0, comp) => {
      const s = Buffer.from(s0, 'latin1').toString('latin1');
      const r = new ByteReader(written((w) => writeString(w, s, comp)));
      assert.equal(readString(r), s);
      assert.equal(r.remaining, 0);
    }));
});

test('LZF round trip and refusal when output does not fit (fast-check)', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.boolean(), (a, rep) => {
    const input = rep ? Buffer.concat([Buffer.from(a), Buffer.from(a)]) : Buffer.from(a);
    const c = lzfCompress(input, input.length + 64);
    assert.ok(c !== null);
    assert.deepEqual(lzfDecompress(c, input.length), input);
    const tight = lzfCompress(input, input.length - 4);
    if (tight !== null) assert.ok(tight.length <= input.length - 4);
  }));
});

test('LZF: earlier inputs leave no trace in the shared hash table (same bytes as a first call)', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.uint8Array({ minLength: 1, maxLength: 600 }), (a, b) => {
    const alone = Buffer.from(lzfCompress(Buffer.concat([Buffer.from(b), Buffer.from(b)]), 4000)!);
    lzfCompress(Buffer.concat([Buffer.from(a), Buffer.from(b), Buffer.from(a)]), 4000);
    const after = lzfCompress(Buffer.concat([Buffer.from(b), Buffer.from(b)]), 4000)!;
    assert.deepEqual(after, alone);
  }));
});

test('LZF decompression rejects malformed input without throwing', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 500 }), (a, n) => {
    const out = lzfDecompress(Buffer.from(a), n);
    assert.ok(out === null || out.length === n);
  }));
  assert.equal(lzfDecompress(Buffer.from([0x20, 0x05]), 3), null); // reference before the start
});

test('old string doubles: 253/254/255 and text', () => {
  const rd = (b: number[]): number => readOldDouble(new ByteReader(Buffer.from(b)));
  assert.ok(Number.isNaN(rd([253])));
  assert.equal(rd([254]), Infinity);
  assert.equal(rd([255]), -Infinity);
  assert.equal(rd([3, 0x31, 0x2e, 0x35]), 1.5);
  fc.assert(fc.property(fc.double({ noNaN: true }), (v) => {
    const b = written((w) => writeOldDouble(w, v, formatDouble17g));
    assert.equal(rd([...b]), v);
  }));
});

test('short reads throw RdbError with Redis\'s text', () => {
  assert.throws(() => readString(new ByteReader(Buffer.from([5, 0x61]))), (e: unknown) =>
    e instanceof RdbError && e.message === 'Unexpected EOF reading RDB file');
});
