import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printfFixed2, printfFixed6 } from './float.js';

test('printfFixed6 prints as printf("%f"): exact digits beyond 1e21, negative zero, C spellings', () => {
  assert.equal(printfFixed6(1.5), '1.500000');
  assert.equal(printfFixed6(-1e-9), '-0.000000');
  assert.equal(printfFixed6(-0), '-0.000000');
  assert.equal(printfFixed6(1e21), '1000000000000000000000.000000');
  assert.equal(printfFixed6(-1e22), '-10000000000000000000000.000000');
  assert.equal(printfFixed6(1e300).slice(0, 40), '1000000000000000052504760255204420248704');
  assert.equal(printfFixed6(Infinity), 'inf');
  assert.equal(printfFixed6(-Infinity), '-inf');
  assert.equal(printfFixed6(NaN), 'nan');
});

test('printfFixed2 rounds exact ties to even, as glibc does', () => {
  assert.deepEqual([1.125, 1.375, 2.5, 0.005, 3, -1.125, 1.13].map(printfFixed2), ['1.12', '1.38', '2.50', '0.01', '3.00', '-1.12', '1.13']);
});
