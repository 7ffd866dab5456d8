/**
 * Real terraform against servers that are down (issue 13): a port nobody listens on, a server that accepts
 * connections and never answers, and the WorkZone emulator killed in the middle of an apply. A dead server
 * is judged once per provider process: the run ends within one budget plus terraform's own seconds, with
 * errors that name the server, what was tried and the settings, and nothing more is sent once it is judged
 * down; a server that comes back within the budget is used. Budgets here are short (set in the provider
 * block); bench/sections/unreachable.ts measures the default ones for the README.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import {
  applyKilledMidway,
  closedPort,
  logicConfigurationsHcl,
  logicSettings,
  silentServer,
  timedTerraform,
  workzoneClientsHcl,
} from '../../bench/support/unreachable';
import { terraformHarness, type Harness } from './harness';

jest.setTimeout(120_000);

/** Long enough that waiting it out would fail the bounds below: only the quick verdict on refused connections passes. */
const RETRY_MAX_SECONDS = 60;
/** Refused connections: 10 s of quick retries, plus terraform's own start-up and teardown on a busy machine. */
const REFUSED_BOUND_S = 20;
const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const PLAN = ['plan', '-input=false', '-no-color'];

let harness: Harness;
let bundles: string;

beforeAll(async () => {
  harness = await terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'unreachable-' });
  bundles = join(harness.root, 'bundles');
});

afterAll(() => harness?.cleanup());

const wzSettings = (url: string, extra: Record<string, number> = {}) => ({ url, username: 'admin', password: 'unreachable-password', retry_max_seconds: RETRY_MAX_SECONDS, ...extra });

