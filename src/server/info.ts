/**
 * INFO's text: Redis 7.0's sections, in Redis's order, with its field names and `\r\n` lines
 * (genRedisInfoString). Field sets are pinned against a real redis-server 7.0 by
 * test/interop/info.test.ts; values are Garrison's own and honest — what Garrison cannot measure
 * yet (forks, defragmentation, I/O threads, replication until it lands...) reads 0 and is listed in
 * docs/compatibility.md.
 *
 * Per-server INFO state (latency histograms, memory peak, the replication id, the providers other
 * modules plug in) hangs off the Server through a WeakMap, so many servers can live in one process.
 * Subsystems that own a section's truth (replication, persistence, cluster) replace that section's
 * lines through `infoState(server).sections`; counters owned by other modules (blocked clients,
 * pub/sub channels...) come through `infoState(server).counters`.
 */
import { formatBinaryFixed, splitDouble } from '../lib/decimal.js';
import type { Command } from '../commands/registry.js';
import type { Reply } from '../protocol/reply.js';
import type { Client } from './client.js';
import type { Server } from './server.js';
import type { Sampler } from './stats.js';

/** The Redis version Garrison reports, so clients and tools that branch on it behave as with 7.0. */
export const REDIS_VERSION = '7.0.15';
/** Garrison's own version (kept equal to package.json's by a unit test). */
export const GARRISON_VERSION = '0.1.0';

export type InfoSection =
  | 'server' | 'clients' | 'memory' | 'persistence' | 'stats' | 'replication' | 'cpu' | 'modules'
  | 'commandstats' | 'errorstats' | 'latencystats' | 'cluster' | 'keyspace';

/** Every section, in the order Redis prints them, with its header. */
export const SECTIONS: ReadonlyArray<readonly [InfoSection, string]> = [
  ['server', 'Server'], ['clients', 'Clients'], ['memory', 'Memory'], ['persistence', 'Persistence'],
  ['stats', 'Stats'], ['replication', 'Replication'], ['cpu', 'CPU'], ['modules', 'Modules'],
  ['commandstats', 'Commandstats'], ['errorstats', 'Errorstats'], ['latencystats', 'Latencystats'],
  ['cluster', 'Cluster'], ['keyspace', 'Keyspace'],
];

/** What `INFO` and `INFO default` print (everything but commandstats and latencystats). */
const DEFAULT_SECTIONS: ReadonlySet<string> = new Set([
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list', 'errorstats', 'cluster', 'keyspace',
]);

/** Counts owned by other modules; each returns 0 until its module installs a provider. */
export interface InfoCounters {
  blockedClients(): number;
  clientsInTimeoutTable(): number;
  trackingClients(): number;
  pubsubChannels(): number;
  pubsubPatterns(): number;
  pubsubShardChannels(): number;
  evictedKeys(): number;
  cachedScripts(): number;
  /** Bytes held by the replication backlog. */
  replBacklogMemory(): number;
}

export class InfoState {
  readonly counters: InfoCounters = {
    blockedClients: () => 0, clientsInTimeoutTable: () => 0, trackingClients: () => 0, pubsubChannels: () => 0,
    pubsubPatterns: () => 0, pubsubShardChannels: () => 0, evictedKeys: () => 0, cachedScripts: () => 0,
    replBacklogMemory: () => 0,
  };
  /** ROLE's reply when replication provides it (null: a master without replicas). */
  roleReply: (() => Reply) | null = null;
  /** Whole sections provided by the subsystem that owns them: lines without the `# Header`. */
  readonly sections = new Map<InfoSection, () => string[]>();
  /**
   * The RDB share of the persistence section (server/persistence.ts): the lines from `loading:`
   * to `rdb_last_load_keys_loaded:`, and the `loading_*` lines Redis appends while loading.
   */
  rdbInfo: { lines(): string[]; loadingLines(): string[] } | null = null;
  /**
   * The AOF share (server/aof.ts): the lines from `aof_enabled:` to `module_fork_last_cow_size:`
   * (plus the aof_* sizes when on), and the load in progress, which sets `loading:1` and the
   * `loading_*` lines.
   */
  aofInfo: { lines(): string[]; loading(): LoadProgress | null } | null = null;
  /** used_memory when the server was set up, and the highest value seen since. */
  startupMemory = 0;
  peakMemory = 0;
  /** This node's replication id as a master (40 hex chars, drawn at startup like Redis's). */
  readonly masterReplId: string;

