/**
 * Servers that are down, and the terraform runs against them, shared by the bench section
 * bench/sections/unreachable.ts (default budgets, figures for the README) and test/e2e/unreachable.test.ts
 * (short budgets, asserted): a port nobody listens on (connection refused), a server that accepts and never
 * answers (timeouts), and the WorkZone emulator killed in the middle of an apply.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import { providerSource } from './configs';

/** A local port nobody listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers: every request times out. */
export async function silentServer(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Settings = Readonly<Record<string, string | number>>;

const attributes = (settings: Settings) =>
  Object.entries(settings)
    .map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`)
    .join('\n');

/** `count` workzone_oauth_client resources with supplied secrets, and the provider block with `settings`. */
export function workzoneClientsHcl(bundles: string, count: number, prefix: string, settings: Settings): string {
  const { source, version } = providerSource(bundles, 'workzone');
  return `terraform {
  required_providers {
    workzone = { source = "${source}", version = "${version}" }
  }
}

provider "workzone" {
${attributes(settings)}
}

resource "workzone_oauth_client" "c" {
  count         = ${count}
  client_id     = format("${prefix}-%02d", count.index)
  client_secret = "unreachable-test-secret-\${count.index}"
}
`;
}

/**
 * `count` kmdlogic_cpr_configuration resources and, with `dataSource`, a kmdlogic_subscription data source
 * (read at plan time), with the provider block `settings`.
 */
export function logicConfigurationsHcl(bundles: string, count: number, settings: Settings, options: { dataSource?: boolean } = {}): string {
  const { source, version } = providerSource(bundles, 'kmdlogic');
  const subscription = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
  return `terraform {
  required_providers {
    kmdlogic = { source = "${source}", version = "${version}" }
  }
}

provider "kmdlogic" {
${attributes(settings)}
}

resource "kmdlogic_cpr_configuration" "c" {
  count           = ${count}
  subscription_id = "${subscription}"
  name            = "unreachable-\${count.index}"
  environment     = "Test"
  certificate     = "${Buffer.from('not a real certificate').toString('base64')}"
}
${options.dataSource ? `\ndata "kmdlogic_subscription" "s" {\n  subscription_id = "${subscription}"\n}\n` : ''}`;
}

/** KMD Logic provider settings whose token and API URLs both point at `url`. */
export function logicSettings(url: string, extra: Settings = {}): Settings {
  return { client_id: '0b6e0f4c-6c55-4f0e-9d1b-8a0d2f9c2e11', client_secret: 'unreachable-test-secret', token_url: `${url}/token`, api_url: `${url}/cpr/v1`, ...extra };
}

export interface TimedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Summaries of the errors terraform printed (`Error: ...`, run with -no-color). */
  readonly errors: string[];
}

/** Runs terraform to the end, whatever its exit code, and times it. */
export function timedTerraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<TimedRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile('terraform', [...args], { cwd: dir, env, maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, seconds, errors: errorSummaries(stdout + stderr) });
    });
  });
}

export function errorSummaries(output: string): string[] {
  return [...output.matchAll(/^(?:│ )?Error: (.*)$/gm)].map((m) => m[1].trim());
}

export interface KilledApply extends TimedRun {
  /** Clients WorkZone had when it was killed. */
  readonly createdBeforeKill: number;
  /** Seconds from the kill to the end of the apply. */
  readonly afterKillSeconds: number;
}

/**
 * Applies `count` clients against a WorkZone emulator with `latencyMs` per request, and closes the emulator
 * (listener and every connection, as a killed process would) once it holds `killAfter` clients. `dir` must
 * hold `workzoneClientsHcl(...)` with `url` = the returned URL, and be initialised; call `prepare(url)` to
 * write it.
 */
export async function applyKilledMidway(options: {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly killAfter: number;
  readonly latencyMs: number;
  readonly prepare: (url: string, wz: { username: string; password: string }) => Promise<void>;
}): Promise<KilledApply> {
  const wz = await startWorkZoneEmulator({ port: 0, faults: { latencyMs: options.latencyMs } });
  let closed = false;
  try {
    await options.prepare(wz.url, { username: wz.username, password: wz.password });
    let killedAt: bigint | undefined;
    let createdBeforeKill = 0;
    const watch = setInterval(() => {
      const n = wz.data.listClients().length;
      if (killedAt === undefined && n >= options.killAfter) {
        killedAt = process.hrtime.bigint();
        createdBeforeKill = n;
        closed = true;
        void wz.close();
      }
    }, 10);
    const run = await timedTerraform(options.dir, ['apply', '-auto-approve', '-input=false', '-no-color'], options.env);
    clearInterval(watch);
    const end = process.hrtime.bigint();
    if (killedAt === undefined) throw new Error(`the apply ended before WorkZone held ${options.killAfter} clients:\n${run.stderr}`);
    return { ...run, createdBeforeKill, afterKillSeconds: Number(end - killedAt) / 1e9 };
  } finally {
    if (!closed) await wz.close();
  }
}
