/**
 * Hash commands (HSET ... HRANDFIELD).
 * (Being written: see issue #3.)
 */
import type { CommandSpec } from './spec.js';

export const HASH_COMMANDS: readonly CommandSpec[] = [];
