/**
 * The simulated network: hosts with an IP each, listeners per host and port, and connections made
 * of two endpoints joined by two one-way pipes. Bytes written are handed to a bounded send window
 * at once (the rest waits in `pendingWriteBytes`), cut into random segments, and arrive in order
 * after a random per-link latency; the receiver gets every arrived byte in one data event, so
 * writes are both split and coalesced. `end` sends a FIN after the queued bytes; the peer closes
 * its side in turn (Node's allowHalfOpen=false), and each side sees onClose once.
 *
 * Fault model (documented in docs/architecture.md, Simulator):
 * - a partition (or a one-way block) stalls: segments are held, nothing is lost, and they arrive
 *   after `heal`, as TCP retransmission would deliver them; connections stay open, so only
 *   application timeouts notice. A SYN sent into a partition is lost and sent again after 1 s,
 *   then 2, 4... (the kernel's retransmissions); `connect` fails with `Connection timed out` when
 *   its timeout comes first.
 * - `resetConnections(a, b)` closes every connection between two hosts on both sides at once
 *   (onClose on each, in-flight bytes dropped), like a middlebox sending RSTs.
 * - a crashed process's connections are reset: the peer gets onClose after the link latency.
 */
import type { SeededRandom } from '../lib/prng.js';
import type { Connection, DialTarget, ListenOptions, Listener, Transport } from '../runtime/ports.js';
import type { EventLoop, SimProcess } from './event-loop.js';
import type { Trace } from './trace.js';

export interface NetworkOptions {
  /** One-way latency between two hosts, drawn uniformly per segment, in ms. */
  latencyMs: readonly [number, number];
  /** Latency of a connection within one host. */
  loopbackLatencyMs: readonly [number, number];
  /** Probability of cutting a transmitted block once more (up to `maxSegments` pieces). */
  splitProbability: number;
  maxSegments: number;
  /** Bytes one direction may have in flight or unread before writes queue in pendingWriteBytes. */
  windowBytes: number;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  latencyMs: [0.05, 1],
  loopbackLatencyMs: [0.01, 0.05],
  splitProbability: 0.3,
  maxSegments: 4,
  windowBytes: 256 * 1024,
};

type Family = 'v4' | 'v6' | 'unix';

interface SimListener {
  family: Family;
  /** Bound address: '0.0.0.0', '::', '127.0.0.1', '::1', the host's ip, or a unix path. */
  addr: string;
  port: number;
  process: SimProcess;
  onConnection: (c: Connection) => void;
}

/** A machine on the network: a name, an IP, and the process currently running on it. */
export class SimHost {
  readonly listeners = new Map<string, SimListener>();
  readonly endpoints = new Set<Endpoint>();
  nextPort = 32768;
  constructor(readonly name: string, readonly ip: string, public process: SimProcess) {}
}

interface Segment {
  kind: 'data' | 'fin' | 'rst';
  data: Buffer | null;
  arriveUs: number;
}

/** One direction of a connection. */
class Pipe {
  readonly segs: Segment[] = [];
  /** Bytes sent and not yet handed to the receiving application (in the pipe or its read buffer). */
  inflightBytes = 0;
  lastArriveUs = 0;
  constructor(readonly from: Endpoint, readonly to: Endpoint) {}
}

const WILDCARD = new Set(['0.0.0.0', '::']);

function familyOf(addr: string): Family {
  return addr.includes(':') ? 'v6' : 'v4';
}

/** What a lent chunk is overwritten with once its data callback returns (see Endpoint.lendsChunks). */
const LENT_POISON = 0xee;

class Endpoint implements Connection {
  onData: (chunk: Buffer) => void = () => {};
  onClose: () => void = () => {};
  onDrain: () => void = () => {};
  peer!: Endpoint;
  out!: Pipe;
  inp!: Pipe;
  pending: Buffer[] = [];
  pendingBytes = 0;
  wantDrain = false;
  recv: Buffer[] = [];
  recvBytes = 0;
  readPaused = false;
  accepted = false;
  endCalled = false;
  finSent = false;
  finReceived = false;
  readEnded = false;
  closed = false;
  /**
   * The accepted side lends its chunks, as node's accepted TCP connections do, and the network
   * overwrites each one once `onData` returns: a consumer that keeps a lent chunk instead of
   * copying it reads garbage in every simulation.
   */
  lendsChunks = false;

