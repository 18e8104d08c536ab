#!/usr/bin/env -S node --max-semi-space-size=8
// garrison-sentinel sentinel.conf: garrison-server in sentinel mode (as redis-sentinel is redis-server --sentinel).
import { importEntry } from '../dist/src/runtime/node/module-loader.js';
process.argv.push('--sentinel');
await importEntry(new URL('../dist/src/main.js', import.meta.url));
