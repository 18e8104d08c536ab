/**
 * What replication needs from persistence, as small interfaces so that it is built and tested
 * without the RDB machinery: an RDB image of the dataset streamed in slices (full resync), and
 * loading a received RDB image (the replica side). The composition root plugs in the real ones.
 */

/** Receives the bytes of one RDB image while it is produced. */
export interface SnapshotSink {
  write(chunk: Buffer): void;
  /** False asks the producer to wait (a slow replica): it asks again before its next slice. */
  ready(): boolean;
  end(): void;
  fail(reason: string): void;
}

export interface SnapshotProvider {
  /**
   * Starts a point-in-time RDB image of the whole dataset, taken now, with the replication aux
   * fields given. Returns a function that aborts it.
   */
  start(sink: SnapshotSink, aux: { replId: string; replOffset: number; replStreamDb: number }): () => void;
}

/** What a loaded RDB image said about replication (aux fields), when present. */
export interface LoadedReplInfo {
  replId: string | null;
  replOffset: number | null;
  /** `repl-stream-db`: the database the stream continues in. */
  replStreamDb: number | null;
}

export interface DatasetLoader {
  /**
   * Before the old dataset is flushed for a full resync: what persistence does with the received
   * image first (Redis keeps it as the node's RDB file when loading from disk, and stops a
   * background save and the AOF). Returns the error text that drops the link, or null.
   */
  beforeLoad?(rdb: Buffer): string | null;
  /** After the image was loaded with success (Redis turns the AOF back on with a rewrite). */
  afterLoad?(): void;
  /**
   * Replaces the dataset with the RDB image `rdb` (the caller already flushed it), in slices or
   * at once; calls `done` with null on success or the error text.
   */
  load(rdb: Buffer, done: (err: string | null, info: LoadedReplInfo) => void): void;
}
