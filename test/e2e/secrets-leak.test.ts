/**
 * The leak sweep: one stack with both providers (WorkZone OAuth clients with a supplied, a generated and a
 * write-only secret; KMD Logic credentials, subscription check and a CPR configuration with a certificate
 * password) taken through init, validate, plan, show, apply, plan -json, refresh, import, output and destroy
 * with TF_LOG=TRACE, plus forced failures (wrong credentials, 500s, and servers that echo back everything
 * they were sent). Everything printed is collected: terraform's stdout and stderr, the trace log (which
 * holds the providers' own logs), the emulators' request logs and the sandbox's identifier printout.
 * No secret may appear in any of it; only the state file may hold secrets, and never a write-only one.
 * `show -json` (plan and state JSON) may hold secrets only where terraform marks them sensitive.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { TokenIssuer } from '../../lib/emulators/kmdlogic/tokens';
import { KmdLogicClient } from '../../lib/providers/kmdlogic/client';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { formatIdentifiers } from '../../scripts/sandbox/identifiers';
import { terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const token = (prefix: string) => `${prefix}-${randomBytes(15).toString('base64url')}`;
const SUPPLIED = token('supplied');
const WRITE_ONLY = token('write-only');
const HAND_MADE = token('hand-made');
const CERT_PASSWORD = token('pfx-password');
const CERT = Buffer.concat([Buffer.from('3003020103', 'hex'), randomBytes(24)]).toString('base64'); // DER prefix the emulator checks
const WRONG_WZ_PASSWORD = token('wrong-admin-password');
const WRONG_LOGIC_SECRET = token('wrong-logic-secret');
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

const CONFIG = `terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone" }
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic" }
  }
}
variable "retry_max_seconds" {
  type    = number
  default = null
}
variable "cpr_client_secret" {
  type      = string
  sensitive = true
}
variable "cpr_client_secret_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "kmd_logic_client_id" {
  type = string
}
variable "kmd_logic_client_secret" {
  type      = string
  sensitive = true
}
variable "subscription_id" {
  type = string
}
variable "certificate" {
  type      = string
  sensitive = true
}
variable "certificate_password" {
  type      = string
  sensitive = true
}
provider "workzone" {
  retry_max_seconds = var.retry_max_seconds
}
provider "kmdlogic" {
  client_id         = var.kmd_logic_client_id
  client_secret     = var.kmd_logic_client_secret
  retry_max_seconds = var.retry_max_seconds
}
data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}
resource "workzone_oauth_client" "supplied" {
  client_id     = "leak-supplied"
  user          = data.workzone_user.cpr_batch.initials
  client_secret = var.cpr_client_secret
}
resource "workzone_oauth_client" "generated" {
  client_id = "leak-generated"
}
resource "workzone_oauth_client" "write_only" {
  client_id                = "leak-write-only"
  client_secret_wo         = var.cpr_client_secret_wo
  client_secret_wo_version = 1
}
data "kmdlogic_subscription" "s" {
  subscription_id = var.subscription_id
}
resource "kmdlogic_cpr_configuration" "c" {
  subscription_id      = var.subscription_id
  name                 = "leak-sweep"
  environment          = "Test"
  certificate          = var.certificate
  certificate_password = var.certificate_password
}
output "cpr_update_kmd_logic_client_id" {
  value = var.kmd_logic_client_id
}
output "cpr_update_kmd_logic_client_secret" {
  value     = var.kmd_logic_client_secret
  sensitive = true
}
output "cpr_update_kmd_logic_subscription_id" {
  value = data.kmdlogic_subscription.s.subscription_id
}
output "cpr_update_kmd_logic_product_id" {
  value = kmdlogic_cpr_configuration.c.id
}
output "cpr_update_cpr_client_id" {
  value = workzone_oauth_client.generated.client_id
}
output "cpr_update_cpr_client_secret" {
  value     = workzone_oauth_client.generated.client_secret
  sensitive = true
}
`;
const IMPORTED = `resource "workzone_oauth_client" "imported" {
  client_id = "leak-hand-made"
}
resource "kmdlogic_cpr_configuration" "imported" {
  subscription_id      = var.subscription_id
  name                 = "imported"
  environment          = "Test"
  certificate          = var.certificate
  certificate_password = var.certificate_password
}
`;

/**
 * A proxy in front of an emulator that, while `echo` is on for a request, answers 400 with everything the
 * request carried (method, path, Authorization header, body) in every error field both APIs use: the
 * worst case of a server that echoes requests in its errors.
 */
