/**
 * Loading an RDB image into the keyspace in bounded slices (Redis's rdbLoad, which serves other
 * clients with -LOADING between chunks): aux fields are logged as Redis 7.0 logs them, entries are
 * stored through the keyspace, and on a master keys whose time has already passed are skipped and
 * counted (`keys expired`), as Redis does. A corrupt image throws from `step()` with the
 * decoder's message; what was loaded so far stays (the caller exits or flushes).
 */
import { timePassed, type Keyspace } from '../keyspace/keyspace.js';
import type { ImageDecoder } from './codec.js';
import type { PersistenceLog } from './rdb-file.js';

/** Items decoded per slice. */
const LOAD_ITEMS_PER_SLICE = 1024;

export class DatasetLoad {
  keysLoaded = 0;
  keysExpired = 0;
  /** Aux fields of the image (redis-ver, ctime, used-mem, repl-id, repl-offset...). */
  readonly aux = new Map<string, string>();
  done = false;

  constructor(
    private readonly ks: Keyspace,
    private readonly decoder: ImageDecoder,
    readonly totalBytes: number,
    readonly startedAtMs: number,
    private readonly opts: { isMaster: boolean; log: PersistenceLog; nowMs: () => number; allowDuplicates?: boolean },
  ) {}

  loadedBytes(): number {
    return this.decoder.position();
  }

  /**
   * Decodes one slice (at most `itemLimit` items); true when the image is fully loaded. Throws on
   * a corrupt image.
   */
  step(itemLimit = LOAD_ITEMS_PER_SLICE): boolean {
    if (this.done) return true;
    const ks = this.ks;
    const items = Math.min(itemLimit, LOAD_ITEMS_PER_SLICE);
    for (let i = 0; i < items; i++) {
      const item = this.decoder.next();
      switch (item.kind) {
        case 'aux':
          this.onAux(item.key, item.value);
          break;
        case 'select-db':
          if (item.db < 0 || item.db >= ks.dbs.length) {
            throw new Error(`FATAL: Data file was created with a Redis server configured to handle more than ${ks.dbs.length} databases. Exiting`);
          }
          break;
        case 'resize-db':
          break;
        case 'function':
          this.opts.log.warning('The RDB file holds a function library: Garrison has no functions, it is skipped');
          break;
        case 'entry': {
          const db = ks.dbs[item.db];
          if (db === undefined) throw new Error(`Invalid database ${item.db} in the RDB file`);
          if (this.opts.isMaster && item.expireMs !== null && timePassed(Number(item.expireMs), this.opts.nowMs())) {
            this.keysExpired++;
            break;
          }
          // A duplicate fails the load (what was loaded stays for the caller to exit or flush, as
          // documented above). Loading touches no WATCH and wakes no blocked client, as in Redis.
          if (!ks.loadKey(db, item.key, item.value) && this.opts.allowDuplicates !== true) {
            throw new Error(`RDB has duplicated key '${item.key}' in DB ${db.id}`);
          }
          if (item.expireMs !== null) ks.setExpire(db, item.key, item.expireMs);
          this.keysLoaded++;
          break;
        }
        case 'end':
          this.done = true;
          this.opts.log.notice(`Done loading RDB, keys loaded: ${this.keysLoaded}, keys expired: ${this.keysExpired}.`);
          return true;
      }
    }
    return false;
  }

  /** Loads everything at once (DEBUG RELOAD). */
  runToEnd(): void {
    while (!this.step()) { /* next slice */ }
  }

  private onAux(key: string, value: string): void {
    this.aux.set(key, value);
    const log = this.opts.log;
    if (key === 'redis-ver') {
      log.notice(`Loading RDB produced by version ${value}`);
    } else if (key === 'ctime') {
      const age = Math.max(0, Math.floor(this.opts.nowMs() / 1000) - Number(value));
      log.notice(`RDB age ${age} seconds`);
    } else if (key === 'used-mem') {
      log.notice(`RDB memory usage when created ${(Number(value) / (1024 * 1024)).toFixed(2)} Mb`);
    }
  }
}
