#!/usr/bin/env node
// Lint rules that keep DESIGN.md true (run by `npm test`):
//  1. layering: a folder may import only from the folders below it;
//  2. determinism: only src/runtime/node/ and src/main.ts touch node:net/fs/child_process/timers, Date.now,
//     Math.random, setTimeout/setInterval/setImmediate, process.hrtime;
//  3. no module-level mutable state (`let` at top level) in src/.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

// folder -> folders it may import from (itself always allowed)
const ALLOWED = {
  lib: [],
  runtime: ['lib'],
  protocol: ['lib'],
  keyspace: ['lib', 'runtime'],
  commands: ['lib', 'protocol', 'keyspace', 'runtime'],
  persistence: ['lib', 'protocol', 'keyspace', 'runtime'],
  server: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'runtime'],
  link: ['lib', 'protocol', 'runtime'],
  replication: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'server', 'link', 'runtime'],
  cluster: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'server', 'link', 'runtime', 'replication'],
  sentinel: ['lib', 'protocol', 'keyspace', 'commands', 'server', 'link', 'runtime', 'replication'],
  node: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'server', 'link', 'runtime', 'replication', 'cluster', 'sentinel'],
  sim: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'server', 'link', 'runtime', 'replication', 'cluster', 'sentinel', 'node'],
  tools: ['lib', 'protocol', 'keyspace', 'commands', 'persistence', 'server', 'link', 'runtime', 'replication', 'cluster', 'sentinel', 'node'],
};

const IMPURE = [
  [/\bDate\.now\s*\(/, 'Date.now (use the Clock port)'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() (use the Clock port)'],
  [/\bMath\.random\s*\(/, 'Math.random (use the Random port)'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'timers (use the Scheduler port)'],
  [/\bprocess\.hrtime\b/, 'process.hrtime (use the Clock port)'],
  [/from\s+'node:(net|fs|fs\/promises|dgram|child_process|timers)'/, 'node I/O module (only in runtime/node)'],
];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const problems = [];
for (const file of walk(src)) {
  const rel = relative(src, file);
  const parts = rel.split('/');
  const folder = parts.length > 1 ? parts[0] : null;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const impureOk = rel.startsWith('runtime/node/') || rel === 'main.ts' || rel === 'index.ts' || rel.startsWith('tools/');
  lines.forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*\*/.test(line)) return; // comment body
    if (!impureOk) {
      for (const [re, what] of IMPURE) if (re.test(code)) problems.push(`${rel}:${i + 1}: ${what}`);
    }
    if (/^let\s/.test(line) || /^export\s+let\s/.test(line)) problems.push(`${rel}:${i + 1}: module-level mutable state`);
    const m = /from\s+'(\.[^']+)'/.exec(code);
    if (m && folder !== null && ALLOWED[folder]) {
      const target = relative(src, resolve(dirname(file), m[1]));
      const tf = target.split('/')[0];
      if (tf !== folder && tf !== '..' && !ALLOWED[folder].includes(tf) && ALLOWED[tf] !== undefined) {
        problems.push(`${rel}:${i + 1}: layer '${folder}' must not import from '${tf}'`);
      }
    }
  });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`lint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('lint: ok');
