/**
 * What a WorkZone contact update module needs of its set-up, as data: the settings of its OAuth client, the
 * identifiers it is configured with (which of them KMD Logic issues), its batch user and its service. CPR's
 * and CVR's are below, each written once; the set-ups (update-setup.ts), the KMD Logic constructs, the
 * outputs, docs/constructs.md, the sandbox and the doctor follow from them. Sources: docs/contact-update-family.md.
 */
import { CPR_BATCH_USER, CPR_GRANT_TYPE, DEFAULT_CLIENT_NAME } from '../schemas/workzone';

/** The six identifiers the CPR update module needs up to WorkZone 2024.2, as tokens (the two secrets sensitive). */
export interface CprUpdateIdentifiers {
  readonly kmdLogicClientId: string;
  readonly kmdLogicClientSecret: string;
  readonly kmdLogicSubscriptionId: string;
  readonly kmdLogicProductId: string;
  readonly cprClientId: string;
  readonly cprClientSecret: string;
}

/** The seven identifiers the CVR update module needs up to WorkZone 2024.2, as tokens (the two secrets sensitive). */
export interface CvrUpdateIdentifiers {
  readonly kmdLogicClientId: string;
  readonly kmdLogicClientSecret: string;
  readonly kmdLogicSubscriptionId: string;
  readonly kmdLogicScope: string;
  readonly kmdLogicCvrConfigurationId: string;
  readonly cvrClientId: string;
  readonly cvrClientSecret: string;
}

/** An identifier as an output: its key, output name suffix, label in the module, and whether it is secret. */
export interface UpdateModuleOutput<K extends string = string> {
  readonly key: K;
  readonly suffix: string;
  readonly label: string;
  readonly sensitive: boolean;
  /**
   * Issued in the KMD Logic console: the prop of the module's KMD Logic construct that holds it (its
   * variable and output suffix are that prop in snake case). Absent for the two of WorkZone's OAuth client.
   */
  readonly kmdLogicProp?: string;
  /** One of the two of WorkZone's OAuth client: the field of WorkZoneOAuthClient that holds it. */
  readonly oauthClientField?: 'clientId' | 'clientSecret';
}

export interface UpdateModule<K extends string = string> {
  /** As WorkZone's guides name it. */
  readonly name: string;
  /** Short name: `npm start -- --module cpr`, `workzone-cpr doctor --module cpr`, the emulator's `cpr:Logic`. */
  readonly id: string;
  /** Settings of its OAuth client, by schema attribute: the defaults of the set-up's props. */
  readonly client: { readonly client_name: string; readonly user: string; readonly grant_type: string };
  /** The name of its batch user, as the Configurator's user list shows it. */
  readonly userName: string;
  /** Its identifiers, in the order of its configuration form: the documented output contract. */
  readonly outputs: readonly UpdateModuleOutput<K>[];
  /** Its service under WorkZone's main page, whose readiness the set-up's health check reads. */
  readonly service: string;
  /** The construct that holds its KMD Logic identifiers. */
  readonly kmdLogicConstruct: string;
}

/** The last WorkZone version whose guides configure the update modules with KMD Logic identifiers. */
export const LAST_KMD_LOGIC_VERSION = '2024.2';
/** The first WorkZone version whose guides configure them with the two OAuth identifiers only. */
export const FIRST_OAUTH_ONLY_VERSION = '2024.3';

/** The identifiers both modules take from their KMD Logic subscription and its client credential, first. */
const KMD_LOGIC_CREDENTIAL_OUTPUTS = [
  { key: 'kmdLogicClientId', suffix: 'kmd_logic_client_id', label: 'KMD Logic Client ID', sensitive: false, kmdLogicProp: 'clientId' },
  { key: 'kmdLogicClientSecret', suffix: 'kmd_logic_client_secret', label: 'KMD Logic Client Secret', sensitive: true, kmdLogicProp: 'clientSecret' },
  { key: 'kmdLogicSubscriptionId', suffix: 'kmd_logic_subscription_id', label: 'KMD Logic Subscription ID', sensitive: false, kmdLogicProp: 'subscriptionId' },
] as const satisfies readonly UpdateModuleOutput<'kmdLogicClientId' | 'kmdLogicClientSecret' | 'kmdLogicSubscriptionId'>[];

/**
 * The two identifiers of a module's OAuth client, labelled as the guides list them: "<client name>, Client
 * ID" and "<client name>, Client Secret".
 */
function oauthClientOutputs<M extends string>(module: M, clientName: string): [UpdateModuleOutput<`${M}ClientId`>, UpdateModuleOutput<`${M}ClientSecret`>] {
  return [
    { key: `${module}ClientId`, suffix: `${module}_client_id`, label: `${clientName}, Client ID`, sensitive: false, oauthClientField: 'clientId' },
    { key: `${module}ClientSecret`, suffix: `${module}_client_secret`, label: `${clientName}, Client Secret`, sensitive: true, oauthClientField: 'clientSecret' },
  ];
}

const CVR_CLIENT_NAME = 'Contact update - CVR';

export const CPR_UPDATE_MODULE: UpdateModule<keyof CprUpdateIdentifiers> = {
  name: 'CPR update module',
  id: 'cpr',
  client: { client_name: DEFAULT_CLIENT_NAME, user: CPR_BATCH_USER, grant_type: CPR_GRANT_TYPE },
  userName: 'Captia CPR batch afvikler',
  outputs: [
    ...KMD_LOGIC_CREDENTIAL_OUTPUTS,
    { key: 'kmdLogicProductId', suffix: 'kmd_logic_product_id', label: 'KMD Logic Product ID', sensitive: false, kmdLogicProp: 'productId' },
    ...oauthClientOutputs('cpr', DEFAULT_CLIENT_NAME),
  ],
  // Not in WorkZone's guides for CPR (they show CvrSubscriptionService only): docs/contact-update-family.md.
  service: 'CprSubscriptionService',
  kmdLogicConstruct: 'KmdLogicSubscription',
};

export const CVR_UPDATE_MODULE: UpdateModule<keyof CvrUpdateIdentifiers> = {
  name: 'CVR update module',
  id: 'cvr',
  client: { client_name: CVR_CLIENT_NAME, user: 'CVRBATCHUSER', grant_type: CPR_GRANT_TYPE },
  userName: 'Captia CVR batch afvikler',
  outputs: [
    ...KMD_LOGIC_CREDENTIAL_OUTPUTS,
    // The labels of these two are ours: the guide's list of the five was not in the part of the page we read.
    { key: 'kmdLogicScope', suffix: 'kmd_logic_scope', label: 'KMD Logic Scope', sensitive: false, kmdLogicProp: 'scope' },
    { key: 'kmdLogicCvrConfigurationId', suffix: 'kmd_logic_cvr_configuration_id', label: 'KMD Logic CVR Configuration ID', sensitive: false, kmdLogicProp: 'cvrConfigurationId' },
    ...oauthClientOutputs('cvr', CVR_CLIENT_NAME),
  ],
  service: 'CvrSubscriptionService',
  kmdLogicConstruct: 'KmdLogicCvrSubscription',
};

/** The family, in the order of the docs. */
export const UPDATE_MODULES = [CPR_UPDATE_MODULE, CVR_UPDATE_MODULE] as const;

/** The outputs of a module: all, or (WorkZone 2024.3 and later) the two of its OAuth client only. */
export function outputsOf<K extends string>(module: UpdateModule<K>, kmdLogic: boolean): readonly UpdateModuleOutput<K>[] {
  return kmdLogic ? module.outputs : module.outputs.filter((o) => o.oauthClientField !== undefined);
}
