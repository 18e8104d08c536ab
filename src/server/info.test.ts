import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesToHuman, formatFixed, GARRISON_VERSION, safeInfoString, selectSections, type InfoSection } from './info.js';

const ALL: InfoSection[] = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace',
];

function chosen(args: string[]): InfoSection[] {
  const wanted = selectSections(args);
  return ALL.filter((s) => wanted(s));
}

test('garrison_version is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(GARRISON_VERSION, pkg.version);
});

test('section selection follows genInfoSectionDict', () => {
  const defaults = ALL.filter((s) => s !== 'commandstats' && s !== 'latencystats');
  assert.deepEqual(chosen([]), defaults);
  assert.deepEqual(chosen(['default']), defaults);
  assert.deepEqual(chosen(['ALL']), ALL);
  assert.deepEqual(chosen(['everything']), ALL);
  assert.deepEqual(chosen(['Clients', 'server']), ['server', 'clients']);
  assert.deepEqual(chosen(['commandstats']), ['commandstats']);
  assert.deepEqual(chosen(['module_list']), ['modules']);
  assert.deepEqual(chosen(['nosuch']), []);
  assert.deepEqual(chosen(['default', 'latencystats', 'nosuch']), [...defaults.slice(0, 9), 'latencystats', 'cluster', 'keyspace']);
});

test('formatFixed rounds the exact binary value half to even, like printf', () => {
  assert.equal(formatFixed(0.125, 2), '0.12'); // toFixed says 0.13
  assert.equal(formatFixed(0.375, 2), '0.38');
  assert.equal(formatFixed(1.005, 2), '1.00'); // 1.00499999999999989...
  assert.equal(formatFixed(183.295, 3), '183.295');
  assert.equal(formatFixed(99.9, 6), '99.900000');
  assert.equal(formatFixed(0, 2), '0.00');
  assert.equal(formatFixed(-2.5, 0), '-2');
  assert.equal(formatFixed(1e21, 2), '1000000000000000000000.00');
});

test('bytesToHuman matches Redis', () => {
  assert.equal(bytesToHuman(0), '0B');
  assert.equal(bytesToHuman(1023), '1023B');
  assert.equal(bytesToHuman(1024), '1.00K');
  assert.equal(bytesToHuman(1015352), '991.55K');
  assert.equal(bytesToHuman(7053312), '6.73M');
  assert.equal(bytesToHuman(25276502016), '23.54G');
});

test('safeInfoString replaces the separators of the INFO format', () => {
  assert.equal(safeInfoString('client|list'), 'client|list');
  assert.equal(safeInfoString('a:b,c\r\n'), 'a_b_c__');
});
