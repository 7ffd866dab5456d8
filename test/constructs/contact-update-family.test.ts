/**
 * The contact update family on one core: CprUpdateSetup and CvrUpdateSetup, with KMD Logic (WorkZone up to
 * 2024.2) or without (`kmdLogic: false`, 2024.3 and later), their outputs, defaults, errors and health check,
 * all following the modules' data (update-module.ts).
 */
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { CPR_UPDATE_OUTPUTS, CVR_UPDATE_OUTPUTS, CprUpdateSetup, CvrUpdateSetup, KmdLogicCvrSubscription, KmdLogicSubscription } from '../../lib/constructs';
import { CPR_UPDATE_MODULE, CVR_UPDATE_MODULE, UPDATE_MODULES, outputsOf } from '../../lib/constructs/update-module';
import { KMD_LOGIC_CVR_SUBSCRIPTION_SPEC, KMD_LOGIC_SUBSCRIPTION_SPEC } from '../../lib/constructs/specs';
import { snakeCase } from '../../lib/constructs/names';
import { KMDLOGIC_SCOPE } from '../../lib/schemas/kmdlogic';
import { errorOf, newStack, only, synthJson } from './helpers';

const GUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

describe('the modules as data', () => {
  test('each identifier is either issued by KMD Logic (a prop of its KMD Logic construct) or one of the OAuth client\'s two', () => {
    for (const module of UPDATE_MODULES) {
      for (const o of module.outputs) expect([o.kmdLogicProp, o.oauthClientField].filter((x) => x !== undefined)).toHaveLength(1);
      expect(outputsOf(module, false).map((o) => o.oauthClientField)).toEqual(['clientId', 'clientSecret']);
      // The suffix of a KMD Logic output is its prop in snake case, as the variable is.
      for (const o of module.outputs.filter((x) => x.kmdLogicProp)) expect(o.suffix).toBe(`kmd_logic_${snakeCase(o.kmdLogicProp!)}`);
    }
    const spec = { KmdLogicSubscription: KMD_LOGIC_SUBSCRIPTION_SPEC, KmdLogicCvrSubscription: KMD_LOGIC_CVR_SUBSCRIPTION_SPEC };
    for (const module of UPDATE_MODULES) {
      const props = Object.keys(spec[module.kmdLogicConstruct as keyof typeof spec].props);
      expect(props).toEqual(expect.arrayContaining(module.outputs.flatMap((o) => (o.kmdLogicProp ? [o.kmdLogicProp] : []))));
    }
    expect(CVR_UPDATE_OUTPUTS.map((o) => o.label)).toEqual([
      'KMD Logic Client ID',
      'KMD Logic Client Secret',
      'KMD Logic Subscription ID',
      'KMD Logic Scope',
      'KMD Logic CVR Configuration ID',
      'Contact update - CVR, Client ID',
      'Contact update - CVR, Client Secret',
    ]);
  });
});