class EchoProxy {
  echo: (req: http.IncomingMessage) => boolean = () => false;
  echoed = 0;
  private server!: http.Server;
  url = '';

  constructor(private readonly target: () => string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (this.echo(req)) {
          this.echoed++;
          // The body's tail (where the secret fields are) first: clients may shorten long messages.
          const said = `you sent ...${body.toString('utf8').slice(-160)} with Authorization: ${req.headers.authorization ?? ''}`;
          const text = JSON.stringify({ error: { code: 'Echo', message: said }, message: said, error_description: said });
          res.writeHead(400, { 'Content-Type': 'application/json' });
          return void res.end(text);
        }
        const target = new URL(req.url ?? '/', this.target());
        const forward = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
let wzEcho: EchoProxy;
let logicEcho: EchoProxy;
let harness: Harness;
let w: Workdir;
const emulatorLog: string[] = [];
const accessTokens: string[] = [];
/** Everything printed, by where it came from. */
const printed: { source: string; text: string }[] = [];
const planJsons: { source: string; json: any }[] = [];
let generatedSecret = '';
let issueSpy: jest.SpyInstance;
/** State files as written after apply and at the end (the only place secrets may be). */
const stateFiles: string[] = [];

const logFile = () => join(harness.root, 'trace.log');

/** Runs terraform, keeps what it printed, returns the result. */
async function run(args: string[], env: Record<string, string> = {}) {
  const r = await w.tf(args, env);
  // `show -json` is terraform's machine view of plan and state, holding sensitive values by design
  // (like `output -json`): it is checked below for sensitive marking instead.
  if (args[0] === 'show' && args.includes('-json')) return r;
  printed.push({ source: `terraform ${args.join(' ')} (stdout)`, text: r.stdout }, { source: `terraform ${args.join(' ')} (stderr)`, text: r.stderr });
  return r;
}

async function ok(args: string[], env: Record<string, string> = {}) {
  const r = await run(args, env);
  if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const errorsOf = (stdout: string) => Workdir.diagnostics(stdout).filter((d: any) => d.severity === 'error') as { summary: string; detail: string }[];

function secretValues(): { name: string; value: string }[] {
  return [
    { name: 'supplied client secret', value: SUPPLIED },
    { name: 'write-only client secret', value: WRITE_ONLY },
    { name: 'WorkZone-generated client secret', value: generatedSecret },
    { name: 'secret of the imported hand-made client', value: HAND_MADE },
    { name: 'WorkZone admin password', value: wz.password },
    { name: 'wrong WorkZone admin password', value: WRONG_WZ_PASSWORD },
    { name: 'Basic header of the admin credentials', value: basic(wz.username, wz.password) },
    { name: 'Basic header of the wrong admin credentials', value: basic(wz.username, WRONG_WZ_PASSWORD) },
    { name: 'KMD Logic client secret', value: logic.clientSecret },
    { name: 'wrong KMD Logic client secret', value: WRONG_LOGIC_SECRET },
    { name: 'certificate password', value: CERT_PASSWORD },
    { name: 'certificate (PFX)', value: CERT },
    ...accessTokens.map((t, i) => ({ name: `KMD Logic access token #${i + 1}`, value: t })),
  ];
}

beforeAll(async () => {
  issueSpy = jest.spyOn(TokenIssuer.prototype, 'issue');
  const log = (line: string) => emulatorLog.push(line);
  [wz, logic, harness] = await Promise.all([
    startWorkZoneEmulator({ log }),
    startKmdLogicEmulator({ log }),
    terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'secrets-leak-' }),
  ]);
  wzEcho = new EchoProxy(() => wz.url);
  logicEcho = new EchoProxy(() => logic.rootUrl);
  await Promise.all([wzEcho.start(), logicEcho.start()]);
  w = harness.workdir(
    { 'main.tf': CONFIG },
    {
      WORKZONE_URL: wz.url,
      WORKZONE_USERNAME: wz.username,
      WORKZONE_PASSWORD: wz.password,
      KMDLOGIC_TOKEN_URL: logic.tokenUrl,
      KMDLOGIC_API_URL: logic.url,
      TF_VAR_cpr_client_secret: SUPPLIED,
      TF_VAR_cpr_client_secret_wo: WRITE_ONLY,
      TF_VAR_kmd_logic_client_id: logic.clientId,
      TF_VAR_kmd_logic_client_secret: logic.clientSecret,
      TF_VAR_subscription_id: logic.subscriptionId,
      TF_VAR_certificate: CERT,
      TF_VAR_certificate_password: CERT_PASSWORD,
      TF_LOG: 'TRACE',
      TF_LOG_PATH: '',
    },
  );
  w.env.TF_LOG_PATH = logFile();
  await ok(['init', '-input=false', '-no-color']);
});

afterAll(async () => {
  issueSpy?.mockRestore();
  await Promise.all([wz?.close(), logic?.close(), wzEcho?.close(), logicEcho?.close()]);
  harness?.cleanup();
});

describe('a full life with TF_LOG=TRACE', () => {
  it('validate, plan, show -json tfplan, apply, plan -json, refresh, show, output', async () => {
    await ok(['validate', '-no-color']);
    await ok(['plan', '-input=false', '-no-color', '-out=tfplan']);
    planJsons.push({ source: 'show -json tfplan (create)', json: JSON.parse(await ok(['show', '-json', 'tfplan'])) });
    await ok(['show', '-no-color', 'tfplan']);
    await ok(['apply', '-input=false', '-no-color', 'tfplan']);

    stateFiles.push(readFileSync(join(w.dir, 'terraform.tfstate'), 'utf8'));
    const state = JSON.parse(await ok(['show', '-json']));
    planJsons.push({ source: 'show -json (state)', json: state });
    const resources = new Map<string, any>(state.values.root_module.resources.map((r: any) => [r.address, r.values]));
    generatedSecret = resources.get('workzone_oauth_client.generated').client_secret;
    expect(generatedSecret.length).toBeGreaterThanOrEqual(16);
    expect(resources.get('workzone_oauth_client.supplied').client_secret).toBe(SUPPLIED);
    expect(resources.get('workzone_oauth_client.write_only')).toMatchObject({ client_secret: null, client_secret_wo: null });
    expect(resources.get('kmdlogic_cpr_configuration.c')).toMatchObject({ name: 'leak-sweep' });

    const planJson = await run(['plan', '-json', '-input=false', '-detailed-exitcode']);
    expect(planJson.code).toBe(0);
    await ok(['refresh', '-input=false', '-no-color']);
    await ok(['show', '-no-color']);
    await ok(['output', '-no-color']);
    // The sandbox prints the identifiers from `output -json` (which holds secrets by design, like -raw).
    const outputs = JSON.parse((await w.ok(['output', '-json'])) as string);
    printed.push({ source: 'sandbox identifiers (masked)', text: formatIdentifiers(outputs, false) });
    expect(formatIdentifiers(outputs, true)).toContain(generatedSecret); // the check below can fail
  });

  it('import of a client made by hand, and the plan after it', async () => {
    wz.data.createClient({
      ClientId: 'leak-hand-made',
      ClientName: 'Made by hand',
      Enabled: true,
      AllowAccessTokensViaBrowser: false,
      AllowOfflineAccess: false,
      RequirePkce: false,
      GrantType: 'CLNTCRED',
      User: 'CPRBATCHUSER',
      ClientSecret: HAND_MADE,
    });
    w.write({ 'main.tf': CONFIG + IMPORTED });
    await ok(['import', '-input=false', '-no-color', 'workzone_oauth_client.imported', 'leak-hand-made']);
    await ok(['import', '-input=false', '-no-color', 'kmdlogic_cpr_configuration.imported', `${logic.subscriptionId}/${logic.productId}`]);
    await ok(['plan', '-input=false', '-no-color', '-out=tfplan']);
    planJsons.push({ source: 'show -json tfplan (after import)', json: JSON.parse(await ok(['show', '-json', 'tfplan'])) });
  });
});

describe('forced failures', () => {
  it('a wrong WorkZone admin password: names username/password and the env vars', async () => {
    const r = await run(['plan', '-json', '-input=false'], { WORKZONE_PASSWORD: WRONG_WZ_PASSWORD });
    expect(r.code).toBe(1);
    const e = errorsOf(r.stdout).find((d) => /WorkZone refused the credentials/.test(d.summary))!;
    expect(e.summary).toMatch(/\(HTTP 401\)$/);
    expect(e.detail).toBe("Check the provider's username/password settings (or WORKZONE_USERNAME / WORKZONE_PASSWORD).");
  });

  it('a wrong KMD Logic client secret: names client_id/client_secret and where they are set', async () => {
    const r = await run(['plan', '-json', '-input=false'], { TF_VAR_kmd_logic_client_secret: WRONG_LOGIC_SECRET });
    expect(r.code).toBe(1);
    const e = errorsOf(r.stdout).find((d) => /KMD Logic rejected the client credentials/.test(d.summary))!;
    expect(e.summary).toBe('KMD Logic rejected the client credentials: check client_id / client_secret');
    expect(e.detail).toContain('client_id and client_secret are set in the provider configuration: correct them there');
  });

  it('500s from both services until the retry budget runs out', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 500 });
    logic.faults.set({ errorRate: 1, errorStatus: 500 });
    try {
      const r = await run(['plan', '-json', '-input=false', '-var', 'retry_max_seconds=1']);
      expect(r.code).toBe(1);
      const summaries = errorsOf(r.stdout).map((d) => d.summary);
      expect(summaries.some((s) => /^WorkZone did not answer/.test(s))).toBe(true);
      expect(summaries.some((s) => /KMD Logic/.test(s))).toBe(true);
    } finally {
      wz.faults.reset();
      logic.faults.reset();
    }
  });

  it('servers that echo the request (admin header, secrets, tokens) in their errors', async () => {
    // Admin API: every WorkZone request echoed (the configure check carries the Basic header).
    wzEcho.echo = () => true;
    const admin = await run(['plan', '-json', '-input=false', '-refresh=false'], { WORKZONE_URL: wzEcho.url });
    expect(admin.code).toBe(1);
    // Writes: WorkZone reads and the delete of the replacement pass, the create with the secret in its
    // body is echoed; the KMD Logic token request (client secret in the form) is echoed.
    wzEcho.echo = (req) => req.method === 'POST';
    logicEcho.echo = (req) => req.method === 'POST' && req.url === new URL(logic.tokenUrl).pathname;
    const writes = await run(['apply', '-json', '-auto-approve', '-input=false', '-refresh=false', '-replace=workzone_oauth_client.supplied', '-target=workzone_oauth_client.supplied'], {
      WORKZONE_URL: wzEcho.url,
    });
    expect(writes.code).toBe(1);
    const token = await run(['plan', '-json', '-input=false', '-refresh=false', '-target=data.kmdlogic_subscription.s'], { KMDLOGIC_TOKEN_URL: `${logicEcho.url}${new URL(logic.tokenUrl).pathname}` });
    expect(token.code).toBe(1);
    // KMD Logic API: the configuration upload (Bearer token, certificate and its password) is echoed. The
    // replaced configuration stays in Logic (no delete API); renamed, as by hand, so the create is not refused.
    const console = new KmdLogicClient({ clientId: logic.clientId, clientSecret: logic.clientSecret, tokenUrl: logic.tokenUrl, apiUrl: logic.url, scope: logic.scope });
    const old = logic.data().configurations.find((c) => c.name === 'leak-sweep')!;
    await console.updateDataDistributor(logic.subscriptionId, old.id, { name: 'leak-sweep (old)', environment: 'Test', certificate: Buffer.from('3003020103', 'hex') });
    console.close();
    logicEcho.echo = (req) => req.method === 'POST';
    const upload = await run(['apply', '-json', '-auto-approve', '-input=false', '-refresh=false', '-replace=kmdlogic_cpr_configuration.c', '-target=kmdlogic_cpr_configuration.c'], {
      KMDLOGIC_API_URL: `${logicEcho.url}${new URL(logic.url).pathname}`,
    });
    expect(upload.code).toBe(1);
    expect(wzEcho.echoed).toBeGreaterThanOrEqual(2);
    expect(logicEcho.echoed).toBeGreaterThanOrEqual(2);
    // The echoes reached the error messages, with the credentials scrubbed out.
    const details = (r: { stdout: string }) => errorsOf(r.stdout).map((d) => d.detail).join('\n');
    expect(details(admin)).toMatch(/you sent .* with Authorization: Basic \*\*\*/);
    expect(details(writes)).toMatch(/"ClientSecret":"\*\*\*"\} with Authorization: Basic \*\*\*/);
    expect(details(token)).toMatch(/client_secret=\*\*\*&scope=/);
    expect(details(upload)).toMatch(/name="certificatePassword" \(sensitive value\) .* with Authorization: Bearer \*\*\*/);
    wzEcho.echo = logicEcho.echo = () => false;
  });
});

