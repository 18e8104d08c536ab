/**
 * Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 * (Being written: see issue #2.)
 */
import type { CommandSpec } from './spec.js';

export const BITMAP_COMMANDS: readonly CommandSpec[] = [];
