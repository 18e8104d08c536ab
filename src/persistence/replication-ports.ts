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

export function snapshotProvider(p: RdbPersistence): { start(sink: SnapshotSink, aux: ReplAux): () => void } {
  return {
    start: (sink, aux) => p.streamImage(sink, [
      ['repl-stream-db', String(aux.replStreamDb)],
      ['repl-id', aux.replId],
      ['repl-offset', String(aux.replOffset)],
    ]),
  };
}

function intOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

export function datasetLoader(p: RdbPersistence): { load(rdb: Buffer, done: (err: string | null, info: LoadedRepl) => void): void } {
  return {
    load: (rdb, done) => p.loadInSlices(rdb, (err, load) => {
      const aux = load?.aux;
      done(err, {
        replId: aux?.get('repl-id') ?? null,
        replOffset: intOrNull(aux?.get('repl-offset')),
        replStreamDb: intOrNull(aux?.get('repl-stream-db')),
      });
    }),
  };
}
