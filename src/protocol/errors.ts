/**
 * The error catalogue: every error text Garrison sends that is shared between command families,
 * with Redis 7.0's exact wording. Family-specific texts live next to their commands but still go
 * through `error()` from reply.ts. Keep the strings byte-identical to Redis: clients match on them.
 */
import { error, type ErrorReply } from './reply.js';

export const ERR_SYNTAX = error('ERR syntax error');
export const ERR_WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const ERR_NOT_INTEGER = error('ERR value is not an integer or out of range');
export const ERR_NOT_FLOAT = error('ERR value is not a valid float');
export const ERR_OVERFLOW = error('ERR increment or decrement would overflow');
export const ERR_NO_SUCH_KEY = error('ERR no such key');
export const ERR_INDEX_OUT_OF_RANGE = error('ERR index out of range');
export const ERR_DB_INDEX = error('ERR DB index is out of range');
export const ERR_SAME_OBJECT = error('ERR source and destination objects are the same');
export const ERR_NOAUTH = error('NOAUTH Authentication required.');
export const ERR_WRONGPASS = error('WRONGPASS invalid username-password pair or user is disabled.');
export const ERR_EXECABORT = error('EXECABORT Transaction discarded because of previous errors.');
export const ERR_MULTI_NESTED = error('ERR MULTI calls can not be nested');
export const ERR_EXEC_WITHOUT_MULTI = error('ERR EXEC without MULTI');
export const ERR_DISCARD_WITHOUT_MULTI = error('ERR DISCARD without MULTI');
export const ERR_WATCH_IN_MULTI = error('ERR WATCH inside MULTI is not allowed');
export const ERR_TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range');
export const ERR_TIMEOUT_NEGATIVE = error('ERR timeout is negative');
export const ERR_INVALID_EXPIRE = (cmd: string): ErrorReply => error(`ERR invalid expire time in '${cmd}' command`);
export const ERR_STRING_TOO_LONG = error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
export const ERR_BIT_OFFSET = error('ERR bit offset is not an integer or out of range');
export const ERR_BIT_VALUE = error('ERR bit is not an integer or out of range');
export const ERR_INVALID_CURSOR = error('ERR invalid cursor');
export const ERR_LOADING = error('LOADING Redis is loading the dataset in memory');
export const ERR_READONLY = error("READONLY You can't write against a read only replica.");
export const ERR_NOREPLICAS = error('NOREPLICAS Not enough good replicas to write.');
export const ERR_MASTERDOWN = error('MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to \'no\'.');
export const ERR_CROSSSLOT = error("CROSSSLOT Keys in request don't hash to the same slot");

export function errWrongArity(fullName: string): ErrorReply {
  return error(`ERR wrong number of arguments for '${fullName}' command`);
}

/** Redis sanitises error texts built from user input: CR and LF become spaces. */
export function sanitizeErrorText(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** Redis formats these texts with printf's %s: an argument ends at its first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

export function errUnknownCommand(name: string, args: readonly string[]): ErrorReply {
  let list = '';
  for (let i = 0; i < args.length && list.length < 128; i++) {
    list += `'${cstr(args[i]!).slice(0, 128 - list.length)}' `;
  }
  return error(sanitizeErrorText(`ERR unknown command '${cstr(name).slice(0, 128)}', with args beginning with: ${list}`));
}

/**
 * addReplySubcommandSyntaxError: a subcommand used with the wrong arguments, argv[1] printed as
 * %.128s and the container as the client typed it, in capitals.
 */
export function errSubcommandSyntax(argv: readonly string[]): ErrorReply {
  return error(sanitizeErrorText(`ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]!).slice(0, 128)}'. Try ${cstr(argv[0]!).toUpperCase()} HELP.`));
}

export function errUnknownSubcommand(sub: string, container: string): ErrorReply {
  return error(sanitizeErrorText(`ERR unknown subcommand '${cstr(sub).slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`));
}
