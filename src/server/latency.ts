/**
 * The latency monitor of one server (Redis's latency.c): named event time series fed by the
 * command path ("command", "fast-command") and by the active expire cycle ("expire-cycle"), plus
 * the per-command latency histograms of LATENCY HISTOGRAM (Command.histogram: Redis's hdr_histogram with 2
 * significant figures, reported on a base-2 logarithmic scale from 1 µs).
 *
 * Rules kept from Redis 7.0:
 *  - a sample is recorded only when `latency-monitor-threshold` is non-zero and the latency in ms
 *    is >= the threshold;
 *  - each event keeps a ring of 160 samples, one per wall-clock second (a second sample in the same
 *    second only raises that second's value), and its all-time maximum;
 *  - histograms record every executed command (unless `latency-tracking` is off) in nanoseconds.
 * The state lives on the server (`server.latency`), never in module scope.
 */
import { HdrHistogram } from '../lib/hdr-histogram.js';
import type { Command } from '../commands/registry.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** Samples kept per event (Redis's LATENCY_TS_LEN). */
export const LATENCY_TS_LEN = 160;

export interface LatencySample {
  /** Unix time in seconds; 0 = empty slot. */
  time: number;
  latencyMs: number;
}

export class LatencyTimeSeries {
  idx = 0;
  max = 0;
  readonly samples: LatencySample[] = Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latencyMs: 0 }));

  add(nowSec: number, latencyMs: number): void {
    if (latencyMs > this.max) this.max = latencyMs;
    const prev = this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
    if (prev.time === nowSec) {
      if (latencyMs > prev.latencyMs) prev.latencyMs = latencyMs;
      return;
    }
    const s = this.samples[this.idx]!;
    s.time = nowSec;
    s.latencyMs = latencyMs;
    this.idx = (this.idx + 1) % LATENCY_TS_LEN;
  }

  latest(): LatencySample {
    return this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
  }

  /** Non-empty samples, oldest first. */
  history(): LatencySample[] {
    const out: LatencySample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = this.samples[(this.idx + j) % LATENCY_TS_LEN]!;
      if (s.time !== 0) out.push(s);
    }
    return out;
  }
}

export class LatencyMonitor {
  /** Event name -> series, in creation order. */
  readonly events = new Map<string, LatencyTimeSeries>();
  thresholdMs = 0;
  trackingEnabled = true;
  /** Clients whose command replies later: recorded by `recordCall` when it completes (see SlowLog.deferred). */
  readonly deferred = new Set<Client>();

  constructor(private readonly nowMs: () => number) {}

  /** Records `latencyMs` under `event` when monitoring is on and it reaches the threshold. */
  addSampleIfNeeded(event: string, latencyMs: number): void {
    if (this.thresholdMs === 0 || latencyMs < this.thresholdMs) return;
    this.addSample(event, Math.floor(latencyMs));
  }

