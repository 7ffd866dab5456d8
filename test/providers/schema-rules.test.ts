/**
 * The schema rules as the providers report them (checkAttributeRules), for the settings and attributes
 * whose messages must point at the real fix: URLs show an example of their own service, and a supplied
 * client secret has a maximum, given with its reason, never with the value.
 */
import { kmdlogicSchema, KMDLOGIC_API_URL, KMDLOGIC_TOKEN_URL } from '../../lib/schemas/kmdlogic';
import { MAX_CLIENT_SECRET_LENGTH, workzoneSchema } from '../../lib/schemas/workzone';
import { checkAttributeRules } from '../../lib/providers/plugin/validation';

describe('URL settings', () => {
  it.each([
    ['kmdlogic', 'api_url', kmdlogicSchema.provider, KMDLOGIC_API_URL],
    ['kmdlogic', 'token_url', kmdlogicSchema.provider, KMDLOGIC_TOKEN_URL],
    ['workzone', 'url', workzoneSchema.provider, 'https://workzone.example.dk'],
    ['workzone', 'token_url', workzoneSchema.provider, 'https://workzone.example.dk/connect/token'],
  ] as const)('%s %s: the example is a URL of that service', (_provider, name, block, example) => {
    const [diagnostic] = checkAttributeRules(block, { [name]: 'gateway.kmdlogic.io/cpr/v1' });
    expect(diagnostic).toMatchObject({ summary: `${name} must be an absolute http:// or https:// URL, such as ${example}`, attribute: [name] });
  });
});

describe('client_secret', () => {
  const block = workzoneSchema.resources.workzone_oauth_client;
  const check = (value: string) => checkAttributeRules(block, { client_secret: value, client_secret_wo: value });

  it(`accepts ${MAX_CLIENT_SECRET_LENGTH} characters and refuses one more, for the supplied and the write-only secret`, () => {
    expect(check('s'.repeat(MAX_CLIENT_SECRET_LENGTH))).toEqual([]);
    const diagnostics = check('s'.repeat(MAX_CLIENT_SECRET_LENGTH + 1));
    expect(diagnostics.map((d) => d.attribute)).toEqual([['client_secret'], ['client_secret_wo']]);
  });

  it('refuses 2 MB with the limit and its reason, never showing the value', () => {
    const secret = 'Do-Not-Show-'.repeat(2 * 1024 * 1024 / 12 + 1).slice(0, 2 * 1024 * 1024);
    const [diagnostic] = check(secret);
    expect(diagnostic.summary).toBe("client_secret must be at most 4000 characters long (it has 2097152): the longest secret WorkZone's OAuth client store (IdentityServer's) keeps");
    expect(diagnostic.detail).toBe('The value is not shown because client_secret is sensitive.');
  });
});
