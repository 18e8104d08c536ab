/** INFO: sections and their order, selection, live values (keyspace, commandstats, errorstats, latencystats...). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from '../helpers/server.js';
import { RespClient, type Decoded } from '../helpers/resp-client.js';

/** Parses INFO text into section header -> [field, value][]. */
function parseInfo(text: string): Map<string, Array<[string, string]>> {
  const out = new Map<string, Array<[string, string]>>();
  let cur: Array<[string, string]> | null = null;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) out.set(line.slice(2), (cur = []));
    else if (line !== '') {
      const i = line.indexOf(':');
      cur!.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

async function info(c: RespClient, ...sections: string[]): Promise<Map<string, Array<[string, string]>>> {
  const r = await c.call('INFO', ...sections);
  assert.equal(typeof r, 'string');
  return parseInfo(r as string);
}

function field(m: Map<string, Array<[string, string]>>, section: string, name: string): string | undefined {
  return m.get(section)?.find(([k]) => k === name)?.[1];
}

const DEFAULT = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace'];
const ALL = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace'];

test('section selection and order; the text layout is Redis\'s', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual([...(await info(c)).keys()], DEFAULT);
    assert.deepEqual([...(await info(c, 'default')).keys()], DEFAULT);
    assert.deepEqual([...(await info(c, 'all')).keys()], ALL);
    assert.deepEqual([...(await info(c, 'EVERYTHING')).keys()], ALL);
    assert.deepEqual([...(await info(c, 'keyspace', 'Server', 'nosuch')).keys()], ['Server', 'Keyspace']);
    assert.equal(await c.call('INFO', 'nosuch'), '');
    const raw = (await c.callRaw('INFO', 'modules', 'cluster')).raw.toString('latin1');
    assert.equal(raw, '$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
    await c.call('HELLO', '3');
    const v = await c.call('INFO', 'cluster');
    assert.deepEqual(v, { verbatim: '# Cluster\r\ncluster_enabled:0\r\n', format: 'txt' });
  });
});

test('server, clients, replication and persistence values', async () => {
  await withServer({}, async (s, c) => {
    const other = await RespClient.connect(s.address.port);
    try {
      await other.call('PING');
      const m = await info(c);
      assert.equal(field(m, 'Server', 'redis_version'), '7.0.15');
      assert.match(field(m, 'Server', 'garrison_version')!, /^\d+\.\d+\.\d+/);
      assert.equal(field(m, 'Server', 'tcp_port'), String(s.address.port));
      assert.equal(field(m, 'Server', 'run_id'), s.server.runId);
      assert.equal(field(m, 'Server', 'process_id'), String(process.pid));
      const t = Number(field(m, 'Server', 'server_time_usec'));
      assert.ok(Math.abs(t / 1000 - Date.now()) < 5000, `server_time_usec ${t}`);
      assert.equal(field(m, 'Clients', 'connected_clients'), '2');
      assert.equal(field(m, 'Replication', 'role'), 'master');
      assert.match(field(m, 'Replication', 'master_replid')!, /^[0-9a-f]{40}$/);
      assert.equal(field(m, 'Replication', 'connected_slaves'), '0');
      assert.ok(Number(field(m, 'Memory', 'used_memory')) > 0);
      assert.match(field(m, 'Memory', 'used_memory_human')!, /^\d+\.\d\dM$/);
      assert.match(field(m, 'CPU', 'used_cpu_user')!, /^\d+\.\d{6}$/);
      assert.equal(field(m, 'Persistence', 'aof_enabled'), '0');
      const before = Number(field(m, 'Persistence', 'rdb_changes_since_last_save'));
      await c.call('SET', 'a', '1');
      await c.call('SET', 'b', '2');
      const after = await info(c, 'persistence');
      assert.equal(Number(field(after, 'Persistence', 'rdb_changes_since_last_save')), before + 2);
    } finally {
      other.close();
    }
  });
});

test('keyspace, stats and errorstats follow the commands', async () => {
  await withServer({}, async (_s, c) => {
    assert.deepEqual((await info(c, 'keyspace')).get('Keyspace'), []);
    await c.call('SET', 'k1', 'v');
    await c.call('SET', 'k2', 'v', 'EX', '100');
    await c.call('SELECT', '5');
    await c.call('SET', 'k3', 'v');
    await c.call('SELECT', '0');
    const ks = (await info(c, 'keyspace')).get('Keyspace')!;
    assert.deepEqual(ks.map(([k, v]) => [k, v.replace(/avg_ttl=\d+/, 'avg_ttl=N')]), [
      ['db0', 'keys=2,expires=1,avg_ttl=N'], ['db5', 'keys=1,expires=0,avg_ttl=N'],
    ]);
    await c.call('GET', 'k1');
    await c.call('GET', 'nosuch');
    await c.call('NOSUCHCOMMAND');
    await c.call('INCR', 'k1');
    const m = await info(c, 'stats', 'errorstats');
    assert.equal(field(m, 'Stats', 'keyspace_hits'), '1');
    assert.equal(field(m, 'Stats', 'keyspace_misses'), '1');
    assert.equal(field(m, 'Stats', 'total_error_replies'), '2');
    assert.deepEqual(m.get('Errorstats'), [['errorstat_ERR', 'count=2']]);
    await c.call('AUTH', 'nosuchuser', 'pw');
    const e = await info(c, 'errorstats');
    assert.deepEqual(e.get('Errorstats'), [['errorstat_ERR', 'count=2'], ['errorstat_WRONGPASS', 'count=1']]);
  });
});

