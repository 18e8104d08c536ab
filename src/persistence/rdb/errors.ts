/**
 * The one error type the RDB codec throws. Every malformed, truncated or hostile input ends in an
 * RdbError (never a RangeError or a crash), with a message in Redis's wording where Redis has one.
 */
export class RdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbError';
  }
}

export const ERR_EOF = 'Unexpected EOF reading RDB file';
