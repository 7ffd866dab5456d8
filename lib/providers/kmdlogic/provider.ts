/** The `kmdlogic` provider: schema (lib/schemas/kmdlogic.ts), configure, and one module per resource / data source. */
import { kmdlogicSchema } from '../../schemas/kmdlogic';
import { httpSettings, requireKnown } from '../http-settings';
import type { ProviderDefinition } from '../plugin/types';
import { KmdLogicClient } from './client';
import { cprConfigurationDataSource } from './cpr-configuration-data-source';
import { cprConfigurationResource } from './cpr-configuration-resource';
import { subscriptionDataSource } from './subscription-data-source';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const kmdlogicProvider: ProviderDefinition<KmdLogicClient> = {
  schema: kmdlogicSchema,
  async configure(config, ctx) {
    requireKnown(config, ['client_id', 'client_secret', 'token_url', 'api_url', 'scope', 'ca_file'], 'kmdlogic');
    // No HTTP here: the first call fetches the token, so `terraform validate` and plans without Logic
    // objects never touch the network. The client names the setting to fix when one is missing or bad.
    return new KmdLogicClient({
      clientId: str(config.client_id),
      clientSecret: str(config.client_secret),
      tokenUrl: str(config.token_url),
      apiUrl: str(config.api_url),
      scope: str(config.scope),
      ...httpSettings(config, ctx, 'KMD Logic'),
    });
  },
  resources: {
    kmdlogic_cpr_configuration: cprConfigurationResource,
  },
  dataSources: {
    kmdlogic_subscription: subscriptionDataSource,
    kmdlogic_cpr_configuration: cprConfigurationDataSource,
  },
};
