/**
 * Redis's genericGetKeys: where the commands that take a key count (ZUNION, ZINTERSTORE, LMPOP,
 * SINTERCARD...) find their keys when their key specs do not fit the arguments, for COMMAND
 * GETKEYS and ACL key checks (command-table-info.ts, commandKeys). The count is read with atoi,
 * so " 1", "+1" and "1.5" name one key where the command itself refuses them; the store key, if
 * any, comes after the others; no keys when the count is below 1 or past the arguments.
 */
import { atoi } from '../lib/atoi.js';

export function genericGetKeys(storeKeyOfs: number, keyCountOfs: number, firstKeyOfs: number, keyStep = 1): (argv: readonly string[]) => number[] {
  return (argv) => {
    const num = atoi(argv[keyCountOfs] ?? '');
    if (num < 1 || num > Math.trunc((argv.length - firstKeyOfs) / keyStep)) return [];
    const out: number[] = [];
    for (let i = 0; i < num; i++) out.push(firstKeyOfs + i * keyStep);
    if (storeKeyOfs !== 0) out.push(storeKeyOfs);
    return out;
  };
}