  constructor(
    readonly net: SimNetwork,
    readonly host: SimHost,
    readonly process: SimProcess,
    readonly id: string,
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly isUnixSocket: boolean,
  ) {}

  write(data: Buffer): void {
    if (this.closed || this.endCalled || data.length === 0) return;
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.length;
    this.net.flush(this);
    if (this.pendingBytes > 0) this.wantDrain = true;
  }
  pendingWriteBytes(): number {
    return this.pendingBytes;
  }
  setNoDelay(): void { /* segments are never delayed on the sender */ }
  setKeepAlive(): void { /* a simulated link has no idle probes: partitions are explicit faults */ }
  pauseReading(): void {
    this.readPaused = true;
  }
  resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.net.loop.after(0, this.process, () => this.net.pump(this));
  }
  end(): void {
    if (this.closed || this.endCalled) return;
    this.endCalled = true;
    this.net.flush(this);
  }
  destroy(): void {
    if (this.closed) return;
    this.net.trace.add(`net ${this.id} destroy`);
    if (!this.finSent) {
      this.finSent = true;
      this.net.transmit(this.out, 'fin', null);
    }
    this.net.closeLocal(this);
  }
}

export class SimNetwork {
  private readonly hostsByKey = new Map<string, SimHost>();
  private readonly hostList: SimHost[] = [];
  /** Directed blocks `from>to` by host name. */
  private readonly blocked = new Set<string>();
  private readonly latency = new Map<string, readonly [number, number]>();
  private readonly stalled = new Set<Pipe>();
  private nextConnId = 1;

  constructor(readonly loop: EventLoop, private readonly rng: SeededRandom, readonly trace: Trace, readonly opts: NetworkOptions) {}

  addHost(name: string, ip: string, process: SimProcess): SimHost {
    if (this.hostsByKey.has(name) || this.hostsByKey.has(ip)) throw new Error(`sim: host ${name}/${ip} exists`);
    const h = new SimHost(name, ip, process);
    this.hostsByKey.set(name, h);
    this.hostsByKey.set(ip, h);
    this.hostList.push(h);
    return h;
  }

  host(nameOrIp: string): SimHost {
    const h = this.hostsByKey.get(nameOrIp);
    if (h === undefined) throw new Error(`sim: no host ${nameOrIp}`);
    return h;
  }

  hosts(): readonly SimHost[] {
    return this.hostList;
  }

  // -------------------------------------------------------------------------------------------
  // Faults

  /** Stalls both directions between two hosts until healed. */
  partition(a: string, b: string): void {
    this.blockOneWay(a, b);
    this.blockOneWay(b, a);
  }

  /** Stalls what `from` sends to `to` (a one-way drop-to-stall on that link). */
  blockOneWay(from: string, to: string): void {
    const f = this.host(from).name;
    const t = this.host(to).name;
    this.blocked.add(`${f}>${t}`);
    this.trace.add(`fault block ${f}->${t}`);
  }

  /** Cuts a host off from every other host. */
  isolate(a: string): void {
    for (const h of this.hostList) if (h.name !== this.host(a).name) this.partition(a, h.name);
  }

  /** Heals the link between a and b (both directions), or every link when called without hosts. */
  heal(a?: string, b?: string): void {
    if (a === undefined) {
      this.blocked.clear();
      this.trace.add('fault heal all');
    } else {
      const an = this.host(a).name;
      const others = b === undefined ? this.hostList.map((h) => h.name) : [this.host(b).name];
      for (const bn of others) {
        this.blocked.delete(`${an}>${bn}`);
        this.blocked.delete(`${bn}>${an}`);
      }
      this.trace.add(`fault heal ${an}${b === undefined ? '' : ` ${this.host(b).name}`}`);
    }
    for (const p of [...this.stalled]) {
      if (this.isBlocked(p.from.host, p.to.host)) continue;
      this.stalled.delete(p);
      let last = this.loop.nowUs;
      for (const s of p.segs) {
        s.arriveUs = Math.max(s.arriveUs, last, this.loop.nowUs + this.drawLatencyUs(p.from.host, p.to.host));
        last = s.arriveUs;
        this.scheduleDelivery(p, s.arriveUs);
      }
      p.lastArriveUs = Math.max(p.lastArriveUs, last);
    }
  }

  isBlocked(from: SimHost, to: SimHost): boolean {
    return this.blocked.size > 0 && this.blocked.has(`${from.name}>${to.name}`);
  }

