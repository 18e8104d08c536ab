/**
 * A replica that only listens: it asks a master for a full resynchronization (PSYNC ? -1, no EOF
 * capability, so the snapshot comes with its length), skips the snapshot, and collects every
 * command of the replication stream that follows. Differential tests compare what two masters
 * propagate for the same commands. The master's PINGs (sent on a timer) are dropped.
 */
import net from 'node:net';
import { parseReply, type Decoded } from '../../helpers/resp-client.js';

export class ReplicationTap {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'reply' | 'length' | 'snapshot' | 'stream' = 'reply';
  private snapshotLeft = 0;
  /** The commands received so far, as text arguments (latin1). */
  readonly commands: string[][] = [];
  private waiters: Array<() => void> = [];

  /** True once the master closed the link. */
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /**
   * Resolves once the snapshot has been received and the stream begun. Wait for it before a
   * FLUSHALL: Redis's FLUSHALL kills a running BGSAVE, and with it the sync of the replicas
   * waiting for that BGSAVE, which it disconnects.
   */
  async streaming(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.state !== 'stream') {
      if (this.closed) throw new Error('replication tap: the master closed the link during the sync');
      if (Date.now() > deadline) throw new Error(`replication tap: no snapshot within ${timeoutMs} ms (state ${this.state})`);
      await this.changed(deadline);
    }
  }

  private changed(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      this.waiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  static open(port: number): Promise<ReplicationTap> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.off('error', reject);
        s.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
        resolve(new ReplicationTap(s));
      });
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.state === 'reply' || this.state === 'length') {
        // Newlines keep the link alive while the master prepares the snapshot.
        let start = 0;
        while (start < this.buf.length && this.buf[start] === 10) start++;
        const nl = this.buf.indexOf('\r\n', start);
        if (nl < 0) { this.buf = this.buf.subarray(start); return; }
        const line = this.buf.toString('latin1', start, nl);
        this.buf = this.buf.subarray(nl + 2);
        if (this.state === 'reply') {
          if (!line.startsWith('+FULLRESYNC')) throw new Error(`replication tap: unexpected reply ${line}`);
          this.state = 'length';
        } else {
          if (!line.startsWith('$')) throw new Error(`replication tap: unexpected snapshot header ${line}`);
          this.snapshotLeft = Number(line.slice(1));
          this.state = 'snapshot';
        }
        continue;
      }
      if (this.state === 'snapshot') {
        const take = Math.min(this.snapshotLeft, this.buf.length);
        this.snapshotLeft -= take;
        this.buf = this.buf.subarray(take);
        if (this.snapshotLeft > 0) return;
        this.state = 'stream';
        for (const w of this.waiters.splice(0)) w();
        continue;
      }
      const r = parseReply(this.buf, 0);
      if (r === null) return;
      this.buf = this.buf.subarray(r[1]);
      const v = r[0];
      if (!Array.isArray(v)) throw new Error(`replication tap: not a command: ${JSON.stringify(v)}`);
      const cmd = (v as Decoded[]).map(String);
      if (cmd[0]!.toUpperCase() !== 'PING') this.commands.push(cmd);
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves to the index of the first command from `fromIndex` on that satisfies `pred`, once it has arrived. */
  async until(pred: (cmd: string[]) => boolean, fromIndex: number, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = fromIndex; i < this.commands.length; i++) if (pred(this.commands[i]!)) return i;
      if (this.closed) throw new Error(`replication tap: the master closed the link (state ${this.state}, ${this.commands.length} commands)`);
      if (Date.now() > deadline) {
        const last = this.commands.slice(-3).map((c) => c.join(' ')).join(' | ');
        throw new Error(`replication tap: timed out waiting for a command (state ${this.state}, ${this.commands.length} commands, last: ${last}, ${this.buf.length} bytes unparsed)`);
      }
      await this.changed(deadline);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
