import { TerraformVariable } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, PropsValidationError, WorkZoneOAuthClient } from '../../lib/constructs';
import { errorOf, newStack, only, synthJson } from './helpers';

describe('WorkZoneOAuthClient', () => {
  test('defaults are the settings the CPR update module needs', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'Client', { clientId: 'cpr-update' });
    const json = synthJson(stack);
    const client = only(json, 'resource', 'workzone_oauth_client');
    expect(client).toMatchObject({
      client_id: 'cpr-update',
      client_name: 'Contact update - CPR',
      enabled: true,
      allow_access_token_via_browser: false,
      allow_offline_access: false,
      require_pkce: false,
      grant_type: 'CLNTCRED',
    });
    // The secret comes from random_password by default, letters and digits only.
    const password = only(json, 'resource', 'random_password');
    expect(password).toMatchObject({ length: 40, special: false, upper: true, lower: true, numeric: true });
    expect(client.client_secret).toMatch(/^\$\{random_password\.[A-Za-z0-9_]+\.result\}$/);
    // The user is looked up so a plan fails early when it is missing; the client references the lookup.
    const user = only(json, 'data', 'workzone_user');
    expect(user.initials).toBe('CPRBATCHUSER');
    expect(client.user).toMatch(/^\$\{data\.workzone_user\.[A-Za-z0-9_]+\.initials\}$/);
  });

  test('every prop reaches the resource', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'Client', {
      clientId: 'cpr-test',
      clientName: 'CPR test',
      enabled: false,
      allowAccessTokenViaBrowser: true,
      allowOfflineAccess: true,
      requirePkce: true,
      grantType: 'CLNTCRED',
      user: 'OTHERUSER',
      verifyUser: false,
      clientSecret: ClientSecret.generatedByWorkZone(),
    });
    const json = synthJson(stack);
    const client = only(json, 'resource', 'workzone_oauth_client');
    expect(client).toMatchObject({
      client_id: 'cpr-test',
      client_name: 'CPR test',
      enabled: false,
      allow_access_token_via_browser: true,
      allow_offline_access: true,
      require_pkce: true,
      grant_type: 'CLNTCRED',
      user: 'OTHERUSER',
    });
    expect(client.client_secret).toBeUndefined();
    expect(json.data?.workzone_user).toBeUndefined();
    expect(json.resource.random_password).toBeUndefined();
    expect(json.provider.random).toBeUndefined();
  });

  test('a supplied secret from a sensitive variable', () => {
    const stack = newStack();
    const c = new WorkZoneOAuthClient(stack, 'Client', { clientId: 'a', clientSecret: ClientSecret.fromVariable('my_secret') });
    const json = synthJson(stack);
    expect(json.variable.my_secret).toMatchObject({ sensitive: true, type: 'string', nullable: false });
    expect(only(json, 'resource', 'workzone_oauth_client').client_secret).toBe('${var.my_secret}');
    expect(c.secretSource).toBe('supplied');
  });

  test('a supplied secret from any token; the default variable name follows the construct path', () => {
    const stack = newStack();
    const v = new TerraformVariable(stack, 'vault_secret', { type: 'string', sensitive: true });
    new WorkZoneOAuthClient(stack, 'Client', { clientId: 'a', clientSecret: ClientSecret.fromToken(v.stringValue) });
    new WorkZoneOAuthClient(stack, 'Other', { clientId: 'b', clientSecret: ClientSecret.fromVariable() });
    const json = synthJson(stack);
    const clients = Object.values(json.resource.workzone_oauth_client) as any[];
    expect(clients.map((c) => c.client_secret).sort()).toEqual(['${var.other_client_secret}', '${var.vault_secret}']);
  });

  test('rotation: keepers reach random_password and nothing else', () => {
    const stack = newStack();
    new WorkZoneOAuthClient(stack, 'Client', {
      clientId: 'a',
      clientSecret: ClientSecret.random({ length: 64, keepers: { rotation: '2026-11' } }),
    });
    const json = synthJson(stack);
    expect(only(json, 'resource', 'random_password')).toMatchObject({ length: 64, keepers: { rotation: '2026-11' } });
    expect(only(json, 'resource', 'workzone_oauth_client').keepers).toBeUndefined();
  });

  test('uses the provider passed, or the stack default, never two defaults', () => {
    const stack = newStack();
    const aliased = new WorkzoneProvider(stack, 'test-env', { alias: 'test', url: 'https://wz-test.example.dk' });
    new WorkZoneOAuthClient(stack, 'A', { clientId: 'a', provider: aliased });
    new WorkZoneOAuthClient(stack, 'B', { clientId: 'b' });
    new WorkZoneOAuthClient(stack, 'C', { clientId: 'c' });
    const json = synthJson(stack);
    expect(json.provider.workzone).toHaveLength(2);
    expect(json.terraform.required_providers.workzone).toEqual({ source: 'workzone-cpr.local/cpr/workzone', version: '0.1.0' });
    const providers = (Object.values(json.resource.workzone_oauth_client) as any[]).map((c) => c.provider).sort();
    expect(providers).toEqual(['workzone', 'workzone', 'workzone.test']);
  });

  test('tokens are not validated as literals', () => {
    const stack = newStack();
    const id = new TerraformVariable(stack, 'client_id', { type: 'string' });
    const enabled = new TerraformVariable(stack, 'enabled', { type: 'bool' });
    new WorkZoneOAuthClient(stack, 'Client', { clientId: id.stringValue, enabled: enabled.booleanValue, grantType: id.stringValue });
    expect(only(synthJson(stack), 'resource', 'workzone_oauth_client').client_id).toBe('${var.client_id}');
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['empty client id', { clientId: '' }, /clientId = "": must not be empty/],
      ['client id with a space', { clientId: 'cpr update' }, /clientId = "cpr update": must not contain spaces/],
      ['client id with a tab', { clientId: 'cpr\tupdate' }, /clientId = "cpr\\tupdate": must not contain spaces/],
      ['client id not a string', { clientId: 42 }, /clientId = 42: /],
      ['missing client id', {}, /clientId = \(not set\)/],
      ['blank client name', { clientId: 'a', clientName: '   ' }, /clientName = "   ": must not be empty/],
      ['other grant type', { clientId: 'a', grantType: 'AUTHCODE' }, /grantType = "AUTHCODE": must be "CLNTCRED" \(client credentials\)/],
      ['user with a space', { clientId: 'a', user: 'CPR BATCH' }, /user = "CPR BATCH": must not contain spaces/],
      ['enabled not a boolean', { clientId: 'a', enabled: 'yes' }, /enabled = "yes": must be true or false/],
      ['unknown prop', { clientId: 'a', clientSecretValue: 'x' }, /clientSecretValue = \(set\): is not a prop/],
      ['secret not a ClientSecret', { clientId: 'a', clientSecret: 'hunter2hunter2hunter2' }, /clientSecret = \(secret, not shown\): must be a ClientSecret/],
      [
        'literal supplied secret',
        { clientId: 'a', clientSecret: ClientSecret.fromToken('a-literal-secret-value') },
        /clientSecret = \(secret, not shown\): a literal secret would be written/,
      ],
    ];
    test.each(cases)('%s', (_name, props, expected) => {
      const stack = newStack();
      const message = errorOf(() => new WorkZoneOAuthClient(stack, 'Client', props as any));
      expect(message).toMatch(expected);
      expect(message).toContain("at 'test/Client'");
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('a-literal-secret-value');
    });

    test('one error lists every bad field', () => {
      const stack = newStack();
      let error: unknown;
      try {
        new WorkZoneOAuthClient(stack, 'Client', { clientId: 'a b', grantType: 'PASSWORD', user: '' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropsValidationError);
      const fields = (error as PropsValidationError).fieldErrors.map((f) => f.prop).sort();
      expect(fields).toEqual(['clientId', 'grantType', 'user']);
      expect((error as Error).message).toMatch(/3 problems/);
    });

    test('generated secret length is bounded', () => {
      expect(errorOf(() => new WorkZoneOAuthClient(newStack(), 'C', { clientId: 'a', clientSecret: ClientSecret.random({ length: 8 }) }))).toMatch(
        /length = 8: must be at least 16/,
      );
      expect(errorOf(() => new WorkZoneOAuthClient(newStack(), 'C', { clientId: 'a', clientSecret: ClientSecret.random({ length: 20.5 }) }))).toMatch(
        /length = 20.5: must be a whole number/,
      );
    });
  });
});
