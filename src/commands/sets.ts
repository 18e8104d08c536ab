/**
 * Set commands (SADD ... SINTERCARD).
 * (Being written: see issue #3.)
 */
import type { CommandSpec } from './spec.js';

export const SET_COMMANDS: readonly CommandSpec[] = [];
