/**
 * Which arguments are secrets: where Redis 7.0's command handlers call
 * redactClientCommandArgument (AUTH, HELLO, MIGRATE, CONFIG SET, ACL SETUSER). MONITOR and SLOWLOG show a
 * command with those arguments as "(redacted)", even when the command then fails. Redis replaces
 * them in the client's original argv while the command runs; here the shown argv is derived from
 * the command's own when it is shown, so the command path pays nothing for it.
 */
import { parseInt64 } from '../lib/int64.js';

const REDACTED = '(redacted)';

/**
 * argv as MONITOR and SLOWLOG must show it, with the secrets replaced by "(redacted)":
 * - ACL SETUSER's user name and rules;
 * - AUTH's arguments (unless it has too many: the syntax error comes first);
 * - HELLO's AUTH username and password, once its protocol version parsed, up to the first bad
 *   option;
 * - MIGRATE's AUTH password and AUTH2 username and password, up to KEYS or a bad option;
 * - CONFIG SET's values of sensitive parameters (`isSensitive`: requirepass, masterauth,
 *   masteruser), every pair of them even when another pair is wrong.
 */
export function redactArgv(argv: readonly string[], isSensitive: (param: string) => boolean): readonly string[] {
  const name = argv[0]!.toLowerCase();
  if (name === 'config') {
    // configSetCommand: an odd argument count is a syntax error before any lookup.
    if (argv.length < 4 || argv.length % 2 !== 0 || argv[1]!.toLowerCase() !== 'set') return argv;
    let out: string[] | null = null;
    for (let j = 2; j < argv.length; j += 2) {
      if (!isSensitive(argv[j]!)) continue;
      out ??= [...argv];
      out[j + 1] = REDACTED;
    }
    return out ?? argv;
  }
  if (name === 'acl') {
    // ACL SETUSER hides the user name and every rule (passwords are rules).
    if (argv.length < 3 || argv[1]!.toLowerCase() !== 'setuser') return argv;
    return argv.map((a, i) => (i < 2 ? a : REDACTED));
  }
  if (name === 'auth') {
    if (argv.length > 3) return argv;
    return argv.map((a, i) => (i === 0 ? a : REDACTED));
  }
  if (name === 'hello') {
    if (argv.length >= 2) {
      const ver = parseInt64(argv[1]!);
      if (ver === null || typeof ver === 'bigint' || ver < 2 || ver > 3) return argv;
    }
    let out: string[] | null = null;
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j]!.toLowerCase();
      if (opt === 'auth' && more >= 2) {
        out ??= [...argv];
        out[j + 1] = REDACTED;
        out[j + 2] = REDACTED;
        j += 2;
      } else if (opt === 'setname' && more >= 1) {
        j++;
      } else {
        break;
      }
    }
    return out ?? argv;
  }
  if (name === 'migrate') {
    let out: string[] | null = null;
    for (let j = 6; j < argv.length; j++) {
      const opt = argv[j]!.toLowerCase();
      const more = argv.length - 1 - j;
      if (opt === 'auth' && more >= 1) {
        out ??= [...argv];
        out[j + 1] = REDACTED;
        j++;
      } else if (opt === 'auth2' && more >= 2) {
        out ??= [...argv];
        out[j + 1] = REDACTED;
        out[j + 2] = REDACTED;
        j += 2;
      } else if (opt !== 'copy' && opt !== 'replace') {
        break; // KEYS (the rest are keys) or a syntax error: MIGRATE stops parsing there
      }
    }
    return out ?? argv;
  }
  return argv;
}

