/**
 * The real process around a node: files the config loader reads (with glob for `include`),
 * chdir for `dir`, the pid file, stdin, signals, uncaught exceptions and exit. main.ts is the only
 * user; everything here is synchronous like the C calls redis-server makes at these points.
 * Error texts are strerror(3)'s ("No such file or directory"), since Redis prints those.
 */
import {
  chmodSync, closeSync, fsyncSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { globMatch } from '../../lib/glob.js';

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
};

/** strerror(3) text for a Node system error. */
export function strerror(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code !== undefined && STRERROR[err.code] !== undefined) return STRERROR[err.code]!;
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message ?? '');
  const text = m ? m[1]! : String(err.message ?? e);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function cwd(): string {
  return process.cwd();
}

export function chdir(path: string): string | null {
  try {
    process.chdir(path);
    return null;
  } catch (e) {
    return strerror(e);
  }
}

export function absolutePath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

/** A text file read as bytes (latin1: one char per byte, like the rest of Garrison). */
export function readTextFile(path: string): string | { error: string } {
  try {
    return readFileSync(path).toString('latin1');
  } catch (e) {
    return { error: strerror(e) };
  }
}

/** The config file as CONFIG REWRITE reads it: null when it does not exist. */
export function readIfExists(path: string): string | null | { error: string } {
  try {
    return readFileSync(path).toString('latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { error: strerror(e) };
  }
}

/** Everything on stdin (blocking), for `garrison-server -`. */
export function readStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n = 0;
    try {
      n = readSync(0, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** Can `path` be opened for appending (Redis checks the logfile so)? null, or strerror. */
export function checkAppend(path: string): string | null {
  try {
    closeSync(openSync(path, 'a'));
    return null;
  } catch (e) {
    return strerror(e);
  }
}

/** glob(3) without flags: each path component may hold wildcards; results sorted; dot files need a dot. */
export function glob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let paths: string[] = [absolute ? '/' : ''];
  for (let i = absolute ? 1 : 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      if (!/[*?[]/.test(part)) {
        const p = base === '' ? part : join(base, part);
        if (exists(p, !last)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base === '' ? '.' : base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (!globMatch(part, name)) continue;
        const p = base === '' ? name : join(base, name);
        if (!last && !exists(p, true)) continue;
        next.push(p);
      }
    }
    paths = next;
  }
  return paths.filter((p) => p !== '' && p !== '/').sort();
}

function exists(p: string, mustBeDir: boolean): boolean {
  try {
    const st = statSync(p);
    return !mustBeDir || st.isDirectory();
  } catch {
    return false;
  }
}

/** Writes the pid file (Redis: fopen "w", "%d\n"); returns strerror on failure. */
export function writePidFile(path: string, pid: number): string | null {
  try {
    const fd = openSync(path, 'w');
    writeSync(fd, `${pid}\n`);
    closeSync(fd);
    return null;
  } catch (e) {
    return strerror(e);
  }
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Replaces a file atomically: temp file beside it, fsync, chmod 0644 & ~umask, rename. */
export function writeFileAtomic(path: string, text: string): string | null {
  const tmp = `${path}.${process.pid}${Date.now().toString(36).slice(-6)}`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, Buffer.from(text, 'latin1'));
    fsyncSync(fd);
    chmodSync(tmp, 0o644 & ~process.umask());
    renameSync(tmp, path);
    return null;
  } catch (e) {
    removeFile(tmp);
    return strerror(e);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

export function isStdoutTty(): boolean {
  return process.stdout.isTTY === true;
}

/** Calls fn on each delivery of the signal. */
export function onSignal(sig: 'SIGTERM' | 'SIGINT', fn: () => void): void {
  process.on(sig, fn);
}

/** Calls fn with any exception (or rejection) nothing else caught. */
export function onUncaught(fn: (e: unknown) => void): void {
  process.on('uncaughtException', fn);
  process.on('unhandledRejection', fn);
}

export function writeStdout(text: string): void {
  process.stdout.write(text);
}

/** Writes to stderr synchronously (so it is out before an immediate exit). */
export function writeStderr(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    process.stderr.write(text);
  }
}

/** Exits once stdout has been flushed. */
export function exit(code: number): never {
  process.exitCode = code;
  process.exit(code);
}

/** /proc/self/oom_score_adj (Linux); errors are strerror texts, as Redis logs them. */
export function readOomScoreAdj(): number | { error: string } {
  try {
    return Number.parseInt(readFileSync('/proc/self/oom_score_adj', 'latin1'), 10);
  } catch (e) {
    return { error: strerror(e) };
  }
}

export function writeOomScoreAdj(value: number): string | null {
  try {
    writeFileSync('/proc/self/oom_score_adj', `${value}\n`);
    return null;
  } catch (e) {
    return strerror(e);
  }
}

/** The executable's name as started: the bin script's file name without `.js` (Redis's argv[0]). */
export function executableName(): string {
  const script = process.argv[1] ?? 'garrison-server';
  return script.slice(script.lastIndexOf('/') + 1).replace(/\.js$/, '');
}

/** setproctitle: what `ps` shows (libuv writes it over the arguments' memory, so a long title is cut). */
export function setTitle(title: string): void {
  process.title = title;
}

export function pid(): number {
  return process.pid;
}

export function nodeVersion(): string {
  return process.version;
}

/**
 * The soft limit on open descriptors (Infinity when unlimited), or null where /proc/self/limits
 * does not exist. Node has no getrlimit; on Linux this is the same number. It lives with the
 * module loader, which needs it before anything else is loaded.
 */
export { openFilesLimit } from './module-loader.js';

/**
 * Sets this process's soft and hard limits on open descriptors to `n` with util-linux's
 * prlimit(1) (Node has no setrlimit): null when done, otherwise the OS error's text, which
 * prlimit prints after its last colon ("Operation not permitted" above the hard limit without
 * CAP_SYS_RESOURCE). Runs only when the limit is below what maxclients needs.
 */
export function raiseOpenFilesLimit(n: number): string | null {
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${n}:${n}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    return null;
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
    const colon = stderr.lastIndexOf(': ');
    if (colon >= 0) return stderr.slice(colon + 2);
    return strerror(e);
  }
}
