import { Construct, type IConstruct } from 'constructs';
import { DataWorkzoneUser, OauthClient, WorkzoneProvider, type OauthClientConfig } from '../bindings/workzone';
import { workzoneSchema } from '../schemas/workzone';
import { frameworkScope } from './framework';
import { ClientSecret, type ClientSecretSource } from './client-secret';
import { claimClientId } from './client-ownership';
import { oauthClientPropsSchema } from './oauth-client-props';
import type { WorkZoneOAuthClientProps } from './props.generated';
import { blockConfig, withDefaults } from './props';
import { defaultProvider } from './providers';
import { WORKZONE_OAUTH_CLIENT_SPEC } from './specs';
import { literalText } from './terraform-text';
import { validateProps } from './validation';

export type { WorkZoneOAuthClientProps } from './props.generated';

/**
 * The props schema of a WorkZoneOAuthClient at `scope` (secrets are resolved in its stack); `constructType`
 * names the construct in messages.
 */
export const workZoneOAuthClientPropsSchema = (scope: IConstruct, constructType = 'WorkZoneOAuthClient') =>
  oauthClientPropsSchema<WorkZoneOAuthClientProps>(scope, WORKZONE_OAUTH_CLIENT_SPEC, {}, constructType);

/**
 * The WorkZone OAuth client of the CPR update module: Configurator > Global > OAuth settings > Add, as code.
 * Defaults are the settings the module needs.
 */
export class WorkZoneOAuthClient extends Construct {
  /** The client id, as a reference to the created client. */
  public readonly clientId: string;
  /** The client secret, as a sensitive token. */
  public readonly clientSecret: string;
  /** Where the secret comes from. */
  public readonly secretSource: ClientSecretSource;
  /** The `workzone_oauth_client` resource. */
  public readonly resource: OauthClient;
  /** The `workzone_user` lookup, when verifyUser is on. */
  public readonly userLookup?: DataWorkzoneUser;

  constructor(scope: Construct, id: string, props: WorkZoneOAuthClientProps) {
    super(frameworkScope(scope, 'WorkZoneOAuthClient'), id);
    const checked = validateProps(this, 'WorkZoneOAuthClient', workZoneOAuthClientPropsSchema(this), props, ['clientSecret']);
    const valid = withDefaults(WORKZONE_OAUTH_CLIENT_SPEC, checked, ['user', 'verifyUser']);
    const provider = valid.provider ?? defaultProvider(this, WorkzoneProvider, 'workzone');
    claimClientId(this, 'WorkZoneOAuthClient', provider, valid.clientId);
    const secret = (valid.clientSecret ?? ClientSecret.random()).bind(this);

    if (valid.verifyUser) {
      this.userLookup = new DataWorkzoneUser(this, 'User', { provider, initials: literalText(valid.user) });
    }
    // Props are literal text (tokens aside): escaped here, where they enter the configuration.
    const settings = blockConfig<OauthClientConfig>(WORKZONE_OAUTH_CLIENT_SPEC, workzoneSchema.resources.workzone_oauth_client, valid, literalText);
    this.resource = new OauthClient(this, 'Client', {
      ...settings,
      provider,
      // A reference, so the lookup is planned (and fails) before the client is touched.
      ...(this.userLookup && { user: this.userLookup.initials }),
      clientSecret: secret.value,
    });
    this.secretSource = secret.source;
    this.clientId = this.resource.clientId;
    this.clientSecret = this.resource.clientSecret;
  }
}
