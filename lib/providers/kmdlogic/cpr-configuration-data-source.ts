/** Data source `kmdlogic_cpr_configuration`: one configuration; an unknown id is an error naming it. */
import { DiagnosticError, type DataSourceDefinition } from '../plugin/types';
import type { KmdLogicClient } from './client';

export const cprConfigurationDataSource: DataSourceDefinition<KmdLogicClient> = {
  async read({ config, client }) {
    const subscriptionId = config.subscription_id as string;
    const configurationId = config.configuration_id as string;
    // A wrong subscription throws its own error here (the client checks 404s against the list call).
    const found = await client.getConfiguration(subscriptionId, configurationId);
    if (!found) {
      throw new DiagnosticError(
        `CPR configuration ${configurationId} was not found in KMD Logic subscription ${subscriptionId}`,
        'Check configuration_id: the kmdlogic_subscription data source lists the configurations of the subscription.',
        ['configuration_id'],
      );
    }
    return { id: configurationId, name: found.name, cpr_provider: found.provider, environment: found.environment };
  },
};
