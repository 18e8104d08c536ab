/** Real randomness: Math.random for floats, crypto for bytes (run ids, replication ids). */
import { randomBytes } from 'node:crypto';
import type { Random } from '../ports.js';

export const systemRandom: Random = {
  float: () => Math.random(),
  bytes: (n) => randomBytes(n),
};
