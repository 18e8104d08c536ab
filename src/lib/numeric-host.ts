/**
 * A numeric host as glibc's getaddrinfo(AI_NUMERICHOST) reads it and inet_ntop prints it back:
 * what Redis's anetResolve(..., ANET_IP_ONLY) accepts, and the address it then keeps. Sentinel
 * validates SENTINEL MONITOR's address with it when resolve-hostnames is off.
 *
 * IPv4 follows inet_aton's forms, matched exactly (nothing may follow): one to four parts, each
 * decimal, octal (a leading 0) or hex (0x), the last part filling the bytes left ("1.2.3" is
 * 1.2.0.3, "1" is 0.0.0.1, "0x7f.1" is 127.0.0.1). IPv6 is inet_pton's text, with an optional
 * `%interface` scope (an interface this host has) that the printed address drops. The printed
 * IPv6 form is inet_ntop's: lowercase, the longest run of two or more zero groups (the first when
 * runs tie) as "::", and an IPv4-compatible or IPv4-mapped address ending in dotted quad.
 */
import { networkInterfaces } from 'node:os';

/** The normalized address, or null when `text` is not a numeric IPv4 or IPv6 address. */
export function numericHost(text: string): string | null {
  return ipv4(text) ?? ipv6(text);
}

function ipv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const p of parts) {
    const v = inetAtonPart(p);
    if (v === null) return null;
    values.push(v);
  }
  // Every part but the last is one byte; the last fills what is left.
  const lastBits = 8 * (5 - values.length);
  for (let i = 0; i < values.length - 1; i++) if (values[i]! > 0xff) return null;
  const last = values[values.length - 1]!;
  if (lastBits < 32 && last >= 2 ** lastBits) return null;
  let addr = 0;
  for (let i = 0; i < values.length - 1; i++) addr = addr * 256 + values[i]!;
  addr = addr * 2 ** lastBits + last;
  return [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join('.');
}

/** One part: decimal, octal after a leading 0, hex after 0x; null when empty, bad or over 32 bits. */
function inetAtonPart(p: string): number | null {
  let digits = p;
  let base = 10;
  if (/^0[xX]/.test(p)) {
    base = 16;
    digits = p.slice(2);
    if (digits === '') return null;
  } else if (p.startsWith('0')) {
    base = 8;
  }
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  const v = parseInt(digits, base);
  return v > 0xffffffff ? null : v;
}

function ipv6(text: string): string | null {
  let addr = text;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    const scope = text.slice(pct + 1);
    if (!(scope in networkInterfaces())) return null;
    addr = text.slice(0, pct);
  }
  const words = parseIpv6(addr);
  return words === null ? null : formatIpv6(words);
}

/** inet_pton(AF_INET6): eight 16-bit groups, one "::", an optional dotted-quad tail. */
function parseIpv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(item);
        if (v4 === null) return null;
        const b = v4.slice(1).map(Number);
        if (b.some((x) => x > 255) || v4.slice(1).some((x) => x.length > 1 && x.startsWith('0'))) return null;
        out.push(b[0]! * 256 + b[1]!, b[2]! * 256 + b[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 1) return null;
  return [...head, ...new Array<number>(zeros).fill(0), ...tail];
}

/** inet_ntop(AF_INET6). */
function formatIpv6(w: number[]): string {
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i >= 2 && j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      out += `${w[6]! >> 8}.${w[6]! & 0xff}.${w[7]! >> 8}.${w[7]! & 0xff}`;
      return out;
    }
    out += w[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ':';
  return out;
}
