/**
 * What replication needs from persistence, in the shapes replication/ports.ts declares
 * (SnapshotProvider, DatasetLoader; structurally typed here since persistence sits below
 * replication): a point-in-time RDB image streamed in slices for a full resync, with the
 * replication aux fields Redis writes (repl-stream-db, repl-id, repl-offset), and loading a
 * received image in slices, reporting those fields back. The composition root passes them to
 * `Replication.setPersistence`.
 */
import type { RdbPersistence } from './rdb-persistence.js';
import type { SnapshotSink } from './snapshot.js';

export interface ReplAux {
  replId: string;
  replOffset: number;
  replStreamDb: number;
}

export interface LoadedRepl {
  replId: string | null;
  replOffset: number | null;
  replStreamDb: number | null;
}

/** The aux fields naming a replication history, in Redis's order. */
export function replAuxFields(aux: ReplAux | null): Array<readonly [string, string]> {
  if (aux === null) return [];
  return [
    ['repl-stream-db', String(aux.replStreamDb)],
    ['repl-id', aux.replId],
    ['repl-offset', String(aux.replOffset)],
  ];
}

export function snapshotProvider(p: RdbPersistence): { start(sink: SnapshotSink, aux: ReplAux): () => void } {
  return {
    start: (sink, aux) => p.streamImage(sink, replAuxFields(aux)),
  };
}

function intOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** The replication history an image's aux fields name (each null when absent or malformed). */
export function replInfoOf(aux: ReadonlyMap<string, string> | undefined): LoadedRepl {
  return {
    replId: aux?.get('repl-id') ?? null,
    replOffset: intOrNull(aux?.get('repl-offset')),
    replStreamDb: intOrNull(aux?.get('repl-stream-db')),
  };
}

export function datasetLoader(p: RdbPersistence): { load(rdb: Buffer, done: (err: string | null, info: LoadedRepl) => void): void } {
  return {
    load: (rdb, done) => p.loadInSlices(rdb, (err, load) => done(err, replInfoOf(load?.aux))),
  };
}
