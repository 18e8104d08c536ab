/**
 * The differential suite: every test/interop/scripts/*.redis file is played against a real
 * redis-server 7.0 and an in-process Garrison, and their raw RESP replies are compared byte for
 * byte (see helpers/script.ts for the format). One subtest per file; each file runs on fresh
 * connections after FLUSHALL on both servers.
 *
 * Without a redis-server binary the suite skips with a visible message, except under CI=true
 * where that is a failure. `INTEROP_SCRIPTS=strings,keys` runs only the named files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RespClient, encodeCommand, type RawReply } from '../helpers/resp-client.js';
import { IN_CI, redisVersion, requireBinaries, startRedis, type RedisProcess } from './helpers/redis-process.js';
import { escapeBytes, parseScript, repliesMatch, sortedForm, typeForm, type ScriptStep } from './helpers/script.js';
import { startGarrison, type GarrisonHandle } from './helpers/garrison.js';

const SCRIPTS_DIR = fileURLToPath(new URL('../../../test/interop/scripts/', import.meta.url));
/** How long one command may take to answer before it counts as "no reply". */
const REPLY_TIMEOUT_MS = 3000;
const MAX_MISMATCHES = 25;

const skip = requireBinaries('redis-server');
const only = (process.env['INTEROP_SCRIPTS'] ?? '').split(',').map((s) => s.trim().replace(/\.redis$/, '')).filter((s) => s !== '');
const files = readdirSync(SCRIPTS_DIR)
  .filter((f) => f.endsWith('.redis'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.redis$/, '')))
  .sort();

type Outcome = RawReply | 'timeout' | 'closed';

function show(o: Outcome): string {
  return typeof o === 'string' ? `(${o === 'timeout' ? `no reply within ${REPLY_TIMEOUT_MS} ms` : 'connection closed'})` : escapeBytes(o.raw);
}

describe('differential: Garrison vs redis-server 7.0', { skip: skip ?? false }, () => {
  let redis: RedisProcess;
  let garrison: GarrisonHandle;

  before(async () => {
    const v = redisVersion();
    if (v === null || !v.startsWith('7.0.')) {
      const msg = `interop: redis-server is ${v ?? 'of unknown version'}, the oracle must be 7.0.x`;
      if (IN_CI) throw new Error(msg);
      process.stderr.write(`\n*** ${msg}: replies may differ for that reason ***\n\n`);
    }
    redis = await startRedis();
    garrison = await startGarrison({ 'enable-debug-command': 'yes', save: '', appendonly: 'no' });
  });

  after(async () => {
    await garrison?.close();
    await redis?.stop();
  });

  test('there is at least one differential script', () => {
    assert.ok(files.length > 0, `no *.redis files in ${SCRIPTS_DIR}${only.length > 0 ? ` matching INTEROP_SCRIPTS=${only.join(',')}` : ''}`);
  });

  for (const file of files) {
    test(file, async () => {
      const steps = parseScript(readFileSync(SCRIPTS_DIR + file, 'latin1'), file);
      const problems = await runScript(file, steps, redis.port, garrison.port);
      if (problems.length > 0) {
        assert.fail(`${problems.length >= MAX_MISMATCHES ? `${MAX_MISMATCHES}+` : problems.length} difference(s) in ${file}:\n\n${problems.join('\n\n')}`);
      }
    });
  }
});

async function connectPair(redisPort: number, garrisonPort: number): Promise<[RespClient, RespClient]> {
  return [await RespClient.connect(redisPort), await RespClient.connect(garrisonPort)];
}

async function waitClosedWithin(c: RespClient, ms: number): Promise<boolean> {
  if (c.closed) return true;
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<false>((r) => { timer = setTimeout(() => r(false), ms); });
  const res = await Promise.race([c.waitClosed().then(() => true as const), t]);
  clearTimeout(timer);
  return res;
}

/** Plays one script; returns the differences found (empty = identical). */
async function runScript(file: string, steps: ScriptStep[], redisPort: number, garrisonPort: number): Promise<string[]> {
  const problems: string[] = [];
  let [rc, gc] = await connectPair(redisPort, garrisonPort);
  try {
    const flushR = await rc.callRaw('FLUSHALL');
    const flushG = await gc.callRaw('FLUSHALL');
    if (!flushR.raw.equals(flushG.raw)) problems.push(`${file}: FLUSHALL before the script: redis ${escapeBytes(flushR.raw)}, garrison ${escapeBytes(flushG.raw)}`);
    for (const step of steps) {
      if (problems.length >= MAX_MISMATCHES) break;
      const where = `${file}:${step.line}: ${step.text}`;
      // A previous command (QUIT, a protocol error) may have closed the connections: both must
      // have done so, and the script continues on fresh ones.
      if (rc.closed || gc.closed) {
        const rClosed = await waitClosedWithin(rc, 1000);
        const gClosed = await waitClosedWithin(gc, 1000);
        if (rClosed !== gClosed) {
          problems.push(`${where}\n  before this line the connection was closed by ${rClosed ? 'redis' : 'garrison'} only`);
          return problems;
        }
        rc.close();
        gc.close();
        [rc, gc] = await connectPair(redisPort, garrisonPort);
      }
      if (step.kind === 'resp3') {
        const [r, g] = await Promise.all([rc.callRaw('HELLO', '3'), gc.callRaw('HELLO', '3')]);
        const bad = [['redis', r], ['garrison', g]].filter(([, x]) => (x as RawReply).raw[0] === 45 /* '-' */);
        if (bad.length > 0) {
          problems.push(`${where}\n  HELLO 3 failed: redis ${escapeBytes(r.raw)}, garrison ${escapeBytes(g.raw)}`);
          return problems;
        }
        continue;
      }
      const bytes = encodeCommand(step.argv);
      rc.writeRaw(bytes);
      gc.writeRaw(bytes);
      const [r, g] = await Promise.all([rc.readWithin(REPLY_TIMEOUT_MS), gc.readWithin(REPLY_TIMEOUT_MS)]);
      if (typeof r === 'string' || typeof g === 'string') {
        if (r === g) continue; // both silent (CLIENT REPLY OFF...) or both closed without a reply
        problems.push(`${where}\n  redis:    ${show(r)}\n  garrison: ${show(g)}\n  (connections out of step: rest of the script skipped)`);
        return problems;
      }
      if (repliesMatch(step.mode, r.raw, g.raw)) continue;
      let detail = `${where}\n  redis:    ${show(r)}\n  garrison: ${show(g)}`;
      if (step.mode === 'sort') detail += `\n  (compared sorted: redis ${escapeBytes(sortedForm(r.raw))} vs garrison ${escapeBytes(sortedForm(g.raw))})`;
      if (step.mode === 'type') detail += `\n  (compared type only: redis ${escapeBytes(typeForm(r.raw))} vs garrison ${escapeBytes(typeForm(g.raw))})`;
      problems.push(detail);
    }
  } finally {
    rc.close();
    gc.close();
  }
  return problems;
}
