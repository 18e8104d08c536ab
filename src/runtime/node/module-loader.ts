/**
 * How the executables load their module graph, so that they start where redis-server starts.
 *
 * Node's ES module loader fetches a graph's files concurrently: it opens every import of a module
 * at once, recursively, and this graph has over 200 files. Under `ulimit -n 64` the loader fails
 * with EMFILE before any of Garrison runs, while redis-server starts there with maxclients
 * lowered to 32 (src/server/fd-limit.ts). A failed fetch stays cached, so retrying the import
 * does not help.
 *
 * When the soft limit on open files is below SEQUENTIAL_BELOW, `importEntry` first walks the graph
 * itself, reading one file at a time, and imports the modules dependencies first. Every import
 * then finds its dependencies already loaded and opens one file (a cycle's members open together).
 * The walk is the one ES modules evaluate by (`importSteps`), so modules still run in their
 * usual order. It costs about 0.13 s more at start (0.41 s against 0.28 s for
 * `garrison-server --version`), so it runs only under a low limit.
 *
 * Only node: modules may be imported here: this file loads before the limit is known.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Below this many open files the graph is loaded one file at a time. The concurrent loader can
 * have every file of the graph open at once, and Node holds about 20 descriptors of its own.
 */
const SEQUENTIAL_BELOW = 1024;

/**
 * A static import or re-export with a relative specifier, at the start of a statement:
 * `import { a } from './x.js'`, `import * as n from '../y.js'`, `import './z.js'`,
 * `export * from './w.js'`, `export { b } from './v.js'`, across lines. Comments never match: their
 * lines start with `//` or `*`.
 */
const RELATIVE_IMPORT = /(?:^|[;\n])[ \t]*(?:import|export)[ \t\n]*(?:[\w*${}\s,]*?[ \t\n}]from[ \t\n]*)?(['"])(\.{1,2}\/[^'"\n]+)\1/g;

/** The relative specifiers `source` imports, in source order. */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(RELATIVE_IMPORT)) out.push(m[2]!);
  return out;
}

/**
 * The imports that load `entry`'s graph (through relative imports) one file at a time, in the
 * order ES modules evaluate: dependencies first, in source order. ES evaluation is a depth-first
 * walk that runs each module when its walk is done; a cycle (a strongly connected component)
 * runs from the member the walk entered first. So a module outside cycles is one step, and a
 * cycle is one step, its first-entered member: importing another member first would run the
 * cycle in another order. That step opens the cycle's files together, a handful at most. `read`
 * returns a module's source, or null when there is no such file (the real import reports it).
 */
export function importSteps(entry: string, read: (href: string) => string | null): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const steps: string[] = [];
  // Tarjan's strongly connected components: a component's root finishes after all its members.
  const visit = (href: string): void => {
    index.set(href, index.size);
    low.set(href, index.size - 1);
    stack.push(href);
    onStack.add(href);
    const source = read(href);
    for (const spec of source === null ? [] : relativeImports(source)) {
      const dep = new URL(spec, href).href;
      if (!index.has(dep)) {
        visit(dep);
        low.set(href, Math.min(low.get(href)!, low.get(dep)!));
      } else if (onStack.has(dep)) {
        low.set(href, Math.min(low.get(href)!, index.get(dep)!));
      }
    }
    if (low.get(href) !== index.get(href)) return;
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
    } while (member !== href);
    if (source !== null) steps.push(href);
  };
  visit(entry);
  return steps;
}

/** The soft limit on open files from /proc/self/limits (Infinity when unlimited), or null where there is no such file. */
export function openFilesLimit(): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'latin1');
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\S+)/m.exec(text);
  if (m === null) return null;
  return m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

function readModule(href: string): string | null {
  const path = fileURLToPath(href);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** Imports (and so runs) `entry`, one file at a time when the open-files limit is low. */
export async function importEntry(entry: URL, limit: number | null = openFilesLimit()): Promise<void> {
  if (limit !== null && limit < SEQUENTIAL_BELOW) {
    for (const href of importSteps(entry.href, readModule)) await import(href);
  }
  await import(entry.href);
}
