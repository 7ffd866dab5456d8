import { genericPlan, replaceTriggers, withDefaults } from '../../../lib/providers/plugin/planning';
import { checkAttributeRules, resolveProviderConfig } from '../../../lib/providers/plugin/validation';
import { Secrets } from '../../../lib/providers/plugin/secrets';
import { HclogLogger, hclogTimestamp, levelFromEnv } from '../../../lib/providers/plugin/log';
import { errorToDiagnostic } from '../../../lib/providers/plugin/diagnostics';
import { Unknown, type ObjectValue } from '../../../lib/providers/plugin/types';
import { fixtureSchema } from './fixture/definition';
import { workzoneSchema } from '../../../lib/schemas/workzone';

const block = fixtureSchema.resources.fixture_file;
const config: ObjectValue = { id: null, path: 'a.json', content: 'x', label: null, secret: null, token_wo: 'tok-12345', tags: null, generation: null };

describe('generic planning', () => {
  it('on create: defaults filled, computed unknown, write-only nulled', () => {
    const planned = genericPlan(block, null, { ...config }, config);
    expect(planned).toEqual({ ...config, id: Unknown, label: 'plain', token_wo: null, generation: Unknown });
  });

  it('keeps unknown config values unknown instead of defaulting them', () => {
    const unknownLabel: ObjectValue = { ...config, label: Unknown };
    expect(genericPlan(block, null, unknownLabel, unknownLabel).label).toBe(Unknown);
  });

  it('on update: prior computed values kept, removed optional value falls back to its default', () => {
    const prior = { ...config, id: 'a.json', label: 'fancy', token_wo: null, generation: 3 };
    // terraform proposes the prior value for an optional+computed attribute that left the config
    const proposed = { ...config, id: 'a.json', label: 'fancy', generation: 3 };
    const planned = genericPlan(block, prior, proposed, config);
    expect(planned).toMatchObject({ id: 'a.json', generation: 3, label: 'plain', token_wo: null });
    expect(replaceTriggers(block, prior, planned)).toEqual([]);
  });

  it('asks for replacement when a forceNew attribute differs or is unknown', () => {
    const prior = { ...config, id: 'a.json', label: 'plain', token_wo: null, generation: 1 };
    expect(replaceTriggers(block, prior, { ...prior, path: 'b.json' })).toEqual(['path']);
    expect(replaceTriggers(block, prior, { ...prior, path: Unknown })).toEqual(['path']);
    expect(replaceTriggers(block, prior, { ...prior, content: 'changed' })).toEqual([]);
  });

  it('fills defaults of null attributes only', () => {
    expect(withDefaults(fixtureSchema.dataSources.fixture_read, { path: 'p', missing_ok: null, content: null, exists: null }).missing_ok).toBe(false);
    expect(withDefaults(fixtureSchema.dataSources.fixture_read, { path: 'p', missing_ok: true, content: null, exists: null }).missing_ok).toBe(true);
  });
});

describe('rules and provider config', () => {
  it('reports `<field> <rule message>` at the attribute, with the value unless it is secret', () => {
    const diags = checkAttributeRules(block, { ...config, path: 'a b', secret: 'short', content: Unknown });
    expect(diags).toEqual([
      { severity: 'error', summary: 'path must not contain spaces or other whitespace; remove them', detail: 'Got "a b".', attribute: ['path'] },
      expect.objectContaining({ summary: 'secret must be at least 8 characters long (it has 5)', attribute: ['secret'] }),
    ]);
    expect(JSON.stringify(diags)).not.toContain('short');
  });

  it('applies env fallbacks in order, then defaults, and checks env values too', () => {
    const env = { WORKZONE_URL: 'ftp://nope', WORKZONE_PASSWORD: 'pw-from-env', WORKZONE_ODATA_PATH: '' };
    const empty = Object.fromEntries(Object.keys(workzoneSchema.provider.attributes).map((k) => [k, null]));
    const { config: resolved, diagnostics, fromEnv } = resolveProviderConfig(workzoneSchema.provider, { ...empty, username: 'admin' }, env);
    expect(resolved).toMatchObject({ username: 'admin', password: 'pw-from-env', odata_path: '/odata', request_timeout_seconds: 30, insecure_skip_verify: false });
    // Which settings the environment gave, so that errors name what the user set (empty variables give nothing).
    expect(fromEnv).toEqual({ url: 'WORKZONE_URL', password: 'WORKZONE_PASSWORD' });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ attribute: ['url'] });
    expect(diagnostics[0]!.detail).toContain('WORKZONE_URL');
    const bad = resolveProviderConfig(fixtureSchema.provider, { root: '/r', indent: null, api_key: null }, { FIXTURE_API_KEY: 'k' });
    expect(bad.config).toEqual({ root: '/r', indent: 2, api_key: 'k' });
  });
});

describe('secrets never reach logs or diagnostics', () => {
  it('scrubs registered secrets, also JSON-escaped, from log lines', () => {
    const lines: string[] = [];
    const secrets = new Secrets();
    secrets.addFrom(block, { ...config, secret: 'pa"ss\\word-1' });
    const log = new HclogLogger('provider.test', 'trace', secrets, {}, (l) => lines.push(l));
    log.info('value is pa"ss\\word-1', { nested: { s: 'pa"ss\\word-1' } });
    expect(lines.join('')).not.toContain('word-1');
    const record = JSON.parse(lines[0]!);
    expect(record['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(record['@level']).toBe('info');
  });

  it('turns plain errors into a message-only diagnostic', () => {
    const error = new Error('boom');
    const d = errorToDiagnostic(error, 'ApplyResourceChange');
    expect(d).toEqual({ severity: 'error', summary: 'ApplyResourceChange failed', detail: 'boom' });
  });

  it('reads the level from TF_LOG_PROVIDER, then TF_LOG', () => {
    expect(levelFromEnv({ TF_LOG: 'debug' })).toBe('debug');
    expect(levelFromEnv({ TF_LOG: 'debug', TF_LOG_PROVIDER: 'ERROR' })).toBe('error');
    expect(levelFromEnv({ TF_LOG: 'json' })).toBe('trace');
    expect(levelFromEnv({})).toBe('off');
    expect(hclogTimestamp(new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 7)))).toBe('2025-01-01T00:00:00.007000Z');
  });
});
