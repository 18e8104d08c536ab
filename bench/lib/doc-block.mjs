// Writes a benchmark's result into docs/benchmarks.md between its start/end marker lines (the
// prose around them is kept), or appends a new section with the markers when they are missing.
import { readFileSync, writeFileSync } from 'node:fs';

export function writeDocBlock(docPath, start, end, text, heading) {
  const doc = readFileSync(docPath, 'utf8');
  const block = `${start}\n${text}\n${end}`;
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const next = doc.includes(start)
    ? doc.replace(new RegExp(`${escape(start)}[\\s\\S]*?${escape(end)}`), () => block)
    : `${doc.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(docPath, next);
}
