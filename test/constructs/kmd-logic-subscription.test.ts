import { TerraformVariable } from 'cdktf';
import { CprConfiguration, KmdlogicProvider } from '../../lib/bindings/kmdlogic';
import { ClientSecret, CprUpdateSetup, KmdLogicSubscription } from '../../lib/constructs';
import { errorOf, newStack, only, synthJson } from './helpers';

const GUIDS = {
  clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  subscriptionId: 'a1b2c3d4-0000-4000-8000-000000000001',
  productId: 'A1B2C3D4-0000-4000-8000-000000000002',
};

describe('KmdLogicSubscription', () => {
  test('identifiers not given come from variables, the secret one sensitive', () => {
    const stack = newStack();
    const logic = new KmdLogicSubscription(stack, 'Logic');
    const json = synthJson(stack);
    expect(Object.keys(json.variable).sort()).toEqual([
      'logic_client_id',
      'logic_client_secret',
      'logic_product_id',
      'logic_subscription_id',
    ]);
    expect(json.variable.logic_client_secret.sensitive).toBe(true);
    expect(json.variable.logic_client_id.sensitive).toBe(false);
    // Variables check the GUID shape too, for values given at plan time.
    expect(json.variable.logic_client_id.validation[0].condition).toContain('var.logic_client_id');
    expect(logic.variables.client_secret).toBeInstanceOf(TerraformVariable);
  });

  test('literal GUIDs are used as given; only the missing ones become variables', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'logic_secret', { type: 'string', sensitive: true });
    const logic = new KmdLogicSubscription(stack, 'Logic', { ...GUIDS, clientSecret: secret.stringValue, variablePrefix: 'prod_logic' });
    expect(logic.clientId).toBe(GUIDS.clientId);
    expect(logic.productId).toBe(GUIDS.productId);
    expect(Object.keys(logic.variables)).toEqual([]);
    expect(Object.keys(synthJson(stack).variable)).toEqual(['logic_secret']);
  });

  test('variable prefix names the variables', () => {
    const stack = newStack();
    new KmdLogicSubscription(stack, 'Logic', { variablePrefix: 'test_env', clientId: GUIDS.clientId });
    expect(Object.keys(synthJson(stack).variable).sort()).toEqual(['test_env_client_secret', 'test_env_product_id', 'test_env_subscription_id']);
  });

  test('tokens pass through unvalidated', () => {
    const stack = newStack();
    const sub = new TerraformVariable(stack, 'sub', { type: 'string' }).stringValue;
    expect(new KmdLogicSubscription(stack, 'Logic', { subscriptionId: sub }).subscriptionId).toBe(sub);
  });

  test.each([
    ['clientId', 'not-a-guid'],
    ['subscriptionId', '3fa85f64-5717-4562-b3fc-2c963f66afa'],
    ['productId', '{3fa85f64-5717-4562-b3fc-2c963f66afa6}'],
  ])('%s must be a GUID', (prop, value) => {
    const message = errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { [prop]: value }));
    expect(message).toContain(`${prop} = ${JSON.stringify(value)}: must be a GUID`);
    expect(message).toContain('copy it from the KMD Logic console');
  });

  test('a literal client secret is refused without showing it', () => {
    const message = errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { clientSecret: 'c0ffee00-0000-4000-8000-000000000000' }));
    expect(message).toContain('clientSecret = (secret, not shown): a literal secret would be written');
    expect(message).not.toContain('c0ffee00');
  });

  test('every bad field in one error; bad variable prefix', () => {
    const message = errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { clientId: 'x', productId: 'y', variablePrefix: '1abc' }));
    expect(message).toMatch(/3 problems/);
    expect(message).toContain('variablePrefix = "1abc": must be a valid Terraform variable name');
  });
});

