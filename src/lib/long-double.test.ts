import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  LD_ZERO, addLongDouble, formatFixed, formatLongDoubleHuman, longDoubleFromNumber, parseLongDouble,
  type LongDouble,
} from './long-double.js';

/** INCRBYFLOAT as Redis computes it: stored value (null = missing key) + increment. */
function incrByFloat(stored: string | null, incr: string): string {
  const a = stored === null ? LD_ZERO : parseLongDouble(stored);
  if (a === null) return 'ERR value is not a valid float';
  const b = parseLongDouble(incr);
  if (b === null) return 'ERR value is not a valid float';
  const sum = addLongDouble(a, b);
  if (sum.kind !== 'finite') return 'ERR increment would produce NaN or Infinity';
  return formatLongDoubleHuman(sum);
}

// [stored value, increment, reply] collected from a real redis-server 7.0.15 (x86-64).
const REDIS_OUTPUTS: ReadonlyArray<readonly [string | null, string, string]> = [
  [null, "0.1", "0.1"],
  ["10.5", "0.1", "10.6"],
  [null, "1e17", "100000000000000000"],
  [null, "3.0e3", "3000"],
  [null, "5.0e-10", "0.0000000005"],
  [null, "-0", "0"],
  ["-0", "-0", "0"],
  ["1.18e4932", "1.18e4932", "ERR increment would produce NaN or Infinity"],
  [null, "1e5000", "ERR value is not a valid float"],
  [null, "1e-5000", "ERR value is not a valid float"],
  [null, "1e-4950", "0"],
  [null, "inf", "ERR increment would produce NaN or Infinity"],
  [null, "-inf", "ERR increment would produce NaN or Infinity"],
  [null, "nan", "ERR value is not a valid float"],
  [null, "abc", "ERR value is not a valid float"],
  [null, " 1", "ERR value is not a valid float"],
  [null, "1 ", "ERR value is not a valid float"],
  [null, "", "ERR value is not a valid float"],
  [null, "0x10", "16"],
  [null, "0x1.8p3", "12"],
  [null, "0x", "ERR value is not a valid float"],
  [null, "1e", "ERR value is not a valid float"],
  [null, "+5", "5"],
  [null, ".5", "0.5"],
  [null, "5.", "5"],
  [null, ".", "ERR value is not a valid float"],
  ["1", "-1", "0"],
  ["0.000003814697265625", "0", "0.00000381469726562"],
  ["0.000011444091796875", "0", "0.00001144409179688"],
  [null, "0.1234567890123456789", "0.12345678901234568"],
  ["3", "1e-20", "3"],
  [null, "-0.000000000000000001", "0"],
  [null, "1e20", "100000000000000000000"],
  [null, "123456789012345678901234567890", "123456789012345678899921813504"],
  ["0.1", "0.2", "0.3"],
  ["1.1", "2.2", "3.3"],
  [null, "-1.5", "-1.5"],
  [null, "Infinity", "ERR increment would produce NaN or Infinity"],
  [null, "3.65e-4951", "0"],
  [null, "0e99999", "0"],
  [null, "1e999999999999", "ERR value is not a valid float"],
  ["5", "-5", "0"],
  [null, "0.30000000000000004", "0.30000000000000004"],
  [null, "17.9999999999999999999", "18"],
  [null, "0.000000000000000005", "0"],
  [null, "0.000000000000000015", "0.00000000000000002"],
  [null, "0.000000000000000025", "0.00000000000000002"],
  ["9223372036854775807", "1", "9223372036854775808"],
  ["18446744073709551615", "1", "18446744073709551616"],
  ["1e19", "0.5", "10000000000000000000"],
  ["0.1", "-0.1", "0"],
  ["-1", "0.1", "-0.9"],
  ["1e-17", "1e-17", "0.00000000000000002"],
  ["99.99999999999999999", "0", "99.99999999999999999"],
  ["1e308", "1e308", "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096"],
  ["12345.6789", "-0.0009", "12345.67799999999999994"],
  ["3.0e3", "1", "3001"],
  ["abc", "1", "ERR value is not a valid float"],
  ["1", "1e4933", "ERR value is not a valid float"],
  ["-1.18e4932", "-1.18e4932", "ERR increment would produce NaN or Infinity"],
  ["10", "-inf", "ERR increment would produce NaN or Infinity"],
  ["1", "0x1p-16445", "1"],
  ["1", "0x1p-16446", "ERR value is not a valid float"],
];

test('INCRBYFLOAT arithmetic matches recorded redis-server 7.0 replies', () => {
  for (const [stored, incr, expected] of REDIS_OUTPUTS) {
    assert.equal(incrByFloat(stored, incr), expected, `${String(stored)} + ${incr}`);
  }
});