  /** Closes every connection between two hosts on both sides (onClose on each). */
  resetConnections(a: string, b: string): number {
    const ha = this.host(a);
    const hb = this.host(b);
    let n = 0;
    for (const ep of [...ha.endpoints]) {
      if (ep.peer.host !== hb || ep.closed) continue;
      n++;
      this.trace.add(`fault reset ${ep.id}`);
      for (const e of [ep, ep.peer]) {
        e.out.segs.length = 0;
        e.out.inflightBytes = 0;
        this.closeLocal(e);
      }
    }
    return n;
  }

  /** Sets the one-way latency range of the link between two hosts (both directions). */
  setLatency(a: string, b: string, minMs: number, maxMs: number): void {
    this.latency.set(this.linkKey(this.host(a), this.host(b)), [minMs, maxMs]);
  }

  /**
   * A process on the host died: its listeners vanish and every connection it had is reset; the
   * peers learn it after the link latency. No callback runs in the dead process.
   */
  processDied(host: SimHost, proc: SimProcess): void {
    for (const [k, l] of host.listeners) if (l.process === proc) host.listeners.delete(k);
    for (const ep of [...host.endpoints]) {
      if (ep.process !== proc) continue;
      ep.closed = true;
      host.endpoints.delete(ep);
      this.transmit(ep.out, 'rst', null);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Transport for one host's process

  transport(host: SimHost, proc: () => SimProcess): Transport {
    return {
      listen: (opts, onConnection) => this.listen(host, proc(), opts, onConnection),
      connect: (target, timeoutMs) => this.connect(host, proc(), target, timeoutMs),
    };
  }

  private listen(host: SimHost, proc: SimProcess, opts: ListenOptions, onConnection: (c: Connection) => void): Promise<Listener> {
    const fail = (code: string, message: string): Promise<Listener> =>
      Promise.reject(Object.assign(new Error(message), { code }));
    let l: SimListener;
    let key: string;
    if (opts.path !== undefined) {
      key = `unix:${opts.path}`;
      if (host.listeners.has(key)) return fail('EADDRINUSE', 'address already in use');
      l = { family: 'unix', addr: opts.path, port: 0, process: proc, onConnection };
    } else {
      const addr = opts.host ?? '0.0.0.0';
      const family = familyOf(addr);
      if (!WILDCARD.has(addr) && addr !== '127.0.0.1' && addr !== '::1' && addr !== host.ip) {
        return fail('EADDRNOTAVAIL', 'Cannot assign requested address');
      }
      let port = opts.port ?? 0;
      if (port === 0) {
        while ([...host.listeners.values()].some((x) => x.port === host.nextPort)) host.nextPort++;
        port = host.nextPort++;
      }
      for (const x of host.listeners.values()) {
        if (x.family === family && x.port === port && (WILDCARD.has(x.addr) || WILDCARD.has(addr) || x.addr === addr)) {
          return fail('EADDRINUSE', 'address already in use');
        }
      }
      key = `${family}:${addr}:${port}`;
      l = { family, addr, port, process: proc, onConnection };
    }
    host.listeners.set(key, l);
    this.trace.add(`net ${host.name} listen ${key}`);
    const address = l.family === 'unix' ? { path: l.addr } : { host: l.addr, port: l.port };
    return Promise.resolve({
      address,
      close: () => {
        if (host.listeners.get(key) === l) {
          host.listeners.delete(key);
          this.trace.add(`net ${host.name} unlisten ${key}`);
        }
        return Promise.resolve();
      },
    });
  }

  private findListener(host: SimHost, family: Family, addr: string, port: number): SimListener | null {
    for (const l of host.listeners.values()) {
      if (l.family !== family || !l.process.alive) continue;
      if (family === 'unix' ? l.addr === addr : l.port === port && (WILDCARD.has(l.addr) || l.addr === addr)) return l;
    }
    return null;
  }

  private connect(from: SimHost, proc: SimProcess, target: DialTarget, timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const fail = (code: string, message: string): void => {
        this.trace.add(`net ${from.name} connect ${describe(target)} failed: ${message}`);
        reject(Object.assign(new Error(message), { code }));
      };
      let to: SimHost | undefined;
      let family: Family;
      let addr: string;
      let port = 0;
      if ('path' in target) {
        to = from;
        family = 'unix';
        addr = target.path;
      } else {
        port = target.port;
        if (target.host === '127.0.0.1' || target.host === 'localhost' || target.host === '::1') {
          to = from;
          addr = target.host === '::1' ? '::1' : '127.0.0.1';
        } else {
          to = this.hostsByKey.get(target.host);
          addr = to?.ip ?? target.host;
        }
        family = familyOf(addr);
      }
      const startUs = this.loop.nowUs;
      const timeoutUs = Math.max(1, timeoutMs) * 1000;
      this.trace.add(`net ${from.name} connect ${describe(target)}`);
      const timeOut = (): void => {
        this.loop.at(startUs + timeoutUs, proc, () => fail('ETIMEDOUT', 'Connection timed out'));
      };
      if (to === undefined) return timeOut();
      const dest = to;
      // A SYN lost in a partition is sent again, as the kernel does: after 1 s, then doubling,
      // while the connect timeout allows.
      const retransmitOrTimeOut = (rtoUs: number): void => {
        if (this.loop.nowUs + rtoUs - startUs >= timeoutUs) return timeOut();
        this.loop.at(this.loop.nowUs + rtoUs, proc, () => sendSyn(rtoUs * 2));
      };
      const sendSyn = (rtoUs: number): void => {
        if (this.isBlocked(from, dest)) return retransmitOrTimeOut(rtoUs);
        const there = this.loop.nowUs + this.drawLatencyUs(from, dest);
        this.loop.at(there, null, () => arrive(rtoUs));
      };
      const arrive = (rtoUs: number): void => {
        if (this.isBlocked(from, dest)) return retransmitOrTimeOut(rtoUs);
        const l = this.findListener(dest, family, addr, port);
        const back = this.loop.nowUs + this.drawLatencyUs(dest, from);
        if (l === null) {
          this.loop.at(back, proc, () => fail(family === 'unix' ? 'ENOENT' : 'ECONNREFUSED',
            family === 'unix' ? 'No such file or directory' : 'Connection refused'));
          return;
        }
        if (back - startUs > timeoutUs) return timeOut();
        const loopback = dest === from;
        const localIp = family === 'unix' ? '' : loopback ? addr : from.ip;
        const localPort = family === 'unix' ? 0 : from.nextPort++;
        const id = `c${this.nextConnId++}`;
        const client = new Endpoint(this, from, proc, `${id}:${from.name}>${dest.name}`, localIp, localPort, addr, port, family === 'unix');
        const server = new Endpoint(this, dest, l.process, `${id}:${dest.name}<${from.name}`, addr, port, localIp, localPort, family === 'unix');
        server.lendsChunks = true;
        this.join(client, server);
        this.trace.add(`net ${id} established ${from.name}:${localPort} -> ${dest.name}:${port}`);
        this.loop.at(this.loop.nowUs, l.process, () => {
          if (server.closed) return;
          l.onConnection(server);
          server.accepted = true;
          this.pump(server);
        });
        this.loop.at(back, proc, () => {
          // Reset (or closed by the peer's crash) before the handshake completed.
          if (client.closed) return fail('ECONNRESET', 'Connection reset by peer');
          client.accepted = true;
          resolve(client);
          this.pump(client);
        });
      };
      sendSyn(1_000_000);
    });
  }

