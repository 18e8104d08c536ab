/**
 * Random ACL rule sets against a real redis-server 7.0: each round gives the same user the same
 * random rules on both servers (from a vocabulary of categories, commands, subcommands, first
 * arguments, key and channel patterns, selectors and user flags, some of them invalid), then
 * compares the SETUSER reply, ACL GETUSER without the command-rule text, and ACL DRYRUN of a fixed
 * set of commands, byte for byte. The command-rule text itself is compared separately in
 * test/interop/acl.test.ts on chosen rule sets: here it could differ only because Redis counts
 * commands Garrison lacks (EVAL, FUNCTION...) when it fits categories to a rule set; instead,
 * Garrison's own description is fed back to Garrison and must give the same permissions (except
 * where Redis's description cannot be fed back either: a "%RW~*" pattern before others).
 *
 * Seeds: ACL_SEEDS=1,2,3 (default three seeds of 60 rounds). Without a redis-server binary the
 * suite skips with a visible message (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RespClient, type Decoded } from '../helpers/resp-client.js';
import { requireBinaries } from './helpers/redis-process.js';
import { escapeBytes } from './helpers/script.js';
import { sideBySide } from './helpers/side-by-side.js';
import { SeededRandom as Prng } from '../../src/lib/prng.js';

const skip = requireBinaries('redis-server');
const SEEDS = (process.env['ACL_SEEDS'] ?? '1,2,3').split(',').map(Number);
const ROUNDS = 60;

const CATEGORIES = ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting', 'nosuch'];
const COMMANDS = ['get', 'set', 'incr', 'del', 'hset', 'lpush', 'zadd', 'xadd', 'pfadd', 'geoadd', 'setbit', 'flushall', 'keys',
  'multi', 'exec', 'blpop', 'sort', 'copy', 'mset', 'publish', 'subscribe', 'psubscribe', 'ping', 'info', 'select', 'debug',
  'bitfield', 'config', 'client', 'acl', 'object', 'memory', 'nosuch'];
const SUBCOMMANDS = ['config|get', 'config|set', 'client|list', 'client|kill', 'acl|whoami', 'acl|list', 'object|encoding',
  'memory|usage', 'config|nosuch', 'get|x'];
const PATTERNS = ['k*', 'r*', 'w*', 'k1', '*', 'x?', 'ch*', 'ch1', '[a-k]*'];

/** Commands whose permission DRYRUN reports (none of them missing from Garrison). */
const PROBES: string[][] = [
  ['get', 'k1'], ['set', 'w1', 'v'], ['set', 'r1', 'v', 'get'], ['config', 'get', 'x'], ['config', 'set', 'hz', '10'],
  ['select', '0'], ['select', '1'], ['publish', 'ch1', 'x'], ['psubscribe', 'ch*'], ['subscribe', 'ch1', 'zz'],
  ['hset', 'h', 'f', 'v'], ['lpush', 'k2', 'x'], ['zadd', 'z', '1', 'm'], ['xadd', 'k3', '*', 'f', 'v'], ['pfadd', 'p', 'a'],
  ['geoadd', 'g', '1', '1', 'm'], ['setbit', 'b', '1', '1'], ['client', 'list'], ['client', 'kill', 'id', '1'], ['flushall'],
  ['debug', 'object', 'k1'], ['keys', '*'], ['multi'], ['exec'], ['blpop', 'k4', 'r2', '0'], ['sort', 'k1', 'store', 'w1'],
  ['copy', 'r1', 'w1'], ['incr', 'k1'], ['del', 'k1', 'x1'], ['acl', 'whoami'], ['acl', 'list'], ['info'], ['ping'],
  ['auth', 'x', 'y'], ['mset', 'k1', 'v', 'w1', 'v'], ['object', 'encoding', 'k1'], ['memory', 'usage', 'k1'],
  ['bitfield', 'r1', 'get', 'u8', '0'], ['exists', 'w9'], ['ttl', 'w9'], ['spublish', 'ch2', 'x'], ['ssubscribe', 'x1'],
];

function pick<T>(r: Prng, a: readonly T[]): T {
  return a[r.int(a.length)]!;
}