test('values near the top of the range print every integer digit', () => {
  const v = incrByFloat(null, '1.18e4932');
  assert.equal(v.length, 4933);
  assert.ok(v.startsWith('1180000000000000000000652812918093699202690437140160471729831240061836527728'));
});

test('printf rounding is half-to-even on exact ties', () => {
  // 2^-18 * 10^17 ends in exactly .5: glibc keeps the even digit.
  const t = parseLongDouble('0.000003814697265625')!;
  assert.equal(formatFixed(t, 17), '0.00000381469726562');
  assert.equal(formatFixed(parseLongDouble('0.5')!, 0), '0');
  assert.equal(formatFixed(parseLongDouble('1.5')!, 0), '2');
  assert.equal(formatFixed(parseLongDouble('-2.5')!, 0), '-2');
});

test('signed zeros: -0 + -0 stays negative inside, prints as 0', () => {
  const nz = parseLongDouble('-0')!;
  const s = addLongDouble(nz, nz);
  assert.equal(s.kind === 'finite' && s.neg, true);
  assert.equal(formatFixed(s, 2), '-0.00');
  assert.equal(formatLongDoubleHuman(s), '0');
  const z = addLongDouble(parseLongDouble('5')!, parseLongDouble('-5')!);
  assert.equal(z.kind === 'finite' && z.neg, false);
});

test('a NUL byte anywhere makes the text invalid (strtold must consume every byte)', () => {
  assert.equal(incrByFloat(null, '1.5\0garbage'), 'ERR value is not a valid float');
  assert.equal(incrByFloat('1.5\0', '1'), 'ERR value is not a valid float');
  assert.equal(incrByFloat(null, '\x001'), 'ERR value is not a valid float');
  assert.equal(parseLongDouble('1'.repeat(5120)), null);
  assert.equal(incrByFloat(null, '0'.repeat(5118) + '1'), '1');
  assert.equal(incrByFloat(null, '0'.repeat(5119) + '1'), 'ERR value is not a valid float');
});

function ldEquals(a: LongDouble, b: LongDouble): boolean {
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

test('property: the exact decimal text of any double parses to that double, unrounded', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
    const viaText = parseLongDouble(exactDecimal(x));
    return viaText !== null && ldEquals(longDoubleFromNumber(x), viaText);
  }), { numRuns: 500 });
});

/** The exact decimal expansion of a finite double (every double is a finite binary fraction). */
function exactDecimal(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let a = Math.abs(x);
  let e = 0;
  while (!Number.isInteger(a)) { a *= 2; e++; }
  const m = BigInt(a);
  const digits = (m * 5n ** BigInt(e)).toString();
  if (e === 0) return (x < 0 ? '-' : '') + digits;
  const padded = digits.padStart(e + 1, '0');
  return `${x < 0 ? '-' : ''}${padded.slice(0, padded.length - e)}.${padded.slice(padded.length - e)}`;
}

test('property: decimals below 90 with up to 17 fraction digits print back unchanged', () => {
  const decimal = fc.tuple(
    fc.boolean(),
    fc.integer({ min: 0, max: 89 }),
    fc.stringMatching(/^[0-9]{0,17}$/),
  ).map(([neg, int, frac]) => {
    const f = frac.replace(/0+$/, '');
    const text = f === '' ? String(int) : `${int}.${f}`;
    return neg && text !== '0' ? `-${text}` : text;
  });
  fc.assert(fc.property(decimal, (text) => incrByFloat(null, text) === text), { numRuns: 2000 });
});

test('property: integer sums below 2^63 are exact', () => {
  const big = fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n });
  fc.assert(fc.property(big, big, (a, b) => incrByFloat(a.toString(), b.toString()) === (a + b).toString()));
});

test('property: addition is commutative and 0 is neutral', () => {
  const text = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }).map((d) => String(d)),
    fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: -30, max: 30 })).map(([m, e]) => `${m}e${e}`),
  );
  fc.assert(fc.property(text, text, (a, b) => {
    const x = parseLongDouble(a)!;
    const y = parseLongDouble(b)!;
    const s1 = formatLongDoubleHuman(addLongDouble(x, y));
    const s2 = formatLongDoubleHuman(addLongDouble(y, x));
    const z = formatLongDoubleHuman(addLongDouble(x, LD_ZERO));
    return s1 === s2 && z === formatLongDoubleHuman(x);
  }));
});

test('a chain of 10000 INCRBYFLOAT 0.1 reparses each stored text, as redis-server does', () => {
  // Each step parses the stored decimal text again; redis-server 7.0.15 ends at this value.
  let stored = '0';
  for (let i = 0; i < 10000; i++) stored = incrByFloat(stored, '0.1');
  assert.equal(stored, '999.99999999999991296');
});
