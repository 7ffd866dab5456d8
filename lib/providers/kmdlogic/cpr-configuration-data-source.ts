/** Data source `kmdlogic_cpr_configuration`: one configuration; an unknown id is an error naming it. */
import { kmdlogicSchema } from '../../schemas/kmdlogic';
import type { AttributeNameOf } from '../../schemas/types';
import { pick } from '../pick';
import { DiagnosticError, type DataSourceDefinition } from '../plugin/types';
import type { KmdLogicClient } from './client';
import { REPORTED_FIELDS, type ReportedAttribute } from './wire';

const block = kmdlogicSchema.dataSources.kmdlogic_cpr_configuration;
/** What the data source takes from KMD Logic's answer: its computed attributes that Logic reports (wire.ts). */
const REPORTED = REPORTED_FIELDS.map(([attribute]) => attribute).filter(
  (a): a is Extract<ReportedAttribute, AttributeNameOf<typeof block>> => a in block.attributes && !('required' in block.attributes[a as keyof typeof block.attributes]),
);

export const cprConfigurationDataSource: DataSourceDefinition<KmdLogicClient, typeof block> = {
  async read({ config, client }) {
    const subscriptionId = config.subscription_id;
    const configurationId = config.configuration_id;
    // A wrong subscription throws its own error here (the client checks 404s against the list call).
    const found = await client.getConfiguration(subscriptionId, configurationId);
    if (!found) {
      throw new DiagnosticError(
        `CPR configuration ${configurationId} was not found in KMD Logic subscription ${subscriptionId}`,
        'Check configuration_id: the kmdlogic_subscription data source lists the configurations of the subscription.',
        ['configuration_id'],
      );
    }
    return pick(found, REPORTED);
  },
};