  constructor(server: Server) {
    this.masterReplId = server.env.random.bytes(20).toString('hex');
    this.startupMemory = usedMemory(server);
    this.peakMemory = this.startupMemory;
  }
}

const STATES = new WeakMap<Server, InfoState>();

/** The INFO state of `server` (created on first use). */
export function infoState(server: Server): InfoState {
  let s = STATES.get(server);
  if (s === undefined) STATES.set(server, (s = new InfoState(server)));
  return s;
}

/** Per-server setup: samples the memory peak on the tick. (Latency histograms: latency.ts.) */
export function installInfo(server: Server): void {
  const state = infoState(server);
  server.tickHandlers.push(() => { updatePeak(server, state); });
}

/** CONFIG RESETSTAT's share: command statistics and their latency histograms. */
export function resetCommandStats(server: Server): void {
  const reset = (cmd: Command<Client>): void => {
    cmd.calls = 0;
    cmd.usec = 0;
    cmd.failedCalls = 0;
    cmd.rejectedCalls = 0;
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) reset(sub);
  };
  for (const cmd of server.commands.all()) reset(cmd);
  for (const cmd of server.commands.all()) {
    cmd.histogram = null;
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) sub.histogram = null;
  }
}

/**
 * Which sections `INFO arg...` asks for (Redis's genInfoSectionDict): names are case-insensitive,
 * `default`, `all` (default + commandstats + latencystats) and `everything` (all + module
 * sections); no argument means default; unknown names select nothing.
 */
export function selectSections(args: readonly string[]): (s: InfoSection) => boolean {
  const names = new Set<string>();
  let all = false;
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const d of DEFAULT_SECTIONS) names.add(d);
    else if (l === 'all' || l === 'everything') all = true;
    else names.add(l);
  }
  if (names.size === 0) for (const d of DEFAULT_SECTIONS) names.add(d);
  return (s) => all || names.has(s) || (s === 'modules' && names.has('module_list'));
}

