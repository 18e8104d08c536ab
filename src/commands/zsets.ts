/**
 * Sorted-set commands (ZADD ... BZMPOP).
 * (Being written: see issue #3.)
 */
import type { CommandSpec } from './spec.js';

export const ZSET_COMMANDS: readonly CommandSpec[] = [];
