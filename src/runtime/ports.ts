/**
 * The environment a node runs in, as small interfaces (DESIGN.md principle 2). Everything that
 * reads the clock, draws randomness, touches sockets or files, or schedules work goes through these
 * ports. `runtime/node/` implements them with Node's APIs; the simulator implements them virtually.
 * Core code never imports node:net, node:fs or timers, and never calls Date.now or Math.random.
 */

export interface Clock {
  /** Wall-clock milliseconds since the epoch (what Redis's mstime() is). */
  nowMs(): number;
  /** Monotonic microseconds, for durations (SLOWLOG, LATENCY, command stats). */
  monotonicUs(): number;
  /** Wall-clock microseconds since the epoch (Redis's ustime(): TIME, MONITOR, INFO server_time_usec). */
  nowUs(): number;
}

export interface Random {
  /** Uniform float in [0, 1). */
  float(): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

/**
 * The longest delay `Scheduler.after` honours: Node fires a longer timer after 1 ms, so callers
 * waiting longer clamp to this and re-arm (or accept the earlier wake-up).
 */
export const MAX_TIMER_MS = 0x7fffffff;

/** Periodic and deferred work. Handles are cancelled by calling them. */
export interface Scheduler {
  every(ms: number, fn: () => void): () => void;
  /** Runs fn after the current batch of I/O (setImmediate). */
  soon(fn: () => void): () => void;
  /** Runs fn once, `ms` from now (a deadline's wake-up; never keeps a process alive). */
  after(ms: number, fn: () => void): () => void;
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** A raw sink for finished log lines; formatting lives in server/log.ts. */
export interface LogSink {
  write(line: string): void;
}

/** One accepted or dialled byte stream (TCP or unix socket). */
export interface Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly isUnixSocket: boolean;
  /** Queues bytes for sending. */
  write(data: Buffer): void;
  /** Bytes queued and not yet handed to the kernel. */
  pendingWriteBytes(): number;
  setNoDelay(on: boolean): void;
  /**
   * TCP keepalive probes once the connection has been idle for `seconds` (0: off), as Redis's
   * anetKeepAlive for `tcp-keepalive`; nothing on a unix socket or a simulated link.
   */
  setKeepAlive(seconds: number): void;
  /** Stops / restarts delivering data events (used while a client is paused or blocked). */
  pauseReading(): void;
  resumeReading(): void;
  /** Flushes what is queued, then closes. */
  end(): void;
  /** Closes at once, dropping queued output. */
  destroy(): void;
  /**
   * True when `onData`'s chunk is lent: a view of a buffer the transport reuses once `onData`
   * returns, so a consumer copies whatever it keeps (accepted TCP connections read into one
   * shared buffer, see runtime/node/tcp.ts). False: the chunk is the consumer's to keep.
   */
  readonly lendsChunks: boolean;
  onData: (chunk: Buffer) => void;
  onClose: () => void;
  onDrain: () => void;
}

export interface ListenOptions {
  host?: string;
  port?: number;
  path?: string;
  backlog?: number;
  /** Octal permission bits for a unix socket. */
  permissions?: number;
  /**
   * Told of an accept that failed (the system's text, e.g. `Too many open files`); the listener
   * keeps accepting. Without it such failures pass unreported.
   */
  onAcceptError?: (reason: string) => void;
}

export interface Listener {
  readonly address: { host: string; port: number } | { path: string };
  close(): Promise<void>;
}

/** Where an outgoing connection goes: a TCP host and port, or a unix socket path. */
/**
 * Where to dial: a TCP address, optionally from a given local address (`bind-source-addr`, bound
 * on a best-effort basis as Redis's anetTcpNonBlockBestEffortBindConnect: if it cannot be bound,
 * the connection is made from any address), or a unix socket.
 */
export type DialTarget = { host: string; port: number; localAddress?: string } | { path: string };

export interface Transport {
  listen(opts: ListenOptions, onConnection: (c: Connection) => void): Promise<Listener>;
  /**
   * Opens an outgoing connection (a replica dialling its master, a sentinel its instances).
   * Rejects with an Error whose `message` is the system's text (e.g. `Connection refused`)
   * when it cannot connect within `timeoutMs`, counted from when a host name is resolved (as
   * Redis resolves with a blocking getaddrinfo before its timed connect).
   */
  connect(target: DialTarget, timeoutMs: number): Promise<Connection>;
}

/** What `FileSystem.stat` tells about a path. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/**
 * An open file, written sequentially. Writes go to the operating system at once (synchronously,
 * so their order and the bytes counted are exact); durability needs `sync()`, which runs off the
 * event loop.
 */
export interface FileHandle {
  write(data: Buffer): void;
  /** Bytes written through this handle plus the size the file had when opened for append. */
  size(): number;
  /** fsync: resolves once what was written is durable. */
  sync(): Promise<void>;
  /**
   * fsync on the calling thread, throwing on failure: only for appendfsync always, where the
   * reply must not leave before the data is durable (Redis also fsyncs on its main thread there).
   */
  syncNow(): void;
  close(): void;
}

/**
 * The files a node reads and writes (RDB, AOF, config rewrite, nodes.conf). Paths are as the
 * configuration gives them, relative to the node's working directory. Errors are thrown as
 * Errors whose `code` is the errno name (ENOENT, EACCES...) and whose `message` is the system's
 * text, which Redis's log lines quote. The simulator implements it in memory, with a notion of
 * what was synced, so that crashes lose exactly the unsynced tail.
 */
export interface FileSystem {
  /** The whole file, or null when it does not exist. */
  readFile(path: string): Buffer | null;
  /** Opens for writing from the start (`w`, truncates or creates) or at the end (`a`). */
  open(path: string, mode: 'w' | 'a'): FileHandle;
  /** Atomically replaces `to` by `from`. */
  rename(from: string, to: string): void;
  /** Removes a file; no error when it does not exist. */
  unlink(path: string): void;
  stat(path: string): FileStat | null;
  /** Creates a directory (and its parents); no error when it exists. */
  mkdir(path: string): void;
  /** Names in a directory, sorted; empty when it does not exist. */
  readdir(path: string): string[];
}

/** What a child process ended with: its exit code, or the number of the signal that killed it. */
export interface ChildExit {
  /** Exit status (0 when killed by a signal). */
  code: number;
  /** Signal number that ended it (SIGKILL is 9), 0 when it exited by itself. */
  signal: number;
}

/** A started child process. */
export interface ChildHandle {
  /** Its process id (0 when it could not be started at all). */
  readonly pid: number;
  /** Sends SIGKILL (a no-op once it has ended). */
  kill(): void;
}

/**
 * Starting external programs (Sentinel's notification and client-reconfig scripts). A program is
 * run directly from its path with the given argv and the parent's environment, as execve does; no
 * shell. `onExit` is called once, asynchronously, when it ends. A program that cannot be started
 * (missing, not executable) ends with code 2 and no signal, as a forked child whose execve fails
 * does in Redis. The simulator implements it without processes.
 */
export interface ProcessRunner {
  spawn(argv: readonly string[], onExit: (e: ChildExit) => void): ChildHandle;
  /** access(path, X_OK): the path exists and may be executed by this process. */
  isExecutable(path: string): boolean;
}

/** Memory of the process, in bytes (Node's process.memoryUsage()), for INFO memory. */
export interface MemoryUsage {
  /** Resident set size. */
  rss: number;
  /** JS heap reserved / in use, and memory of C++ objects bound to JS (Buffers live there). */
  heapTotal: number;
  heapUsed: number;
  external: number;
}

/** CPU time the process has used, in microseconds (process.cpuUsage()), for INFO cpu. */
export interface CpuUsage {
  userUs: number;
  systemUs: number;
}

/** Static facts about the host and the runtime, for INFO server / memory. */
export interface HostInfo {
  /** `uname -s -r -m`, as Redis prints it in `os:`. */
  os: string;
  archBits: number;
  /** The I/O multiplexing API of the event loop (libuv: epoll on Linux, kqueue on BSD/macOS). */
  multiplexingApi: string;
  /** Absolute path of the program that was started (INFO `executable:`). */
  executable: string;
  totalSystemMemory: number;
}

/** Everything a node needs from its environment. */
export interface Environment {
  clock: Clock;
  random: Random;
  scheduler: Scheduler;
  transport: Transport;
  fs: FileSystem;
  /** Child processes (Sentinel scripts). */
  processes: ProcessRunner;
  /** Process id shown in logs and INFO (the simulator invents one). */
  pid: number;
  /** Current memory figures of the process (the simulator reports fixed numbers). */
  memory(): MemoryUsage;
  /** CPU time used so far by the process. */
  cpu(): CpuUsage;
  host: HostInfo;
}
