/**
 * Starting and stopping long-lived providers for pipelines (`workzone-cpr providers serve|stop`), and the
 * TF_REATTACH_PROVIDERS value that points terraform at them. The provider side is serve-long-lived.ts.
 *
 * The value is terraform's: a JSON map from full provider source address to go-plugin's ReattachConfig,
 * `{"<host>/<ns>/<type>": {"Protocol":"grpc","ProtocolVersion":6,"Pid":123,"Test":true,
 * "Addr":{"Network":"unix","String":"/tmp/..."}}}` (terraform's parseReattachProviders).
 * No heavy imports: the CLI loads this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReattachEntry, ReattachProviders } from './long-lived';

export type { ReattachEntry, ReattachProviders } from './long-lived';
export const REATTACH_VARIABLE = 'TF_REATTACH_PROVIDERS';

/** Reads a TF_REATTACH_PROVIDERS value; errors name the provider and field that is wrong. */
export function parseReattachProviders(text: string | undefined): ReattachProviders {
  if (!text || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${REATTACH_VARIABLE} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${REATTACH_VARIABLE} must be a JSON object of provider address to reattach config`);
  }
  for (const [address, entry] of Object.entries(parsed as Record<string, any>)) {
    const where = `${REATTACH_VARIABLE}[${JSON.stringify(address)}]`;
    if (!Number.isInteger(entry?.Pid) || entry.Pid <= 0) throw new Error(`${where}.Pid must be a process id, got ${JSON.stringify(entry?.Pid)}`);
    if (!['unix', 'tcp'].includes(entry?.Addr?.Network)) throw new Error(`${where}.Addr.Network must be "unix" or "tcp", got ${JSON.stringify(entry?.Addr?.Network)}`);
    if (typeof entry.Addr.String !== 'string' || entry.Addr.String === '') throw new Error(`${where}.Addr.String must be an address, got ${JSON.stringify(entry.Addr.String)}`);
  }
  return parsed as ReattachProviders;
}

/** A POSIX shell line for `eval`: export the value, or unset it when nothing is left. */
export function shellExport(providers: ReattachProviders): string {
  if (Object.keys(providers).length === 0) return `unset ${REATTACH_VARIABLE}`;
  return `export ${REATTACH_VARIABLE}='${JSON.stringify(providers).replace(/'/g, `'\\''`)}'`;
}

/** <package root>/dist/providers: the nearest one above `from` (sources, compiled or bundled CLI). */
export function findBundleDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'providers');
    if (existsSync(candidate) && readdirSync(candidate).some((f) => /^terraform-provider-.+\.json$/.test(f))) return candidate;
    if (dirname(dir) === dir) throw new Error(`No provider bundles found above ${from}: run \`npm run build:providers\` first.`);
  }
}

export interface LaunchOptions {
  /** Where the provider bundles and their manifests are (default: findBundleDir()). */
  readonly bundleDir?: string;
  /** Provider names such as "workzone"; default every bundle. */
  readonly providers?: readonly string[];
  /** true: the providers outlive this process (serve --print-env); false: they exit when it does. */
  readonly detached: boolean;
  /** Append the providers' logs (stderr) here; default: this process's stderr when attached, none when detached. */
  readonly logFile?: string;
  readonly idleTimeoutS?: number;
  /** The providers' environment: their env fallbacks (WORKZONE_URL, ...) are read from it, once. */
  readonly env?: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
}

export interface Launched {
  readonly providers: ReattachProviders;
  readonly children: readonly ChildProcess[];
}

function bundleNames(bundleDir: string): string[] {
  return readdirSync(bundleDir)
    .filter((f) => /^terraform-provider-.+\.json$/.test(f))
    .map((f) => f.slice('terraform-provider-'.length, -'.json'.length));
}

