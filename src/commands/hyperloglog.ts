/**
 * HyperLogLog commands (PFADD PFCOUNT PFMERGE, PFDEBUG, PFSELFTEST).
 * (Being written: see issue #3.)
 */
import type { CommandSpec } from './spec.js';

export const HLL_COMMANDS: readonly CommandSpec[] = [];