describe('CvrUpdateSetup', () => {
  test('defaults: the CVR client settings, user CVRBATCHUSER; seven outputs, the two secrets sensitive; five variables', () => {
    const stack = newStack();
    const setup = new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-update' });
    const json = synthJson(stack);
    expect(only(json, 'resource', 'workzone_oauth_client')).toMatchObject({
      client_id: 'cvr-update',
      client_name: 'Contact update - CVR',
      grant_type: 'CLNTCRED',
      enabled: true,
      require_pkce: false,
      allow_offline_access: false,
      allow_access_token_via_browser: false,
    });
    expect(only(json, 'data', 'workzone_user').initials).toBe('CVRBATCHUSER');
    expect(Object.fromEntries(Object.entries(json.output).map(([name, o]: [string, any]) => [name, o.sensitive]))).toEqual({
      cvr_update_kmd_logic_client_id: false,
      cvr_update_kmd_logic_client_secret: true,
      cvr_update_kmd_logic_subscription_id: false,
      cvr_update_kmd_logic_scope: false,
      cvr_update_kmd_logic_cvr_configuration_id: false,
      cvr_update_cvr_client_id: false,
      cvr_update_cvr_client_secret: true,
    });
    expect(json.output.cvr_update_cvr_client_secret.description).toBe("Contact update - CVR, Client Secret for the CVR update module (test/CvrUpdate)");
    expect(Object.keys(json.variable).sort()).toEqual(
      ['client_id', 'client_secret', 'cvr_configuration_id', 'scope', 'subscription_id'].map((v) => `cvr_update_kmd_logic_${v}`),
    );
    expect(json.variable.cvr_update_kmd_logic_client_secret.sensitive).toBe(true);
    expect(json.variable.cvr_update_kmd_logic_scope.description).toBe('KMD Logic Scope (from the KMD Logic console)');
    expect(json.variable.cvr_update_kmd_logic_cvr_configuration_id.validation[0].error_message).toContain('must be a GUID');
    expect(Object.keys(setup.identifiers)).toEqual(CVR_UPDATE_OUTPUTS.map((o) => o.key));
    expect(setup.outputs.cvrClientSecret).toBeInstanceOf(TerraformOutput);
    expect(setup.kmdLogic).toBeInstanceOf(KmdLogicCvrSubscription);
  });

  test('its KMD Logic part verifies the credential and scope with a token, before the client is created', () => {
    const stack = newStack();
    new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-update' });
    const json = synthJson(stack);
    const check = only(json, 'data', 'kmdlogic_client_credential');
    const provider = json.provider.kmdlogic.find((p: any) => `kmdlogic.${p.alias}` === check.provider);
    expect(provider).toMatchObject({ client_id: '${var.cvr_update_kmd_logic_client_id}', scope: '${var.cvr_update_kmd_logic_scope}' });
    expect(only(json, 'resource', 'workzone_oauth_client').depends_on).toEqual([expect.stringMatching(/^data\.kmdlogic_client_credential\./)]);
    // The CPR API is not asked about a CVR subscription.
    expect(json.data.kmdlogic_subscription).toBeUndefined();
  });

  test('a KmdLogicCvrSubscription of literal identifiers; the wrong module\'s KMD Logic construct is refused', () => {
    const stack = newStack();
    const logic = new KmdLogicCvrSubscription(stack, 'Logic', {
      clientId: GUID,
      subscriptionId: GUID,
      scope: KMDLOGIC_SCOPE,
      cvrConfigurationId: GUID,
      clientSecret: new TerraformVariable(stack, 's', { type: 'string', sensitive: true }).stringValue,
    });
    const setup = new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-update', kmdLogic: logic });
    expect(setup.identifiers.kmdLogicScope).toBe(KMDLOGIC_SCOPE);
    expect(synthJson(stack).output.cvr_update_kmd_logic_cvr_configuration_id.value).toBe(GUID);
    const wrong = errorOf(() => new CvrUpdateSetup(newStack(), 'X', { clientId: 'x', kmdLogic: new KmdLogicSubscription(newStack(), 'L') as never }));
    expect(wrong).toContain("kmdLogic = (KmdLogicSubscription): must be a KmdLogicCvrSubscription (the CVR update module's KMD Logic identifiers), or false for WorkZone 2024.3 and later");
  });

  test('KmdLogicCvrSubscription checks its literals: GUIDs, a scope that is not blank; no productIdCheck', () => {
    const message = errorOf(() => new KmdLogicCvrSubscription(newStack(), 'L', { cvrConfigurationId: 'nope', scope: ' ', productIdCheck: 'off' } as never));
    expect(message).toContain('cvrConfigurationId = "nope": must be a GUID');
    expect(message).toContain('scope = " ": must not be empty or only whitespace');
    expect(message).toMatch(/productIdCheck|unrecognized/i);
  });
});

