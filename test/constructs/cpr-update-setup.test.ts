import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { CPR_UPDATE_OUTPUTS, ClientSecret, CprUpdateSetup, KmdLogicSubscription } from '../../lib/constructs';
import { errorOf, newStack, synthJson } from './helpers';

describe('CprUpdateSetup', () => {
  test('emits the six identifiers as outputs with stable names; the two secrets are sensitive', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update' });
    const json = synthJson(stack);
    expect(json.output).toEqual({
      cpr_update_kmd_logic_client_id: expect.objectContaining({ sensitive: false, value: '${var.cpr_update_kmd_logic_client_id}' }),
      cpr_update_kmd_logic_client_secret: expect.objectContaining({ sensitive: true, value: '${var.cpr_update_kmd_logic_client_secret}' }),
      cpr_update_kmd_logic_subscription_id: expect.objectContaining({ sensitive: false }),
      cpr_update_kmd_logic_product_id: expect.objectContaining({ sensitive: false }),
      cpr_update_cpr_client_id: expect.objectContaining({ sensitive: false, value: expect.stringMatching(/^\$\{workzone_oauth_client\..+\.client_id\}$/) }),
      cpr_update_cpr_client_secret: expect.objectContaining({ sensitive: true, value: expect.stringMatching(/^\$\{workzone_oauth_client\..+\.client_secret\}$/) }),
    });
    expect(json.output.cpr_update_cpr_client_secret.description).toContain('Contact update - CPR, Client Secret');
    expect(json.output.cpr_update_kmd_logic_product_id.description).toContain('KMD Logic Product ID');
  });

  test('the documented output table has six rows, two sensitive', () => {
    expect(CPR_UPDATE_OUTPUTS).toHaveLength(6);
    expect(CPR_UPDATE_OUTPUTS.filter((o) => o.sensitive).map((o) => o.key)).toEqual(['kmdLogicClientSecret', 'cprClientSecret']);
  });

  test('two environments in one stack, each with its own provider, outputs and variables', () => {
    const stack = newStack();
    const test = new WorkzoneProvider(stack, 'wz-test', { alias: 'test', url: 'https://wz-test.example.dk' });
    const prod = new WorkzoneProvider(stack, 'wz-prod', { alias: 'prod', url: 'https://wz.example.dk' });
    new CprUpdateSetup(stack, 'Test', { clientId: 'cpr-update-test', provider: test });
    new CprUpdateSetup(stack, 'Prod', { clientId: 'cpr-update', provider: prod });
    const json = synthJson(stack);
    expect(Object.keys(json.output)).toHaveLength(12);
    expect(Object.keys(json.output).filter((n) => n.startsWith('prod_'))).toHaveLength(6);
    expect(Object.keys(json.variable)).toHaveLength(8);
    expect(Object.keys(json.resource.workzone_oauth_client)).toHaveLength(2);
    expect(Object.keys(json.resource.random_password)).toHaveLength(2);
    expect(json.provider.random).toHaveLength(1);
  });

  test('nested inside a larger construct, with a shared Logic subscription, handing identifiers on', () => {
    const stack = newStack();
    const logic = new KmdLogicSubscription(stack, 'Logic', { variablePrefix: 'logic' });
    const setup = new CprUpdateSetup(stack, 'Env1', { clientId: 'a', kmdLogic: logic, outputPrefix: 'env1' });
    new CprUpdateSetup(stack, 'Env2', { clientId: 'b', kmdLogic: logic, outputPrefix: 'env2' });
    // A larger stack hands the identifiers on, e.g. into one JSON secret document.
    new TerraformOutput(stack, 'bundle', { value: Fn.jsonencode(setup.identifiers), sensitive: true });
    const json = synthJson(stack);
    expect(Object.keys(json.variable)).toHaveLength(4);
    expect(json.output.env1_kmd_logic_client_id.value).toBe('${var.logic_client_id}');
    expect(json.output.env2_kmd_logic_client_id.value).toBe('${var.logic_client_id}');
    expect(json.output.bundle.value).toContain('client_secret');
    expect(setup.outputs.cprClientSecret).toBeInstanceOf(TerraformOutput);
  });

  test('refuses two set-ups with one output prefix', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'A', { clientId: 'a', outputPrefix: 'same' });
    expect(errorOf(() => new CprUpdateSetup(stack, 'B', { clientId: 'b', outputPrefix: 'same' }))).toMatch(
      /'test\/B': outputPrefix "same" is already used by 'test\/A'/,
    );
  });

  test('the same prefix in two stacks is fine', () => {
    const app = Testing.app();
    new CprUpdateSetup(new TerraformStack(app, 's1'), 'X', { clientId: 'a' });
    expect(() => new CprUpdateSetup(new TerraformStack(app, 's2'), 'X', { clientId: 'a' })).not.toThrow();
  });

  test('all bad props, of the set-up and of its client, in one error', () => {
    const message = errorOf(() => new CprUpdateSetup(newStack(), 'Setup', { clientId: 'bad id', grantType: 'X', outputPrefix: '9x' } as any));
    expect(message).toMatch(/CprUpdateSetup at 'test\/Setup' \(3 problems\)/);
    expect(message).toContain('clientId = "bad id"');
    expect(message).toContain('grantType = "X"');
    expect(message).toContain('outputPrefix = "9x"');
  });

  test('WorkZone-generated secret: no random provider needed', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'a', clientSecret: ClientSecret.generatedByWorkZone() });
    const json = synthJson(stack);
    expect(json.provider.random).toBeUndefined();
    expect(json.terraform.required_providers.random).toBeUndefined();
  });

  test('random provider comes from the registry address, ours from outside it', () => {
    const json = synthJson(((s) => (new CprUpdateSetup(s, 'C', { clientId: 'a' }), s))(newStack()));
    expect(json.terraform.required_providers.random.source).toBe('hashicorp/random');
    expect(json.terraform.required_providers.workzone.source).not.toMatch(/^(registry\.terraform\.io\/)?hashicorp\//);
  });

  test('HCL synthesis', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update', clientSecret: ClientSecret.fromToken(secret.stringValue) });
    const hcl: string = Testing.synthHcl(stack, true);
    expect(hcl).toMatch(/resource "workzone_oauth_client" "[A-Za-z0-9_]+" \{/);
    expect(hcl).toContain('client_id');
    expect(hcl).toContain('"cpr-update"');
    expect(hcl).toContain('grant_type');
    const output = hcl.slice(hcl.indexOf('output "cpr_update_cpr_client_secret" {'));
    expect(output.slice(0, output.indexOf('\n}'))).toMatch(/sensitive\s*=\s*true/);
    expect(hcl).toMatch(/source\s*=\s*"workzone-cpr.local\/cpr\/workzone"/);
  });
});