/** The full INFO text for `args` (the INFO command's arguments). */
export function genInfoString(server: Server, args: readonly string[]): string {
  const wanted = selectSections(args);
  const state = infoState(server);
  let out = '';
  for (const [name, header] of SECTIONS) {
    if (!wanted(name)) continue;
    const provided = state.sections.get(name);
    const lines = provided !== undefined ? provided() : SECTION_BUILDERS[name](server, state);
    if (out !== '') out += '\r\n';
    out += `# ${header}\r\n`;
    for (const l of lines) out += `${l}\r\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sections

const SECTION_BUILDERS: Record<InfoSection, (server: Server, state: InfoState) => string[]> = {
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: persistenceSection,
  stats: statsSection,
  replication: replicationSection,
  cpu: cpuSection,
  modules: () => [],
  commandstats: commandStatsSection,
  errorstats: errorStatsSection,
  latencystats: latencyStatsSection,
  cluster: () => ['cluster_enabled:0'],
  keyspace: keyspaceSection,
};

function serverSection(server: Server): string[] {
  const env = server.env;
  const nowUs = env.clock.nowUs();
  const uptimeS = Math.floor(nowUs / 1_000_000) - Math.floor(server.stats.startMs / 1000);
  const hz = cfgNumber(server, 'hz', 10);
  const configFile = (server.config as { configFile?: string | null }).configFile ?? '';
  return [
    `redis_version:${REDIS_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    'redis_build_id:0',
    `redis_mode:${server.mode}`,
    `os:${env.host.os}`,
    `arch_bits:${env.host.archBits}`,
    'monotonic_clock:POSIX clock_gettime',
    `multiplexing_api:${env.host.multiplexingApi}`,
    'atomicvar_api:none',
    'gcc_version:0.0.0',
    `process_id:${env.pid}`,
    'process_supervised:no',
    `run_id:${server.runId}`,
    `tcp_port:${tcpPort(server)}`,
    `server_time_usec:${nowUs}`,
    `uptime_in_seconds:${uptimeS}`,
    `uptime_in_days:${Math.floor(uptimeS / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    // Redis's LRU clock: seconds, modulo 2^24 (LRU_CLOCK_RESOLUTION 1000 ms).
    `lru_clock:${Math.floor(nowUs / 1_000_000) % 16777216}`,
    `executable:${env.host.executable}`,
    `config_file:${configFile}`,
    'io_threads_active:0',
    `garrison_version:${GARRISON_VERSION}`,
  ];
}

function clientsSection(server: Server, state: InfoState): string[] {
  let replicas = 0;
  let maxIn = 0;
  let maxOut = 0;
  for (const c of server.clients.values()) {
    if (isReplica(c)) replicas++;
    maxIn = Math.max(maxIn, c.parser.pendingBytes());
    maxOut = Math.max(maxOut, c.outputPending());
  }
  return [
    `connected_clients:${server.clients.size - replicas}`,
    'cluster_connections:0',
    `maxclients:${cfgNumber(server, 'maxclients', 10000)}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    `blocked_clients:${state.counters.blockedClients()}`,
    `tracking_clients:${state.counters.trackingClients()}`,
    `clients_in_timeout_table:${state.counters.clientsInTimeoutTable()}`,
  ];
}

/**
 * Memory, mapped onto Node's figures: used_memory is what the JS heap and the C++ side
 * (Buffers) hold (heapUsed + external), the "allocator" is V8's heap (active = heapTotal +
 * external) and resident is the process RSS. The replication backlog's share comes from the
 * replication module; Lua and functions do not exist and read 0, and so does mem_aof_buffer (Redis
 * reports the allocation behind its AOF buffer, which Garrison does not have).
 */
function memorySection(server: Server, state: InfoState): string[] {
  const m = server.env.memory();
  const used = m.heapUsed + m.external;
  const active = m.heapTotal + m.external;
  const rss = m.rss;
  updatePeak(server, state, used);
  let normal = 0;
  let replicas = 0;
  for (const c of server.clients.values()) {
    const bytes = c.parser.pendingBytes() + c.outputPending();
    if (isReplica(c)) replicas += bytes;
    else normal += bytes;
  }
  const overhead = Math.min(used, state.startupMemory + normal + replicas);
  const dataset = used - overhead;
  const netUsage = used > state.startupMemory ? used - state.startupMemory : 1;
  const maxmemory = cfgNumber(server, 'maxmemory', 0);
  const policy = cfgString(server, 'maxmemory-policy', 'noeviction');
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${bytesToHuman(rss)}`,
    `used_memory_peak:${state.peakMemory}`,
    `used_memory_peak_human:${bytesToHuman(state.peakMemory)}`,
    `used_memory_peak_perc:${formatFixed(Math.fround((used * 100) / state.peakMemory), 2)}%`,
    `used_memory_overhead:${overhead}`,
    `used_memory_startup:${state.startupMemory}`,
    `used_memory_dataset:${dataset}`,
    `used_memory_dataset_perc:${formatFixed(Math.fround((dataset * 100) / netUsage), 2)}%`,
    `allocator_allocated:${used}`,
    `allocator_active:${active}`,
    `allocator_resident:${rss}`,
    `total_system_memory:${server.env.host.totalSystemMemory}`,
    `total_system_memory_human:${bytesToHuman(server.env.host.totalSystemMemory)}`,
    'used_memory_lua:0',
    'used_memory_vm_eval:0',
    'used_memory_lua_human:0B',
    'used_memory_scripts_eval:0',
    `number_of_cached_scripts:${state.counters.cachedScripts()}`,
    'number_of_functions:0',
    'number_of_libraries:0',
    'used_memory_vm_functions:0',
    'used_memory_vm_total:0',
    'used_memory_vm_total_human:0B',
    'used_memory_functions:0',
    'used_memory_scripts:0',
    'used_memory_scripts_human:0B',
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${policy}`,
    `allocator_frag_ratio:${ratio(active, used)}`,
    `allocator_frag_bytes:${active - used}`,
    `allocator_rss_ratio:${ratio(rss, active)}`,
    `allocator_rss_bytes:${rss - active}`,
    'rss_overhead_ratio:1.00',
    'rss_overhead_bytes:0',
    `mem_fragmentation_ratio:${ratio(rss, used)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    'mem_not_counted_for_evict:0',
    `mem_replication_backlog:${state.counters.replBacklogMemory()}`,
    `mem_total_replication_buffers:${state.counters.replBacklogMemory()}`,
    `mem_clients_slaves:${replicas}`,
    `mem_clients_normal:${normal}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    'lazyfree_pending_objects:0',
    'lazyfreed_objects:0',
  ];
}