test('total_reads_processed and total_writes_processed count reads and writes; RESETSTAT clears them', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 10; i++) await c.call('PING');
    const m = await info(c, 'stats');
    // Reads: ten PINGs and INFO's request (RESETSTAT's came before the reset). Writes: RESETSTAT's
    // reply and ten PINGs'; INFO's own reply is written after its values were taken.
    assert.equal(field(m, 'Stats', 'total_reads_processed'), '11');
    assert.equal(field(m, 'Stats', 'total_writes_processed'), '11');
    await c.pipeline([['PING'], ['PING'], ['PING']]);
    const p = await info(c, 'stats');
    assert.equal(Number(field(p, 'Stats', 'total_reads_processed')) - 11, 2, 'one read for the pipeline (sent in one write), one for INFO');
    assert.equal(Number(field(p, 'Stats', 'total_writes_processed')) - 11, 2, 'one write for the pipeline\'s three replies, one for the last INFO');
  });
});

test('commandstats: calls, failed and rejected calls; subcommands by full name', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('SET', 'n', 'abc');
    await c.call('GET', 'n');
    await c.call('GET', 'n');
    await c.call('GET');
    await c.call('INCR', 'n');
    await c.call('CLIENT', 'ID');
    const m = await info(c, 'commandstats');
    const stats = new Map(m.get('Commandstats'));
    assert.match(stats.get('cmdstat_get')!, /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
    assert.match(stats.get('cmdstat_incr')!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
    assert.match(stats.get('cmdstat_client|id')!, /^calls=1,/);
    assert.equal(stats.get('cmdstat_client'), undefined, 'containers are not counted themselves');
    assert.equal(stats.get('cmdstat_del'), undefined, 'commands never called are not listed');
  });
});

test('latencystats: p50/p99/p99.9 per command, honouring latency-tracking', async () => {
  await withServer({}, async (s, c) => {
    await c.call('SET', 'a', '1');
    for (let i = 0; i < 5; i++) await c.call('GET', 'a');
    const m = await info(c, 'latencystats');
    const lat = new Map(m.get('Latencystats'));
    assert.match(lat.get('latency_percentiles_usec_get')!, /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    if (s.server.config.def('latency-tracking') !== undefined) {
      assert.deepEqual(await c.call('CONFIG', 'SET', 'latency-tracking', 'no'), { status: 'OK' });
      await c.call('DEL', 'a');
      const after = new Map((await info(c, 'latencystats')).get('Latencystats'));
      assert.equal(after.get('latency_percentiles_usec_del'), undefined);
      assert.ok(after.has('latency_percentiles_usec_get'), 'existing histograms stay');
    }
    if (s.server.config.def('latency-tracking-info-percentiles') !== undefined) {
      await c.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '0 50 99.99');
      const custom = new Map((await info(c, 'latencystats')).get('Latencystats'));
      assert.match(custom.get('latency_percentiles_usec_get')!, /^p0=\d+\.\d{3},p50=\d+\.\d{3},p99\.99=\d+\.\d{3}$/);
    }
  });
});

test('INFO counts as a command and is listed under its own name', async () => {
  await withServer({}, async (_s, c) => {
    await c.call('INFO');
    const r = (await c.call('INFO', 'commandstats')) as Decoded;
    assert.match(String(r), /cmdstat_info:calls=1,/);
  });
});

test('commandstats: a command pipelined after a slow one with a large reply is not charged with its time', async () => {
  // Commands of one read are timed back to back (one clock reading per command, Server.chainUs);
  // the reading that ends KEYS must not start PING, since KEYS's 100k-element reply is encoded
  // after KEYS's clock stopped.
  await withServer({ config: { 'enable-debug-command': 'yes' } }, async (_s, c) => {
    await c.call('DEBUG', 'POPULATE', '100000');
    const replies = await c.pipeline([['KEYS', '*'], ['PING'], ['PING']]);
    assert.equal(replies.length, 3);
    const stats = new Map((await info(c, 'commandstats')).get('Commandstats'));
    const usec = (name: string): number => Number(/usec=(\d+),/.exec(stats.get(name)!)![1]);
    assert.ok(usec('cmdstat_keys') >= 1000, `KEYS over 100k keys takes a millisecond at least: ${usec('cmdstat_keys')} µs`);
    assert.ok(usec('cmdstat_ping') < usec('cmdstat_keys') / 4, `PING ${usec('cmdstat_ping')} µs, KEYS ${usec('cmdstat_keys')} µs`);
  });
});