  addSample(event: string, latencyMs: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) this.events.set(event, (ts = new LatencyTimeSeries()));
    ts.add(Math.floor(this.nowMs() / 1000), latencyMs);
  }

  /** LATENCY RESET: one event (1 if it existed) or all of them (how many there were). */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    return this.events.delete(event) ? 1 : 0;
  }

  /** Records a command's duration into its histogram (when latency-tracking is on). */
  recordCommand(cmd: Command<Client>, us: number): void {
    if (!this.trackingEnabled) return;
    (cmd.histogram ??= new HdrHistogram()).record(us * 1000);
  }

  /** The command path's feed: the command's histogram and the "command"/"fast-command" event. */
  recordCall(cmd: Command<Client>, us: number): void {
    this.recordCommand(cmd, us);
    if (this.thresholdMs !== 0) this.addSampleIfNeeded(isFast(cmd) ? 'fast-command' : 'command', us / 1000);
  }

  /** LATENCY GRAPH's text (Redis's sparkline, 80 columns, 4 rows, filled style). */
  graph(event: string, ts: LatencyTimeSeries): string {
    const nowSec = Math.floor(this.nowMs() / 1000);
    const samples = ts.history();
    let min = 0;
    let max = 0;
    const seq: Array<{ value: number; label: string }> = [];
    for (const s of samples) {
      if (seq.length === 0) min = max = s.latencyMs;
      else {
        if (s.latencyMs > max) max = s.latencyMs;
        if (s.latencyMs < min) min = s.latencyMs;
      }
      seq.push({ value: s.latencyMs, label: agoLabel(nowSec - s.time) });
    }
    let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n`;
    out += '-'.repeat(80) + '\n';
    out += renderSparkline(seq, 80, 4);
    return out;
  }

  /** LATENCY DOCTOR: Garrison's own prose, built from the same data Redis analyses. */
  doctor(): string {
    if (this.events.size === 0) {
      if (this.thresholdMs === 0) {
        return 'The latency monitor is disabled (latency-monitor-threshold is 0), so there is nothing to analyse. ' +
          'Enable it with CONFIG SET latency-monitor-threshold <milliseconds>.\n';
      }
      return `No latency spike of ${this.thresholdMs} ms or more has been recorded since the monitor was started or reset.\n`;
    }
    const lines: string[] = [`Latency report (threshold ${this.thresholdMs} ms):`, ''];
    let n = 1;
    for (const [event, ts] of this.events) {
      const h = ts.history();
      const sum = h.reduce((a, s) => a + s.latencyMs, 0);
      const avg = h.length > 0 ? Math.floor(sum / h.length) : 0;
      const first = h[0]?.time ?? 0;
      const last = h[h.length - 1]?.time ?? 0;
      const period = h.length > 1 ? Math.floor((last - first) / (h.length - 1)) : 0;
      lines.push(`${n++}. ${event}: ${h.length} latency spikes (average ${avg}ms, mean deviation ${meanDeviation(h, avg)}ms, ` +
        `period ${period} sec). Worst all time event ${ts.max}ms.`);
    }
    lines.push('', 'Advice:');
    if (this.events.has('command') || this.events.has('fast-command')) {
      lines.push('- Commands exceeded the threshold: look at SLOWLOG GET for the arguments, and avoid O(N) commands on big values.');
    }
    if (this.events.has('expire-cycle')) {
      lines.push('- The active expire cycle was slow: many keys expire at the same time; spread TTLs out.');
    }
    lines.push('- Garrison runs on one JavaScript thread: garbage-collection pauses of the Node.js process also show up as latency.');
    return lines.join('\n') + '\n';
  }

  /** Installs the command-path feed (call observers) and follows the config values. */
  static install(server: Server): LatencyMonitor {
    const mon = new LatencyMonitor(() => server.env.clock.nowMs());
    server.config.watchInt('latency-monitor-threshold', (n) => { mon.thresholdMs = n; });
    if (server.config.def('latency-tracking') !== undefined) {
      server.config.watch('latency-tracking', (v) => { mon.trackingEnabled = v as boolean; });
    }
    server.callObservers.push((client, cmd, _argv, us) => {
      if (mon.deferred.size !== 0 && mon.deferred.delete(client)) return;
      mon.recordCall(cmd, us);
    });
    server.latency = mon;
    return mon;
  }
}

function isFast(cmd: Command<Client>): boolean {
  return cmd.spec.flags.includes('fast');
}

function meanDeviation(h: LatencySample[], avg: number): number {
  if (h.length === 0) return 0;
  return Math.floor(h.reduce((a, s) => a + Math.abs(s.latencyMs - avg), 0) / h.length);
}

function agoLabel(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)}h`;
  return `${Math.floor(elapsed / 86400)}d`;
}

const CHARSET_FILL = '_o#';
const LABEL_MARGIN_TOP = 1;

/**
 * Redis's ASCII sparkline (filled style): `rows` text rows of bars, 3 levels per row, then the
 * labels written vertically under their columns after one blank row; sequences longer than
 * `columns` are cut into blocks separated by a blank line.
 */
export function renderSparkline(seq: ReadonlyArray<{ value: number; label: string }>, columns: number, rows: number): string {
  if (seq.length === 0) return '';
  let min = seq[0]!.value;
  let max = seq[0]!.value;
  for (const s of seq) {
    if (s.value < min) min = s.value;
    else if (s.value > max) max = s.value;
  }
  const labels = seq.some((s) => s.label !== '');
  let out = '';
  for (let offset = 0; offset < seq.length; offset += columns) {
    const len = Math.min(columns, seq.length - offset);
    if (offset !== 0) out += '\n';
    const relmax = max - min === 0 ? 1 : max - min;
    const steps = CHARSET_FILL.length * rows;
    for (let row = 0; ; row++) {
      let loop = false;
      const chars: string[] = new Array<string>(len).fill(' ');
      for (let j = 0; j < len; j++) {
        const s = seq[offset + j]!;
        let step = Math.trunc(((s.value - min) * steps) / relmax);
        if (step < 0) step = 0;
        if (step >= steps) step = steps - 1;
        if (row < rows) {
          const charIdx = step - (rows - row - 1) * CHARSET_FILL.length;
          loop = true;
          if (charIdx >= 0 && charIdx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charIdx]!;
          else if (charIdx >= CHARSET_FILL.length) chars[j] = '|';
        } else {
          if (labels && row - rows < LABEL_MARGIN_TOP) {
            loop = true;
            break;
          }
          const labelChar = row - rows - LABEL_MARGIN_TOP;
          if (s.label.length > labelChar) {
            loop = true;
            chars[j] = s.label[labelChar]!;
          }
        }
      }
      if (!loop) break;
      out += chars.join('') + '\n';
    }
  }
  return out;
}
