/**
 * ACL against a real redis-server 7.0: the same steps, on several connections per server, with
 * the raw replies compared byte for byte. Each scenario starts from the default user alone.
 *
 * Two things are normalised before comparing, because Redis's own output varies there from one
 * process to the next: the single commands at the end of a command-rule description (Redis lists
 * them in its command dict's seeded hash order; they are sorted on both sides), and in ACL LOG
 * entries the age and the client-info text (a clock reading; memory figures Garrison does not
 * have). Rule descriptions that depend on commands Garrison lacks (EVAL, FUNCTION, CLUSTER...)
 * are avoided: the greedy category fit would differ for that reason only.
 *
 * Without a redis-server binary the suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand, RespClient } from '../helpers/resp-client.js';
import { requireBinaries } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { sideBySide } from './helpers/side-by-side.js';
import { scenarioTests, type Step } from './helpers/scenarios.js';

const skip = requireBinaries('redis-server');

const ADMIN_RESET: string[][] = [['ACL', 'LOG', 'RESET'], ['CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'], ['CONFIG', 'SET', 'acllog-max-len', '128']];

/** Sorts runs of single-command rules ("+get -set"), whose order is Redis's hash order. */
function normalise(text: string): string {
  return text
    .replace(/(?: [+-][a-z_|0-9]+(?![@a-z_|0-9]))+/g, (m) => ` ${m.trim().split(' ').sort().join(' ')}`)
    .replace(/\$11\r\nage-seconds\r\n(\$\d+\r\n[^\r]*|,[^\r]*)\r\n/g, 'age-seconds <t>\r\n')
    .replace(/\$11\r\nclient-info\r\n\$\d+\r\n[^\r]*\r\n/g, 'client-info <c>\r\n')
    .replace(/\$2\r\nid\r\n:\d+\r\n/g, 'id <n>\r\n');
}

async function play(port: number, steps: readonly Step[]): Promise<string[]> {
  const conns = new Map<string, RespClient>();
  const admin = await RespClient.connect(port);
  const out: string[] = [];
  try {
    for (const u of (await admin.call('ACL', 'USERS')) as string[]) if (u !== 'default') await admin.call('ACL', 'DELUSER', u);
    await admin.call('ACL', 'SETUSER', 'default', 'reset', 'on', 'nopass', '~*', '&*', '+@all');
    for (const c of ADMIN_RESET) await admin.call(...c);
    await admin.call('FLUSHALL');
    for (const [name, ...argv] of steps) {
      let c = conns.get(name);
      if (c === undefined) {
        c = await RespClient.connect(port);
        conns.set(name, c);
      }
      c.writeRaw(encodeCommand(argv));
      const r = await c.readWithin(3000);
      out.push(`${name}: ${argv.join(' ')} -> ${typeof r === 'string' ? `(${r})` : escapeBytes(Buffer.from(normalise(r.raw.toString('latin1')), 'latin1'))}`);
    }
    // Leave the server as found for the next scenario.
    const fresh = await RespClient.connect(port);
    for (const u of (await fresh.call('ACL', 'USERS')) as string[]) if (u !== 'default') await fresh.call('ACL', 'DELUSER', u);
    await fresh.call('ACL', 'SETUSER', 'default', 'reset', 'on', 'nopass', '~*', '&*', '+@all');
    await fresh.call('CONFIG', 'SET', 'requirepass', '');
    fresh.close();
  } finally {
    admin.close();
    for (const c of conns.values()) c.close();
  }
  return out;
}

const HASH = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

