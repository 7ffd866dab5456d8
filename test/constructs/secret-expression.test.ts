/**
 * "Literals are refused" means literals: a secret is judged by the expression terraform will read, not by
 * its JavaScript type. An expression that references no variable, resource, data source, ephemeral value or
 * module is a literal (refused with the plain string's message); literal text around a reference is part of
 * the secret in cdk.tf.json (refused too). The same for KmdLogicSubscription's clientSecret. The secret is
 * never shown.
 */
import { Fn, Lazy, TerraformLocal, TerraformVariable, type TerraformStack } from 'cdktf';
import { CprConfiguration, KmdlogicProvider } from '../../lib/bindings/kmdlogic';
import { DataWorkzoneUser, WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, KmdLogicSubscription, PropsValidationError, WorkZoneOAuthClient } from '../../lib/constructs';
import { errorOf, newStack, only, synthJson } from './helpers';

const SECRET = 'S3cret-Never-Shown-0123456789';
const PLAIN_MESSAGE = 'a literal secret would be written into cdk.tf.json and version control';
const PARTLY_MESSAGE = 'part of this secret is literal text around a reference';

const secretVar = (stack: TerraformStack, id = 'vault') => new TerraformVariable(stack, id, { type: 'string', sensitive: true }).stringValue;

/** Secret expressions that put a literal into cdk.tf.json, by how they are written. */
const LITERALS: Record<string, (stack: TerraformStack) => string> = {
  'a plain string': () => SECRET,
  'Fn.join of literals': () => Fn.join('', [SECRET.slice(0, 8), SECRET.slice(8)]),
  'Fn.base64decode of a literal': () => Fn.base64decode(Buffer.from(SECRET).toString('base64')),
  'Fn.sensitive of a literal': () => Fn.sensitive(SECRET),
  'a local holding a literal': (stack) => new TerraformLocal(stack, 'literal_local', SECRET).asString,
  'a function of terraform.workspace and a literal': () => Lazy.stringValue({ produce: () => `\${join("-", [terraform.workspace, "${SECRET}"])}` }),
};

/** Secret expressions that are literal text around a reference. */
const PARTLY: Record<string, (stack: TerraformStack) => string> = {
  'a template with a literal prefix': (stack) => `${SECRET}-${secretVar(stack)}`,
  'a template with a literal suffix': (stack) => `${secretVar(stack)}${SECRET}`,
};

/** Secret expressions that take the secret from somewhere else. */
const REFERENCES: Record<string, (stack: TerraformStack) => string> = {
  'a variable': (stack) => secretVar(stack),
  'a function of a variable': (stack) => Fn.base64decode(secretVar(stack)),
  'a key of a map variable': (stack) => Fn.lookup(new TerraformVariable(stack, 'secrets', { type: 'map(string)', sensitive: true }).value, 'cpr', ''),
  'a resource attribute': (stack) => {
    new KmdlogicProvider(stack, 'kmdlogic');
    return new CprConfiguration(stack, 'Made', { subscriptionId: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'n', environment: 'Test', certificate: 'MAMCAQM=' }).id;
  },
  'a data source attribute': (stack) => new DataWorkzoneUser(stack, 'Lookup', { provider: new WorkzoneProvider(stack, 'wz', { alias: 'other' }), initials: 'X' }).name,
  'a local that references a variable': (stack) => new TerraformLocal(stack, 'from_var', Fn.trimspace(secretVar(stack))).asString,
  // Expressions cdktf has no class for, as tokens (a plain string is literal text: it would be escaped).
  'a module output': () => Lazy.stringValue({ produce: () => '${module.vault.secret}' }),
  'an ephemeral value': () => Lazy.stringValue({ produce: () => '${ephemeral.vault_kv_secret.cpr.data["secret"]}' }),
};

function expectRefusal(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PropsValidationError);
  const text = (error as Error).message;
  expect(text).toContain(`clientSecret = (secret, not shown): ${message}`);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SECRET.slice(8));
}

describe.each([
  ['WorkZoneOAuthClient', (stack: TerraformStack, secret: string) => new WorkZoneOAuthClient(stack, 'Client', { clientId: 'c', clientSecret: ClientSecret.fromToken(secret) }), PLAIN_MESSAGE],
  ['CprUpdateSetup', (stack: TerraformStack, secret: string) => new CprUpdateSetup(stack, 'Setup', { clientId: 'c', clientSecret: ClientSecret.fromToken(secret) }), PLAIN_MESSAGE],
  ['KmdLogicSubscription', (stack: TerraformStack, secret: string) => new KmdLogicSubscription(stack, 'Logic', { clientSecret: secret }), PLAIN_MESSAGE],
] as const)('%s: the secret is judged by its resolved expression', (_name, construct, plainMessage) => {
  test.each(Object.entries(LITERALS))('%s is a literal: refused like a plain string', (_what, make) => {
    const stack = newStack();
    expectRefusal(() => construct(stack, make(stack)), plainMessage);
  });

  test.each(Object.entries(PARTLY))('%s carries part of the secret: refused', (_what, make) => {
    const stack = newStack();
    expectRefusal(() => construct(stack, make(stack)), PARTLY_MESSAGE);
  });

  test.each(Object.entries(REFERENCES))('%s is accepted', (_what, make) => {
    const stack = newStack();
    construct(stack, make(stack));
    expect(() => synthJson(stack)).not.toThrow();
  });
});

test('a secret that cannot be resolved at construction is judged at synthesis, still without showing it', () => {
  let produced: string | undefined;
  const late = Lazy.stringValue({
    produce: () => {
      if (produced === undefined) throw new Error('not known yet');
      return produced;
    },
  });
  const stack = newStack();
  new WorkZoneOAuthClient(stack, 'Client', { clientId: 'c', clientSecret: ClientSecret.fromToken(late), verifyUser: false });
  produced = SECRET;
  const message = errorOf(() => synthJson(stack));
  expect(message).toContain(`Invalid props for WorkZoneOAuthClient at 'test/Client' (1 problem):\n  - clientSecret = (secret, not shown): ${PLAIN_MESSAGE}`);
  expect(message).not.toContain(SECRET);

  // Resolved by then to a variable: fine.
  const ok = newStack();
  let variable: string | undefined;
  const lateVar = Lazy.stringValue({
    produce: () => {
      if (variable === undefined) throw new Error('not known yet');
      return variable;
    },
  });
  new WorkZoneOAuthClient(ok, 'Client', { clientId: 'c', clientSecret: ClientSecret.fromToken(lateVar), verifyUser: false });
  variable = secretVar(ok);
  expect(only(synthJson(ok), 'resource', 'workzone_oauth_client').client_secret).toBe('${var.vault}');
});
