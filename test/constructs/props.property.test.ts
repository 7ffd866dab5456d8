/**
 * Property-based tests over the constructs' props: every valid combination synthesizes to the expected
 * resources and outputs; every invalid field is refused with a PropsValidationError naming that field
 * (never a TypeError, never a secret's value in the message).
 */
import fc from 'fast-check';
import { TerraformVariable } from 'cdktf';
import { KmdlogicProvider } from '../../lib/bindings/kmdlogic';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import {
  ClientSecret,
  CprUpdateSetup,
  GeneratedSecret,
  KmdLogicSubscription,
  WorkZoneOAuthClient,
  type KmdLogicSubscriptionProps,
  type WorkZoneOAuthClientProps,
} from '../../lib/constructs';
import { PropsValidationError } from '../../lib/constructs/validation';
import { CPR_BATCH_USER, DEFAULT_CLIENT_NAME, MIN_CLIENT_SECRET_LENGTH } from '../../lib/schemas/workzone';
import { literalTemplateValue, newStack, only, synthJson } from './helpers';

jest.setTimeout(60_000);

const RUNS = { valid: 100, invalid: 250 };

// ---------- generators of valid values ----------

/** Printable characters without whitespace, including quotes, dollars and braces (terraform's specials). */
const idChar = fc.constantFrom(...'abcXYZ019-_.:@/\'"$%{}\\æøå€'.split(''));
const clientId = fc.string({ unit: idChar, minLength: 1, maxLength: 200 });
const clientName = fc
  .string({ unit: fc.constantFrom(...'ab Z-9æ()"\'$%{}~\\'.split('')), minLength: 1, maxLength: 200 })
  .filter((s) => s.trim() !== '');
const initials = fc.string({ unit: fc.constantFrom(...'ABCXYZ019_-$%{}'.split('')), minLength: 1, maxLength: 20 });
const tfName = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,30}$/);
const guid = fc.uuid().chain((u) => fc.boolean().map((upper) => (upper ? u.toUpperCase() : u)));
const secretLength = fc.integer({ min: MIN_CLIENT_SECRET_LENGTH, max: 128 });
const keepers = fc.dictionary(tfName, fc.string({ maxLength: 20 }), { maxKeys: 3 });

type SecretChoice = { kind: 'default' } | { kind: 'random'; length?: number; keepers?: Record<string, string> } | { kind: 'variable'; name?: string } | { kind: 'token' } | { kind: 'workzone' };
const secretChoice: fc.Arbitrary<SecretChoice> = fc.oneof(
  fc.constant({ kind: 'default' as const }),
  fc.record({ kind: fc.constant('random' as const), length: secretLength, keepers }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('variable' as const), name: tfName }, { requiredKeys: ['kind'] }),
  fc.constant({ kind: 'token' as const }),
  fc.constant({ kind: 'workzone' as const }),
);

const clientFields = fc.record(
  {
    clientId,
    clientName,
    enabled: fc.boolean(),
    allowAccessTokenViaBrowser: fc.boolean(),
    allowOfflineAccess: fc.boolean(),
    requirePkce: fc.boolean(),
    grantType: fc.constant('CLNTCRED'),
    user: initials,
    verifyUser: fc.boolean(),
  },
  { requiredKeys: ['clientId'] },
);

function bindSecret(stack: ReturnType<typeof newStack>, choice: SecretChoice): ClientSecret | undefined {
  switch (choice.kind) {
    case 'default':
      return undefined;
    case 'random':
      return ClientSecret.random({ length: choice.length, keepers: choice.keepers });
    case 'variable':
      return ClientSecret.fromVariable(choice.name);
    case 'token':
      return ClientSecret.fromToken(new TerraformVariable(stack, 'vault_secret', { type: 'string', sensitive: true }).stringValue);
    case 'workzone':
      return ClientSecret.generatedByWorkZone();
  }
}

