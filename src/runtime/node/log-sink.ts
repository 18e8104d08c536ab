/** Log sinks: stdout, or a file opened in append mode (as Redis opens `logfile`). */
import { appendFileSync } from 'node:fs';
import type { LogSink } from '../ports.js';

export const stdoutSink: LogSink = {
  write: (line) => { process.stdout.write(line); },
};

/** Appends each line synchronously, like Redis's fopen("a") + fprintf + fflush per line. */
export function fileSink(path: string): LogSink {
  return {
    write: (line) => {
      try {
        appendFileSync(path, line);
      } catch {
        // Redis drops the line when it cannot open the log file.
      }
    },
  };
}

/** Discards everything (library use with logging off). */
export const nullSink: LogSink = { write: () => {} };