/** Connections a..g, each opened on its first step. */
const SCENARIOS: Record<string, Step[]> = {
  'subcommands: arity, errors and simple replies': [
    ['a', 'ACL'], ['a', 'ACL', 'NOSUCH'], ['a', 'ACL', 'HELP'], ['a', 'ACL', 'HELP', 'x'], ['a', 'ACL', 'WHOAMI'],
    ['a', 'ACL', 'WHOAMI', 'x'], ['a', 'ACL', 'USERS'], ['a', 'ACL', 'USERS', 'x'], ['a', 'ACL', 'LIST'], ['a', 'ACL', 'LIST', 'x'],
    ['a', 'ACL', 'CAT'], ['a', 'ACL', 'CAT', 'x', 'y'], ['a', 'ACL', 'CAT', 'nosuch'],
    ['a', 'ACL', 'GENPASS', '0'], ['a', 'ACL', 'GENPASS', '-1'], ['a', 'ACL', 'GENPASS', '4097'], ['a', 'ACL', 'GENPASS', 'abc'],
    ['a', 'ACL', 'GENPASS', '1', '2'], ['a', 'ACL', 'GETUSER', 'nosuch'], ['a', 'ACL', 'GETUSER', 'default'],
    ['a', 'ACL', 'DELUSER', 'default'], ['a', 'ACL', 'DELUSER', 'nosuch'], ['a', 'ACL', 'DELUSER', 'x', 'default'],
    ['a', 'ACL', 'SETUSER'], ['a', 'ACL', 'SETUSER', 'a b'], ['a', 'ACL', 'SETUSER', 'a\x00b'], ['a', 'ACL', 'SETUSER', 'a\tb'],
    ['a', 'ACL', 'SETUSER', ''], ['a', 'ACL', 'LIST'], ['a', 'ACL', 'DELUSER', ''],
    ['a', 'ACL', 'LOG', 'x'], ['a', 'ACL', 'LOG', '-1'], ['a', 'ACL', 'LOG', '0'], ['a', 'ACL', 'LOG', 'reset', 'x'], ['a', 'ACL', 'LOG', 'RESET'],
    ['a', 'ACL', 'LOAD'], ['a', 'ACL', 'SAVE'], ['a', 'ACL', 'LOAD', 'x'],
    ['a', 'ACL', 'DRYRUN'], ['a', 'ACL', 'DRYRUN', 'nosuch', 'get', 'a'], ['a', 'ACL', 'DRYRUN', 'default', 'nosuch'],
    ['a', 'ACL', 'DRYRUN', 'default', 'get'], ['a', 'ACL', 'DRYRUN', 'default', 'config', 'nosuch'], ['a', 'ACL', 'DRYRUN', 'default', 'config', 'get'],
    ['a', 'ACL', 'DRYRUN', 'default', 'get', 'x'],
    ['a', 'HELLO', '3'], ['a', 'ACL', 'GETUSER', 'default'], ['a', 'ACL', 'GETUSER', 'nosuch'], ['a', 'ACL', 'LOG'],
  ],
  'rules: users, passwords, patterns and their errors': [
    ['a', 'ACL', 'SETUSER', 'u1'], ['a', 'ACL', 'GETUSER', 'u1'],
    ['a', 'ACL', 'SETUSER', 'u1', 'on', '>pw', '~k*', '%R~r*', '%W~w*', '&ch*', '+get', '+@hash', '-hdel', '+config|get', '+select|0'],
    ['a', 'ACL', 'GETUSER', 'u1'], ['a', 'ACL', 'LIST'], ['a', 'ACL', 'SETUSER', 'u1', 'reset'], ['a', 'ACL', 'LIST'],
    ['a', 'ACL', 'SETUSER', 'u2', 'bogus'], ['a', 'ACL', 'GETUSER', 'u2'], ['a', 'ACL', 'SETUSER', 'u2', '+nosuch'],
    ['a', 'ACL', 'SETUSER', 'u2', '+@nosuch'], ['a', 'ACL', 'SETUSER', 'u2', 'allkeys', '~foo'], ['a', 'ACL', 'SETUSER', 'u2', '~foo', '~*'],
    ['a', 'ACL', 'GETUSER', 'u2'], ['a', 'ACL', 'SETUSER', 'u2', '&*', '&x'], ['a', 'ACL', 'SETUSER', 'u2', '#abc'],
    ['a', 'ACL', 'SETUSER', 'u2', `#${HASH.toUpperCase()}`], ['a', 'ACL', 'SETUSER', 'u2', `#${HASH}`], ['a', 'ACL', 'SETUSER', 'u2', '!abc'],
    ['a', 'ACL', 'SETUSER', 'u2', '<nosuch'], ['a', 'ACL', 'SETUSER', 'u2', '>abc', '<abc'], ['a', 'ACL', 'SETUSER', 'u2', '>abc', '>abc', '>def'],
    ['a', 'ACL', 'GETUSER', 'u2'], ['a', 'ACL', 'SETUSER', 'u2', `!${HASH}`], ['a', 'ACL', 'GETUSER', 'u2'],
    ['a', 'ACL', 'SETUSER', 'u2', 'nopass'], ['a', 'ACL', 'GETUSER', 'u2'], ['a', 'ACL', 'SETUSER', 'u2', 'resetpass', 'skip-sanitize-payload'],
    ['a', 'ACL', 'SETUSER', 'u3', '(+get ~x)', '(+set', '~y)'], ['a', 'ACL', 'GETUSER', 'u3'], ['a', 'ACL', 'SETUSER', 'u3', '(+get'],
    ['a', 'ACL', 'SETUSER', 'u3', '(+get ~x) (bogus)'], ['a', 'ACL', 'SETUSER', 'u3', '(on)'], ['a', 'ACL', 'SETUSER', 'u3', '()'],
    ['a', 'ACL', 'SETUSER', 'u3', '("a)'], ['a', 'ACL', 'LIST'], ['a', 'ACL', 'SETUSER', 'u3', 'clearselectors'],
    ['a', 'ACL', 'SETUSER', 'u4', '%~a'], ['a', 'ACL', 'SETUSER', 'u4', '%R'], ['a', 'ACL', 'SETUSER', 'u4', '%X~a'], ['a', 'ACL', 'SETUSER', 'u4', '%RR~a'],
    ['a', 'ACL', 'SETUSER', 'u4', '%rw~a', '%R~*', '~', '&', '%R~a'], ['a', 'ACL', 'SETUSER', 'u4', '%'], ['a', 'ACL', 'SETUSER', 'u4', '~a b'],
    ['a', 'ACL', 'SETUSER', 'u4', '&a b'], ['a', 'ACL', 'SETUSER', 'u4', '%W~*', '~foo'],
    ['a', 'ACL', 'SETUSER', 'u5', '-get|x'], ['a', 'ACL', 'SETUSER', 'u5', '+get|'], ['a', 'ACL', 'SETUSER', 'u5', '+config|get|x'],
    ['a', 'ACL', 'SETUSER', 'u5', '-config|nosuch'], ['a', 'ACL', 'SETUSER', 'u5', '+config|nosuch'], ['a', 'ACL', 'SETUSER', 'u5', '-select|0'],
    ['a', 'ACL', 'SETUSER', 'u5', '+select|0', '+SELECT|0', '+select|1'], ['a', 'ACL', 'SETUSER', 'u5', '+|x'],
    ['a', 'ACL', 'SETUSER', 'u6', 'ON', 'NOPASS', 'ALLKEYS', '+GET', '+@READ'], ['a', 'ACL', 'SETUSER', 'u7', '(+get ~x) (bogus'],
    ['a', 'ACL', 'SETUSER', 'u8', 'on', 'off', 'sanitize-payload', 'allchannels', 'resetchannels', '&a', '&a', 'allkeys', 'resetkeys', '~b'],
    ['a', 'ACL', 'LIST'], ['a', 'ACL', 'USERS'], ['a', 'ACL', 'DELUSER', 'u1', 'u2', 'nosuch'], ['a', 'ACL', 'USERS'],
    ['a', 'CONFIG', 'SET', 'acl-pubsub-default', 'allchannels'], ['a', 'ACL', 'SETUSER', 'p1', '(~x)'], ['a', 'ACL', 'SETUSER', 'p2', 'reset'],
    ['a', 'ACL', 'GETUSER', 'p1'], ['a', 'ACL', 'GETUSER', 'p2'], ['a', 'CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'],
    ['a', 'ACL', 'SETUSER', 'p3', '(~x)'], ['a', 'ACL', 'LIST'],
  ],
  'command rules as ACL LIST rewrites them': [
    ['a', 'ACL', 'SETUSER', 'r1', '+@all', '-debug', '+config|get'], ['a', 'ACL', 'SETUSER', 'r2', '-@all', '+config|get'],
    ['a', 'ACL', 'SETUSER', 'r3', '+config', '-config|set'], ['a', 'ACL', 'SETUSER', 'r4', '-@all', '+@string', '-get', '+get'],
    ['a', 'ACL', 'SETUSER', 'r5', 'nocommands', '+@all', '-@all', '+get'], ['a', 'ACL', 'SETUSER', 'r6', '+@all', '-@dangerous', '-@admin'],
    ['a', 'ACL', 'SETUSER', 'r7', '+@all', '-@dangerous', '+config|get'], ['a', 'ACL', 'SETUSER', 'r8', '-@all', '+@hash', '+@string', '+@list'],
    ['a', 'ACL', 'SETUSER', 'r9', '-@all', '+@read', '+@write'], ['a', 'ACL', 'SETUSER', 'r10', '+@all', '-client', '+client|id'],
    ['a', 'ACL', 'SETUSER', 'r11', '-@all', '+select|0', '+select'], ['a', 'ACL', 'SETUSER', 'r12', '-@all', '+select', '+select|0'],
    ['a', 'ACL', 'SETUSER', 'r13', '+@all', '-select', '+select|0'], ['a', 'ACL', 'SETUSER', 'r14', '+@all', '-get', '+@read', '-@write', '+set'],
    ['a', 'ACL', 'SETUSER', 'r15', '+@all', '-@slow'], ['a', 'ACL', 'SETUSER', 'r16', '+@all', '-acl', '+acl|whoami'],
    ['a', 'ACL', 'SETUSER', 'r17', 'allcommands', '-@all', '+client|list'], ['a', 'ACL', 'SETUSER', 'r18', '+config|get', '+config'],
    ['a', 'ACL', 'SETUSER', 'r19', '-@all', '+@sortedset', '-zadd', '+@stream'], ['a', 'ACL', 'SETUSER', 'r20', '+@all', '-@hyperloglog', '-@bitmap'],
    ['a', 'ACL', 'LIST'], ['a', 'ACL', 'GETUSER', 'r3'], ['a', 'ACL', 'GETUSER', 'r13'],
  ],
  'permission checks, denials and the log': [
    ['a', 'ACL', 'SETUSER', 'lim', 'on', '>p', '~k*', '%R~r*', '%W~w*', '&ch', '+get', '+set', '+incr', '+multi', '+exec', '+publish',
      '+subscribe', '+psubscribe', '+ttl', '+exists', '+copy', '+sort', '+bitfield', '+select|0', '+config|get', '+ping', '+acl|whoami'],
    ['b', 'AUTH', 'lim', 'p'], ['b', 'ACL', 'WHOAMI'], ['b', 'GET', 'kx'], ['b', 'GET', 'zz'], ['b', 'SET', 'zz', '1'], ['b', 'DEL', 'k'],
    ['b', 'GET', 'r1'], ['b', 'GET', 'w1'], ['b', 'SET', 'w1', 'x'], ['b', 'SET', 'r1', 'x'], ['b', 'SET', 'w1', 'x', 'GET'],
    ['b', 'INCR', 'w1'], ['b', 'INCR', 'k1'], ['b', 'EXISTS', 'w1'], ['b', 'TTL', 'w1'], ['b', 'COPY', 'r1', 'w1'], ['b', 'COPY', 'w1', 'r1'],
    ['b', 'SORT', 'k1', 'STORE', 'r1'], ['b', 'BITFIELD', 'r1', 'GET', 'u8', '0'], ['b', 'BITFIELD', 'r1', 'SET', 'u8', '0', '1'],
    ['b', 'SELECT', '0'], ['b', 'SELECT', '1'], ['b', 'CONFIG', 'GET', 'hz'], ['b', 'CONFIG', 'SET', 'hz', '10'], ['b', 'ACL', 'LIST'],
    ['b', 'PUBLISH', 'nope', 'x'], ['b', 'PUBLISH', 'ch', 'x'], ['b', 'PSUBSCRIBE', 'c*'],
    ['b', 'MULTI'], ['b', 'GET', 'zz'], ['b', 'GET', 'k1'], ['b', 'EXEC'], ['b', 'MULTI'], ['b', 'GET', 'k1'], ['b', 'INCR', 'k2'],
    ['a', 'ACL', 'SETUSER', 'lim', '-incr'], ['b', 'EXEC'],
    ['b', 'AUTH', 'lim', 'wrong'], ['b', 'AUTH', 'nosuch', 'x'], ['b', 'AuTh', 'x'], ['b', 'HELLO', '2', 'AUTH', 'lim', 'bad'],
    ['b', 'AUTH', 'default', 'anything'], ['b', 'ACL', 'WHOAMI'], ['b', 'AUTH', 'lim', 'p'], ['b', 'RESET'], ['b', 'ACL', 'WHOAMI'],
    ['a', 'ACL', 'LOG'], ['a', 'ACL', 'LOG', '2'],
    ['a', 'ACL', 'DRYRUN', 'lim', 'get', 'zz'], ['a', 'ACL', 'DRYRUN', 'lim', 'publish', 'zz', 'x'], ['a', 'ACL', 'DRYRUN', 'lim', 'del', 'k'],
    ['a', 'ACL', 'DRYRUN', 'lim', 'config', 'set', 'hz', '10'], ['a', 'ACL', 'DRYRUN', 'lim', 'get', 'k1'], ['a', 'ACL', 'LOG', '1'],
    ['a', 'CONFIG', 'SET', 'acllog-max-len', '1'], ['a', 'ACL', 'LOG'], ['c', 'AUTH', 'x', 'y'], ['a', 'ACL', 'LOG'],
  ],
  'selectors: any one may allow, the most relevant denial is reported': [
    ['a', 'ACL', 'SETUSER', 's', 'on', 'nopass', '-@all', '+get', '~*', '(+set ~s*)', '(+set ~t*)', '(+mset ~s*)', '(+mset ~t*)'],
    ['b', 'AUTH', 's', 'x'], ['b', 'SET', 'a', '1'], ['b', 'SET', 's1', '1'], ['b', 'SET', 't1', '1'], ['b', 'MSET', 's1', '1', 't1', '2'],
    ['b', 'MSET', 't1', '1', 's1', '2'], ['b', 'DEL', 'a'], ['b', 'GET', 'anything'],
    ['a', 'ACL', 'DRYRUN', 's', 'mset', 's1', '1', 't1', '2'], ['a', 'ACL', 'DRYRUN', 's', 'set', 'a', '1'], ['a', 'ACL', 'GETUSER', 's'], ['a', 'ACL', 'LOG'],
    ['a', 'ACL', 'SETUSER', 'q', 'on', 'nopass', '~*', '&pub*', '&pat:*', '+psubscribe', '+subscribe', '+spublish', '+ssubscribe'],
    ['c', 'AUTH', 'q', 'x'], ['c', 'PSUBSCRIBE', 'pub*'], ['c', 'PSUBSCRIBE', 'pat:*'], ['c', 'PSUBSCRIBE', 'pub1*'], ['c', 'SUBSCRIBE', 'pub1', 'zz'],
    ['c', 'SSUBSCRIBE', 'zz'], ['c', 'SSUBSCRIBE', 'pubx'], ['c', 'SPUBLISH', 'zz', 'm'],
  ],
  'SORT follows BY and GET patterns only for users who may read every key': [
    ['a', 'RPUSH', 'mylist', '3', '1', '2'], ['a', 'SET', 'w_1', '10'],
    ['a', 'ACL', 'SETUSER', 'n', 'on', 'nopass', '~mylist', '+sort', '+sort_ro'],
    ['a', 'ACL', 'SETUSER', 'r', 'on', 'nopass', '%R~*', '+sort'], ['a', 'ACL', 'SETUSER', 'w', 'on', 'nopass', '%W~*', '+sort'],
    ['a', 'ACL', 'SETUSER', 'm', 'on', 'nopass', '~mylist', '+sort_ro', '(~* +sort)'],
    ['b', 'AUTH', 'n', 'x'], ['b', 'SORT', 'mylist'], ['b', 'SORT', 'mylist', 'BY', 'w_*'], ['b', 'SORT', 'mylist', 'BY', 'nosort'],
    ['b', 'SORT', 'mylist', 'GET', '#'], ['b', 'SORT_RO', 'mylist', 'GET', 'w_*'], ['b', 'SORT', 'mylist', 'LIMIT', '0', '1', 'BY', 'w_*'],
    ['c', 'AUTH', 'r', 'x'], ['c', 'SORT', 'mylist', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*'],
    ['d', 'AUTH', 'w', 'x'], ['d', 'SORT', 'mylist', 'BY', 'w_*'],
    ['e', 'AUTH', 'm', 'x'], ['e', 'SORT', 'mylist', 'BY', 'w_*', 'GET', '#'], ['e', 'SORT_RO', 'mylist', 'BY', 'w_*'],
  ],
  'users that change under their clients': [
    ['a', 'ACL', 'SETUSER', 'k', 'on', '>p', '~*', '&news.*', '&chat', '+@all'],
    ['b', 'AUTH', 'k', 'p'], ['c', 'AUTH', 'k', 'p'], ['d', 'AUTH', 'k', 'p'],
    ['b', 'SUBSCRIBE', 'chat'], ['c', 'PSUBSCRIBE', 'news.*'], ['d', 'GET', 'x'],
    ['a', 'ACL', 'SETUSER', 'k', 'resetchannels', '&news.*'], ['b', 'PING'], ['c', 'PING'], ['d', 'GET', 'x'],
    ['a', 'ACL', 'SETUSER', 'k', 'resetchannels', '&news.sport'], ['c', 'PING'],
    ['a', 'ACL', 'SETUSER', 'k', 'off'], ['d', 'GET', 'x'], ['a', 'ACL', 'SETUSER', 'k', 'resetpass'], ['d', 'GET', 'x'],
    ['a', 'CLIENT', 'KILL', 'USER', 'nosuch'], ['a', 'ACL', 'SETUSER', 'k', 'on', '>p'],
    ['e', 'AUTH', 'k', 'p'], ['a', 'CLIENT', 'KILL', 'USER', 'k'], ['d', 'GET', 'x'], ['e', 'GET', 'x'],
    ['f', 'AUTH', 'k', 'p'], ['a', 'ACL', 'DELUSER', 'k'], ['f', 'GET', 'x'],
    ['a', 'ACL', 'SETUSER', 'self', 'on', '>p', '+@all', '~*'], ['g', 'AUTH', 'self', 'p'], ['g', 'ACL', 'DELUSER', 'self'], ['g', 'PING'],
  ],
  'requirepass is the default user\'s password': [
    ['a', 'CONFIG', 'SET', 'requirepass', 'secret'], ['a', 'ACL', 'LIST'], ['a', 'ACL', 'WHOAMI'], ['b', 'PING'], ['b', 'AUTH', 'secret'],
    ['b', 'PING'], ['a', 'ACL', 'SETUSER', 'default', '>second'], ['a', 'CONFIG', 'GET', 'requirepass'], ['c', 'AUTH', 'second'],
    ['a', 'CONFIG', 'SET', 'requirepass', ''], ['a', 'ACL', 'LIST'], ['d', 'AUTH', 'x'], ['a', 'ACL', 'SETUSER', 'default', 'off'],
    ['e', 'PING'], ['e', 'HELLO', '3'], ['e', 'AUTH', 'default', 'x'], ['e', 'AUTH', 'x'], ['a', 'ACL', 'SETUSER', 'default', 'on'], ['f', 'PING'],
    ['a', 'ACL', 'SETUSER', 'default', 'resetpass'], ['g', 'PING'], ['g', 'AUTH', 'default', ''], ['a', 'ACL', 'SETUSER', 'default', 'nopass'],
  ],
};

describe('ACL: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  const servers = sideBySide();
  scenarioTests(servers, SCENARIOS, play);
});
