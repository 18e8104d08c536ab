#!/usr/bin/env node
// garrison <command>: the command-line tool (garrison up: a local topology of server and sentinel processes).
import { main } from '../dist/src/tools/cli.js';
process.exitCode = await main(process.argv.slice(2));
