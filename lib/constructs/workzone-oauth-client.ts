import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { DataWorkzoneUser, WorkzoneOauthClient, WorkzoneProvider, type WorkzoneOauthClientConfig } from '../bindings/workzone';
import { workzoneSchema } from '../schemas/workzone';
import { frameworkScope } from './framework';
import { ClientSecret, type ClientSecretSource } from './client-secret';
import { claimClientId } from './client-ownership';
import type { WorkZoneOAuthClientProps } from './props.generated';
import { blockConfig, propsSchema, withDefaults, type ConstructSpec } from './props';
import { defaultProvider } from './providers';
import { checkSecret } from './secret-expression';
import { WORKZONE_OAUTH_CLIENT_SPEC } from './specs';
import { literalText } from './terraform-text';
import { providerOf, validateProps } from './validation';

export type { WorkZoneOAuthClientProps } from './props.generated';

const LITERAL_SECRET =
  'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or use ClientSecret.random()';

/** The checks of the props that are the OAuth client's own (the others follow the schema's rules). */
const ownChecks = (scope: IConstruct, constructType: string) => ({
  clientSecret: z
    .custom<ClientSecret>((v) => v instanceof ClientSecret, {
      message: 'must be a ClientSecret: ClientSecret.random(), ClientSecret.fromToken(token), ClientSecret.fromVariable() or ClientSecret.generatedByWorkZone()',
    })
    .superRefine((secret, ctx) => {
      if (typeof secret.suppliedValue !== 'string') return;
      checkSecret(scope, constructType, secret.suppliedValue, ctx, LITERAL_SECRET);
    }),
  verifyUser: z.boolean(),
  provider: providerOf('workzone'),
});

/**
 * The props check of a construct that takes the OAuth client's props flat (`spec`, such as CprUpdateSetup's,
 * adds its own props, checked by `more`), at `scope` (secrets are resolved in its stack).
 */
export const oauthClientPropsSchema = <Props>(scope: IConstruct, spec: ConstructSpec, more: { readonly [prop: string]: z.ZodType } = {}) =>
  propsSchema<Props>(spec, { ...ownChecks(scope, spec.construct), ...more });

/** The props schema of a WorkZoneOAuthClient at `scope`. */
export const workZoneOAuthClientPropsSchema = (scope: IConstruct) => oauthClientPropsSchema<WorkZoneOAuthClientProps>(scope, WORKZONE_OAUTH_CLIENT_SPEC);

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
  public readonly resource: WorkzoneOauthClient;
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
    const settings = blockConfig<WorkzoneOauthClientConfig>(WORKZONE_OAUTH_CLIENT_SPEC, workzoneSchema.resources.workzone_oauth_client, valid, literalText);
    this.resource = new WorkzoneOauthClient(this, 'Client', {
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
