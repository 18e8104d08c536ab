/**
 * COMMAND (generated from the command table), MEMORY and LATENCY against a real socket.
 * Byte-for-byte comparisons with redis-server live in test/interop/scripts/{command,diagnostics}.redis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import type { Decoded } from '../helpers/resp-client.js';

const st = (v: Decoded): string => (v as { status: string }).status;

test('COMMAND, COMMAND INFO, COUNT and LIST describe the same table', async () => {
  await withServer({}, async (s, c) => {
    const count = await c.call('COMMAND', 'COUNT');
    const all = (await c.call('COMMAND')) as Decoded[][];
    assert.equal(typeof count, 'number');
    assert.equal(all.length, count);
    assert.equal(((await c.call('COMMAND', 'INFO')) as Decoded[]).length, count);
    assert.equal(all.length, s.server.commands.all().length);
    const names = all.map((row) => row[0]);
    assert.ok(names.includes('get') && names.includes('command') && names.includes('debug'));
    // LIST includes subcommands by their full names.
    const list = (await c.call('COMMAND', 'LIST')) as string[];
    assert.ok(list.includes('command') && list.includes('slowlog|get') && list.includes('memory|usage'));
    assert.ok(list.length > all.length);
    const filtered = (await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'dangerous')) as string[];
    assert.ok(filtered.includes('debug') && filtered.includes('slowlog|reset') && !filtered.includes('get'));
    assert.deepEqual(((await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'memory|u*')) as string[]), ['memory|usage']);
  });
});

test('COMMAND INFO rows have Redis 7.0 shape, flags and derived key specs', async () => {
  await withServer({}, async (_s, c) => {
    const [get] = (await c.call('COMMAND', 'INFO', 'get')) as Decoded[][];
    assert.equal(get!.length, 10);
    assert.deepEqual(get!.slice(0, 2), ['get', 2]);
    assert.deepEqual((get![2] as Decoded[]).map(st), ['readonly', 'fast']);
    assert.deepEqual(get!.slice(3, 6), [1, 1, 1]);
    assert.deepEqual((get![6] as Decoded[]).map(st), ['@read', '@string', '@fast']);
    const spec = (get![8] as Decoded[][])[0]!;
    assert.equal(spec[0], 'flags');
    assert.deepEqual((spec[1] as Decoded[]).map(st), ['RO', 'access']);
    // Containers carry their subcommands; unknown names give null.
    const [mem, none, sub] = (await c.call('COMMAND', 'INFO', 'memory', 'nosuch', 'MEMORY|USAGE')) as Decoded[][];
    assert.equal((mem![9] as Decoded[]).length, 6);
    assert.equal(none, null);
    assert.equal(sub![0], 'memory|usage');
    assert.deepEqual(sub!.slice(3, 6), [2, 2, 1]);
  });
});

test('COMMAND GETKEYS and GETKEYSANDFLAGS, and their errors', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get', 'k'), ['k']);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'memory', 'usage', 'k2', 'SAMPLES', '1'), ['k2']);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), [['k', [{ status: 'RO' }, { status: 'access' }]]]);
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'nosuch', 'k'), { error: 'ERR Invalid command specified' });
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get', 'a', 'b'), { error: 'ERR Invalid number of arguments specified for command' });
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'command', 'info', 'x'), { error: 'ERR The command has no key arguments' });
    assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get'), { error: "ERR wrong number of arguments for 'command|getkeys' command" });
  });
});

test('COMMAND DOCS and HELP', async () => {
  await withServer({}, async (_s, c) => {
    const docs = (await c.call('COMMAND', 'DOCS', 'get', 'nosuch', 'slowlog')) as Decoded[];
    assert.equal(docs.length, 4);
    assert.equal(docs[0], 'get');
    const getDocs = docs[1] as Decoded[];
    assert.deepEqual(getDocs.slice(0, 6), ['summary', getDocs[1], 'since', '1.0.0', 'group', 'string']);
    const slowDocs = docs[3] as Decoded[];
    const subs = slowDocs[slowDocs.indexOf('subcommands') + 1] as Decoded[];
    assert.deepEqual(subs.filter((_, i) => i % 2 === 0).sort(), ['slowlog|get', 'slowlog|help', 'slowlog|len', 'slowlog|reset']);
    const help = ((await c.call('COMMAND', 'HELP')) as Decoded[]).map(st);
    assert.equal(help[0], 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(help.slice(-2), ['HELP', '    Prints this help.']);
  });
});

test('MEMORY USAGE follows Redis 7.0 sizes for strings; STATS counts keys', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('SET', 'a', 'b');
    await c.call('SET', 'k1', '12345');
    await c.call('SET', 'k2', 'a'.repeat(44));
    await c.call('SET', 'k3', 'a'.repeat(45));
    await c.call('SET', 'abcdefgh', '1');
    assert.equal(await c.call('MEMORY', 'USAGE', 'a'), 64);
    assert.equal(await c.call('MEMORY', 'USAGE', 'k1'), 48);
    assert.equal(await c.call('MEMORY', 'USAGE', 'k2'), 96);
    assert.equal(await c.call('MEMORY', 'USAGE', 'k3'), 112);
    assert.equal(await c.call('MEMORY', 'USAGE', 'abcdefgh'), 56);
    assert.equal(await c.call('MEMORY', 'USAGE', 'nosuch'), null);
    assert.deepEqual(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', '-1'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'), { error: 'ERR value is not an integer or out of range' });
    const stats = (await c.call('MEMORY', 'STATS')) as Decoded[];
    assert.equal(stats[stats.indexOf('keys.count') + 1], 5);
    const db0 = stats[stats.indexOf('db.0') + 1] as Decoded[];
    // 5 keys: 5 dict entries (24) + 8 slots (8) + 5 robj (16)
    assert.equal(db0[1], 5 * 24 + 8 * 8 + 5 * 16);
    assert.equal(await c.call('MEMORY', 'MALLOC-STATS'), 'Stats not supported for the current allocator');
    assert.deepEqual(await c.call('MEMORY', 'PURGE'), { status: 'OK' });
    assert.match(String(await c.call('MEMORY', 'DOCTOR')), /5 keys/);
  });
});

test('LATENCY records command events over the threshold, with history, graph, reset and histograms', async () => {
  await withServer({ config: { 'latency-monitor-threshold': 5, 'enable-debug-command': 'yes' } }, async (_s, c) => {
    assert.deepEqual(await c.call('LATENCY', 'LATEST'), []);
    assert.deepEqual(await c.call('DEBUG', 'SLEEP', '0.02'), { status: 'OK' });
    const latest = (await c.call('LATENCY', 'LATEST')) as Decoded[][];
    assert.equal(latest.length, 1);
    const [event, time, latency, max] = latest[0]!;
    assert.equal(event, 'command');
    assert.ok(typeof time === 'number' && Math.abs(time - Date.now() / 1000) < 5);
    assert.ok(typeof latency === 'number' && latency >= 19, `latency ${String(latency)}`);
    assert.equal(max, latency);
    assert.deepEqual(await c.call('LATENCY', 'HISTORY', 'command'), [[time, latency]]);
    assert.deepEqual(await c.call('LATENCY', 'HISTORY', 'fast-command'), []);
    const graph = String(await c.call('LATENCY', 'GRAPH', 'command'));
    assert.ok(graph.startsWith(`command - high ${String(latency)} ms, low ${String(latency)} ms (all time high ${String(latency)} ms)\n${'-'.repeat(80)}\n`), graph);
    assert.deepEqual(await c.call('LATENCY', 'GRAPH', 'nosuch'), { error: "ERR No samples available for event 'nosuch'" });
    assert.match(String(await c.call('LATENCY', 'DOCTOR')), /command: 1 latency spikes/);
    assert.equal(await c.call('LATENCY', 'RESET', 'command', 'nosuch'), 1);
    assert.deepEqual(await c.call('LATENCY', 'LATEST'), []);
    // Histograms: every call counted, keyed by full name.
    await c.call('GET', 'x');
    await c.call('GET', 'y');
    const h = (await c.call('LATENCY', 'HISTOGRAM', 'get', 'nosuch')) as Decoded[];
    assert.equal(h[0], 'get');
    const body = h[1] as Decoded[];
    assert.deepEqual(body.slice(0, 2), ['calls', 2]);
    const buckets = body[3] as number[];
    assert.equal(buckets[buckets.length - 1], 2, 'the last bucket is cumulative');
    const allH = (await c.call('LATENCY', 'HISTOGRAM')) as Decoded[];
    assert.ok(allH.includes('latency|histogram') && allH.includes('debug'));
  });
});
