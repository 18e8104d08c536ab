/**
 * Server-wide counters that INFO stats reports, and the instantaneous-metric samplers Redis keeps
 * (ops/sec, input/output kbps, the replication stream's share of them) sampled on the tick.
 */

const SAMPLES = 16;

export class Sampler {
  private readonly samples = new Array<number>(SAMPLES).fill(0);
  private idx = 0;
  private lastValue = 0;
  private lastMs = 0;

  sample(value: number, nowMs: number): void {
    if (this.lastMs !== 0 && nowMs > this.lastMs) {
      this.samples[this.idx] = ((value - this.lastValue) * 1000) / (nowMs - this.lastMs);
      this.idx = (this.idx + 1) % SAMPLES;
    }
    this.lastValue = value;
    this.lastMs = nowMs;
  }

  /** Forgets every sample (CONFIG RESETSTAT). */
  reset(): void {
    this.samples.fill(0);
    this.idx = 0;
    this.lastValue = 0;
    this.lastMs = 0;
  }

  average(): number {
    let s = 0;
    for (const v of this.samples) s += v;
    return s / SAMPLES;
  }
}

export class ServerStats {
  startMs = 0;
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  rejectedConnections = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Reads from and writes to client connections (INFO total_reads_processed / total_writes_processed). */
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  clientQueryBufferLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  /** Replication (INFO stats): full and partial resyncs served, replication stream bytes. */
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  netReplInputBytes = 0;
  netReplOutputBytes = 0;
  /** Error prefix (ERR, WRONGTYPE...) -> count, for INFO errorstats. */
  readonly errors = new Map<string, number>();
  readonly opsSampler = new Sampler();
  readonly inputSampler = new Sampler();
  readonly outputSampler = new Sampler();
  readonly replInputSampler = new Sampler();
  readonly replOutputSampler = new Sampler();

  countError(text: string): void {
    this.totalErrorReplies++;
    const sp = text.indexOf(' ');
    const prefix = sp < 0 ? text : text.slice(0, sp);
    this.errors.set(prefix, (this.errors.get(prefix) ?? 0) + 1);
  }

  reset(): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.totalReadsProcessed = 0;
    this.totalWritesProcessed = 0;
    this.clientQueryBufferLimitDisconnections = 0;
    this.clientOutputBufferLimitDisconnections = 0;
    this.totalErrorReplies = 0;
    this.unexpectedErrorReplies = 0;
    this.syncFull = 0;
    this.syncPartialOk = 0;
    this.syncPartialErr = 0;
    this.netReplInputBytes = 0;
    this.netReplOutputBytes = 0;
    this.errors.clear();
    for (const s of [this.opsSampler, this.inputSampler, this.outputSampler, this.replInputSampler, this.replOutputSampler]) s.reset();
  }
}