describe('without KMD Logic (WorkZone 2024.3 and later)', () => {
  test.each([
    ['CprUpdateSetup', (s: any) => new CprUpdateSetup(s, 'CprUpdate', { clientId: 'cpr', kmdLogic: false }), ['cpr_update_cpr_client_id', 'cpr_update_cpr_client_secret']],
    ['CvrUpdateSetup', (s: any) => new CvrUpdateSetup(s, 'CvrUpdate', { clientId: 'cvr', kmdLogic: false }), ['cvr_update_cvr_client_id', 'cvr_update_cvr_client_secret']],
  ])('%s with kmdLogic: false: the two OAuth outputs only, no variable, no kmdlogic provider', (_name, build, outputs) => {
    const stack = newStack();
    const setup = build(stack);
    const json = synthJson(stack);
    expect(Object.keys(json.output)).toEqual(outputs);
    expect(json.variable).toBeUndefined();
    expect(json.provider.kmdlogic).toBeUndefined();
    expect(json.data.kmdlogic_subscription ?? json.data.kmdlogic_client_credential).toBeUndefined();
    expect(only(json, 'resource', 'workzone_oauth_client').depends_on).toBeUndefined();
    expect(setup.kmdLogic).toBeUndefined();
    expect(Object.keys(setup.identifiers)).toHaveLength(2);
  });

  test('the types follow the choice: no KMD Logic identifiers to read by mistake', () => {
    const stack = newStack();
    const without = new CprUpdateSetup(stack, 'A', { clientId: 'a', kmdLogic: false });
    const withLogic = new CprUpdateSetup(stack, 'B', { clientId: 'b' });
    // @ts-expect-error: no KMD Logic identifiers without KMD Logic
    void without.identifiers.kmdLogicClientId;
    // @ts-expect-error: nor a KMD Logic part
    expect(() => without.kmdLogic.clientId).toThrow(TypeError);
    const cpr: string = withLogic.identifiers.kmdLogicProductId;
    const logic: KmdLogicSubscription = withLogic.kmdLogic;
    const cvr = new CvrUpdateSetup(stack, 'C', { clientId: 'c', kmdLogic: false });
    const client: string = cvr.identifiers.cvrClientId;
    expect([cpr, logic, client].every((x) => x !== undefined)).toBe(true);
  });

  test('kmdLogic: true or another value is refused, saying what to pass', () => {
    const message = errorOf(() => new CprUpdateSetup(newStack(), 'S', { clientId: 'a', kmdLogic: true as never }));
    expect(message).toContain("kmdLogic = true: must be a KmdLogicSubscription (the CPR update module's KMD Logic identifiers), or false for WorkZone 2024.3 and later");
  });
});

describe('both modules in one stack, on one WorkZone', () => {
  test('two clients with their own users, two sets of outputs; one WorkZone provider', () => {
    const stack = newStack();
    new WorkzoneProvider(stack, 'workzone');
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update', kmdLogic: false });
    new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-update', kmdLogic: false });
    const json = synthJson(stack);
    const clients = Object.values(json.resource.workzone_oauth_client) as any[];
    expect(clients.map((c) => [c.client_id, c.client_name])).toEqual([
      ['cpr-update', 'Contact update - CPR'],
      ['cvr-update', 'Contact update - CVR'],
    ]);
    expect((Object.values(json.data.workzone_user) as any[]).map((u) => u.initials)).toEqual(['CPRBATCHUSER', 'CVRBATCHUSER']);
    expect(Object.keys(json.output)).toHaveLength(4);
    expect(json.provider.workzone).toHaveLength(1);
  });

  test('one client id for both is refused (one owner per client); so is one output prefix', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'contact-update', kmdLogic: false });
    expect(errorOf(() => new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'contact-update', kmdLogic: false }))).toMatch(/contact-update/);
    const other = newStack();
    new CprUpdateSetup(other, 'A', { clientId: 'a', outputPrefix: 'update' });
    expect(errorOf(() => new CvrUpdateSetup(other, 'B', { clientId: 'b', outputPrefix: 'update' }))).toBe(
      `CvrUpdateSetup at 'test/B': outputPrefix "update" is already used by 'test/A'. Give each set-up its own outputPrefix (or construct id).`,
    );
  });

  test('one KmdLogicSubscription cannot stand for CVR, nor one KmdLogicCvrSubscription for CPR', () => {
    const stack = newStack();
    const cvrLogic = new KmdLogicCvrSubscription(stack, 'Logic');
    expect(errorOf(() => new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'a', kmdLogic: cvrLogic as never }))).toContain('kmdLogic = (KmdLogicCvrSubscription): must be a KmdLogicSubscription');
  });
});