/** One random selector rule. */
function selectorRule(r: Prng): string {
  switch (r.int(14)) {
    case 0: return `+@${pick(r, CATEGORIES)}`;
    case 1: return `-@${pick(r, CATEGORIES)}`;
    case 2: case 3: return `+${pick(r, COMMANDS)}`;
    case 4: return `-${pick(r, COMMANDS)}`;
    case 5: return `${r.int(2) === 0 ? '+' : '-'}${pick(r, SUBCOMMANDS)}`;
    case 6: return `+select|${r.int(3)}`;
    case 7: return `~${pick(r, PATTERNS)}`;
    case 8: return `%${pick(r, ['R', 'W', 'RW', 'r', 'X', ''])}~${pick(r, PATTERNS)}`;
    case 9: return `&${pick(r, PATTERNS)}`;
    case 10: return pick(r, ['allkeys', 'resetkeys', 'allchannels', 'resetchannels']);
    case 11: return pick(r, ['allcommands', 'nocommands', '+@all', '-@all']);
    case 12: return pick(r, ['~*', '&*']);
    default: return `+${pick(r, COMMANDS)}`;
  }
}

/** One random user-level rule (a selector rule most of the time). */
function userRule(r: Prng): string {
  switch (r.int(12)) {
    case 0: return pick(r, ['on', 'off']);
    case 1: return pick(r, ['nopass', 'resetpass', '>pw', '>other', '<pw', 'sanitize-payload', 'skip-sanitize-payload']);
    case 2: {
      const n = 1 + r.int(3);
      const inner: string[] = [];
      for (let i = 0; i < n; i++) inner.push(selectorRule(r));
      return `(${inner.join(' ')})`;
    }
    case 3: return pick(r, ['clearselectors', 'reset', 'bogus']);
    default: return selectorRule(r);
  }
}

function show(d: Decoded | { raw: Buffer }): string {
  return 'raw' in (d as object) ? escapeBytes((d as { raw: Buffer }).raw) : JSON.stringify(d);
}

/** GETUSER with the command-rule texts removed (see the header). */
async function getuserWithoutCommands(c: RespClient, name: string): Promise<string> {
  const v = await c.call('ACL', 'GETUSER', name);
  if (!Array.isArray(v)) return JSON.stringify(v);
  const out = [...v];
  const i = out.indexOf('commands');
  out[i + 1] = '<commands>';
  const sels = out[out.indexOf('selectors') + 1] as Decoded[];
  out[out.indexOf('selectors') + 1] = sels.map((s) => {
    const a = [...(s as Decoded[])];
    a[a.indexOf('commands') + 1] = '<commands>';
    return a;
  });
  return JSON.stringify(out);
}

async function dryruns(c: RespClient, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of PROBES) out.push(`${p.join(' ')} -> ${show(await c.callRaw('ACL', 'DRYRUN', name, ...p))}`);
  return out;
}

describe('random ACL rules: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  const servers = sideBySide();
  for (const seed of SEEDS) {
    test(`seed ${seed}`, { timeout: 120_000 }, async () => {
      const rc = await RespClient.connect(servers.redis.port);
      const gc = await RespClient.connect(servers.garrison.port);
      try {
        const rng = new Prng(seed);
        for (let round = 0; round < ROUNDS; round++) {
          const name = `u${round % 7}`;
          const rules: string[] = [];
          const n = 1 + rng.int(8);
          for (let i = 0; i < n; i++) rules.push(userRule(rng));
          const what = `seed ${seed} round ${round}: ACL SETUSER ${name} ${rules.join(' ')}`;
          const [rs, gs] = [await rc.callRaw('ACL', 'SETUSER', name, ...rules), await gc.callRaw('ACL', 'SETUSER', name, ...rules)];
          assert.equal(show(gs), show(rs), what);
          assert.equal(await getuserWithoutCommands(gc, name), await getuserWithoutCommands(rc, name), `${what}: GETUSER`);
          const [rd, gd] = [await dryruns(rc, name), await dryruns(gc, name)];
          assert.deepEqual(gd, rd, `${what}: DRYRUN`);
          // Garrison's description recreates the same permissions.
          const line = ((await gc.call('ACL', 'LIST')) as string[]).find((l) => l.startsWith(`user ${name} `));
          if (line === undefined) continue; // refused rules do not create the user
          // Redis's own round-trip hazard: "%RW~* ~x" is described as "~* ~x", which no longer
          // parses (~* then means allkeys). Garrison describes it the same way.
          if (/(^| |\()~\* (~|%)/.test(line)) continue;
          const again = line.slice(`user ${name} `.length).split(' ');
          assert.deepEqual(await gc.call('ACL', 'SETUSER', 'copy', 'reset', ...again), { status: 'OK' }, `${what}: ${line}`);
          assert.deepEqual(await dryruns(gc, 'copy'), gd, `${what}: the description ${line} gives other permissions`);
        }
      } finally {
        for (const c of [rc, gc]) {
          for (const u of (await c.call('ACL', 'USERS')) as string[]) if (u !== 'default') await c.call('ACL', 'DELUSER', u);
          c.close();
        }
      }
    });
  }
});