describe('the sweep', () => {
  it('destroy', async () => {
    await ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(wz.data.listClients()).toEqual([]);
  });

  it('no secret appears in anything printed, logged or shown; only the state file holds them', () => {
    accessTokens.push(...issueSpy.mock.results.filter((r) => r.type === 'return').map((r) => r.value.accessToken as string));
    const trace = readFileSync(logFile(), 'utf8');
    // terraform did log at trace, with both providers' own logs in it (a boolean: no log dump on failure)
    expect(/\[TRACE\]/.test(trace)).toBe(true);
    for (const p of ['workzone', 'kmdlogic']) expect(new RegExp(`provider\\.terraform-provider-${p}_v[\\d.]+: .*tf_rpc=ApplyResourceChange`).test(trace)).toBe(true);
    const sources = [...printed, { source: 'TF_LOG_PATH trace log', text: trace }, { source: 'emulator request logs', text: emulatorLog.join('\n') }];
    const secrets = secretValues();
    expect(secrets.every((s) => s.value.length >= 16)).toBe(true);
    expect(accessTokens.length).toBeGreaterThanOrEqual(3);

    const leaks: string[] = [];
    for (const { source, text } of sources) for (const s of secrets) if (text.includes(s.value)) leaks.push(`${s.name} in ${source}`);
    // Plan and state JSON: secrets only at paths terraform marks sensitive; write-only ones nowhere.
    for (const { source, json } of planJsons) {
      for (const p of unmarkedSecretPaths(json, secrets)) leaks.push(`${p.secret} at unmarked ${p.path} of ${source}`);
      if (JSON.stringify(json).includes(WRITE_ONLY)) leaks.push(`write-only client secret in ${source}`);
    }
    // State: ordinary secrets are there (so the search works); write-only ones are not, not even inside
    // the providers' private data (base64 JSON).
    stateFiles.push(readFileSync(join(w.dir, 'terraform.tfstate.backup'), 'utf8'));
    expect(stateFiles[0]!.includes(SUPPLIED)).toBe(true);
    expect(stateFiles[0]!.includes(generatedSecret)).toBe(true);
    for (const [i, text] of stateFiles.entries()) {
      const privates = (JSON.parse(text).resources ?? []).flatMap((r: any) => r.instances.map((x: any) => Buffer.from(x.private ?? '', 'base64').toString('utf8')));
      if ([text, ...privates].some((t) => t.includes(WRITE_ONLY))) leaks.push(`write-only client secret in state file #${i + 1}`);
    }

    const bytes = sources.reduce((n, s) => n + Buffer.byteLength(s.text), 0) + planJsons.reduce((n, p) => n + Buffer.byteLength(JSON.stringify(p.json)), 0);
    process.stdout.write(`leak sweep: ${secrets.length} secret values, ${sources.length + planJsons.length} outputs, ${bytes} bytes scanned, ${leaks.length} leaks\n`);
    expect(leaks).toEqual([]); // names where, never the value
  });
});

