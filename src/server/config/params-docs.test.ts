/**
 * docs/compatibility.md lists the parameters Garrison accepts but does not act on; this test keeps
 * that list equal to the `inert` flags of the parameter table, so the page stays true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_PARAMS } from './params.js';

test('docs/compatibility.md lists exactly the inert parameters', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../../docs/compatibility.md', import.meta.url)), 'utf8');
  const start = doc.indexOf('**Accepted and reported, but not acted on yet**');
  assert.ok(start >= 0, 'the section exists');
  const para = doc.slice(start, doc.indexOf('\n\n', start));
  const listed = new Set([...para.replace(/\(`[^`]+`\)/g, '').matchAll(/`([a-z0-9_-]+)`/g)].map((m) => m[1]!));
  const inert = new Set(ALL_PARAMS.filter((p) => p.inert === true).map((p) => p.name));
  assert.deepEqual([...listed].filter((n) => !inert.has(n)).sort(), [], 'listed in the doc but acted on');
  assert.deepEqual([...inert].filter((n) => !listed.has(n)).sort(), [], 'inert but missing from the doc');
});
