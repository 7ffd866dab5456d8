/**
 * Data source `kmdlogic_client_credential`: a token for the provider's credential and scope, the check for
 * KMD Logic identifiers this provider has no API call for (the CVR update module's; docs/kmdlogic-api.md).
 */
import { kmdlogicSchema } from '../../schemas/kmdlogic';
import type { DataSourceDefinition } from '../plugin/types';
import type { KmdLogicClient } from './client';

export const clientCredentialDataSource: DataSourceDefinition<KmdLogicClient, typeof kmdlogicSchema.dataSources.kmdlogic_client_credential> = {
  async read({ client }) {
    const { clientId, scope } = await client.checkCredential();
    return { id: clientId, scope };
  },
};