describe('KmdLogicSubscription verification', () => {
  test('on by default with variables: an aliased provider from its own credentials, a lookup, a product id postcondition', () => {
    const stack = newStack();
    const logic = new KmdLogicSubscription(stack, 'Logic');
    const json = synthJson(stack);
    expect(json.provider.kmdlogic).toEqual([{ alias: 'logic', client_id: '${var.logic_client_id}', client_secret: '${var.logic_client_secret}' }]);
    const lookup = only(json, 'data', 'kmdlogic_subscription');
    expect(lookup).toMatchObject({ provider: 'kmdlogic.logic', subscription_id: '${var.logic_subscription_id}' });
    const [post] = lookup.lifecycle.postcondition;
    expect(post.condition).toBe('${contains([for c in self.configurations : lower(c.id)], lower(var.logic_product_id))}');
    expect(post.error_message).toContain('KMD Logic Product ID ${var.logic_product_id} matches no CPR configuration of subscription ${var.logic_subscription_id}');
    expect(post.error_message).toContain('productIdCheck');
    expect(json.check).toBeUndefined();
    expect(logic.verification).toBeDefined();
    expect(logic.provider).toBeInstanceOf(KmdlogicProvider);
  });

  test('a literal product id is compared case-insensitively; the secret never appears as a literal', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    new KmdLogicSubscription(stack, 'Logic', { ...GUIDS, clientSecret: secret.stringValue });
    const json = synthJson(stack);
    expect(only(json, 'data', 'kmdlogic_subscription').lifecycle.postcondition[0].condition).toContain(`lower("${GUIDS.productId}")`);
    expect(json.provider.kmdlogic[0]).toMatchObject({ client_id: GUIDS.clientId, client_secret: '${var.secret}' });
  });

  test('productIdCheck "warning" moves the product check into a check block; "off" drops it', () => {
    const warn = newStack();
    new KmdLogicSubscription(warn, 'Logic', { productIdCheck: 'warning' });
    const json = synthJson(warn);
    expect(only(json, 'data', 'kmdlogic_subscription').lifecycle).toBeUndefined();
    const [check] = Object.values<any>(json.check);
    expect(check.assert[0].condition).toMatch(/^\$\{contains\(\[for c in data\.kmdlogic_subscription\.\w+\.configurations : lower\(c\.id\)\], lower\(var\.logic_product_id\)\)\}$/);
    expect(check.assert[0].error_message).toContain('matches no CPR configuration');

    const off = newStack();
    new KmdLogicSubscription(off, 'Logic', { productIdCheck: 'off' });
    const offJson = synthJson(off);
    expect(only(offJson, 'data', 'kmdlogic_subscription').lifecycle).toBeUndefined();
    expect(offJson.check).toBeUndefined();
  });

  test('off by default when an identifier is only known after apply; on when asked', () => {
    const stack = newStack();
    new KmdlogicProvider(stack, 'kmdlogic');
    const made = new CprConfiguration(stack, 'Made', { subscriptionId: GUIDS.subscriptionId, name: 'n', environment: 'Test', certificate: 'MAMCAQM=' });
    const logic = new KmdLogicSubscription(stack, 'Logic', { productId: made.id });
    expect(logic.verification).toBeUndefined();
    const json = synthJson(stack);
    expect(json.data).toBeUndefined();
    expect(json.provider.kmdlogic).toEqual([{}]); // only the one the stack declared

    const asked = newStack();
    new KmdlogicProvider(asked, 'kmdlogic');
    const made2 = new CprConfiguration(asked, 'Made', { subscriptionId: GUIDS.subscriptionId, name: 'n', environment: 'Test', certificate: 'MAMCAQM=' });
    new KmdLogicSubscription(asked, 'Logic', { productId: made2.id, verify: true });
    expect(only(synthJson(asked), 'data', 'kmdlogic_subscription').lifecycle.postcondition[0].condition).toContain('lower(kmdlogic_cpr_configuration.Made');
  });

  test('verify: false creates no provider and no lookup', () => {
    const stack = newStack();
    const logic = new KmdLogicSubscription(stack, 'Logic', { verify: false });
    const json = synthJson(stack);
    expect(json.provider).toBeUndefined();
    expect(json.data).toBeUndefined();
    expect(logic.verification).toBeUndefined();
  });

  test('a passed provider is used instead of an own one', () => {
    const stack = newStack();
    const provider = new KmdlogicProvider(stack, 'kmdlogic', { alias: 'shared' });
    new KmdLogicSubscription(stack, 'Logic', { provider });
    const json = synthJson(stack);
    expect(json.provider.kmdlogic).toEqual([{ alias: 'shared' }]);
    expect(only(json, 'data', 'kmdlogic_subscription').provider).toBe('kmdlogic.shared');
  });

  test('bad verification props are refused, naming the prop', () => {
    expect(errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { productIdCheck: 'strict' as never }))).toContain('productIdCheck = "strict"');
    expect(errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { verify: false, productIdCheck: 'warning' }))).toContain(
      'productIdCheck and provider only apply when verifying',
    );
    expect(errorOf(() => new KmdLogicSubscription(newStack(), 'Logic', { provider: {} as never }))).toContain('provider = {}: must be a kmdlogic provider configuration');
  });

  test('CprUpdateSetup: the WorkZone OAuth client depends on the verification', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update', clientSecret: ClientSecret.fromVariable('cpr_secret') });
    const json = synthJson(stack);
    const lookupName = Object.keys(json.data.kmdlogic_subscription)[0];
    expect(only(json, 'resource', 'workzone_oauth_client').depends_on).toEqual([`data.kmdlogic_subscription.${lookupName}`]);
    expect(json.provider.kmdlogic).toEqual([
      { alias: 'cpr_update_kmd_logic', client_id: '${var.cpr_update_kmd_logic_client_id}', client_secret: '${var.cpr_update_kmd_logic_client_secret}' },
    ]);
  });

  test('CprUpdateSetup: no dependency when the shared subscription does not verify', () => {
    const stack = newStack();
    const kmdLogic = new KmdLogicSubscription(stack, 'Logic', { verify: false });
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update', clientSecret: ClientSecret.fromVariable('cpr_secret'), kmdLogic });
    expect(only(synthJson(stack), 'resource', 'workzone_oauth_client').depends_on).toBeUndefined();
  });
});
