/**
 * List commands (LPUSH ... BLMPOP).
 * (Being written: see issue #3.)
 */
import type { CommandSpec } from './spec.js';

export const LIST_COMMANDS: readonly CommandSpec[] = [];
