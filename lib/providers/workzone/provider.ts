/** The `workzone` provider: settings → a WorkZone API client, plus its resource and data source. */
import { workzoneSchema } from '../../schemas/workzone';
import { httpSettings, requireKnown } from '../http-settings';
import type { ProviderDefinition } from '../plugin/types';
import { WorkZoneClient, workZoneSettingsFromConfig } from './client';
import { oauthClientResource } from './oauth-client';
import { updateServiceHealthDataSource } from './update-service-health';
import { userDataSource } from './user';

export const workzoneProvider: ProviderDefinition<WorkZoneClient, typeof workzoneSchema> = {
  schema: workzoneSchema,
  async configure(config, ctx) {
    requireKnown(config, ['url', 'username', 'password', 'token_url', 'ca_file'], 'workzone');
    const { log } = httpSettings(config, ctx, 'WorkZone'); // warns loudly while TLS checks are off
    const client = new WorkZoneClient(workZoneSettingsFromConfig(config), { log });
    // One request now turns a wrong url, path or password into a clear error before any resource is touched.
    await client.checkConnection();
    return client;
  },
  resources: { workzone_oauth_client: oauthClientResource },
  dataSources: { workzone_user: userDataSource, workzone_update_service_health: updateServiceHealthDataSource },
};
