/**
 * Data source `kmdlogic_subscription`: one list call proves that the credentials work (token) and that the
 * subscription exists and is granted to them; the configurations let a config check a product id.
 */
import type { DataSourceDefinition } from '../plugin/types';
import type { KmdLogicClient } from './client';

export const subscriptionDataSource: DataSourceDefinition<KmdLogicClient> = {
  async read({ config, client }) {
    const subscriptionId = config.subscription_id as string;
    const configurations = await client.listConfigurations(subscriptionId);
    return {
      id: subscriptionId,
      configurations: configurations.map((c) => ({ id: c.id, name: c.name, provider: c.provider, environment: c.environment })),
    };
  },
};