type Path = (string | number)[];

/** Paths in a `show -json` document where a secret sits without terraform's sensitive marking. */
function unmarkedSecretPaths(doc: any, secrets: { name: string; value: string }[]): { secret: string; path: string }[] {
  const out: { secret: string; path: string }[] = [];
  const walk = (v: unknown, path: Path) => {
    if (typeof v === 'string') {
      for (const s of secrets) if (v.includes(s.value) && !marked(doc, path)) out.push({ secret: s.name, path: path.join('.') });
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child, [...path, Array.isArray(v) ? Number(k) : k]);
    }
  };
  walk(doc, []);
  return out;
}

/** Whether terraform marks the value at `path` sensitive (the marker shapes of the JSON output format). */
function marked(doc: any, path: Path): boolean {
  const within = (marker: any, rest: Path): boolean => {
    for (const key of rest) {
      if (marker === true) return true;
      if (!marker || typeof marker !== 'object') return false;
      marker = marker[key];
    }
    return marker === true;
  };
  const [a, b, c, d, e, f, ...rest] = path;
  if (a === 'variables' && c === 'value') return doc.configuration?.root_module?.variables?.[b as string]?.sensitive === true;
  if (a === 'resource_changes' && c === 'change' && (d === 'before' || d === 'after')) {
    return within(doc.resource_changes[b as number].change[`${d}_sensitive`], path.slice(4));
  }
  if (a === 'output_changes' && (c === 'before' || c === 'after')) return within(doc.output_changes[b as string][`${c}_sensitive`], path.slice(3));
  // planned_values / prior_state (plan) or the state document itself: values + sensitive_values, outputs + sensitive.
  const values = a === 'values' ? doc.values : doc[a as string]?.values ?? doc[a as string];
  const tail = a === 'values' ? path.slice(1) : a === 'prior_state' ? path.slice(2) : path.slice(1);
  if (tail[0] === 'outputs') return values?.outputs?.[tail[1] as string]?.sensitive === true;
  if (tail[0] === 'root_module' && tail[1] === 'resources' && tail[3] === 'values') {
    return within(values.root_module.resources[tail[2] as number].sensitive_values, tail.slice(4));
  }
  void e;
  void f;
  return false;
}
