#!/usr/bin/env -S node --max-semi-space-size=8
// garrison-sentinel sentinel.conf: garrison-server in sentinel mode (as redis-sentinel is redis-server --sentinel).
process.argv.push('--sentinel');
await import('../dist/src/main.js');
