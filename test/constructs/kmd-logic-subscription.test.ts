import { TerraformVariable } from 'cdktf';
import { KmdLogicSubscription } from '../../lib/constructs';
import { errorOf, newStack, synthJson } from './helpers';

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
