/** Schema of the `workzone` provider: the one source of truth for provider, bindings and docs. */
import { httpUrl, maxLength, noWhitespace, notBlank, oneOf, secret } from './rules';
import { httpAttributes } from './http';
import type { ProviderSchema } from './types';

/** The grant type the CPR update module needs ("Client credentials" in the Configurator form). */
export const CPR_GRANT_TYPE = 'CLNTCRED';
/** WorkZone's CPR batch user ("Captia CPR batch afvikler"). */
export const CPR_BATCH_USER = 'CPRBATCHUSER';
export const DEFAULT_CLIENT_NAME = 'Contact update - CPR';
/** The readiness endpoint under an update service (`<main page>/CvrSubscriptionService/readiness`). */
export const DEFAULT_READINESS_PATH = 'readiness';
/** Shortest client secret accepted when supplied. */
export const MIN_CLIENT_SECRET_LENGTH = 16;
/**
 * Longest client secret accepted when supplied: the width of the secret column of IdentityServer's client
 * store (ClientSecrets.Value, 4000 characters), whose client model WorkZone's OAuth server follows field
 * for field. Far beyond any useful strength (40 random letters and digits carry 238 bits), and it keeps
 * the token request's Basic header well under the 16 KB header limit of IIS, where WorkZone runs.
 */
export const MAX_CLIENT_SECRET_LENGTH = 4000;
const clientSecretRule = secret(MIN_CLIENT_SECRET_LENGTH, {
  length: MAX_CLIENT_SECRET_LENGTH,
  why: "the longest secret WorkZone's OAuth client store (IdentityServer's) keeps",
});

