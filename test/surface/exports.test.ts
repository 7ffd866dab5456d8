/**
 * The package's public API is on purpose: this list is it. A new export is a decision (add it here and to
 * the docs); anything else, zod schemas and internal fields included, stays inside the package.
 */
import * as entry from '../../lib';
import { EXPECTED } from './expected-api';
import { publicApi, type ExportKind } from './public-api';

const api = publicApi();


const BINDINGS: Record<string, readonly string[]> = {
  workzone: ['WorkzoneProvider', 'OauthClient', 'DataWorkzoneUser', 'DataWorkzoneUpdateServiceHealth'],
  kmdlogic: ['KmdlogicProvider', 'CprConfiguration', 'DataKmdlogicClientCredential', 'DataKmdlogicSubscription', 'DataKmdlogicCprConfiguration'],
};

/** Old binding names kept for one minor version (see CHANGELOG), value and type, with their config type. */
const DEPRECATED: Record<string, string> = {
  'workzone.WorkzoneOauthClient': 'workzone.OauthClient',
  'kmdlogic.KmdlogicCprConfiguration': 'kmdlogic.CprConfiguration',
};

const topLevel = (kind?: ExportKind) => [...api].filter(([name, e]) => !name.includes('.') && (kind === undefined || e.kind === kind)).map(([name]) => name);

describe('the public API (lib/index.ts)', () => {
  test('exports exactly the constructs, their props and errors, and the two binding namespaces', () => {
    expect(Object.fromEntries(topLevel().map((name) => [name, api.get(name)!.kind]))).toEqual(EXPECTED);
  });

  test('nothing internal: no schema, no zod, no helper; the supplied secret is not a field of ClientSecret', () => {
    expect(topLevel().filter((name) => /schema|Schema|^(CPR_BATCH_USER|CPR_GRANT_TYPE|DEFAULT_CLIENT_NAME|MAX_GENERATED_SECRET_LENGTH)$/.test(name))).toEqual([]);
    expect(api.get('ClientSecret')!.members).toEqual(['bind', 'fromToken', 'fromVariable', 'generatedByWorkZone', 'random']);
    expect(Object.keys(entry.ClientSecret.fromToken('${var.secret}'))).toEqual([]);
  });

  test('at run time the module holds the value exports and nothing else', () => {
    const values = topLevel().filter((name) => ['class', 'const', 'function', 'namespace'].includes(api.get(name)!.kind));
    expect(Object.keys(entry).sort()).toEqual(values.sort());
  });

  test.each(Object.entries(BINDINGS))('%s: a provider class, one class per resource and data source with its config, and the deprecated aliases', (namespace, classes) => {
    const current = [...classes, ...classes.map((c) => `${c}Config`)];
    const deprecated = Object.keys(DEPRECATED)
      .filter((name) => name.startsWith(`${namespace}.`))
      .flatMap((name) => [name.slice(namespace.length + 1), `${name.slice(namespace.length + 1)}Config`]);
    expect(api.get(namespace)!.members).toEqual([...current, ...deprecated].sort());
    for (const name of current) expect(api.get(`${namespace}.${name}`)).toMatchObject({ deprecated: false });
    for (const name of deprecated) expect(api.get(`${namespace}.${name}`)).toMatchObject({ deprecated: true });
  });

  test('a deprecated binding name is the renamed class itself', () => {
    for (const [old, current] of Object.entries(DEPRECATED)) {
      const [ns, oldName] = old.split('.') as ['workzone' | 'kmdlogic', string];
      const namespace = entry[ns] as Record<string, unknown>;
      expect(namespace[oldName]).toBe(namespace[current.split('.')[1]]);
    }
  });

  test('the constructs and the bindings share no name, not even in another letter case', () => {
    const constructs = topLevel().map((n) => n.toLowerCase());
    const bindings = [...api].filter(([name, e]) => name.includes('.') && !e.deprecated).map(([name]) => name);
    expect(bindings.filter((b) => constructs.includes(b.split('.')[1].toLowerCase()))).toEqual([]);
  });
});
