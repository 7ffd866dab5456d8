/**
 * Create of `kmdlogic_cpr_configuration` called directly against the KMD Logic emulator: never two
 * configurations for one resource, whatever happens to the POST.
 */
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../../lib/emulators/kmdlogic';
import { KmdLogicClient, KmdLogicError } from '../../../lib/providers/kmdlogic/client';
import { cprConfigurationResource } from '../../../lib/providers/kmdlogic/cpr-configuration-resource';
import { DiagnosticError, Unknown, type Context, type ObjectValue, type ResourceDefinition } from '../../../lib/providers/plugin/types';

/** The handlers as the plugin runtime calls them: with plain objects of attribute values. */
const resource: ResourceDefinition<KmdLogicClient> = cprConfigurationResource;

const CERT_B64 = Buffer.from('3003020103', 'hex').toString('base64');

function context(): Context {
  const noop = () => undefined;
  return { log: { trace: noop, debug: noop, info: noop, warn: noop, error: noop }, signal: new AbortController().signal, warn: noop, error: noop };
}

let e: KmdLogicEmulator;
let client: KmdLogicClient;

function planned(name: string): ObjectValue {
  return {
    id: Unknown,
    subscription_id: e.subscriptionId,
    name,
    environment: 'Test',
    cpr_provider: Unknown,
    certificate: CERT_B64,
    certificate_password: 'pfx-pass',
  };
}

const named = (name: string) => e.data().configurations.filter((c) => c.name === name);

beforeEach(async () => {
  e = await startKmdLogicEmulator({});
  client = new KmdLogicClient({
    clientId: e.clientId,
    clientSecret: e.clientSecret,
    tokenUrl: e.tokenUrl,
    apiUrl: e.url,
    scope: e.scope,
    retryMaxSeconds: 5,
    http: { initialBackoffMs: 10, maxBackoffMs: 50 },
  });
});
afterEach(async () => {
  client.close();
  await e.close();
});

describe('kmdlogic_cpr_configuration create', () => {
  it('after an unknown outcome, takes the configuration that appeared instead of creating a second', async () => {
    let posts = 0;
    const lossy = Object.create(client) as KmdLogicClient;
    lossy.createDataDistributor = async (subscriptionId, input) => {
      posts++;
      await client.createDataDistributor(subscriptionId, input); // it happened, but the answer is lost
      throw new KmdLogicError('outcome-unknown', 'The outcome is unknown: could not create');
    };
    const result = await resource.create({ planned: planned('Lost answer'), config: planned('Lost answer'), client: lossy }, context());
    expect(posts).toBe(1);
    expect(named('Lost answer')).toHaveLength(1);
    expect(result.state).toMatchObject({ id: named('Lost answer')[0].id, name: 'Lost answer', cpr_provider: 'DataDistributor', certificate: CERT_B64 });
  });

  it('after an unknown outcome where nothing appeared, sends the create again', async () => {
    let posts = 0;
    const flaky = Object.create(client) as KmdLogicClient;
    flaky.createDataDistributor = async (subscriptionId, input) => {
      if (++posts === 1) throw new KmdLogicError('outcome-unknown', 'The outcome is unknown: could not create');
      return client.createDataDistributor(subscriptionId, input);
    };
    const result = await resource.create({ planned: planned('Retried'), config: planned('Retried'), client: flaky }, context());
    expect(posts).toBe(2);
    expect(named('Retried')).toHaveLength(1);
    expect(result.state).toMatchObject({ id: named('Retried')[0].id });
  });

  it('refuses a config without a certificate with a diagnostic, not a crash', async () => {
    const bare = { ...planned('Bare'), certificate: null };
    const err = await resource.create({ planned: bare, config: bare, client }, context()).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).message).toMatch(/certificate is required/);
  });

  it('refuses to create when a configuration of that name exists outside state, naming the import id', async () => {
    await resource.create({ planned: planned('Twice'), config: planned('Twice'), client }, context());
    const [first] = named('Twice');
    let err: unknown;
    await resource.create({ planned: planned('Twice'), config: planned('Twice'), client }, context()).catch((x: unknown) => (err = x));
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).message).toContain('already exists');
    expect((err as DiagnosticError).detail).toContain(`terraform import <address> ${e.subscriptionId}/${first.id}`);
    expect(named('Twice')).toHaveLength(1);
  });
});
