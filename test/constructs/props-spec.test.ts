/**
 * Construct props as data (lib/constructs/specs.ts, props.ts): names follow the attributes they set, the
 * machinery refuses a spec and checks that disagree, and a sibling module's settings become the defaults.
 */
import { z } from 'zod';
import { attributeProps, isAttributeProp, propsSchema, withDefaults, type ConstructSpec } from '../../lib/constructs/props';
import { CONSTRUCT_SPECS, PROP_NAME_EXCEPTIONS, WORKZONE_OAUTH_CLIENT_SPEC, withModuleDefaults } from '../../lib/constructs/specs';
import { CPR_UPDATE_MODULE, type UpdateModule } from '../../lib/constructs/update-module';
import { camelCase } from '../../lib/schemas/names';
import { workzoneSchema } from '../../lib/schemas/workzone';
import { generatePropsInterfaces } from '../../scripts/codegen/constructs';

const block = workzoneSchema.resources.workzone_oauth_client;

test('a prop is named after the attribute it sets (camelCase), except those listed in PROP_NAME_EXCEPTIONS, each with a reason', () => {
  const renamed: string[] = [];
  for (const spec of CONSTRUCT_SPECS) {
    for (const [prop, p] of Object.entries(spec.props)) {
      if (isAttributeProp(p) && prop !== camelCase(p.attribute.name)) renamed.push(`${spec.construct}.${prop}`);
    }
  }
  expect(renamed.sort()).toEqual(Object.keys(PROP_NAME_EXCEPTIONS).sort());
  for (const why of Object.values(PROP_NAME_EXCEPTIONS)) expect(why.length).toBeGreaterThan(20);
});

test('every attribute the OAuth client resource takes is a prop of WorkZoneOAuthClient but the secret ones, set through clientSecret', () => {
  const settable = Object.entries(block.attributes).filter(([, a]) => 'required' in a || 'optional' in a).map(([name]) => name);
  const props = Object.values(WORKZONE_OAUTH_CLIENT_SPEC.props).flatMap((p) => (isAttributeProp(p) ? [p.attribute.name] : []));
  expect(settable.filter((name) => !props.includes(name))).toEqual(['client_secret', 'client_secret_wo', 'client_secret_wo_version']);
});

test('an exception or description for an attribute the block does not have is refused (a stale spec)', () => {
  expect(() => attributeProps(block, { except: { client_secret_old: 'renamed' } })).toThrow('the block has no attribute client_secret_old');
  expect(() => attributeProps(block, { except: {}, descriptions: { clientName: 'camelCase by mistake' } })).toThrow('the block has no attribute clientName');
});

describe('the checks of a spec', () => {
  const spec: ConstructSpec = {
    construct: 'Example',
    description: 'An example.',
    props: { ...attributeProps(block, { except: {} }), own: { type: 'boolean', description: 'Its own.' } },
  };

  test('an own prop without a check, or a check for a prop the spec lacks, is refused', () => {
    expect(() => propsSchema(spec, {})).toThrow('Example: no check for its own prop own');
    expect(() => propsSchema(spec, { own: z.boolean(), typo: z.boolean() })).toThrow('Example: checks for props the spec does not have: typo');
  });

  test('attribute props follow the schema: type, rules, required; unknown props are refused', () => {
    const schema = propsSchema(spec, { own: z.boolean() });
    expect(schema.safeParse({ clientId: 'a', requirePkce: true, clientSecretWoVersion: 2, own: false }).success).toBe(true);
    const issues = (value: object) => schema.safeParse(value).error?.issues.map((i) => i.path.join('.') || i.code) ?? [];
    expect(issues({})).toEqual(['clientId']);
    expect(issues({ clientId: 'a b', grantType: 'X', requirePkce: 'yes', clientSecretWoVersion: 'one' })).toEqual(['clientId', 'requirePkce', 'grantType', 'clientSecretWoVersion']);
    expect(issues({ clientId: 'a', clientSecretWO: 'x' })).toEqual(['unrecognized_keys']);
  });

  test('defaults come from the schema; a prop read as set must have one', () => {
    expect(withDefaults(spec, { clientId: 'a' } as { clientId: string; user?: string }, ['user'])).toMatchObject({ clientId: 'a', clientName: 'Contact update - CPR', enabled: true, requirePkce: false, user: 'CPRBATCHUSER' });
    expect(withDefaults(spec, { clientId: 'a', user: 'OTHER' }).user).toBe('OTHER');
    expect(() => withDefaults(spec, {} as { clientSecretWoVersion?: number }, ['clientSecretWoVersion'])).toThrow('Example: prop clientSecretWoVersion has no default in the spec');
  });
});

test("a sibling update module's client settings become the defaults of its set-up's props, in code and in the docs", () => {
  const cvr: UpdateModule = { ...CPR_UPDATE_MODULE, name: 'CVR update module', client: { client_name: 'Contact update - CVR', user: 'CVRBATCHUSER', grant_type: 'CLNTCRED' } };
  const spec: ConstructSpec = { construct: 'CvrUpdateSetup', description: 'CVR.', base: WORKZONE_OAUTH_CLIENT_SPEC, props: withModuleDefaults(WORKZONE_OAUTH_CLIENT_SPEC.props, cvr) };
  expect(withDefaults(spec, { clientId: 'a' })).toMatchObject({ user: 'CVRBATCHUSER', clientName: 'Contact update - CVR', grantType: 'CLNTCRED', enabled: true });
  // The interface extends the OAuth client's and redeclares the props whose default differs.
  const text = generatePropsInterfaces([spec]);
  const declared = [...text.matchAll(/readonly (\w+)\?/g)].map((m) => m[1]);
  expect(text).toContain('export interface CvrUpdateSetupProps extends WorkZoneOAuthClientProps {');
  expect(declared).toEqual(['clientName', 'user']);
  expect(text).toContain('@default "CVRBATCHUSER"');
  expect(() => withModuleDefaults(WORKZONE_OAUTH_CLIENT_SPEC.props, { ...cvr, client: { ...cvr.client, usr: 'X' } as never })).toThrow('CVR update module: no prop sets usr');
});
