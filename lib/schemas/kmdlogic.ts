/** Schema of the `kmdlogic` provider: the one source of truth for provider, bindings and docs. */
import { guid, httpUrl, notBlank, oneOf } from './rules';
import { httpAttributes } from './http';
import type { AttributeType, ProviderSchema } from './types';

export const KMDLOGIC_TOKEN_URL = 'https://identity-api.kmdlogic.io/clientcredentials/token';
export const KMDLOGIC_API_URL = 'https://gateway.kmdlogic.io/cpr/v1';
/** The scope the KMD Logic SDKs request for Logic APIs. */
export const KMDLOGIC_SCOPE = 'https://logicidentityprod.onmicrosoft.com/bb159109-0ccd-4b08-8d0d-80370cedda84/.default';
export const CPR_ENVIRONMENTS = ['Production', 'Test'] as const;

const configurationType: AttributeType = [
  'object',
  { id: 'string', name: 'string', provider: 'string', environment: 'string' },
];

export const kmdlogicSchema = {
  name: 'kmdlogic',
  source: 'workzone-cpr.local/cpr/kmdlogic',
  version: '0.1.0',
  provider: {
    version: 0,
    description: 'Reads and manages KMD Logic CPR configurations with client credentials from the Logic console.',
    attributes: {
      client_id: {
        type: 'string',
        optional: true,
        env: ['KMDLOGIC_CLIENT_ID'],
        rules: [guid],
        description: 'Client ID of a Logic client credential. Also read from `KMDLOGIC_CLIENT_ID`. Required.',
      },
      client_secret: {
        type: 'string',
        optional: true,
        sensitive: true,
        env: ['KMDLOGIC_CLIENT_SECRET'],
        description: 'Client secret of that credential. Also read from `KMDLOGIC_CLIENT_SECRET`. Required.',
      },
      token_url: {
        type: 'string',
        optional: true,
        default: KMDLOGIC_TOKEN_URL,
        env: ['KMDLOGIC_TOKEN_URL'],
        rules: [httpUrl(KMDLOGIC_TOKEN_URL)],
        description: `Token endpoint. Also read from \`KMDLOGIC_TOKEN_URL\`. The default is KMD Logic Identity (Azure AD B2C), the default of KMD's own token provider. For a client credential of KMD's Azure AD token server, set \`https://login.microsoftonline.com/logicidentityprod.onmicrosoft.com/oauth2/v2.0/token\`; a query such as \`?issuer=b2clogin.com&tenant=…\` is sent as given. \`workzone-cpr doctor\` says which server answered.`,
      },
      api_url: {
        type: 'string',
        optional: true,
        default: KMDLOGIC_API_URL,
        env: ['KMDLOGIC_API_URL'],
        rules: [httpUrl(KMDLOGIC_API_URL)],
        description: 'Base URL of the CPR API. Also read from `KMDLOGIC_API_URL`.',
      },
      scope: {
        type: 'string',
        optional: true,
        default: KMDLOGIC_SCOPE,
        env: ['KMDLOGIC_SCOPE'],
        rules: [notBlank],
        description: 'OAuth scope requested with the token. Also read from `KMDLOGIC_SCOPE`.',
      },
      ...httpAttributes('KMD Logic', 'KMDLOGIC'),
    },
  },
  resources: {
    kmdlogic_cpr_configuration: {
      version: 0,
      description:
        'A CPR configuration of the data-distributor kind. KMD Logic has no API to delete one: destroying it only removes it from state, with a warning. A configuration of the same name that is not in state is never duplicated: create fails naming the `terraform import` id.',
      attributes: {
        id: { type: 'string', computed: true, description: 'Configuration id (a GUID).' },
        subscription_id: {
          type: 'string',
          required: true,
          forceNew: true,
          rules: [guid],
          description: 'Logic subscription id (a GUID). Changing it creates a new configuration.',
        },
        name: { type: 'string', required: true, rules: [notBlank], description: 'Name of the configuration.' },
        environment: {
          type: 'string',
          required: true,
          rules: [oneOf(CPR_ENVIRONMENTS)],
          description: 'CPR environment: `Production` or `Test`.',
        },
        certificate: {
          type: 'string',
          required: true,
          sensitive: true,
          rules: [notBlank],
          description: 'Base64 of the PKCS#12 (.pfx) certificate issued for the data distributor.',
        },
        certificate_password: {
          type: 'string',
          optional: true,
          sensitive: true,
          description: 'Password of the certificate.',
        },
        cpr_provider: { type: 'string', computed: true, description: 'CPR provider of the configuration (the `provider` field of the API; renamed because `provider` is a Terraform meta-argument).' },
      },
    },
  },
  dataSources: {
    kmdlogic_client_credential: {
      version: 0,
      description:
        "Proves that the provider's client credential gets a token for its `scope`, and nothing more: for KMD Logic identifiers that no call of this provider can check otherwise, such as those of the CVR update module (this provider speaks Logic's CPR API only).",
      attributes: {
        id: { type: 'string', computed: true, description: "The client id of the provider's credential." },
        scope: { type: 'string', computed: true, description: 'The scope the token was issued for: the provider\'s `scope`.' },
      },
    },
    kmdlogic_subscription: {
      version: 0,
      description:
        'Proves that the credentials work and the subscription is reachable, and lists its CPR configurations.',
      attributes: {
        id: { type: 'string', computed: true, description: 'Same as `subscription_id`.' },
        subscription_id: { type: 'string', required: true, rules: [guid], description: 'Logic subscription id (a GUID).' },
        configurations: {
          type: ['list', configurationType],
          computed: true,
          description: 'CPR configurations of the subscription: `id`, `name`, `provider`, `environment`.',
        },
      },
    },
    kmdlogic_cpr_configuration: {
      version: 0,
      description: 'One CPR configuration of a subscription.',
      attributes: {
        id: { type: 'string', computed: true, description: 'Same as `configuration_id`.' },
        subscription_id: { type: 'string', required: true, rules: [guid], description: 'Logic subscription id (a GUID).' },
        configuration_id: { type: 'string', required: true, rules: [guid], description: 'Configuration id (a GUID).' },
        name: { type: 'string', computed: true, description: 'Name of the configuration.' },
        cpr_provider: { type: 'string', computed: true, description: 'CPR provider of the configuration (the `provider` field of the API; renamed because `provider` is a Terraform meta-argument).' },
        environment: { type: 'string', computed: true, description: '`Production` or `Test`.' },
      },
    },
  },
} as const satisfies ProviderSchema;