/** What INFO shows of a load in progress. */
export interface LoadProgress {
  readonly startedAtMs: number;
  readonly totalBytes: number;
  loadedBytes(): number;
}

/**
 * The RDB lines come from the persistence module when installed; without it nothing has been
 * saved or loaded and changes since start are ks.dirty. The AOF lines come from the AOF module.
 */
function persistenceSection(server: Server, state: InfoState): string[] {
  const rdb = state.rdbInfo;
  const rdbLines = rdb !== null ? rdb.lines() : rdbDefaultLines(server);
  const aof = state.aofInfo;
  const aofLoad = aof?.loading() ?? null;
  if (aofLoad !== null) return [...rdbLines.map((l) => (l === 'loading:0' ? 'loading:1' : l)), ...aof!.lines(), ...loadingProgressLines(server, aofLoad)];
  if (aof !== null) return [...rdbLines, ...aof.lines(), ...(rdb !== null ? rdb.loadingLines() : [])];
  return [
    ...rdbLines,
    'aof_enabled:0',
    'aof_rewrite_in_progress:0',
    'aof_rewrite_scheduled:0',
    'aof_last_rewrite_time_sec:-1',
    'aof_current_rewrite_time_sec:-1',
    'aof_last_bgrewrite_status:ok',
    'aof_rewrites:0',
    'aof_rewrites_consecutive_failures:0',
    'aof_last_write_status:ok',
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
    ...(rdb !== null ? rdb.loadingLines() : []),
  ];
}

/** The `loading_*` lines Redis appends to the section while a dataset loads (RDB or AOF). */
export function loadingProgressLines(server: Server, load: LoadProgress, rdbUsedMem = 0): string[] {
  const elapsedS = Math.floor((server.env.clock.nowMs() - load.startedAtMs) / 1000);
  const loaded = load.loadedBytes();
  const total = load.totalBytes;
  const eta = elapsedS > 0 && loaded > 0 ? Math.floor((total - loaded) / (loaded / elapsedS)) : 1;
  return [
    `loading_start_time:${Math.floor(load.startedAtMs / 1000)}`,
    `loading_total_bytes:${total}`,
    `loading_rdb_used_mem:${rdbUsedMem}`,
    `loading_loaded_bytes:${loaded}`,
    `loading_loaded_perc:${(total > 0 ? (loaded / total) * 100 : 0).toFixed(2)}`,
    `loading_eta_seconds:${eta}`,
  ];
}

function rdbDefaultLines(server: Server): string[] {
  return [
    'loading:0',
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    'current_save_keys_processed:0',
    'current_save_keys_total:0',
    `rdb_changes_since_last_save:${server.ks.dirty}`,
    'rdb_bgsave_in_progress:0',
    // Redis starts its "last save" clock when the server starts.
    `rdb_last_save_time:${Math.floor(server.stats.startMs / 1000)}`,
    'rdb_last_bgsave_status:ok',
    'rdb_last_bgsave_time_sec:-1',
    'rdb_current_bgsave_time_sec:-1',
    'rdb_saves:0',
    'rdb_last_cow_size:0',
    'rdb_last_load_keys_expired:0',
    'rdb_last_load_keys_loaded:0',
  ];
}

/** An instantaneous byte rate as Redis prints it: whole bytes per second / 1024, as a float, two decimals. */
function kbps(sampler: Sampler): string {
  return formatFixed(Math.fround(Math.floor(sampler.average()) / 1024), 2);
}

