import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importSteps, importEntry, openFilesLimit, relativeImports } from './module-loader.js';

test('relativeImports: every form tsc emits, in source order; comments, strings and bare specifiers do not count', () => {
  const src = [
    "import { a, b as c } from './a.js';",
    "import * as ns from '../b.js';",
    "import def, { x } from \"./c.js\";",
    "import './side.js';",
    'import {',
    '    longName,',
    '    other$Name,',
    "} from './multi.js';",
    "export * from './reexport.js';",
    "export { y } from './named.js';",
    "import { readFileSync } from 'node:fs';",
    "// import { no } from './comment.js';",
    '/**',
    " * import { no } from './doc.js';",
    ' */',
    "const s = \"import { no } from './string.js'\";",
    "export const fromX = 1; import { z } from './after-semicolon.js';",
  ].join('\n');
  assert.deepEqual(relativeImports(src), [
    './a.js', '../b.js', './c.js', './side.js', './multi.js', './reexport.js', './named.js', './after-semicolon.js',
  ]);
});

test('importSteps: dependencies first in source order, each module once, a cycle as one step from its first-entered member, missing files skipped', () => {
  const files: Record<string, string> = {
    'file:///m/main.js': "import './a.js';\nimport './b.js';\nimport './gone.js';",
    'file:///m/a.js': "import './c.js';\nimport './b.js';",
    'file:///m/b.js': "import './c.js';\nimport './a.js';", // cycle back to a
    'file:///m/c.js': "import { x } from 'node:fs';",
  };
  const read = (href: string): string | null => files[href] ?? null;
  assert.deepEqual(importSteps('file:///m/main.js', read), [
    'file:///m/c.js', 'file:///m/a.js', 'file:///m/main.js',
  ]);
  // Without the cycle every module is its own step.
  files['file:///m/b.js'] = "import './c.js';";
  assert.deepEqual(importSteps('file:///m/main.js', read), [
    'file:///m/c.js', 'file:///m/b.js', 'file:///m/a.js', 'file:///m/main.js',
  ]);
});

/**
 * A module graph on disk whose modules log their evaluation, with shared dependencies, a cycle, a
 * re-export and a multi-line import: the sequential load must run them in the order Node does.
 */
function writeGraph(dir: string): void {
  const mod = (name: string, imports: string): void => {
    writeFileSync(join(dir, name), `${imports}\n(globalThis.__evalLog ??= []).push('${name}:' + import.meta.url.split('/').at(-2));\n`);
  };
  mod('main.js', "import { a } from './a.js';\nimport './b.js';\nexport * from './re.js';\nimport './d.js';");
  mod('a.js', "import {\n  c,\n} from './c.js';\nimport './b.js';\nexport const a = 1;");
  mod('b.js', "import './c.js';\nimport { a } from './a.js';");
  mod('c.js', 'export const c = 1;');
  mod('re.js', "export { c } from './c.js';\nimport './e.js';");
  mod('d.js', "import './e.js';");
  mod('e.js', '');
}

test('importEntry under a low limit evaluates the modules in the order a plain import does, each once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'garrison-modules-'));
  const plain = mkdtempSync(join(root, 'plain-'));
  const seq = mkdtempSync(join(root, 'seq-'));
  try {
    writeGraph(plain);
    writeGraph(seq);
    const g = globalThis as { __evalLog?: string[] };
    g.__evalLog = [];
    await importEntry(pathToFileURL(join(plain, 'main.js')), null);
    const natural = g.__evalLog.map((e) => e.split(':')[0]);
    g.__evalLog = [];
    await importEntry(pathToFileURL(join(seq, 'main.js')), 64);
    const sequential = g.__evalLog.map((e) => e.split(':')[0]);
    assert.equal(natural.length, 7);
    assert.deepEqual(sequential, natural);
    // The order itself, as ES modules define it (so the test does not only compare two loaders).
    assert.deepEqual(natural, ['c.js', 'b.js', 'a.js', 'e.js', 're.js', 'd.js', 'main.js']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('openFilesLimit is the soft limit `ulimit -n` set', { skip: process.platform !== 'linux' }, () => {
  const here = new URL('./module-loader.js', import.meta.url).href;
  const script = `import('${here}').then((m) => console.log(m.openFilesLimit()))`;
  const out = execFileSync('bash', ['-c', `ulimit -n 200 && exec "${process.execPath}" -e "${script}"`]).toString().trim();
  assert.equal(out, '200');
});