describe('the health check', () => {
  test('off by default: no readiness read', () => {
    const stack = newStack();
    new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr', kmdLogic: false });
    expect(synthJson(stack).data?.workzone_update_service_health).toBeUndefined();
  });

  test.each([
    [CPR_UPDATE_MODULE.service, (s: any) => new CprUpdateSetup(s, 'U', { clientId: 'u', healthCheck: true })],
    [CVR_UPDATE_MODULE.service, (s: any) => new CvrUpdateSetup(s, 'U', { clientId: 'u', kmdLogic: false, healthCheck: true })],
  ])('on: reads <main page>/%s/readiness after the client exists, failing on anything not Healthy', (service, build) => {
    const stack = newStack();
    const setup = build(stack);
    const json = synthJson(stack);
    const health = only(json, 'data', 'workzone_update_service_health');
    expect(health).toEqual({ service, depends_on: [expect.stringMatching(/^workzone_oauth_client\./)] });
    expect(json.check).toBeUndefined();
    expect(setup.health).toBeDefined();
  });

  test('options: another path and main page, with the provider of the client; "warning" reads without failing and warns in a check block', () => {
    const stack = newStack();
    const test = new WorkzoneProvider(stack, 'wz-test', { alias: 'test', url: 'https://wz-test.example.dk' });
    new CvrUpdateSetup(stack, 'Test', {
      clientId: 'cvr',
      kmdLogic: false,
      provider: test,
      healthCheck: { service: 'cvrsubscriptionservice', readinessPath: 'health/ready', baseUrl: 'https://main.example.dk', onUnhealthy: 'warning' },
    });
    const json = synthJson(stack);
    const health = only(json, 'data', 'workzone_update_service_health');
    expect(health).toMatchObject({ provider: 'workzone.test', service: 'cvrsubscriptionservice', readiness_path: 'health/ready', base_url: 'https://main.example.dk', fail_when_unhealthy: false });
    const [check] = Object.values(json.check) as any[];
    expect(check.assert[0].condition).toMatch(/^\$\{data\.workzone_update_service_health\.\w+\.status == "Healthy"\}$/);
    expect(check.assert[0].error_message).toMatch(/^The CVR update module's service \(test\/Test\) is \$\{data\.workzone_update_service_health\.\w+\.status\}: \$\{join\(", ", data\.workzone_update_service_health\.\w+\.unhealthy\)\}\.$/);
  });

  test('bad options are refused with the rest of the props', () => {
    const message = errorOf(() => new CvrUpdateSetup(newStack(), 'S', { clientId: 'a', healthCheck: { service: 'Cvr Service', baseUrl: 'main', onUnhealthy: 'ignore' } as never }));
    expect(message).toContain('healthCheck.service = "Cvr Service": must not contain spaces');
    expect(message).toContain('healthCheck.baseUrl = "main": must be an absolute http:// or https:// URL');
    expect(message).toContain('healthCheck.onUnhealthy');
  });
});

test('CPR keeps its six outputs and their order', () => {
  expect(CPR_UPDATE_OUTPUTS.map((o) => o.suffix)).toEqual([
    'kmd_logic_client_id',
    'kmd_logic_client_secret',
    'kmd_logic_subscription_id',
    'kmd_logic_product_id',
    'cpr_client_id',
    'cpr_client_secret',
  ]);
});
