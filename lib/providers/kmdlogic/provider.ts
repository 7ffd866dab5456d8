/** The `kmdlogic` provider: schema (lib/schemas/kmdlogic.ts), configure, and one module per resource / data source. */
import { kmdlogicSchema } from '../../schemas/kmdlogic';
import { httpSettings, requireKnown } from '../http-settings';
import type { ProviderDefinition } from '../plugin/types';
import { KmdLogicClient } from './client';
import { clientCredentialDataSource } from './client-credential-data-source';
import { cprConfigurationDataSource } from './cpr-configuration-data-source';
import { cprConfigurationResource } from './cpr-configuration-resource';
import { subscriptionDataSource } from './subscription-data-source';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const kmdlogicProvider: ProviderDefinition<KmdLogicClient, typeof kmdlogicSchema> = {
  schema: kmdlogicSchema,
  async configure(config, ctx, fromEnv) {
    requireKnown(config, ['client_id', 'client_secret', 'token_url', 'api_url', 'scope', 'ca_file'], 'kmdlogic');
    const client = new KmdLogicClient({
      clientId: str(config.client_id),
      clientSecret: str(config.client_secret),
      tokenUrl: str(config.token_url),
      apiUrl: str(config.api_url),
      scope: str(config.scope),
      fromEnv,
      ...httpSettings(config, ctx, 'KMD Logic'),
    });
    // When the configuration sets the credentials, get a token now: wrong ones fail here, where terraform shows
    // the line that sets them, and an unreachable KMD Logic fails once, before any resource. When both
    // come from the environment there may be no provider block, and terraform adds a misleading "requires
    // explicit configuration" error to any error here: the first call checks them, naming the variables.
    // (`terraform validate` does not configure providers, so it stays offline.)
    if (!fromEnv?.client_id || !fromEnv?.client_secret) {
      try {
        await client.verifyCredentials();
      } catch (err) {
        client.close();
        throw err;
      }
    }
    return client;
  },
  resources: {
    kmdlogic_cpr_configuration: cprConfigurationResource,
  },
  dataSources: {
    kmdlogic_client_credential: clientCredentialDataSource,
    kmdlogic_subscription: subscriptionDataSource,
    kmdlogic_cpr_configuration: cprConfigurationDataSource,
  },
};
