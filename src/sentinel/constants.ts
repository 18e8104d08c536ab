/** Sentinel's fixed periods and defaults (Redis 7.0 sentinel.c's SENTINEL_* constants), in ms. */
export const INFO_PERIOD_MS = 10_000;
export const PING_PERIOD_MS = 1_000;
export const ASK_PERIOD_MS = 1_000;
export const PUBLISH_PERIOD_MS = 2_000;
export const DEFAULT_DOWN_AFTER_MS = 30_000;
export const HELLO_CHANNEL = '__sentinel__:hello';
export const TILT_TRIGGER_MS = 2_000;
export const TILT_PERIOD_MS = PING_PERIOD_MS * 30;
export const DEFAULT_REPLICA_PRIORITY = 100;
export const REPLICA_RECONF_TIMEOUT_MS = 10_000;
export const DEFAULT_PARALLEL_SYNCS = 1;
export const MIN_LINK_RECONNECT_PERIOD_MS = 15_000;
export const DEFAULT_FAILOVER_TIMEOUT_MS = 60 * 3 * 1000;
export const MAX_PENDING_COMMANDS = 100;
export const ELECTION_TIMEOUT_MS = 10_000;
/** Upper bound of the random delay added to a failover start, so that sentinels do not collide. */
export const MAX_DESYNC_MS = 1_000;
export const DEFAULT_PORT = 26379;
/** Scripts (notification and client-reconfig): queue and concurrency limits, retries, defaults. */
export const SCRIPT_MAX_QUEUE = 256;
export const SCRIPT_MAX_RUNNING = 16;
export const SCRIPT_MAX_RETRY = 10;
/** Most argv entries a script job keeps, its path included. */
export const SCRIPT_MAX_ARGS = 16;
export const SCRIPT_MAX_RUNTIME_MS = 60_000;
export const SCRIPT_RETRY_DELAY_MS = 30_000;

/** The timer's base rate (CONFIG_DEFAULT_HZ): after each run a sentinel picks a rate in [HZ, 2*HZ). */
export const TIMER_HZ = 10;
