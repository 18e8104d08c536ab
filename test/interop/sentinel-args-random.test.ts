/**
 * Random arguments for every Sentinel command, from redis-sentinel's own grammar (its COMMAND
 * DOCS), sent to a Garrison sentinel and a redis-sentinel 7.0 that monitor the same real
 * redis-server master: the replies must be byte-identical, and after each batch the two sentinels
 * must agree on what they monitor (names, addresses, quorum and the settings SENTINEL SET
 * changes) and on SENTINEL CONFIG GET *. The generator and the comparison are those of
 * args-random.test.ts (helpers/args-grammar.ts).
 *
 * Not generated: SHUTDOWN, INFO, SUBSCRIBE and PSUBSCRIBE, ACL and HELLO (covered by the sentinel
 * suite and the ACL suites), CLIENT's subcommands that report ids or change the connection,
 * COMMAND's listings, SENTINEL SIMULATE-FAILURE (it crashes the process on purpose), SENTINEL
 * FLUSHCONFIG (the Garrison sentinel runs from the library, with no config file) and SENTINEL
 * DEBUG (its timers would change what each sentinel does next; the sentinel probe covers it).
 * Replies with times, run ids or hash-table order (SENTINEL MASTERS, MASTER, REPLICAS,
 * INFO-CACHE, MYID, ROLE) are compared by shape, and CKQUORUM too (it counts the other sentinels,
 * which each finds at its own moment; SENTINELS is not generated for that reason); errors always
 * exactly.
 *
 * Seeds: SENTINEL_ARGS_SEEDS=1 (default one seed of 20 batches of 30 commands, each seed on a
 * fresh trio); even seeds speak RESP3. Without the binaries the suite skips with a visible message
 * (a failure under CI=true).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSentinel } from '../../src/index.js';
import { SeededRandom as Prng } from '../../src/lib/prng.js';
import { RespClient, type Decoded } from '../helpers/resp-client.js';
import { requireBinaries, startRedis, startRedisSentinel } from './helpers/redis-process.js';
import { both, grammars, playBatch, type Arg, type Grammar, type Mode, type Vocabulary } from './helpers/args-grammar.js';

const skip = requireBinaries('redis-server', 'redis-sentinel');
const SEEDS = (process.env['SENTINEL_ARGS_SEEDS'] ?? '1').split(',').map(Number);
const BATCHES = Number(process.env['SENTINEL_ARGS_BATCHES'] ?? 20);
const PER_BATCH = 30;

const EXCLUDED = new Set([
  'shutdown', 'info', 'subscribe', 'psubscribe', 'acl', 'hello',
  'client|kill', 'client|pause', 'client|unpause', 'client|reply', 'client|list', 'client|info', 'client|id',
  'client|tracking', 'client|caching', 'client|trackinginfo', 'client|getredir',
  'command', 'command|count', 'command|list', 'command|info', 'command|docs',
  'sentinel|simulate-failure', 'sentinel|flushconfig', 'sentinel|debug',
  // The two sentinels watch one master and find each other through its hello channel, each at
  // its own moment: the other sentinels they know of are compared by the sentinel suite instead.
  'sentinel|sentinels',
]);

const SHAPE_ONLY = new Set([
  'sentinel|masters', 'sentinel|master', 'sentinel|replicas', 'sentinel|slaves', 'sentinel|sentinels',
  'sentinel|info-cache', 'sentinel|myid', 'role',
  'sentinel|ckquorum', // its text counts the usable sentinels, which depends on that discovery
]);

const MASTER_NAMES = ['mymaster', 'other', 'nosuch', ''];

function vocabulary(masterPort: number): Vocabulary {
  const pools: Record<string, readonly string[]> = {
    'master-name': MASTER_NAMES,
    ip: ['127.0.0.1', '256.0.0.1', 'abc', '::1', ''],
    port: [String(masterPort), '0', '70000', 'abc', '-1', '65535'],
    quorum: ['1', '2', '0', '-1', 'abc', '4294967297'],
    option: ['down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'notification-script',
      'client-reconfig-script', 'auth-pass', 'auth-user', 'quorum', 'rename-command', 'master-reboot-down-after-period',
      'nosuch', 'DOWN-AFTER-MILLISECONDS', 'Quorum'],
    // 4294967297 is 1 as a C int (quorum, parallel-syncs). Not beyond 2^53: Garrison keeps the
    // millisecond settings as JS numbers (docs/compatibility.md, Sentinel). No milliseconds small
    // enough for a loaded machine's ping replies to miss them (down-after-milliseconds 3 made the
    // master's flags and FAILOVER's answer depend on timing: seeds 1202, 1331, 1376 under load).
    value: ['1000', '0', '-1', 'abc', '60000', '/bin/true', 'x', '', 'PING', '4294967297', '2147483648'],
    parameter: ['resolve-hostnames', 'announce-hostnames', 'announce-ip', 'announce-port', 'sentinel-user', 'sentinel-pass',
      'loglevel', 'nosuch', '*', 'announce-*', 'RESOLVE-HOSTNAMES'],
    pattern: ['*', 'mymaster', 'm*', 'nosuch', 'other'],
    // Not negative: Redis reads the epoch as a uint64, so -1 votes at epoch 2^64-1, which Garrison's
    // epochs (JS numbers) do not reach (docs/compatibility.md, Sentinel).
    'current-epoch': ['0', '1', '100', 'abc', '9007199254740991'],
    runid: ['*', 'abcdef', 'f'.repeat(40), ''],
    string: ['a', 'x', '', '0', '1', '-1', 'abc', 'mymaster', 'yes', 'no', '__sentinel__:hello'],
    integer: ['0', '1', '-1', 'abc', '9223372036854775807', '100'],
  };
  return {
    values: (_r: Prng, _g: Grammar, a: Arg) => pools[a.name] ?? (a.type === 'integer' ? pools['integer']! : pools['string']!),
    junk: ['xyz', 'mymaster', '-1', '', 'SET', 'GET', 'abc'],
  };
}

function modeOf(name: string): Mode {
  return SHAPE_ONLY.has(name) ? 'shape' : 'exact';
}

/** Field `key` of a flat [k, v, k, v...] reply. */
function fieldOf(flat: Decoded, key: string): string {
  const a = flat as Decoded[];
  for (let i = 0; i + 1 < a.length; i += 2) if (a[i] === key) return String(a[i + 1]);
  return '(none)';
}