describe('WorkZone down from the start', () => {
  it('a port nobody listens on: apply and plan of 50 clients end in seconds with one error naming the server and "url"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const w = harness.workdir({ 'main.tf': workzoneClientsHcl(bundles, 50, 'dead', wzSettings(url)) });
    await w.init();
    for (const args of [APPLY, PLAN]) {
      const run = await timedTerraform(w.dir, args, w.env);
      console.log(`WorkZone refused, ${args[0]} of 50 clients: ${run.seconds.toFixed(1)} s`);
      expect(run.code).toBe(1);
      expect(run.seconds).toBeLessThan(REFUSED_BOUND_S);
      expect(run.errors).toEqual(['WorkZone is unreachable (reading the OData service document)']);
      const text = run.stderr.replace(/\s+/g, ' ');
      expect(text).toMatch(new RegExp(`${url.replace(/[.]/g, '\\.')} refused every connection for 1\\d\\.\\d s`));
      expect(text).toContain('a refused connection is retried for 10 s, then the server is taken as down for the rest of this run');
      expect(text).toContain('Check the provider setting "url" and that WorkZone is running.');
    }
  });

  it('a server that accepts and never answers: the plan ends with the retry budget, naming retry_max_seconds and request_timeout_seconds', async () => {
    const silent = await silentServer();
    try {
      // Two attempts would take 16.5 s; the verdict comes at 9 s and ends the second one.
      const w = harness.workdir({ 'main.tf': workzoneClientsHcl(bundles, 50, 'silent', wzSettings(silent.url, { retry_max_seconds: 9, request_timeout_seconds: 8 })) });
      await w.init();
      const run = await timedTerraform(w.dir, PLAN, w.env);
      console.log(`WorkZone silent, plan of 50 clients: ${run.seconds.toFixed(1)} s`);
      expect(run.code).toBe(1);
      expect(run.seconds).toBeGreaterThanOrEqual(9);
      expect(run.seconds).toBeLessThan(REFUSED_BOUND_S); // the budget plus a few seconds; the machine is shared and noisy
      expect(run.errors).toEqual(['WorkZone is unreachable (reading the OData service document)']);
      const text = run.stderr.replace(/\s+/g, ' ');
      expect(text).toMatch(new RegExp(`${silent.url} did not answer for \\d+\\.\\d s \\(2 attempt\\(s\\) by 1 request\\(s\\); last: timeout after 8000 ms\\)`));
      expect(text).toContain('after retry_max_seconds (9 s) without an answer, each attempt waiting up to request_timeout_seconds (8 s), the server is taken as down');
      expect(text).toContain('raise retry_max_seconds / request_timeout_seconds');
    } finally {
      await silent.close();
    }
  });

  it('a server that comes back within the budget is used: the apply succeeds', async () => {
    const data = mkdtempSync(join(tmpdir(), 'unreachable-wz-'));
    try {
      const first = await startWorkZoneEmulator({ port: 0, dataDir: data });
      const { port, username, password, url } = first;
      await first.close();
      const w = harness.workdir({ 'main.tf': workzoneClientsHcl(bundles, 3, 'revived', { url, username, password }) }, { TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: 'provider.log' });
      await w.init();
      const apply = timedTerraform(w.dir, APPLY, w.env);
      await new Promise((r) => setTimeout(r, 4000)); // terraform is past start-up and retrying the refused connection
      const revived = await startWorkZoneEmulator({ port, dataDir: data });
      try {
        const run = await apply;
        expect({ code: run.code, errors: run.errors }).toEqual({ code: 0, errors: [] });
        expect(revived.data.listClients().map((c) => c.ClientId).sort()).toEqual(['revived-00', 'revived-01', 'revived-02']);
        expect(readFileSync(join(w.dir, 'provider.log'), 'utf8')).toContain(`${url} is not answering (connection refused (ECONNREFUSED))`);
      } finally {
        await revived.close();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe('WorkZone killed mid-apply of 40 clients', () => {
  it('the apply ends seconds after the kill; the clients not yet created fail with the one verdict and none is sent after it', async () => {
    const w = harness.workdir({}, { TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: 'provider.log' });
    const run = await applyKilledMidway({
      dir: w.dir,
      env: w.env,
      killAfter: 10,
      latencyMs: 200,
      prepare: async (url, creds) => {
        w.write({ 'main.tf': workzoneClientsHcl(bundles, 40, 'killed', { url, ...creds, retry_max_seconds: RETRY_MAX_SECONDS }) });
        await w.init();
      },
    });
    console.log(`WorkZone killed after ${run.createdBeforeKill} of 40 clients: apply ${run.seconds.toFixed(1)} s, ${run.afterKillSeconds.toFixed(1)} s after the kill, ${run.errors.length} errors`);
    expect(run.code).toBe(1);
    expect(run.afterKillSeconds).toBeLessThan(REFUSED_BOUND_S);
    // Creates under way when it died may have arrived (outcome unknown); every other one ends with the verdict.
    const unreachable = run.errors.filter((e) => /^WorkZone is unreachable \(creating OAuth client "killed-\d+"\)$/.test(e));
    const unknown = run.errors.filter((e) => /^The outcome is unknown: creating OAuth client "killed-\d+"$/.test(e));
    expect(unreachable.length + unknown.length).toBe(run.errors.length);
    expect(unreachable.length).toBeGreaterThan(0);
    expect(run.errors.length).toBeLessThanOrEqual(40 - run.createdBeforeKill);

    // The provider's own log: once the server is judged down, no request is tried again.
    const log = readFileSync(join(w.dir, 'provider.log'), 'utf8');
    const verdictAt = log.indexOf(' taken as down: ');
    expect(verdictAt).toBeGreaterThan(0);
    expect(log.indexOf('http failure', verdictAt)).toBe(-1);
    expect(log.indexOf('http response', verdictAt)).toBe(-1);
  });
});

describe('KMD Logic down from the start', () => {
  it('a port nobody listens on: apply of 50 configurations and a plan reading a subscription end in seconds with one error', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const settings = logicSettings(url, { retry_max_seconds: RETRY_MAX_SECONDS });
    const apply = harness.workdir({ 'main.tf': logicConfigurationsHcl(bundles, 50, settings) });
    const plan = harness.workdir({ 'main.tf': logicConfigurationsHcl(bundles, 50, settings, { dataSource: true }) });
    for (const [w, args] of [[apply, APPLY], [plan, PLAN]] as const) {
      await w.init();
      const run = await timedTerraform(w.dir, args, w.env);
      console.log(`KMD Logic refused, ${args[0]} of 50 configurations: ${run.seconds.toFixed(1)} s`);
      expect(run.code).toBe(1);
      expect(run.seconds).toBeLessThan(REFUSED_BOUND_S);
      expect(run.errors).toEqual(['KMD Logic is unreachable (could not get an access token)']);
      const text = run.stderr.replace(/\s+/g, ' ');
      expect(text).toMatch(new RegExp(`${url.replace(/[.]/g, '\\.')} refused every connection for 1\\d\\.\\d s`));
      expect(text).toContain('Check the provider setting token_url');
    }
  });

  it('credentials from the environment (no provider block): 50 configurations end in seconds, each with the one verdict', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { client_id, client_secret, token_url, api_url } = logicSettings(url) as Record<string, string>;
    const hcl = logicConfigurationsHcl(bundles, 50, {}).replace(/provider "kmdlogic" \{\n\n\}\n/, '');
    const w = harness.workdir(
      { 'main.tf': hcl },
      { KMDLOGIC_CLIENT_ID: client_id, KMDLOGIC_CLIENT_SECRET: client_secret, KMDLOGIC_TOKEN_URL: token_url, KMDLOGIC_API_URL: api_url },
    );
    await w.init();
    const run = await timedTerraform(w.dir, APPLY, w.env);
    console.log(`KMD Logic refused, settings from the environment, apply of 50 configurations: ${run.seconds.toFixed(1)} s, ${run.errors.length} errors`);
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(REFUSED_BOUND_S);
    expect(run.errors.length).toBeGreaterThan(0);
    expect(new Set(run.errors)).toEqual(new Set(['KMD Logic is unreachable (could not get an access token)']));
  });
});
