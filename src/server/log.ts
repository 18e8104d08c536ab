/**
 * Log lines in Redis's format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`, level chars
 * `.` debug, `-` verbose, `*` notice, `#` warning; role `M` master, `S` replica, `X` sentinel,
 * `C` child. Tools and test harnesses written for Redis grep these lines, so keep them exact.
 */
import type { Clock, LogLevel, LogSink } from '../runtime/ports.js';

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const LEVEL_CHAR: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
/** Redis formats a log message into a LOG_MAX_LEN (1024) byte buffer. */
const LOG_MAX_CHARS = 1023;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export class Logger {
  level: LogLevel = 'notice';
  role: 'M' | 'S' | 'X' | 'C' = 'M';

  constructor(private readonly clock: Clock, private readonly pid: number, public sink: LogSink) {}

  /** Timestamp as Redis prints it (local time). */
  timestamp(ms: number): string {
    const d = new Date(ms);
    return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= LEVELS[this.level];
  }

  /** A message as serverLog writes it: at most LOG_MAX_LEN - 1 (1023) characters, the rest cut. */
  log(level: LogLevel, msg: string): void {
    if (!this.enabled(level)) return;
    this.raw(level, msg.length > LOG_MAX_CHARS ? msg.slice(0, LOG_MAX_CHARS) : msg);
  }

  /** Writes one formatted line regardless of the configured level. */
  raw(level: LogLevel, msg: string): void {
    this.sink.write(`${this.pid}:${this.role} ${this.timestamp(this.clock.nowMs())} ${LEVEL_CHAR[level]} ${msg}\n`);
  }

  /** Writes text as it is, without the line prefix, when `level` is enabled (Redis's LL_RAW: the banner). */
  rawText(level: LogLevel, text: string): void {
    if (this.enabled(level)) this.sink.write(text);
  }

  /**
   * A line logged from a signal handler, in the shape Redis uses there (no date, the unix time in
   * parentheses): `pid:signal-handler (1700000000) Received SIGTERM scheduling shutdown...`.
   */
  fromSignalHandler(msg: string): void {
    this.sink.write(`${this.pid}:signal-handler (${Math.floor(this.clock.nowMs() / 1000)}) ${msg}\n`);
  }

  debug(msg: string): void { this.log('debug', msg); }
  verbose(msg: string): void { this.log('verbose', msg); }
  notice(msg: string): void { this.log('notice', msg); }
  warning(msg: string): void { this.log('warning', msg); }
}
