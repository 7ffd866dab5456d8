/**
 * Messages that point at the real fix (issue 13 B), as real terraform prints them:
 * - a wrong KMD Logic secret fails the provider configuration, where terraform shows the line that sets it:
 *   in a CDKTF stack the `${var.…}` the construct made, so the user sees which TF_VAR_ to correct; from the
 *   environment the message names the variable (KMDLOGIC_CLIENT_SECRET);
 * - a client_secret longer than WorkZone's client store keeps is refused at plan with the limit, for HCL and
 *   for construct users alike (the provider's rule), before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { KmdLogicSubscription } from '../../lib/constructs';
import { ClientSecret, WorkZoneOAuthClient } from '../../lib/constructs';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { synthStack, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(120_000);

let harness: Harness;
let logic: KmdLogicEmulator;
let wz: WorkZoneEmulator;

beforeAll(async () => {
  logic = await startKmdLogicEmulator({});
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'error-messages-' });
});

afterAll(async () => {
  harness?.cleanup();
  await logic?.close();
  await wz?.close();
});

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  snippet?: { code: string };
}

async function planErrors(w: Workdir, extra: string[] = []): Promise<{ errors: Diagnostic[]; output: string }> {
  await w.init();
  const run = await w.tf(['plan', '-input=false', '-json', ...extra]);
  expect(run.code).toBe(1);
  return { errors: (Workdir.diagnostics(run.stdout) as Diagnostic[]).filter((d) => d.severity === 'error'), output: run.stdout + run.stderr };
}

describe('a wrong KMD Logic client secret', () => {
  it('through KmdLogicSubscription: the error shows the ${var.…} line the secret comes from and how to set that variable', async () => {
    const cdk = synthStack(harness.root, 'logic', (stack) => new KmdLogicSubscription(stack, 'KmdLogic', { variablePrefix: 'test_kmd_logic' }));
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const w = harness.workdir(
      { 'cdk.tf.json': cdk },
      {
        KMDLOGIC_TOKEN_URL: logic.tokenUrl,
        KMDLOGIC_API_URL: logic.url,
        TF_VAR_test_kmd_logic_client_id: logic.clientId,
        TF_VAR_test_kmd_logic_client_secret: wrong,
        TF_VAR_test_kmd_logic_subscription_id: logic.subscriptionId,
        TF_VAR_test_kmd_logic_product_id: logic.productId,
      },
    );
    const { errors, output } = await planErrors(w);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error.summary).toBe('KMD Logic rejected the client credentials: check client_id / client_secret');
    // Raised by the provider configuration, on the line that sets the secret: the variable the user sets.
    expect(error.address).toMatch(/^provider\["workzone-cpr\.local\/cpr\/kmdlogic"\]\./);
    expect(error.snippet?.code).toContain('"client_secret": "${var.test_kmd_logic_client_secret}"');
    expect(error.detail).toContain(`refused client_id ${logic.clientId} with its secret (HTTP 401 invalid_client)`);
    expect(error.detail).toContain('client_id and client_secret are set in the provider configuration: correct them there (for `client_secret = var.NAME`, the value of variable NAME, such as TF_VAR_NAME in a pipeline)');
    expect(output).not.toContain(wrong);
  });

  it('from KMDLOGIC_CLIENT_SECRET: the error names that variable', async () => {
    const w = harness.workdir(
      {
        'main.tf': `
terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic", version = "0.1.0" }
  }
}
provider "kmdlogic" {
  client_id = "${logic.clientId}"
}
data "kmdlogic_subscription" "s" {
  subscription_id = "${logic.subscriptionId}"
}
`,
      },
      { KMDLOGIC_TOKEN_URL: logic.tokenUrl, KMDLOGIC_API_URL: logic.url, KMDLOGIC_CLIENT_SECRET: 'wrong-secret-from-env' },
    );
    const { errors, output } = await planErrors(w);
    expect(errors).toHaveLength(1);
    expect(errors[0].detail).toContain('client_id is set in the provider configuration');
    expect(errors[0].detail).toContain('client_secret comes from the environment: correct KMDLOGIC_CLIENT_SECRET');
    expect(output).not.toContain('wrong-secret-from-env');
  });
});

describe('a client_secret longer than WorkZone keeps', () => {
  const env = () => ({ WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password });
  const tooLong = (length: number) => `secret_value = ${JSON.stringify(randomBytes(length).toString('base64url').slice(0, length))}\n`;

  it('2 MB in HCL: refused at plan with the limit, nothing sent to WorkZone', async () => {
    const w = harness.workdir(
      {
        'main.tf': `
terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}
provider "workzone" {}
variable "secret_value" {
  type      = string
  sensitive = true
}
resource "workzone_oauth_client" "c" {
  client_id     = "too-long-secret"
  client_secret = var.secret_value
}
`,
        'terraform.tfvars': tooLong(2 * 1024 * 1024),
      },
      env(),
    );
    wz.faults.resetCounters();
    const { errors } = await planErrors(w);
    expect(errors.map((e) => e.summary)).toEqual([
      "client_secret must be at most 4000 characters long (it has 2097152): the longest secret WorkZone's OAuth client store (IdentityServer's) keeps",
    ]);
    expect(wz.data.getClient('too-long-secret')).toBeUndefined();
  });

  it('through WorkZoneOAuthClient and ClientSecret.fromVariable: the same message', async () => {
    const cdk = synthStack(harness.root, 'long-secret', (stack) => {
      new WorkzoneProvider(stack, 'workzone');
      new WorkZoneOAuthClient(stack, 'Cpr', { clientId: 'too-long-cdk', clientSecret: ClientSecret.fromVariable('cpr_client_secret') });
    });
    const w = harness.workdir({ 'cdk.tf.json': cdk, 'terraform.tfvars': tooLong(5000).replace('secret_value', 'cpr_client_secret') }, env());
    const { errors } = await planErrors(w);
    expect(errors.map((e) => e.summary)).toEqual([
      "client_secret must be at most 4000 characters long (it has 5000): the longest secret WorkZone's OAuth client store (IdentityServer's) keeps",
    ]);
  });
});
