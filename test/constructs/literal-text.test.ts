/**
 * Literal text stays literal: every string prop of every construct reaches cdk.tf.json so that terraform
 * reads it back as typed (escaped for terraform's templates), tokens stay expressions, and text the
 * constructs write around them (descriptions, postcondition messages, HCL expressions) keeps a construct
 * path or a value literal too. What terraform makes of a string is read with the models in ./helpers; the
 * e2e test (test/e2e/literal-text.test.ts) checks the same against real terraform and WorkZone.
 */
import fc from 'fast-check';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { OauthClient, WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, GeneratedSecret, KmdLogicSubscription, WorkZoneOAuthClient } from '../../lib/constructs';
import { literalText } from '../../lib/constructs/terraform-text';
import { errorOf, evaluateTemplate, literalTemplateValue, newStack, only, synthJson } from './helpers';

/** Text with everything terraform treats specially, and text that only looks like it. */
const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'$%{}~"\'\\ aZ9-æø€😀\u0301'.split('')),
      fc.constantFrom('${', '%{', '$${', '%%{', '}', '${terraform.workspace}', '%{ if true }x%{ endif }', '$$', '%%', '\\n', '${"$"}'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const CPR_EXAMPLE = 'CPR ${terraform.workspace} x';

describe('literalText', () => {
  test('any text, alone or around tokens, reads back as written; the tokens as their values', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, nasty, nasty, (a, b, c, x, y) => {
        const stack = newStack();
        const vx = new TerraformVariable(stack, 'x', { type: 'string' });
        const vy = new TerraformVariable(stack, 'y', { type: 'string' });
        new TerraformOutput(stack, 'plain', { value: literalText(a) });
        new TerraformOutput(stack, 'one', { value: literalText(`${a}${vx.stringValue}${b}`) });
        new TerraformOutput(stack, 'two', { value: literalText(`${a}${vx.stringValue}${b}${vy.stringValue}${c}`) });
        new TerraformOutput(stack, 'adjacent', { value: literalText(`${vx.stringValue}${vy.stringValue}${a}`) });
        const output = synthJson(stack).output;
        const vars = { x, y };
        expect(evaluateTemplate(output.plain.value, vars)).toBe(a);
        expect(evaluateTemplate(output.one.value, vars)).toBe(`${a}${x}${b}`);
        expect(evaluateTemplate(output.two.value, vars)).toBe(`${a}${x}${b}${y}${c}`);
        expect(evaluateTemplate(output.adjacent.value, vars)).toBe(`${x}${y}${a}`);
      }),
      { numRuns: 200 },
    );
  });

  test('a token alone, and text with nothing to escape around a token, are left as they are', () => {
    const stack = newStack();
    const v = new TerraformVariable(stack, 'v', { type: 'string' }).stringValue;
    expect(literalText(v)).toBe(v);
    expect(literalText(`prefix-${v}-suffix`)).toBe(`prefix-${v}-suffix`);
    expect(literalText('plain text')).toBe('plain text');
  });
});