/** Starts one long-lived process per provider and resolves when each has printed its reattach config. */
export async function launchProviders(options: LaunchOptions): Promise<Launched> {
  const bundleDir = options.bundleDir ?? findBundleDir();
  const names = options.providers ?? bundleNames(bundleDir);
  if (names.length === 0) throw new Error(`No provider bundles in ${bundleDir}: run \`npm run build:providers\` first.`);
  const logFd = options.logFile ? openSync(options.logFile, 'a', 0o600) : undefined;
  const children: ChildProcess[] = [];
  try {
    const started = await Promise.allSettled(
      names.map((name) => {
        const file = join(bundleDir, `terraform-provider-${name}.js`);
        if (!existsSync(file)) throw new Error(`No bundle of provider "${name}" in ${bundleDir}`);
        const args = [file, '--serve', '--idle-timeout', String(options.idleTimeoutS ?? 3600)];
        if (!options.detached) args.push('--exit-with-parent');
        // node directly (no sh launcher): portable, and a one-off start-up cost does not matter here.
        const child = spawn(process.execPath, args, {
          detached: options.detached,
          stdio: ['ignore', 'pipe', logFd ?? (options.detached ? 'ignore' : 'inherit')],
          env: options.env ?? process.env,
        });
        children.push(child);
        return firstLine(child, name, options.startTimeoutMs ?? 30_000);
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const providers: ReattachProviders = {};
    for (const s of started) Object.assign(providers, parseReattachProviders((s as PromiseFulfilledResult<string>).value));
    for (const child of children) {
      child.stdout?.destroy();
      if (options.detached) child.unref();
    }
    return { providers, children };
  } catch (error) {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    throw error;
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
}

function firstLine(child: ChildProcess, name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`provider ${name} printed nothing within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(out.slice(0, nl));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start provider ${name}: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`provider ${name} exited (code ${code}) before it was ready; see its log`));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Whether an entry is a long-lived provider of ours that is still running: its socket is named like ours
 * and exists, and (where /proc tells) its process runs a provider. Guards against signalling a reused pid.
 */
export function isOurRunningProvider(entry: ReattachEntry): boolean {
  if (entry.Addr.Network !== 'unix' || !/^terraform-provider-[\w-]+\.sock$/.test(basename(entry.Addr.String))) return false;
  if (!existsSync(entry.Addr.String) || !alive(entry.Pid)) return false;
  try {
    return readFileSync(`/proc/${entry.Pid}/cmdline`, 'utf8').includes('terraform-provider-');
  } catch {
    return true; // no /proc (macOS): the socket check above has to do
  }
}

/**
 * Sends SIGTERM to our providers in `providers` and waits until they have exited (they finish in-flight
 * calls first). Returns the addresses stopped and the entries left (not ours, or already gone are dropped).
 */
export async function stopProviders(providers: ReattachProviders, timeoutMs = 15_000): Promise<{ stopped: string[]; remaining: ReattachProviders }> {
  const stopped: string[] = [];
  const remaining: ReattachProviders = {};
  const waits: Promise<void>[] = [];
  const refused: string[] = [];
  for (const [address, entry] of Object.entries(providers)) {
    if (isOurRunningProvider(entry)) {
      try {
        process.kill(entry.Pid, 'SIGTERM');
      } catch (error) {
        // Another user's process (EPERM): say so after stopping the others.
        refused.push(`${address} (pid ${entry.Pid}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        continue;
      }
      stopped.push(address);
      waits.push(waitForExit(entry.Pid, timeoutMs, address));
    } else if (alive(entry.Pid) && !/^terraform-provider-[\w-]+\.sock$/.test(basename(entry.Addr.String))) {
      remaining[address] = entry; // someone else's reattached provider: keep it
    }
  }
  await Promise.all(waits);
  if (refused.length > 0) throw new Error(`cannot stop provider ${refused.join('; ')}`);
  return { stopped, remaining };
}

async function waitForExit(pid: number, timeoutMs: number, address: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`provider ${address} (pid ${pid}) did not exit within ${timeoutMs} ms of SIGTERM`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
