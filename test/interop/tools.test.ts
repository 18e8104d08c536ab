/**
 * Real Redis tools against Garrison: redis-cli (plain, --raw, -x, --pipe, INFO, --scan) and
 * redis-benchmark. These are the tools operators and the seeds use; their output must be what
 * they print against redis-server.
 *
 * INTEROP_TOOLS_AGAINST_REDIS=1 runs the same expectations against a real redis-server (to check
 * the test itself). Without the binaries the file skips with a visible message, except under CI=true (failure).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand } from '../helpers/resp-client.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';
import { requireBinaries, runTool, startRedis } from './helpers/redis-process.js';

const skip = requireBinaries('redis-cli', 'redis-benchmark');

describe('redis-cli and redis-benchmark against Garrison', { skip: skip ?? false }, () => {
  let g: GarrisonHandle;
  const cli = async (args: string[], input?: Buffer | string): Promise<string> => {
    const r = await runTool('redis-cli', ['-p', String(g.port), ...args], input === undefined ? {} : { input });
    assert.equal(r.code, 0, `redis-cli ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout.toString('latin1');
  };

  before(async () => {
    if (process.env['INTEROP_TOOLS_AGAINST_REDIS'] === '1') {
      // Checks the expectations themselves against the oracle.
      const r = await startRedis();
      g = { port: r.port, dropped: [], close: () => r.stop() } as unknown as GarrisonHandle;
    } else {
      g = await startGarrison({ save: '', appendonly: 'no' });
    }
  });
  after(async () => {
    await g?.close();
  });

  test('PING, SET and GET', async () => {
    assert.equal(await cli(['PING']), 'PONG\n');
    assert.equal(await cli(['PING', 'hello world']), 'hello world\n');
    assert.equal(await cli(['SET', 'tools:k', 'v 1']), 'OK\n');
    assert.equal(await cli(['GET', 'tools:k']), 'v 1\n');
    // Formatted (TTY-style) output quotes strings and prints (nil) for a missing key.
    assert.equal(await cli(['--no-raw', 'GET', 'tools:k']), '"v 1"\n');
    assert.equal(await cli(['--no-raw', 'GET', 'tools:missing']), '(nil)\n');
    assert.equal(await cli(['--no-raw', 'NOSUCHCMD']), "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: \n");
  });

  test('--raw prints binary values unescaped, --no-raw escapes them', async () => {
    const value = 'line1\nline2\x01\xff';
    const r = await runTool('redis-cli', ['-p', String(g.port), '-x', 'SET', 'tools:bin'], { input: Buffer.from(value, 'latin1') });
    assert.equal(r.stdout.toString(), 'OK\n');
    assert.equal(await cli(['--raw', 'GET', 'tools:bin']), `${value}\n`);
    assert.equal(await cli(['--no-raw', 'GET', 'tools:bin']), '"line1\\nline2\\x01\\xff"\n');
  });

  test('-x reads the last argument from stdin', async () => {
    assert.equal(await cli(['-x', 'SET', 'tools:x'], 'from stdin'), 'OK\n');
    assert.equal(await cli(['GET', 'tools:x']), 'from stdin\n');
    // stdin through `-x` into ECHO comes back byte for byte (trailing newline included).
    assert.equal(await cli(['-x', 'ECHO'], 'a\r\nb\n'), 'a\r\nb\n\n');
  });

  test('--pipe mass insertion: every reply counted, no errors, data present', async () => {
    const n = 5000;
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(encodeCommand(['SET', `pipe:${i}`, `value-${i}\x00\xff`]));
    const out = await cli(['--pipe'], Buffer.concat(parts));
    assert.match(out, /All data transferred\. Waiting for the last reply\.\.\./);
    assert.match(out, /Last reply received from server\./);
    assert.match(out, new RegExp(`errors: 0, replies: ${n}\\b`));
    assert.equal(await cli(['--raw', 'GET', 'pipe:0']), 'value-0\x00\xff\n');
    assert.equal(await cli(['--raw', 'GET', `pipe:${n - 1}`]), `value-${n - 1}\x00\xff\n`);
  });

  test('--pipe reports server errors in its count', async () => {
    const input = Buffer.concat([encodeCommand(['SET', 'pe:1', 'a']), encodeCommand(['NOSUCHCMD']), encodeCommand(['GET', 'pe:1'])]);
    const r = await runTool('redis-cli', ['-p', String(g.port), '--pipe'], { input });
    assert.equal(r.code, 1, 'redis-cli --pipe exits 1 when a reply was an error');
    assert.match(r.stderr, /ERR unknown command 'NOSUCHCMD'/);
    assert.match(r.stdout.toString(), /errors: 1, replies: 3\b/);
  });

  test('INFO parses into sections and fields like Redis', async () => {
    const out = await cli(['INFO']);
    const sections = new Map<string, Map<string, string>>();
    let cur: Map<string, string> | null = null;
    for (const line of out.split('\r\n')) {
      if (line.startsWith('# ')) {
        cur = new Map();
        sections.set(line.slice(2).trim(), cur);
      } else if (line.trim() !== '') {
        assert.ok(cur !== null, `field before any section: ${line}`);
        const i = line.indexOf(':');
        assert.ok(i > 0, `INFO line without ':': ${JSON.stringify(line)}`);
        cur.set(line.slice(0, i), line.slice(i + 1));
      }
    }
    for (const s of ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Keyspace']) {
      assert.ok(sections.has(s), `INFO has no "# ${s}" section (got ${[...sections.keys()].join(', ')})`);
    }
    const server = sections.get('Server')!;
    assert.match(server.get('redis_version') ?? '', /^7\.0\.\d+$/);
    assert.equal(server.get('tcp_port'), String(g.port));
    assert.match(server.get('run_id') ?? '', /^[0-9a-f]{40}$/);
    assert.equal(sections.get('Replication')!.get('role'), 'master');
    assert.match(sections.get('Clients')!.get('connected_clients') ?? '', /^\d+$/);
    const db0 = sections.get('Keyspace')!.get('db0');
    assert.match(db0 ?? '', /^keys=\d+,expires=\d+,avg_ttl=\d+$/);
  });

  test('--scan with --pattern lists exactly the matching keys', async () => {
    const want: string[] = [];
    const input: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      input.push(encodeCommand(['SET', `scan:user:${i}`, 'x']));
      want.push(`scan:user:${i}`);
      input.push(encodeCommand(['SET', `scan:other:${i}`, 'x']));
    }
    assert.match(await cli(['--pipe'], Buffer.concat(input)), /errors: 0, replies: 600\b/);
    const out = await cli(['--scan', '--pattern', 'scan:user:*']);
    const got = out.split('\n').filter((l) => l !== '');
    assert.equal(got.length, new Set(got).size, '--scan returned duplicates on a static keyspace');
    assert.deepEqual(got.sort(), want.sort());
  });

  test('redis-benchmark -t set,get,incr,mset completes without errors', { timeout: 120_000 }, async () => {
    const r = await runTool('redis-benchmark', ['-p', String(g.port), '-t', 'set,get,incr,mset', '-n', '20000', '-q'], { timeoutMs: 110_000 });
    const out = r.stdout.toString('utf8');
    assert.equal(r.code, 0, `redis-benchmark exited ${r.code}: ${r.stderr}\n${out}`);
    const text = `${out}\n${r.stderr}`;
    assert.doesNotMatch(text, /ERR|error|WARNING/i, `redis-benchmark reported a problem:\n${text}`);
    const finals = out.split(/[\r\n]+/).filter((l) => / requests per second/.test(l));
    for (const t of ['SET', 'GET', 'INCR', 'MSET (10 keys)']) {
      const line = finals.find((l) => l.startsWith(`${t}: `));
      assert.ok(line !== undefined, `no result line for ${t} in:\n${out}`);
      const rps = Number(/: ([\d.]+) requests per second/.exec(line)![1]);
      assert.ok(rps > 0, `${t}: ${line}`);
    }
    // The benchmark really wrote through Garrison: INCR's counter key exists with a positive count.
    const counter = await cli(['GET', 'counter:__rand_int__']);
    assert.match(counter, /^\d+\n$/);
    assert.ok(Number(counter) > 0 && Number(counter) <= 20000);
  });
});
