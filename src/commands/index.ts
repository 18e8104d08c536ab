/** Every data-command family, in the order they are registered. */
import type { CommandSpec } from './spec.js';
import { BITMAP_COMMANDS } from './bitmaps.js';
import { KEY_COMMANDS } from './keys.js';
import { STRING_COMMANDS } from './strings.js';

export const DATA_COMMANDS: readonly CommandSpec[] = [
  ...STRING_COMMANDS,
  ...BITMAP_COMMANDS,
  ...KEY_COMMANDS,
];

export { CommandTable, Command } from './registry.js';
export type { CommandSpec, CommandFlag, AclCategory, KeySpec, Handler } from './spec.js';
export type { CommandContext, CommandConfig } from './context.js';
