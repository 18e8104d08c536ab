#!/usr/bin/env -S node --max-semi-space-size=8
// garrison-server [configfile] [--opt val ...]: as redis-server. The module graph loads one file at
// a time under a low open-files limit (src/runtime/node/module-loader.ts).
import { importEntry } from '../dist/src/runtime/node/module-loader.js';
await importEntry(new URL('../dist/src/main.js', import.meta.url));
