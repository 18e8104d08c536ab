import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from './node-flags.js';

const repoFile = (p: string): string => readFileSync(fileURLToPath(new URL(`../../../${p}`, import.meta.url)), 'utf8');

test('the bin scripts and npm start run node with the server flags', () => {
  const flags = SERVER_NODE_FLAGS.join(' ');
  for (const bin of ['bin/garrison-server.js', 'bin/garrison-sentinel.js']) {
    assert.equal(repoFile(bin).split('\n')[0], `#!/usr/bin/env -S node ${flags}`, bin);
  }
  const pkg = JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts['start'], `node ${flags} bin/garrison-server.js`);
});
