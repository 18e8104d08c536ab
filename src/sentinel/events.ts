/**
 * Sentinel events (Redis's sentinelEvent): each is logged as `<type> <text>` at its level and,
 * unless it is a debug event, published on the sentinel's own pub/sub channel named after the type
 * (`+sdown` carries `master mymaster 127.0.0.1 6379`). Listeners (tests, the simulator's recorder)
 * see every event as a typed value.
 */
import type { LogLevel } from '../runtime/ports.js';

export interface SentinelEvent {
  level: LogLevel;
  /** `+sdown`, `-odown`, `+switch-master`... */
  type: string;
  text: string;
  atMs: number;
}

/** ctime()-style date Redis prints in "Next failover delay" (UTC here). */
export function ctimeText(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