describe('every string prop of every construct reaches terraform as typed', () => {
  test(`WorkZoneOAuthClient: clientId, clientName and user (the issue's ${JSON.stringify(CPR_EXAMPLE)})`, () => {
    for (const verifyUser of [true, false]) {
      const stack = newStack();
      new WorkZoneOAuthClient(stack, 'Client', {
        clientId: 'id-${terraform.workspace}-%{x}',
        clientName: CPR_EXAMPLE,
        user: 'U$${x}',
        verifyUser,
        clientSecret: ClientSecret.generatedByWorkZone(),
      });
      const json = synthJson(stack);
      const client = only(json, 'resource', 'workzone_oauth_client');
      expect(literalTemplateValue(client.client_id)).toBe('id-${terraform.workspace}-%{x}');
      expect(literalTemplateValue(client.client_name)).toBe(CPR_EXAMPLE);
      expect(literalTemplateValue(verifyUser ? only(json, 'data', 'workzone_user').initials : client.user)).toBe('U$${x}');
      expect(literalTemplateValue(client.grant_type)).toBe('CLNTCRED');
    }
  });

  test('WorkZoneOAuthClient: literal text around a variable, even an unclosed "${" before it', () => {
    const stack = newStack();
    const env = new TerraformVariable(stack, 'env', { type: 'string' });
    new WorkZoneOAuthClient(stack, 'Client', { clientId: `cpr-${env.stringValue}`, clientName: `CPR \${ ${env.stringValue} } $`, verifyUser: false });
    const client = only(synthJson(stack), 'resource', 'workzone_oauth_client');
    expect(evaluateTemplate(client.client_id, { env: 'prod' })).toBe('cpr-prod');
    expect(evaluateTemplate(client.client_name, { env: 'prod' })).toBe('CPR ${ prod } $');
  });

  test('GeneratedSecret: keeper names and values (terraform reads map keys as templates too)', () => {
    const stack = newStack();
    new GeneratedSecret(stack, 'Secret', { keepers: { 'rotation-${x}': '2026-%{y}', plain: 'a' } });
    const { keepers } = only(synthJson(stack), 'resource', 'random_password');
    expect(Object.fromEntries(Object.entries<string>(keepers).map(([k, v]) => [literalTemplateValue(k), literalTemplateValue(v)]))).toEqual({
      'rotation-${x}': '2026-%{y}',
      plain: 'a',
    });
  });

  test('KmdLogicSubscription: a construct path in the product id message, and a product id mixed from text and a variable', () => {
    const stack = newStack();
    const suffix = new TerraformVariable(stack, 'suffix', { type: 'string' });
    new KmdLogicSubscription(stack, 'Logic ${x} %{y}', { productId: `a"b\\\${${suffix.stringValue}`, variablePrefix: 'logic' });
    const json = synthJson(stack);
    const [post] = only(json, 'data', 'kmdlogic_subscription').lifecycle.postcondition;
    // The product id becomes a quoted template in the expression: quote, backslash and "${" escaped, the variable kept.
    expect(post.condition).toBe('${contains([for c in self.configurations : lower(c.id)], lower("a\\"b\\\\$${${var.suffix}"))}');
    const tail = post.error_message.split('[*].id)}')[1]; // after the list of configurations
    expect(literalTemplateValue(tail)).toBe('). Check the product id in the KMD Logic console (test/Logic ${x} %{y}: productId; productIdCheck relaxes this check).');
    expect(post.error_message).toContain('KMD Logic Product ID a"b\\$${${var.suffix}');
  });

  test('CprUpdateSetup: KMD Logic identifiers given as literals reach the outputs as typed', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    const ids = { clientId: '3fa85f64-5717-4562-b3fc-2c963f66afa6', subscriptionId: 'a1b2c3d4-0000-4000-8000-000000000001', productId: 'a1b2c3d4-0000-4000-8000-000000000002' };
    const kmdLogic = new KmdLogicSubscription(stack, 'Logic', { ...ids, clientSecret: secret.stringValue });
    new CprUpdateSetup(stack, 'Setup', { clientId: 'c', kmdLogic, clientSecret: ClientSecret.generatedByWorkZone() });
    const { output } = synthJson(stack);
    expect(output.setup_kmd_logic_client_id.value).toBe(ids.clientId);
    expect(output.setup_kmd_logic_product_id.value).toBe(ids.productId);
    expect(output.setup_kmd_logic_client_secret.value).toBe('${var.secret}');
  });
});

describe('descriptions are written verbatim (terraform does not read them as templates)', () => {
  test('output and variable descriptions carry the construct path as it is', () => {
    const stack = newStack();
    new CprUpdateSetup(stack, 'Env ${terraform.workspace} %{x}', { clientId: 'c', outputPrefix: 'env', clientSecret: ClientSecret.fromVariable('env_secret') });
    const json = synthJson(stack);
    expect(json.output.env_cpr_client_id.description).toBe('Contact update - CPR, Client ID for the CPR update module (test/Env ${terraform.workspace} %{x})');
    expect(json.variable.env_secret.description).toBe('Client secret of the WorkZone OAuth client at test/Env ${terraform.workspace} %{x}/OAuthClient');
  });
});

test('the generated bindings stay raw, like every cdktf provider binding: there "${…}" is an expression', () => {
  const stack = newStack();
  const provider = new WorkzoneProvider(stack, 'workzone');
  new OauthClient(stack, 'Raw', { provider, clientId: 'raw', clientName: '${terraform.workspace}' });
  expect(only(synthJson(stack), 'resource', 'workzone_oauth_client').client_name).toBe('${terraform.workspace}');
});

test('text that is not in Unicode NFC is refused: terraform would store other characters than written', () => {
  const decomposed = 'Cafe\u0301';
  const stack = newStack();
  const v = new TerraformVariable(stack, 'v', { type: 'string' }).stringValue;
  for (const [prop, value] of [
    ['clientName', decomposed],
    ['clientId', `id-${decomposed}`],
    ['user', decomposed],
    ['clientName', `${decomposed} ${v}`],
  ] as const) {
    const message = errorOf(() => new WorkZoneOAuthClient(newStack(), 'Client', { clientId: 'c', [prop]: value }));
    expect(message).toContain(`- ${prop} = `);
    expect(message).toContain('is not in Unicode normal form C (NFC)');
  }
  new WorkZoneOAuthClient(stack, 'Client', { clientId: 'c', clientName: decomposed.normalize('NFC'), verifyUser: false });
  expect(only(synthJson(stack), 'resource', 'workzone_oauth_client').client_name).toBe('Café');
});