  private join(a: Endpoint, b: Endpoint): void {
    a.peer = b;
    b.peer = a;
    a.out = b.inp = new Pipe(a, b);
    b.out = a.inp = new Pipe(b, a);
    a.host.endpoints.add(a);
    b.host.endpoints.add(b);
  }

  // -------------------------------------------------------------------------------------------
  // Bytes

  /** Moves queued bytes into the send window; sends the FIN once everything queued has gone. */
  flush(ep: Endpoint): void {
    if (ep.closed) return;
    let room = this.opts.windowBytes - ep.out.inflightBytes;
    while (ep.pending.length > 0 && room > 0) {
      const head = ep.pending[0]!;
      const n = Math.min(head.length, room);
      if (n === head.length) ep.pending.shift();
      else ep.pending[0] = head.subarray(n);
      ep.pendingBytes -= n;
      room -= n;
      this.transmit(ep.out, 'data', n === head.length ? head : head.subarray(0, n));
    }
    if (ep.pendingBytes === 0) {
      if (ep.endCalled && !ep.finSent) {
        ep.finSent = true;
        this.transmit(ep.out, 'fin', null);
        this.checkClosed(ep);
      }
      if (ep.wantDrain) {
        ep.wantDrain = false;
        this.loop.after(0, ep.process, () => { if (!ep.closed) ep.onDrain(); });
      }
    }
  }

