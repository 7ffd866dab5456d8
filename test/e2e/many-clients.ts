/**
 * Shared by the fault and interrupt e2e tests: a configuration of N workzone_oauth_client resources with
 * supplied secrets (from a variable, so the provider can prove a client is its own), terraform run as a
 * child we can signal, and the checks that WorkZone's clients are exactly the state's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hashClientSecret } from '../../lib/providers/workzone/client';
import type { WorkZoneEmulator } from '../../lib/emulators/workzone';
import type { TfResult, Workdir } from './harness';

export const SOURCE = 'workzone-cpr.local/cpr/workzone';

/**
 * `count` clients `<prefix>-00` ...; secret i is "<var.secret>-i"; `generated` leaves the secret to WorkZone.
 * The retry budget is the provider's default (120 s): at ~40% faults one request in ~10^4 still fails ten
 * attempts in a row, which a 60 s budget (about ten attempts) turned into a failed run now and then.
 */
export function clientsHcl(prefix: string, count: number, options: { retryMaxSeconds?: number; generated?: boolean } = {}): string {
  return `
terraform {
  required_providers {
    workzone = { source = "${SOURCE}", version = "0.1.0" }
  }
}

provider "workzone" {
  retry_max_seconds = ${options.retryMaxSeconds ?? 120}
}

variable "secret" {
  type      = string
  sensitive = true
  default   = null
}

resource "workzone_oauth_client" "c" {
  count         = ${count}
  client_id     = format("${prefix}-%02d", count.index)
  client_name   = "Fault test \${count.index}"
  user          = "CPRBATCHUSER"
  client_secret = ${options.generated ? 'null' : '"${var.secret}-${count.index}"'}
}
`;
}

/** Client id → address of every workzone_oauth_client in state. */
export async function stateClients(w: Workdir): Promise<Map<string, string>> {
  const state = await w.state();
  const out = new Map<string, string>();
  for (const [address, values] of state) if (address.startsWith('workzone_oauth_client.')) out.set(values.client_id, address);
  return out;
}

/** Client ids in the emulator with this prefix, sorted. */
export function emulatorClients(wz: WorkZoneEmulator, prefix: string): string[] {
  return wz.data
    .listClients()
    .map((c) => c.ClientId)
    .filter((id) => id.startsWith(`${prefix}-`));
}

/** Asserts WorkZone has exactly the state's clients, `count` of them, each with its own configured secret. */
export async function expectEmulatorEqualsState(w: Workdir, wz: WorkZoneEmulator, prefix: string, count: number, secret?: string): Promise<void> {
  const inState = await stateClients(w);
  const inWorkZone = emulatorClients(wz, prefix);
  expect(new Set(inWorkZone).size).toBe(inWorkZone.length);
  expect([...inState.keys()].sort()).toEqual(inWorkZone);
  expect(inWorkZone).toHaveLength(count);
  if (secret !== undefined) {
    for (const id of inWorkZone) {
      const index = Number(id.slice(prefix.length + 1));
      expect(wz.data.getClient(id)?.ClientSecretHash).toBe(hashClientSecret(`${secret}-${index}`));
    }
  }
}

export interface RunningTerraform {
  readonly child: ChildProcess;
  readonly done: Promise<TfResult & { signal: NodeJS.Signals | null }>;
}

/** Starts terraform in its own process group (as a shell job is), so that a Ctrl-C can be sent to the group. */
export function startTerraform(w: Workdir, args: string[]): RunningTerraform {
  const child = spawn('terraform', args, { cwd: w.dir, env: w.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<TfResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Polls `condition` every 25 ms; rejects after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `read` returns the same value for `quietMs` (e.g. no more clients appearing). */
export async function waitUntilStable<T>(read: () => T, quietMs: number, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(read());
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('value never settled');
    await new Promise((r) => setTimeout(r, 50));
    const now = JSON.stringify(read());
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return read();
}