/** What the sentinel monitors and its SENTINEL CONFIG, as one text. */
async function state(c: RespClient): Promise<string> {
  const lines: string[] = [];
  const masters = (await c.call('SENTINEL', 'MASTERS')) as Decoded[];
  const rows = masters.map((m) => ['name', 'ip', 'port', 'quorum', 'down-after-milliseconds', 'failover-timeout', 'parallel-syncs']
    .map((k) => `${k}=${fieldOf(m, k)}`).join(' ')).sort();
  lines.push(...rows);
  for (const name of MASTER_NAMES) lines.push(`${name}: ${JSON.stringify(await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))}`);
  const config = (await c.call('SENTINEL', 'CONFIG', 'GET', '*')) as string[];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < config.length; i += 2) pairs.push(`${config[i]}=${config[i + 1]}`);
  lines.push(pairs.sort().join(' '));
  return lines.join('\n');
}

describe('random arguments from COMMAND DOCS: Garrison sentinel vs redis-sentinel 7.0', { skip: skip ?? false }, () => {
  for (const seed of SEEDS) {
    test(`seed ${seed}`, { timeout: 300_000 }, async (t) => {
      const master = await startRedis();
      const monitor = [`monitor mymaster 127.0.0.1 ${master.port} 1`];
      const redisSentinel = await startRedisSentinel(monitor);
      const garrisonSentinel = await startSentinel({ sentinel: monitor });
      const opened: RespClient[] = [];
      try {
        const r = new Prng(seed);
        const probe = await RespClient.connect(redisSentinel.port);
        const g = await RespClient.connect(garrisonSentinel.address.port);
        opened.push(probe, g);
        const garrisonNames = new Set(((await g.call('COMMAND', 'LIST')) as string[]).map((s) => s.toLowerCase()));
        const all = grammars((await probe.call('COMMAND', 'DOCS')) as Decoded[])
          .filter((x) => !EXCLUDED.has(x.name) && !EXCLUDED.has(x.name.split('|')[0]!) && garrisonNames.has(x.name));
        assert.ok(all.some((x) => x.name === 'sentinel|set'), 'the SENTINEL subcommands are generated');
        const v = vocabulary(master.port);
        const mismatches: string[] = [];
        let sent = 0;
        let errors = 0;
        for (let batch = 0; batch < BATCHES && mismatches.length < 10; batch++) {
          const conns: [RespClient, RespClient] = [
            await RespClient.connect(garrisonSentinel.address.port), await RespClient.connect(redisSentinel.port),
          ];
          opened.push(...conns);
          for (const c of conns) c.pushesAsReplies = true;
          if (seed % 2 === 0) await both(conns, ['HELLO', '3']);
          const res = await playBatch(conns, r, all, v, modeOf, () => false, PER_BATCH);
          for (const c of conns) c.close();
          sent += res.sent;
          errors += res.errors;
          if (res.mismatch !== null) mismatches.push(`seed ${seed} batch ${batch}: ${res.mismatch}`);
          const [sg, sr] = [await state(g), await state(probe)];
          if (sg !== sr) mismatches.push(`seed ${seed} batch ${batch}: states differ\n  garrison:\n${sg}\n  redis:\n${sr}`);
        }
        t.diagnostic(`${sent} commands of ${all.length} kinds, ${errors} answered with an error`);
        assert.deepEqual(mismatches, [], mismatches.join('\n'));
      } finally {
        for (const c of opened) c.close();
        await garrisonSentinel.close();
        await redisSentinel.stop();
        await master.stop();
      }
    });
  }
});
