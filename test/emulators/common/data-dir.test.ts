/**
 * The data directory lock: one emulator process per directory; a lock left by a process that is gone
 * (SIGKILL) does not block a restart. Holders are real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { DataDirError, LOCK_FILE, lockDataDir } from '../../../lib/emulators/common/data-dir';
import { firstStdoutLine } from '../../first-line';

const tmp = fs.mkdtempSync(path.join(tmpdir(), 'data-dir-'));
const bundle = path.join(tmp, 'data-dir.cjs');
const children: ChildProcess[] = [];
let dir: string;

beforeAll(() => {
  buildSync({ entryPoints: [path.join(__dirname, '../../../lib/emulators/common/data-dir.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning' });
});
beforeEach(() => (dir = fs.mkdtempSync(path.join(tmp, 'dir-'))));
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A separate process that takes the lock on `target` and holds it until killed. */
async function holder(target: string): Promise<ChildProcess> {
  const script = `require(${JSON.stringify(bundle)}).lockDataDir(${JSON.stringify(target)}); console.log('locked'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  expect(await firstStdoutLine(child, 'lock holder')).toBe('locked');
  return child;
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

function refusal(fn: () => unknown): DataDirError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataDirError);
    return err as DataDirError;
  }
  throw new Error('expected a DataDirError');
}

test('a second process is refused, naming the directory and the holder; after a SIGKILL of the holder a new process takes over', async () => {
  const first = await holder(dir);
  const err = refusal(() => lockDataDir(dir));
  expect(err.reason).toBe('in-use');
  expect(err.message).toContain(`data directory ${dir} is in use by another emulator (process ${first.pid}`);
  expect(err.message).toContain(`kill ${first.pid}`);

  first.kill('SIGKILL');
  await killed(first);
  expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true); // left behind by the killed process
  const lock = lockDataDir(dir);
  expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  lock.release();
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('a holder killed but not yet reaped by its parent (a zombie) does not hold the lock', async () => {
  if (!fs.existsSync(`/proc/${process.pid}/stat`)) return console.log('skipped: no /proc on this platform');
  // sh starts the holder, then becomes `sleep`, which never reaps it: once killed, the holder is a zombie.
  const script = `require(${JSON.stringify(bundle)}).lockDataDir(${JSON.stringify(dir)}); console.log(process.pid); setInterval(() => {}, 1 << 30);`;
  const parent = spawn('sh', ['-c', `"${process.execPath}" -e "$HOLDER" & exec sleep 120`], { env: { ...process.env, HOLDER: script }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(parent);
  const pid = Number(await firstStdoutLine(parent, 'lock holder'));
  expect(refusal(() => lockDataDir(dir)).message).toContain(`process ${pid}`);
  process.kill(pid, 'SIGKILL');
  const state = () => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  while (state() !== 'Z') await new Promise((r) => setTimeout(r, 20));
  lockDataDir(dir).release();
  parent.kill('SIGKILL');
});

test('the same process cannot lock a directory twice (also through another path to it); release frees it', () => {
  const lock = lockDataDir(dir);
  fs.symlinkSync(dir, path.join(tmp, `${path.basename(dir)}-link`));
  expect(refusal(() => lockDataDir(path.join(tmp, `${path.basename(dir)}-link`))).message).toMatch(/already in use by another emulator in this process/);
  lock.release();
  lock.release(); // idempotent
  lockDataDir(dir).release();
});

test('a pid that lives but started at another time (reused) does not hold the lock', () => {
  if (!fs.existsSync(`/proc/${process.pid}/stat`)) return console.log('skipped: no /proc on this platform, so a reused pid cannot be told apart');
  // Our parent runs, but it did not start at tick 1 after boot.
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: '2020-01-01T00:00:00.000Z', startTicks: '1' }));
  lockDataDir(dir).release();
});

test('our own pid in a lock we do not hold is left over from an earlier process (a restarted container)', () => {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since: '2020-01-01T00:00:00.000Z', startTicks: null }));
  lockDataDir(dir).release();
});

test('a corrupt lock file is taken over', () => {
  fs.writeFileSync(path.join(dir, LOCK_FILE), 'garbage');
  lockDataDir(dir).release();
});

test("another host's lock is refused: its processes cannot be checked; the message names the file to delete", () => {
  const file = path.join(dir, LOCK_FILE);
  fs.writeFileSync(file, JSON.stringify({ pid: 4242, host: 'other-host.example', since: '2020-01-01T00:00:00.000Z', startTicks: '7' }));
  const err = refusal(() => lockDataDir(dir));
  expect(err.message).toContain('process 4242 on host other-host.example');
  expect(err.message).toContain(`delete ${fs.realpathSync(file)}`);
});

test('a file where the directory should be is refused as not a directory', () => {
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, 'x');
  for (const target of [file, path.join(file, 'below')]) {
    const err = refusal(() => lockDataDir(target));
    expect(err.reason).toBe('not-a-directory');
    expect(err.message).toContain(`data directory ${target} is not a directory`);
  }
});

test('a missing directory is created', () => {
  const nested = path.join(dir, 'a', 'b');
  const lock = lockDataDir(nested);
  expect(fs.statSync(nested).isDirectory()).toBe(true);
  lock.release();
});