  transmit(pipe: Pipe, kind: Segment['kind'], data: Buffer | null): void {
    const pieces: Array<Buffer | null> = [];
    if (data === null) pieces.push(null);
    else {
      pipe.inflightBytes += data.length;
      let rest = data;
      while (pieces.length < this.opts.maxSegments - 1 && rest.length > 1 && this.rng.float() < this.opts.splitProbability) {
        const cut = 1 + this.rng.int(rest.length - 1);
        pieces.push(rest.subarray(0, cut));
        rest = rest.subarray(cut);
      }
      pieces.push(rest);
    }
    for (const d of pieces) {
      const at = Math.max(this.loop.nowUs + this.drawLatencyUs(pipe.from.host, pipe.to.host), pipe.lastArriveUs);
      pipe.lastArriveUs = at;
      pipe.segs.push({ kind, data: d, arriveUs: at });
      this.scheduleDelivery(pipe, at);
    }
  }

  private scheduleDelivery(pipe: Pipe, atUs: number): void {
    // Owned by no process: the receiving kernel takes the bytes even while the process is paused.
    this.loop.at(atUs, null, () => this.deliver(pipe));
  }

  private deliver(pipe: Pipe): void {
    const to = pipe.to;
    if (pipe.segs.length === 0) return;
    if (this.isBlocked(pipe.from.host, to.host)) {
      this.stalled.add(pipe);
      return;
    }
    const now = this.loop.nowUs;
    let n = 0;
    while (n < pipe.segs.length && pipe.segs[n]!.arriveUs <= now) n++;
    if (n === 0) return;
    const arrived = pipe.segs.splice(0, n);
    for (const s of arrived) {
      if (to.closed) {
        if (s.data !== null) pipe.inflightBytes -= s.data.length;
        continue;
      }
      if (s.kind === 'data') {
        to.recv.push(s.data!);
        to.recvBytes += s.data!.length;
      } else if (s.kind === 'fin') {
        to.finReceived = true;
      } else {
        this.trace.add(`net ${to.id} reset by peer`);
        pipe.inflightBytes = 0;
        this.closeLocal(to);
      }
    }
    if (to.closed) {
      this.flush(pipe.from);
      return;
    }
    this.loop.at(now, to.process, () => this.pump(to));
  }

  /** Hands what arrived to the application (one data event), then notices EOF. */
  pump(ep: Endpoint): void {
    if (ep.closed || !ep.accepted) return;
    if (!ep.readPaused && ep.recvBytes > 0) {
      const chunk = ep.recv.length === 1 ? ep.recv[0]! : Buffer.concat(ep.recv);
      ep.recv = [];
      ep.recvBytes = 0;
      ep.inp.inflightBytes -= chunk.length;
      this.trace.add(`net ${ep.id} read ${chunk.length}B`);
      this.flush(ep.peer);
      ep.onData(chunk);
      if (ep.lendsChunks) chunk.fill(LENT_POISON);
    }
    if (ep.closed || ep.readPaused || ep.recvBytes > 0 || !ep.finReceived || ep.readEnded) return;
    ep.readEnded = true;
    this.trace.add(`net ${ep.id} eof`);
    ep.end();
    this.checkClosed(ep);
  }

  private checkClosed(ep: Endpoint): void {
    if (!ep.closed && ep.readEnded && ep.finSent) this.closeLocal(ep);
  }

  closeLocal(ep: Endpoint): void {
    if (ep.closed) return;
    ep.closed = true;
    ep.pending = [];
    ep.pendingBytes = 0;
    ep.recv = [];
    ep.recvBytes = 0;
    ep.inp.inflightBytes = 0;
    ep.host.endpoints.delete(ep);
    this.trace.add(`net ${ep.id} closed`);
    this.loop.after(0, ep.process, () => ep.onClose());
  }

  private linkKey(a: SimHost, b: SimHost): string {
    return a.name < b.name ? `${a.name}|${b.name}` : `${b.name}|${a.name}`;
  }

  private drawLatencyUs(a: SimHost, b: SimHost): number {
    const range = a === b ? this.opts.loopbackLatencyMs : this.latency.get(this.linkKey(a, b)) ?? this.opts.latencyMs;
    return Math.max(1, Math.round((range[0] + this.rng.float() * (range[1] - range[0])) * 1000));
  }
}

function describe(t: DialTarget): string {
  return 'path' in t ? t.path : `${t.host}:${t.port}`;
}