/** What the synthesized workzone_oauth_client and its neighbours must look like for these props. */
function expectClient(json: any, props: WorkZoneOAuthClientProps, choice: SecretChoice, variableName: string): void {
  const client = only(json, 'resource', 'workzone_oauth_client');
  // Literal text reaches terraform escaped: compare what terraform reads.
  expect(literalTemplateValue(client.client_id)).toBe(props.clientId);
  expect(literalTemplateValue(client.client_name)).toBe(props.clientName ?? DEFAULT_CLIENT_NAME);
  expect(client).toMatchObject({
    enabled: props.enabled ?? true,
    allow_access_token_via_browser: props.allowAccessTokenViaBrowser ?? false,
    allow_offline_access: props.allowOfflineAccess ?? false,
    require_pkce: props.requirePkce ?? false,
    grant_type: 'CLNTCRED',
  });
  const user = props.user ?? CPR_BATCH_USER;
  if (props.verifyUser ?? true) {
    expect(literalTemplateValue(only(json, 'data', 'workzone_user').initials)).toBe(user);
    expect(client.user).toMatch(/^\$\{data\.workzone_user\..+\.initials\}$/);
  } else {
    expect(json.data?.workzone_user).toBeUndefined();
    expect(literalTemplateValue(client.user)).toBe(user);
  }
  const random = choice.kind === 'default' || choice.kind === 'random';
  expect(Object.keys(json.resource.random_password ?? {})).toHaveLength(random ? 1 : 0);
  if (random) {
    const password = only(json, 'resource', 'random_password');
    expect(password).toMatchObject({ length: (choice.kind === 'random' ? choice.length : undefined) ?? 40, special: false });
    expect(client.client_secret).toMatch(/^\$\{random_password\..+\.result\}$/);
  } else if (choice.kind === 'variable') {
    expect(json.variable[variableName]).toMatchObject({ sensitive: true, type: 'string' });
    expect(client.client_secret).toBe(`\${var.${variableName}}`);
  } else if (choice.kind === 'token') {
    expect(client.client_secret).toBe('${var.vault_secret}');
  } else {
    expect(client.client_secret).toBeUndefined();
  }
}

// ---------- invalid values, each with the field it must be blamed on ----------

const SECRET_MARK = 'S3cr3t-Value-Never-Shown';
const literalSecret = fc.string({ minLength: 0, maxLength: 30 }).map((s) => `${SECRET_MARK}${s}`);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.bigInt(), fc.array(fc.nat(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const notABoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.bigInt(), fc.constantFrom('true', 'false', 0, 1), fc.object({ maxDepth: 1 }));
const withWhitespace = fc
  .tuple(fc.string({ unit: idChar, maxLength: 10 }), fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff'), fc.string({ unit: idChar, maxLength: 10 }))
  .map(([a, w, b]) => a + w + b);
const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 5 });
const tooLong = (min: number) => fc.string({ unit: idChar, minLength: min, maxLength: min + 50 });
const badGuid = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.uuid().map((u) => `{${u}}`),
  fc.uuid().map((u) => ` ${u}`),
  fc.uuid().map((u) => `${u.slice(0, -1)}g`),
  notAString,
);
const badTerraformName = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[0-9][a-z0-9_]{0,10}$/),
  withWhitespace,
  fc.constantFrom('a.b', 'a/b', 'ab$', 'é', 'a b', '-a'),
  notAString,
);
const oneOfNonProps = fc.constantFrom('clientID', 'client_id', 'secret', 'enable', 'grant', 'prefix', 'typo');

interface BadField {
  readonly field: string;
  readonly value: unknown;
}
const bad = (field: string, value: fc.Arbitrary<unknown>): fc.Arbitrary<BadField> => value.map((v) => ({ field, value: v }));

const badClientField: fc.Arbitrary<BadField> = fc.oneof(
  bad('clientId', fc.oneof(fc.constant(''), withWhitespace, tooLong(201), notAString)),
  bad('clientName', fc.oneof(blank, tooLong(201), notAString)),
  bad('enabled', notABoolean),
  bad('allowAccessTokenViaBrowser', notABoolean),
  bad('allowOfflineAccess', notABoolean),
  bad('requirePkce', notABoolean),
  bad('grantType', fc.oneof(fc.constantFrom('AUTHCODE', 'HYBRID', 'PASSWORD', 'IMPLICIT', 'clntcred', ' CLNTCRED', ''), fc.string(), notAString).filter((v) => v !== 'CLNTCRED')),
  bad('user', fc.oneof(fc.constant(''), withWhitespace, notAString)),
  bad('verifyUser', notABoolean),
  bad('clientSecret', fc.oneof(literalSecret.map((s) => ClientSecret.fromToken(s)), literalSecret, notAString.filter((v) => v !== null))),
);