function statsSection(server: Server, state: InfoState): string[] {
  const st = server.stats;
  const ks = server.ks.stats;
  const c = state.counters;
  return [
    `total_connections_received:${st.totalConnectionsReceived}`,
    `total_commands_processed:${st.totalCommandsProcessed}`,
    `instantaneous_ops_per_sec:${Math.floor(st.opsSampler.average())}`,
    `total_net_input_bytes:${st.netInputBytes}`,
    `total_net_output_bytes:${st.netOutputBytes}`,
    `total_net_repl_input_bytes:${st.netReplInputBytes}`,
    `total_net_repl_output_bytes:${st.netReplOutputBytes}`,
    `instantaneous_input_kbps:${kbps(st.inputSampler)}`,
    `instantaneous_output_kbps:${kbps(st.outputSampler)}`,
    `instantaneous_input_repl_kbps:${kbps(st.replInputSampler)}`,
    `instantaneous_output_repl_kbps:${kbps(st.replOutputSampler)}`,
    `rejected_connections:${st.rejectedConnections}`,
    `sync_full:${st.syncFull}`,
    `sync_partial_ok:${st.syncPartialOk}`,
    `sync_partial_err:${st.syncPartialErr}`,
    `expired_keys:${ks.expiredKeys}`,
    `expired_stale_perc:${formatFixed(ks.expiredStalePerc * 100, 2)}`,
    `expired_time_cap_reached_count:${ks.expiredTimeCapReachedCount}`,
    `expire_cycle_cpu_milliseconds:${Math.floor(ks.expireCycleCpuMs)}`,
    `evicted_keys:${c.evictedKeys()}`,
    'evicted_clients:0',
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${ks.keyspaceHits}`,
    `keyspace_misses:${ks.keyspaceMisses}`,
    `pubsub_channels:${c.pubsubChannels()}`,
    `pubsub_patterns:${c.pubsubPatterns()}`,
    `pubsubshard_channels:${c.pubsubShardChannels()}`,
    'latest_fork_usec:0',
    'total_forks:0',
    `migrate_cached_sockets:${server.migrateLinks.size}`,
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${server.tracking.totalKeys}`,
    `tracking_total_items:${server.tracking.totalItemsCount}`,
    `tracking_total_prefixes:${server.tracking.prefixTable.size}`,
    `unexpected_error_replies:${st.unexpectedErrorReplies}`,
    `total_error_replies:${st.totalErrorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${st.totalReadsProcessed}`,
    `total_writes_processed:${st.totalWritesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

/** A master without replicas or backlog (replication replaces this section when it lands). */
function replicationSection(server: Server, state: InfoState): string[] {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${state.masterReplId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    `repl_backlog_size:${cfgNumber(server, 'repl-backlog-size', 1048576)}`,
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

/** CPU time of the whole Node process (the JS main thread and libuv's pool): no forked children. */
function cpuSection(server: Server): string[] {
  const cpu = server.env.cpu();
  const sys = seconds6(cpu.systemUs);
  const user = seconds6(cpu.userUs);
  return [
    `used_cpu_sys:${sys}`,
    `used_cpu_user:${user}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${sys}`,
    `used_cpu_user_main_thread:${user}`,
  ];
}

/** Commands (and subcommands, as `cmdstat_container|sub`) that were called, failed or rejected. */
function commandStatsSection(server: Server): string[] {
  const out: string[] = [];
  const visit = (cmd: Command<Client>): void => {
    if (cmd.calls !== 0 || cmd.failedCalls !== 0 || cmd.rejectedCalls !== 0) {
      const usec = Math.floor(cmd.usec);
      // Redis divides as C floats: (float)microseconds / calls.
      const perCall = cmd.calls === 0 ? 0 : Math.fround(Math.fround(usec) / cmd.calls);
      out.push(`cmdstat_${safeInfoString(cmd.fullName)}:calls=${cmd.calls},usec=${usec},usec_per_call=${formatFixed(perCall, 2)},` +
        `rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`);
    }
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) visit(sub);
  };
  for (const cmd of server.commands.all()) visit(cmd);
  return out;
}

/** Error codes in byte order (Redis keeps them in a radix tree). */
function errorStatsSection(server: Server): string[] {
  return [...server.stats.errors.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([code, n]) => `errorstat_${safeInfoString(code)}:count=${n}`);
}

/** `latency_percentiles_usec_<cmd>:p50=..,p99=..` for every command with a histogram. */
function latencyStatsSection(server: Server): string[] {
  const percentiles = latencyPercentiles(server);
  const out: string[] = [];
  const visit = (cmd: Command<Client>): void => {
    const h = cmd.histogram;
    if (h !== null) {
      const parts = percentiles.map((p) => `p${trimDouble(formatFixed(p, 6))}=${formatFixed(h.valueAtPercentile(p) / 1000, 3)}`);
      out.push(`latency_percentiles_usec_${safeInfoString(cmd.fullName)}:${parts.join(',')}`);
    }
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) visit(sub);
  };
  for (const cmd of server.commands.all()) visit(cmd);
  return out;
}

function keyspaceSection(server: Server): string[] {
  const out: string[] = [];
  for (const db of server.ks.dbs) {
    const keys = db.dict.size;
    const expires = db.expires.size;
    if (keys === 0 && expires === 0) continue;
    out.push(`db${db.id}:keys=${keys},expires=${expires},avg_ttl=${Math.floor(db.avgTtl)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isReplica(c: Client): boolean {
  return c.roleFlags.includes('S') && !c.isMonitor;
}

export function usedMemory(server: Server): number {
  const m = server.env.memory();
  return m.heapUsed + m.external;
}

function updatePeak(server: Server, state: InfoState, used = usedMemory(server)): void {
  if (used > state.peakMemory) state.peakMemory = used;
}

function tcpPort(server: Server): number {
  const configured = cfgNumber(server, 'port', 0);
  if (configured !== 0) return configured;
  for (const l of server.listeners) if ('port' in l.address) return l.address.port;
  return 0;
}


function latencyPercentiles(server: Server): number[] {
  if (server.config.def('latency-tracking-info-percentiles') === undefined) return [50, 99, 99.9];
  const v = server.config.get('latency-tracking-info-percentiles');
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') return v.split(' ').filter((s) => s !== '').map(Number);
  return [50, 99, 99.9];
}

function cfgNumber(server: Server, name: string, fallback: number): number {
  if (server.config.def(name) === undefined) return fallback;
  const v = server.config.get(name);
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : fallback;
}

function cfgString(server: Server, name: string, fallback: string): string {
  if (server.config.def(name) === undefined) return fallback;
  const v = server.config.get(name);
  return typeof v === 'string' ? v : fallback;
}

/** Redis's getSafeInfoString: ':' ',' CR and LF would break the `field:value` format. */
export function safeInfoString(s: string): string {
  return /[:\r\n,]/.test(s) ? s.replace(/[:\r\n,]/g, '_') : s;
}

/** "%.2f" of a/b, as Redis prints its memory ratios. */
function ratio(a: number, b: number): string {
  return formatFixed(Math.fround(b === 0 ? 0 : a / b), 2);
}

/** `%ld.%06ld` of a microsecond count. */
function seconds6(us: number): string {
  const n = Math.floor(us);
  return `${Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, '0')}`;
}

/** Redis's bytesToHuman: B below 1 KiB, then K M G T P with two decimals. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  let scale = 1024;
  for (const unit of ['K', 'M', 'G', 'T', 'P']) {
    if (n < scale * 1024) return `${formatFixed(n / scale, 2)}${unit}`;
    scale *= 1024;
  }
  return `${n}B`;
}

/** Redis's trimDoubleString: "99.900000" -> "99.9", "50.000000" -> "50". */
function trimDouble(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s[end - 1] === '0') end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/**
 * printf("%.<digits>f") of a double: the exact binary value rounded half-to-even, as glibc does
 * (Number.prototype.toFixed rounds exact ties away from zero: 0.125 -> "0.13" where C prints "0.12").
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const { neg, mant, exp } = splitDouble(x);
  return formatBinaryFixed(neg, mant, exp, digits);
}