export const workzoneSchema = {
  name: 'workzone',
  source: 'workzone-cpr.local/cpr/workzone',
  version: '0.1.0',
  provider: {
    version: 0,
    description: 'Manages OAuth clients in KMD WorkZone (Configurator > Global > OAuth settings).',
    attributes: {
      url: {
        type: 'string',
        optional: true,
        env: ['WORKZONE_URL'],
        rules: [httpUrl('https://workzone.example.dk')],
        description: 'Base URL of WorkZone, such as `https://workzone.example.dk`. Also read from `WORKZONE_URL`. Required.',
      },
      username: {
        type: 'string',
        optional: true,
        env: ['WORKZONE_USERNAME'],
        rules: [notBlank],
        description: 'Administrator user name for the OAuth settings API (HTTP Basic). Also read from `WORKZONE_USERNAME`. Required.',
      },
      password: {
        type: 'string',
        optional: true,
        sensitive: true,
        env: ['WORKZONE_PASSWORD'],
        description: 'Administrator password. Also read from `WORKZONE_PASSWORD`. Required.',
      },
      odata_path: {
        type: 'string',
        optional: true,
        default: '/odata',
        env: ['WORKZONE_ODATA_PATH'],
        description: 'Path of the OData root under `url`.',
      },
      oauth_clients_path: {
        type: 'string',
        optional: true,
        default: 'OAuthClients',
        description: 'Entity set of OAuth clients under the OData root.',
      },
      users_path: {
        type: 'string',
        optional: true,
        default: 'Users',
        description: 'Entity set of users under the OData root.',
      },
      token_url: {
        type: 'string',
        optional: true,
        env: ['WORKZONE_TOKEN_URL'],
        rules: [httpUrl('https://workzone.example.dk/connect/token')],
        description:
          "WorkZone's OAuth token endpoint, used to verify client credentials (and, where WorkZone reports no secret hash, to see whether a secret still works). Also read from `WORKZONE_TOKEN_URL`. When not set, the `token_endpoint` of WorkZone's discovery document `<url>/.well-known/openid-configuration` (IdentityServer's), else `<url>/connect/token`. `workzone-cpr doctor` shows which one answers.",
      },
      ...httpAttributes('WorkZone', 'WORKZONE'),
    },
  },
  resources: {
    workzone_oauth_client: {
      version: 0,
      description:
        'An OAuth client in WorkZone, as created in Configurator > Global > OAuth settings > Add. WorkZone never shows the secret again after saving; this resource keeps it in state (or, with `client_secret_wo`, keeps it out of state).',
      attributes: {
        id: { type: 'string', computed: true, description: 'Same as `client_id`.' },
        client_id: {
          type: 'string',
          required: true,
          forceNew: true,
          rules: [noWhitespace, maxLength(200)],
          description: 'Client ID ("Contact update - CPR, Client ID" in the CPR update module). No spaces. Changing it replaces the client.',
        },
        client_name: {
          type: 'string',
          optional: true,
          default: DEFAULT_CLIENT_NAME,
          rules: [notBlank, maxLength(200)],
          description: 'Display name of the client.',
        },
        enabled: { type: 'bool', optional: true, default: true, description: 'Enabled.' },
        allow_access_token_via_browser: {
          type: 'bool',
          optional: true,
          default: false,
          description: 'Allow access token via browser.',
        },
        allow_offline_access: {
          type: 'bool',
          optional: true,
          default: false,
          description: 'Allow offline access (refresh tokens).',
        },
        require_pkce: {
          type: 'bool',
          optional: true,
          default: false,
          description: 'Require proof key for code exchange.',
        },
        grant_type: {
          type: 'string',
          optional: true,
          default: CPR_GRANT_TYPE,
          rules: [
            oneOf(
              [{ value: CPR_GRANT_TYPE, meaning: 'client credentials' }],
              `the CPR update module authenticates with client credentials; leave it out or set it to "${CPR_GRANT_TYPE}"`,
            ),
          ],
          description: 'Grant type code: client credentials, the only one supported.',
        },
        user: {
          type: 'string',
          optional: true,
          default: CPR_BATCH_USER,
          rules: [noWhitespace],
          description: `Initials of the WorkZone user the client acts as (\`${CPR_BATCH_USER}\` is "Captia CPR batch afvikler").`,
        },
        client_secret: {
          type: 'string',
          optional: true,
          computed: true,
          sensitive: true,
          rules: [clientSecretRule],
          description: `Client secret. Supply one (${MIN_CLIENT_SECRET_LENGTH} to ${MAX_CLIENT_SECRET_LENGTH} characters), or leave it out and WorkZone generates one, returned once and kept in state. Removing it from the configuration later keeps the current secret (as WorkZone does); use \`terraform apply -replace\` for a new generated one. Conflicts with \`client_secret_wo\`.`,
        },
        client_secret_wo: {
          type: 'string',
          optional: true,
          sensitive: true,
          writeOnly: true,
          rules: [clientSecretRule],
          description:
            'Write-only client secret (Terraform >= 1.11): sent to WorkZone, never stored in plan or state. Change `client_secret_wo_version` to send a new one. Conflicts with `client_secret`.',
        },
        client_secret_wo_version: {
          type: 'number',
          optional: true,
          description: 'Version of `client_secret_wo`; changing it sends the write-only secret again.',
        },
      },
    },
  },
  dataSources: {
    workzone_user: {
      version: 0,
      description: 'Looks up a WorkZone user by initials, so that a plan fails early when the user (such as `CPRBATCHUSER`) does not exist.',
      attributes: {
        id: { type: 'string', computed: true, description: "The user's id in WorkZone." },
        initials: {
          type: 'string',
          required: true,
          rules: [noWhitespace],
          description: 'Initials of the user, such as `CPRBATCHUSER`.',
        },
        name: { type: 'string', computed: true, description: "The user's full name." },
        active: { type: 'bool', computed: true, description: 'Whether the user is active.' },
      },
    },
    workzone_update_service_health: {
      version: 0,
      description:
        "Reads the readiness endpoint of a contact update module's service, `<base_url>/<service>/<readiness_path>` (WorkZone documents `<WorkZone main page>/CvrSubscriptionService/readiness`), and fails when the service or one of its parts is not `Healthy`, naming them; so a pipeline stops when the module that uses the credentials is not running. Sends no credentials (WorkZone's guide opens it in a browser).",
      attributes: {
        id: { type: 'string', computed: true, description: 'The URL read.' },
        service: {
          type: 'string',
          required: true,
          rules: [noWhitespace],
          description: 'Path of the service under the main page, such as `CvrSubscriptionService` (CVR update) or `CprSubscriptionService` (CPR update).',
        },
        readiness_path: {
          type: 'string',
          optional: true,
          default: DEFAULT_READINESS_PATH,
          rules: [noWhitespace],
          description: 'Path of the readiness endpoint under the service.',
        },
        base_url: {
          type: 'string',
          optional: true,
          rules: [httpUrl('https://workzone.example.dk')],
          description: "URL of WorkZone's main page, where the update services are published. When not set, the provider's `url`.",
        },
        fail_when_unhealthy: {
          type: 'bool',
          optional: true,
          default: true,
          description:
            'Fail the plan (or the apply, when the service is read after a change) when the status is not `Healthy`, naming the parts that are not. Set it to false to read the status only, for a `check` block or a postcondition of your own.',
        },
        status: { type: 'string', computed: true, description: 'Status of the whole service: `Healthy`, `Degraded` or `Unhealthy`.' },
        entries: {
          type: ['map', 'string'],
          computed: true,
          description: 'Status of each part the service reports, such as `self`, `OData` and `Logic`.',
        },
        unhealthy: { type: ['list', 'string'], computed: true, description: 'The parts whose status is not `Healthy`, in the order reported.' },
        total_duration: { type: 'string', computed: true, description: 'How long the service took to check itself, as it reports it (`00:00:02.28`).' },
      },
    },
  },
} as const satisfies ProviderSchema;
