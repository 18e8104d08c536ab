/**
 * The config file store (`ConfigFileStore`, what CONFIG REWRITE and Sentinel's state saving write
 * through) of a simulated process, over its host's disk: the new text goes to a temporary file,
 * is synced, then renamed over the old one, as Redis's rewriteConfigOverwriteFile does, so the
 * file survives a crash of the machine right after the rewrite.
 */
import type { FileSystem } from '../runtime/ports.js';
import type { ConfigFileStore } from '../server/config/config.js';

export function simConfigStore(fs: FileSystem, cwd: () => string): ConfigFileStore {
  return {
    read: (path) => fs.readFile(path)?.toString('utf8') ?? null,
    writeAtomic: (path, text) => {
      const tmp = `${path}.tmp-rewrite`;
      try {
        const h = fs.open(tmp, 'w');
        h.write(Buffer.from(text, 'utf8'));
        h.syncNow();
        h.close();
        fs.rename(tmp, path);
        return null;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
    cwd,
  };
}
