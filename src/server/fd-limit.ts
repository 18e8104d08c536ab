/**
 * maxclients against the process's open-files limit: Redis's adjustOpenFilesLimit (server.c),
 * run by garrison-server at start and when CONFIG SET changes maxclients (updateMaxclients).
 *
 * A server needs maxclients + 32 descriptors (CONFIG_MIN_RESERVED_FDS: listeners, the log, files
 * of persistence). When the limit is lower Redis tries to raise it; what it cannot get, it takes
 * out of maxclients, with three warnings, and exits when nothing is left. Clients past the reduced
 * maxclients then get "-ERR max number of clients reached" instead of being dropped unanswered by
 * an accept that fails for want of a descriptor.
 *
 * Redis steps setrlimit down from maxclients + 32 by 16 until a call succeeds; every value up to
 * the hard limit succeeds, so it ends at the hard limit's neighbourhood. Node raises the soft
 * limit to the hard one before any JavaScript runs, so here the current limit is the hard one and
 * the only raise worth trying is above it (which needs CAP_SYS_RESOURCE): one attempt. The
 * reduced maxclients is the hard limit minus 32; Redis's can be up to 15 lower when its soft limit
 * started below the hard one (its 16-step grid), and is the same under `ulimit -n N`, which sets
 * both. Pure: the host reads and raises the limit.
 */

export const CONFIG_MIN_RESERVED_FDS = 32;

export interface OpenFilesHost {
  /** The current (soft) limit on open descriptors, Infinity when unlimited, null when unknown. */
  limit(): number | null;
  /** Sets the soft and hard limits to `n`: null when done, otherwise the OS error's text. */
  raise(n: number): string | null;
}

export interface OpenFilesOutcome {
  /** maxclients after the adjustment (the requested value when the limit allows it). */
  maxclients: number;
  /** Warning lines to log, in order (Redis logs them at LL_WARNING). */
  warnings: string[];
  /** The notice logged when the limit was raised, or null. */
  notice: string | null;
  /** Set when the server cannot start: the line to log before exiting with status 1. */
  fatal: string | null;
}

export function adjustOpenFilesLimit(maxclients: number, host: OpenFilesHost): OpenFilesOutcome {
  const out: OpenFilesOutcome = { maxclients, warnings: [], notice: null, fatal: null };
  const maxfiles = maxclients + CONFIG_MIN_RESERVED_FDS;
  const old = host.limit();
  // Not knowable here (no /proc): left as configured. Redis's getrlimit does not fail in practice.
  if (old === null || old >= maxfiles) return out;
  const err = host.raise(maxfiles);
  if (err === null) {
    out.notice = `Increased maximum number of open files to ${maxfiles} (it was originally set to ${old}).`;
    return out;
  }
  out.maxclients = old - CONFIG_MIN_RESERVED_FDS;
  if (old <= CONFIG_MIN_RESERVED_FDS) {
    out.fatal = `Your current 'ulimit -n' of ${old} is not enough for the server to start. Please increase your open file limit to at least ${maxfiles}. Exiting.`;
    return out;
  }
  out.warnings.push(
    `You requested maxclients of ${maxclients} requiring at least ${maxfiles} max file descriptors.`,
    `Server can't set maximum open files to ${maxfiles} because of OS error: ${err}.`,
    `Current maximum open files is ${old}. maxclients has been reduced to ${out.maxclients} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.`,
  );
  return out;
}

/** CONFIG SET maxclients's refusal when the limit cannot hold the new value (updateMaxclients). */
export function maxclientsRefusal(possible: number): string {
  return `The operating system is not able to handle the specified number of clients, try with ${possible}`;
}
