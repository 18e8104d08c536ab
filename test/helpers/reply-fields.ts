/** Test helpers that turn replies into records: INFO text (`field:value` lines) and flat field/value arrays. */
import type { Decoded } from './resp-client.js';

export function info(text: Decoded): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of String(text).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** [k1, v1, k2, v2...] (SENTINEL MASTER, CONFIG GET in RESP2) as a record, in reply order. */
export function fields(reply: Decoded): Record<string, string> {
  const a = reply as Decoded[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < a.length; i += 2) out[String(a[i])] = String(a[i + 1]);
  return out;
}
