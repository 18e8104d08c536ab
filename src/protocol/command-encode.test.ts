/** encodeCommand: golden frames, and random argument lists against a plain string-built frame. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand } from './command-encode.js';
import { SeededRandom } from '../lib/prng.js';

test('golden frames', () => {
  assert.equal(encodeCommand(['SET', 'k', 'v']).toString('latin1'), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
  assert.equal(encodeCommand([]).toString('latin1'), '*0\r\n');
  assert.equal(encodeCommand(['']).toString('latin1'), '*1\r\n$0\r\n\r\n');
  // Binary bytes pass through unchanged, CR and LF included.
  const bin = '\x00\xff\r\n\x80';
  assert.deepEqual([...encodeCommand([bin])], [...Buffer.from(`*1\r\n$5\r\n${bin}\r\n`, 'latin1')]);
});

test('random argument lists: lengths across the short/long boundary, up to 12 arguments', () => {
  const rnd = new SeededRandom(20261207);
  const sizes = [0, 1, 9, 10, 47, 48, 49, 99, 100, 999, 1000, 9999, 10000, 70000];
  for (let round = 0; round < 1000; round++) {
    const n = rnd.int(13);
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = rnd.float() < 0.5 ? sizes[rnd.int(sizes.length)]! : rnd.int(120);
      let chunk = '';
      for (let j = 0; j < Math.min(len, 64); j++) chunk += String.fromCharCode(rnd.int(256));
      argv.push(chunk.repeat(Math.ceil(len / 64) || 1).slice(0, len));
    }
    let expected = `*${n}\r\n`;
    for (const a of argv) expected += `$${a.length}\r\n${a}\r\n`;
    const got = encodeCommand(argv);
    assert.equal(got.length, expected.length, `round ${round}`);
    assert.ok(got.equals(Buffer.from(expected, 'latin1')), `round ${round}`);
  }
});
