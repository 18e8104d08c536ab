/**
 * `npm run sim -- --seed N [--scenario kv] [--duration ms] [--seeds K] [--trace]`: replays a
 * simulator scenario with a seed (or K seeds from N) and prints the failures with the end of the
 * trace, and a scenario's measurements when it has some (the sentinel ones); `--trace` prints the
 * whole kept trace even on success; an unknown scenario lists the known ones. Exit status 1 on
 * failure.
 */
import { SCENARIOS } from './scenarios/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const scenario = arg('scenario') ?? 'kv';
  const run = SCENARIOS.get(scenario);
  if (run === undefined) {
    process.stderr.write(`unknown scenario ${scenario}; known: ${[...SCENARIOS.keys()].join(', ')}\n`);
    return 2;
  }
  const first = Number(arg('seed') ?? '1');
  const count = Number(arg('seeds') ?? '1');
  const duration = arg('duration');
  let bad = 0;
  for (let seed = first; seed < first + count; seed++) {
    const r = await run(duration === undefined ? { seed } : { seed, durationMs: Number(duration) });
    const w = r.world;
    w.scenarioName = scenario;
    process.stdout.write(`${scenario} seed ${seed}: ${r.ok ? 'ok' : 'FAILED'} (${r.checked} replies checked, ${w.loop.executed} events, ${w.nowMs().toFixed(0)}ms virtual, trace ${w.trace.digest().slice(0, 16)})\n`);
    if ('metrics' in r && Object.keys(r.metrics as object).length > 0) process.stdout.write(`  ${JSON.stringify(r.metrics)}\n`);
    if (process.argv.includes('--trace')) process.stdout.write(w.trace.entries().join('\n') + '\n');
    if (!r.ok) {
      bad++;
      process.stdout.write(r.failures.join('\n') + '\n' + w.report(300) + '\n');
    }
  }
  return bad > 0 ? 1 : 0;
}

process.exitCode = await main();
