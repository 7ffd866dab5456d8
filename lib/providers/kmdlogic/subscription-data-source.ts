/**
 * Data source `kmdlogic_subscription`: one list call proves that the credentials work (token) and that the
 * subscription exists and is granted to them; the configurations let a config check a product id.
 */
import { kmdlogicSchema } from '../../schemas/kmdlogic';
import type { DataSourceDefinition } from '../plugin/types';
import type { KmdLogicClient } from './client';

export const subscriptionDataSource: DataSourceDefinition<KmdLogicClient, typeof kmdlogicSchema.dataSources.kmdlogic_subscription> = {
  async read({ config, client }) {
    const subscriptionId = config.subscription_id;
    const configurations = await client.listConfigurations(subscriptionId);
    return {
      id: subscriptionId,
      // The objects keep the API's names (`provider` is allowed inside an object).
      configurations: configurations.map((c) => ({ id: c.id, name: c.name, provider: c.cpr_provider, environment: c.environment })),
    };
  },
};
