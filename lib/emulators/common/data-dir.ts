/**
 * A data directory is owned by one emulator process at a time: `lockDataDir` creates the directory and a
 * lock file in it naming the owner (pid, host, start time). A second owner is refused with a message that
 * names the directory and the process holding it.
 *
 * A lock whose owner is gone (killed, crashed) must not block a restart. On the owner's host a lock is
 * stale when no process has its pid, or when the process that has it started at another time (Linux:
 * /proc/<pid>/stat, so a pid reused after a reboot or in a restarted container does not keep it). A lock
 * from another host cannot be checked: it is refused, with the file to delete if that owner is gone.
 */
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'emulator.lock';

interface Owner {
  readonly pid: number;
  readonly host: string;
  /** When the owner took the lock (ISO time), for the message. */
  readonly since: string;
  /** The owner's start time in clock ticks since boot (Linux), to tell a reused pid; null elsewhere. */
  readonly startTicks: string | null;
}

/** The directory cannot be used: in use, not a directory, not writable. The message says what to do. */
export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: 'in-use' | 'not-a-directory' | 'not-writable',
    message: string,
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

export interface DataDirLock {
  readonly dir: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** Directories this process holds (real paths): a second lock from the same process is refused too. */
const held = new Set<string>();

/** Creates `dir` when missing and takes its lock; throws DataDirError when it cannot. */
export function lockDataDir(dir: string): DataDirLock {
  const absolute = path.resolve(dir);
  makeDirectory(absolute);
  const real = fs.realpathSync(absolute);
  const file = path.join(real, LOCK_FILE);
  if (held.has(real)) throw inUse(absolute, file, undefined, true);

  const mine = JSON.stringify(self()) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx', mode: 0o644 });
      break;
    } catch (err) {
      if (code(err) !== 'EEXIST') throw writeError(absolute, err);
    }
    const text = readOrUndefined(file);
    if (text === undefined) continue; // released in between: try again
    const owner = parseOwner(text);
    // A lock file being written this very moment reads empty: look again before calling it stale.
    if (!owner && text === '' && attempt < 3) {
      sleep(50);
      continue;
    }
    if (owner && isAlive(owner)) throw inUse(absolute, file, owner, false);
    if (attempt >= 5) throw inUse(absolute, file, owner ?? undefined, false);
    takeOverStale(file, text);
  }
  held.add(real);
  let released = false;
  return {
    dir: absolute,
    release() {
      if (released) return;
      released = true;
      held.delete(real);
      if (readOrUndefined(file) === mine) fs.rmSync(file, { force: true });
    },
  };
}

function self(): Owner {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString(), startTicks: procStat(process.pid)?.startTicks ?? null };
}

function makeDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    if (code(err) === 'EEXIST' || code(err) === 'ENOTDIR') {
      throw new DataDirError(dir, 'not-a-directory', `data directory ${dir} is not a directory (a file has that name, or one of its parents is a file); give a directory, which is created when missing`);
    }
    throw writeError(dir, err);
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new DataDirError(dir, 'not-a-directory', `data directory ${dir} is not a directory; give a directory, which is created when missing`);
  }
}

function writeError(dir: string, err: unknown): Error {
  const c = code(err);
  if (c === 'EACCES' || c === 'EPERM' || c === 'EROFS') {
    const why = c === 'EROFS' ? 'the file system is read-only' : 'permission denied';
    return new DataDirError(dir, 'not-writable', `data directory ${dir} is not writable (${c}: ${why}); make it writable for this user, or give another directory`);
  }
  return err as Error;
}

function inUse(dir: string, file: string, owner: Owner | undefined, sameProcess: boolean): DataDirError {
  if (sameProcess) {
    return new DataDirError(dir, 'in-use', `data directory ${dir} is already in use by another emulator in this process (pid ${process.pid}); close it first, or give another directory`);
  }
  if (!owner) {
    return new DataDirError(dir, 'in-use', `data directory ${dir} is locked (${file} could not be taken over); if no emulator uses it, delete that file`);
  }
  const local = owner.host === hostname();
  const who = `process ${owner.pid}${local ? '' : ` on host ${owner.host}`}, since ${owner.since}`;
  const fix = local
    ? `stop that emulator (kill ${owner.pid}), or give another directory`
    : `stop that emulator, or give another directory; if that process is gone, delete ${file}`;
  return new DataDirError(dir, 'in-use', `data directory ${dir} is in use by another emulator (${who}); ${fix}`);
}

function parseOwner(text: string): Owner | null {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0 || typeof o.host !== 'string') return null;
    return {
      pid: o.pid,
      host: o.host,
      since: typeof o.since === 'string' ? o.since : 'an unknown time',
      startTicks: typeof o.startTicks === 'string' ? o.startTicks : null,
    };
  } catch {
    return null;
  }
}

/** Whether the owner still runs. Another host's processes cannot be seen: assume it does. */
function isAlive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  // Our own pid in a lock we do not hold: left by an earlier process that had the same pid (a container restart).
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if (code(err) === 'ESRCH') return false;
    // EPERM: a process of another user has that pid; it runs.
  }
  const now = procStat(owner.pid);
  // A zombie (killed, not yet reaped by its parent) still has its pid, but it is gone.
  if (now?.state === 'Z' || now?.state === 'X') return false;
  return owner.startTicks === null || now === null || now.startTicks === owner.startTicks;
}

/**
 * Moves a stale lock aside and deletes it. Another process may have replaced it between our read and the
 * move: then the moved file is that process's live lock, and it is put back.
 */
function takeOverStale(file: string, staleText: string): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return;
    throw err;
  }
  if (readOrUndefined(aside) !== staleText) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Yet another process took the lock meanwhile; it is theirs.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** State (field 3) and start time in clock ticks since boot (field 22) of /proc/<pid>/stat; null without /proc. */
function procStat(pid: number): { state: string; startTicks: string | null } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTicks: fields[19] ?? null };
  } catch {
    return null;
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
