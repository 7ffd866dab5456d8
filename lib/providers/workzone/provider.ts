/** The `workzone` provider: settings → a WorkZone API client, plus its resource and data source. */
import { workzoneSchema } from '../../schemas/workzone';
import type { ProviderDefinition } from '../plugin/types';
import { WorkZoneClient, workZoneSettingsFromConfig } from './client';
import { oauthClientResource } from './oauth-client';
import { userDataSource } from './user';

export const workzoneProvider: ProviderDefinition<WorkZoneClient> = {
  schema: workzoneSchema,
  async configure(config, ctx) {
    const settings = workZoneSettingsFromConfig(config);
    if (settings.insecureSkipVerify) {
      ctx.warn(
        'TLS certificate verification is OFF for WorkZone',
        'insecure_skip_verify = true: anyone between Terraform and WorkZone can read the admin password and client secrets. Use ca_file instead, and turn this off.',
        ['insecure_skip_verify'],
      );
    }
    const client = new WorkZoneClient(settings, { log: ctx.log });
    // One request now turns a wrong url, path or password into a clear error before any resource is touched.
    await client.checkConnection();
    return client;
  },
  resources: { workzone_oauth_client: oauthClientResource },
  dataSources: { workzone_user: userDataSource },
};
