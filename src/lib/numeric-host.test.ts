import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { numericHost } from './numeric-host.js';

// Each pair is what redis-sentinel 7.0.15 (resolve-hostnames no) answered to SENTINEL MONITOR with
// that address, then SENTINEL GET-MASTER-ADDR-BY-NAME: the kept address, or null for "Invalid IP
// address or hostname specified".
const CASES: Array<[string, string | null]> = [
  ['127.0.0.1', '127.0.0.1'], ['1.2.3', '1.2.0.3'], ['0x7f.1', '127.0.0.1'], ['1', '0.0.0.1'],
  ['4294967295', '255.255.255.255'], ['4294967296', null], ['010.0.0.1', '8.0.0.1'], ['1.2.3.4.5', null],
  ['1.2.3.', null], [' 1.2.3.4', null], ['1.2.3.4 ', null], ['09.1.1.1', null], ['0x', null], ['1..2', null],
  ['0XFF.0.0.1', '255.0.0.1'], ['00000001.2.3.4', '1.2.3.4'], ['256.0.0.1', null], ['abc', null], ['localhost', null],
  ['', null], ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], ['[::1]', null], ['::', '::'], ['::1', '::1'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['1:2:3:4:5:6:7:8:9', null], ['FE80::A', 'fe80::a'], ['0:0::1', '::1'],
  ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['::1.2.3.4', '::1.2.3.4'], ['fe80::1%nosuch', null],
];

test('numeric hosts as getaddrinfo(AI_NUMERICHOST) reads them and inet_ntop prints them (redis-sentinel 7.0.15)', () => {
  for (const [text, want] of CASES) assert.equal(numericHost(text), want, JSON.stringify(text));
});

test('an IPv6 scope naming one of this host\'s interfaces is accepted and dropped', () => {
  const name = Object.keys(networkInterfaces())[0];
  assert.ok(name !== undefined, 'this host has a network interface');
  assert.equal(numericHost(`fe80::1%${name}`), 'fe80::1');
});
