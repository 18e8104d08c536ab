/** Every data-command family, in the order they are registered. */
import type { CommandSpec } from './spec.js';
import { BITMAP_COMMANDS } from './bitmaps.js';
import { HASH_COMMANDS } from './hashes.js';
import { HLL_COMMANDS } from './hyperloglog.js';
import { KEY_COMMANDS } from './keys.js';
import { LIST_COMMANDS } from './lists.js';
import { SET_COMMANDS } from './sets.js';
import { STREAM_COMMANDS } from './streams.js';
import { STRING_COMMANDS } from './strings.js';
import { ZSET_COMMANDS } from './zsets.js';
import { GEO_COMMANDS } from './geo.js';
import { SORT_COMMANDS } from './sort.js';

export const DATA_COMMANDS: readonly CommandSpec[] = [
  ...STRING_COMMANDS,
  ...BITMAP_COMMANDS,
  ...KEY_COMMANDS,
  ...LIST_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...ZSET_COMMANDS,
  ...HLL_COMMANDS,
  ...STREAM_COMMANDS,
  ...GEO_COMMANDS,
  ...SORT_COMMANDS,
];

export { CommandTable, Command } from './registry.js';
export type { CommandSpec, CommandFlag, AclCategory, KeySpec, Handler } from './spec.js';
export type { CommandContext, CommandConfig } from './context.js';
