/**
 * Generic key commands: DEL UNLINK EXISTS TYPE RENAME KEYS SCAN EXPIRE... and database commands.
 * (Being written: see issue #2.)
 */
import type { CommandSpec } from './spec.js';

export const KEY_COMMANDS: readonly CommandSpec[] = [];