/** Throws fn; returns the PropsValidationError (anything else fails the property). */
function refusal(fn: () => unknown): PropsValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PropsValidationError) return error;
    throw new Error(`expected a PropsValidationError, got ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
  }
  throw new Error('expected a PropsValidationError, nothing was thrown');
}

function expectBlamed(error: PropsValidationError, field: string): void {
  expect(error.fieldErrors.map((e) => e.prop.split('.')[0])).toContain(field);
  expect(error.message).toContain(`- ${field}`);
  expect(error.message).not.toContain(SECRET_MARK);
  expect(error.message).not.toMatch(/TypeError|undefined is not|Cannot read/);
}

describe('WorkZoneOAuthClient props', () => {
  test('every valid combination synthesizes the client it describes', () => {
    fc.assert(
      fc.property(clientFields, secretChoice, (fields, choice) => {
        const stack = newStack();
        const props: WorkZoneOAuthClientProps = { ...fields, clientSecret: bindSecret(stack, choice) };
        new WorkZoneOAuthClient(stack, 'Client', props);
        const variableName = choice.kind === 'variable' ? (choice.name ?? 'client_client_secret') : '';
        expectClient(synthJson(stack), props, choice, variableName);
      }),
      { numRuns: RUNS.valid },
    );
  });

  test('every invalid field is refused, naming the field and never the secret', () => {
    fc.assert(
      fc.property(clientFields, badClientField, (fields, { field, value }) => {
        const props = { ...fields, [field]: value } as unknown as WorkZoneOAuthClientProps;
        expectBlamed(refusal(() => new WorkZoneOAuthClient(newStack(), 'Client', props)), field);
      }),
      { numRuns: RUNS.invalid },
    );
  });

  test('unknown props and wrong-shape props objects are refused with a field error', () => {
    fc.assert(
      fc.property(clientFields, oneOfNonProps, fc.anything(), (fields, key, value) => {
        const error = refusal(() => new WorkZoneOAuthClient(newStack(), 'Client', { ...fields, [key]: value } as WorkZoneOAuthClientProps));
        expect(error.fieldErrors).toEqual([expect.objectContaining({ prop: key, value: '(set)' })]);
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.array(fc.anything(), { maxLength: 2 }), fc.boolean()), (props) => {
        const error = refusal(() => new WorkZoneOAuthClient(newStack(), 'Client', props as unknown as WorkZoneOAuthClientProps));
        expect(error.fieldErrors.length).toBeGreaterThan(0);
      }),
      { numRuns: 30 },
    );
  });

  test('any value at all in any prop is either accepted or refused with a PropsValidationError, never a crash', () => {
    const field = fc.constantFrom('clientId', 'clientName', 'enabled', 'grantType', 'user', 'clientSecret', 'verifyUser', 'provider');
    fc.assert(
      fc.property(clientFields, field, fc.anything({ withBigInt: true, withBoxedValues: true, withNullPrototype: true, withMap: true, withSet: true }), (fields, name, value) => {
        try {
          new WorkZoneOAuthClient(newStack(), 'Client', { ...fields, [name]: value } as WorkZoneOAuthClientProps);
        } catch (error) {
          expect(error).toBeInstanceOf(PropsValidationError);
          expectBlamed(error as PropsValidationError, name);
        }
      }),
      { numRuns: RUNS.invalid },
    );
  });

  test('a provider of the wrong type, or no provider at all, is refused', () => {
    const stack = newStack();
    const logic = new KmdlogicProvider(stack, 'logic');
    for (const provider of [logic, 'workzone', {}, 42]) {
      expectBlamed(refusal(() => new WorkZoneOAuthClient(stack, `C${String(Math.random()).slice(2)}`, { clientId: 'a', provider: provider as any })), 'provider');
    }
  });

  test('ClientSecret.fromVariable refuses names terraform would reject, and so does a default made from a bad id', () => {
    fc.assert(
      fc.property(badTerraformName.filter((n) => typeof n === 'string' && n !== ''), (name) => {
        const error = refusal(() => new WorkZoneOAuthClient(newStack(), 'Client', { clientId: 'a', clientSecret: ClientSecret.fromVariable(name as string) }));
        expectBlamed(error, 'clientSecret');
      }),
      { numRuns: 40 },
    );
    expectBlamed(refusal(() => new WorkZoneOAuthClient(newStack(), '1st', { clientId: 'a', clientSecret: ClientSecret.fromVariable() })), 'clientSecret');
  });
});

describe('GeneratedSecret options', () => {
  test('valid lengths and keepers synthesize one random_password', () => {
    fc.assert(
      fc.property(fc.option(secretLength, { nil: undefined }), fc.option(keepers, { nil: undefined }), (length, k) => {
        const stack = newStack();
        const secret = new GeneratedSecret(stack, 'Secret', { length, keepers: k });
        const password = only(synthJson(stack), 'resource', 'random_password');
        expect(password).toMatchObject({ length: length ?? 40, special: false, min_upper: 1, min_lower: 1, min_numeric: 1 });
        const readBack = password.keepers && Object.fromEntries(Object.entries<string>(password.keepers).map(([key, v]) => [literalTemplateValue(key), literalTemplateValue(v)]));
        expect(readBack).toEqual(k);
        expect(secret.value).toEqual(expect.any(String));
      }),
      { numRuns: RUNS.valid },
    );
  });

  test('lengths out of range, non-integers, wrong keepers and wrong providers are refused naming the option', () => {
    const badOption = fc.oneof(
      bad('length', fc.oneof(fc.integer({ max: MIN_CLIENT_SECRET_LENGTH - 1 }), fc.integer({ min: 129 }), fc.double({ noInteger: true }), fc.constantFrom(NaN, Infinity, -Infinity), notAString.filter((v) => typeof v !== 'number' && v !== null))),
      bad('keepers', fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { minLength: 1, maxLength: 2 }), fc.dictionary(tfName, fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), { minKeys: 1, maxKeys: 2 }))),
      bad('provider', fc.oneof(fc.string(), fc.integer(), fc.constant({}))),
    );
    fc.assert(
      fc.property(badOption, ({ field, value }) => {
        expectBlamed(refusal(() => new GeneratedSecret(newStack(), 'Secret', { [field]: value } as any)), field);
      }),
      { numRuns: RUNS.invalid },
    );
    // Through the OAuth client: the error names the secret construct and the option.
    const error = refusal(() => new WorkZoneOAuthClient(newStack(), 'Client', { clientId: 'a', clientSecret: ClientSecret.random({ length: 8 }) }));
    expect(error.constructPath).toBe('test/Client/ClientSecret');
    expectBlamed(error, 'length');
  });
});

// ---------- KMD Logic ----------

const logicFields = fc.record(
  {
    clientId: guid,
    subscriptionId: guid,
    productId: guid,
    variablePrefix: tfName,
    verify: fc.boolean(),
    productIdCheck: fc.constantFrom('error' as const, 'warning' as const, 'off' as const),
  },
  { requiredKeys: [] },
);

const badLogicField: fc.Arbitrary<BadField> = fc.oneof(
  bad('clientId', badGuid),
  bad('subscriptionId', badGuid),
  bad('productId', badGuid),
  bad('clientSecret', fc.oneof(literalSecret, fc.integer(), fc.constant({}))),
  bad('variablePrefix', badTerraformName),
  bad('verify', notABoolean),
  bad('productIdCheck', fc.oneof(fc.constantFrom('ERROR', 'warn', 'none', ''), notAString)),
  bad('provider', fc.oneof(fc.string(), fc.integer(), fc.constant({}))),
);

describe('KmdLogicSubscription props', () => {
  test('every valid combination synthesizes variables for what is not given and a verification when asked', () => {
    fc.assert(
      fc.property(logicFields, fc.boolean(), (fields, secretFromVault) => {
        const stack = newStack();
        const props: KmdLogicSubscriptionProps = { ...fields };
        if (fields.verify === false) delete (props as { productIdCheck?: unknown }).productIdCheck;
        if (secretFromVault) (props as { clientSecret?: string }).clientSecret = new TerraformVariable(stack, 'vault', { type: 'string', sensitive: true }).stringValue;
        const logic = new KmdLogicSubscription(stack, 'Logic', props);
        const json = synthJson(stack);
        const prefix = props.variablePrefix ?? 'logic';
        const expected = (['client_id', 'subscription_id', 'product_id'] as const).filter((name) => {
          const key = { client_id: 'clientId', subscription_id: 'subscriptionId', product_id: 'productId' }[name] as keyof KmdLogicSubscriptionProps;
          return props[key] === undefined;
        });
        if (!secretFromVault) expected.push('client_secret' as never);
        expect(Object.keys(json.variable ?? {}).filter((v) => v !== 'vault').sort()).toEqual(expected.map((n) => `${prefix}_${n}`).sort());
        if (!secretFromVault) expect(json.variable[`${prefix}_client_secret`].sensitive).toBe(true);
        if (props.clientId !== undefined) expect(logic.clientId).toBe(props.clientId);
        const verifying = props.verify ?? true; // every identifier here is a literal or a variable
        expect(Object.keys(json.data?.kmdlogic_subscription ?? {})).toHaveLength(verifying ? 1 : 0);
        if (verifying) {
          const lookup = only(json, 'data', 'kmdlogic_subscription');
          expect(lookup.subscription_id).toBe(props.subscriptionId ?? `\${var.${prefix}_subscription_id}`);
          expect(Boolean(lookup.lifecycle?.postcondition)).toBe((props.productIdCheck ?? 'error') === 'error');
          expect(Boolean(json.check)).toBe(props.productIdCheck === 'warning');
        }
      }),
      { numRuns: RUNS.valid },
    );
  });

  test('every invalid field is refused, naming the field and never the secret', () => {
    fc.assert(
      fc.property(logicFields, badLogicField, (fields, { field, value }) => {
        const props = { ...fields, verify: field === 'provider' || field === 'productIdCheck' ? true : fields.verify, [field]: value };
        expectBlamed(refusal(() => new KmdLogicSubscription(newStack(), 'Logic', props as KmdLogicSubscriptionProps)), field);
      }),
      { numRuns: RUNS.invalid },
    );
  });

  test('a workzone provider is not a kmdlogic provider; verify: false with verification options is refused', () => {
    const stack = newStack();
    const wz = new WorkzoneProvider(stack, 'wz');
    expectBlamed(refusal(() => new KmdLogicSubscription(stack, 'A', { provider: wz })), 'provider');
    expectBlamed(refusal(() => new KmdLogicSubscription(stack, 'B', { verify: false, productIdCheck: 'warning' })), 'verify');
  });
});

// ---------- CprUpdateSetup ----------

describe('CprUpdateSetup props', () => {
  test('every valid combination synthesizes the client and six outputs with the prefix', () => {
    fc.assert(
      fc.property(clientFields, secretChoice, fc.option(tfName, { nil: undefined }), fc.boolean(), (fields, choice, outputPrefix, sharedLogic) => {
        const stack = newStack();
        const kmdLogic = sharedLogic ? new KmdLogicSubscription(stack, 'Logic', { variablePrefix: 'logic' }) : undefined;
        const props = { ...fields, clientSecret: bindSecret(stack, choice), outputPrefix, kmdLogic };
        new CprUpdateSetup(stack, 'Setup', props);
        const json = synthJson(stack);
        const prefix = outputPrefix ?? 'setup';
        expectClient(json, props, choice, choice.kind === 'variable' ? (choice.name ?? 'setup_oauth_client_client_secret') : '');
        expect(Object.keys(json.output).sort()).toEqual(
          ['cpr_client_id', 'cpr_client_secret', 'kmd_logic_client_id', 'kmd_logic_client_secret', 'kmd_logic_product_id', 'kmd_logic_subscription_id'].map((s) => `${prefix}_${s}`),
        );
        expect(json.output[`${prefix}_cpr_client_secret`].sensitive).toBe(true);
        expect(json.output[`${prefix}_kmd_logic_client_secret`].sensitive).toBe(true);
        expect(json.output[`${prefix}_kmd_logic_client_id`].value).toBe(`\${var.${sharedLogic ? 'logic' : `${prefix}_kmd_logic`}_client_id}`);
      }),
      { numRuns: RUNS.valid },
    );
  });

  test('every invalid field (the client ones, outputPrefix, kmdLogic) is refused naming it', () => {
    const badSetupField = fc.oneof(badClientField, bad('outputPrefix', badTerraformName), bad('kmdLogic', fc.oneof(fc.string(), fc.constant({}), fc.integer())));
    fc.assert(
      fc.property(clientFields, badSetupField, (fields, { field, value }) => {
        expectBlamed(refusal(() => new CprUpdateSetup(newStack(), 'Setup', { ...fields, [field]: value } as any)), field);
      }),
      { numRuns: RUNS.invalid },
    );
  });

  test('a construct id that makes no valid Terraform name asks for outputPrefix instead of synthesizing bad names', () => {
    expectBlamed(refusal(() => new CprUpdateSetup(newStack(), '1st', { clientId: 'a' })), 'outputPrefix');
    // With a prefix given, the same id works (the verification provider's alias is made valid too).
    const stack = newStack();
    new CprUpdateSetup(stack, '1st', { clientId: 'a', outputPrefix: 'first' });
    expect(synthJson(stack).provider.kmdlogic[0].alias).toMatch(/^[a-zA-Z_]/);
  });
});
