/**
 * What a WorkZone update module needs of its set-up, as data: the settings of its OAuth client and the
 * identifiers it is configured with. CPR's is below; a sibling module (CVR, with its own batch user) is
 * another value of the same shape on the same constructs.
 */
import { CPR_BATCH_USER, CPR_GRANT_TYPE, DEFAULT_CLIENT_NAME } from '../schemas/workzone';

/** The six identifiers the CPR update module needs, as tokens (the two secrets sensitive). */
export interface CprUpdateIdentifiers {
  readonly kmdLogicClientId: string;
  readonly kmdLogicClientSecret: string;
  readonly kmdLogicSubscriptionId: string;
  readonly kmdLogicProductId: string;
  readonly cprClientId: string;
  readonly cprClientSecret: string;
}

/** An identifier as an output: its key, output name suffix, label in the module, and whether it is secret. */
export interface UpdateModuleOutput<K extends string = string> {
  readonly key: K;
  readonly suffix: string;
  readonly label: string;
  readonly sensitive: boolean;
}

export interface UpdateModule<K extends string = string> {
  /** As WorkZone's guides name it. */
  readonly name: string;
  /** Settings of its OAuth client, by schema attribute: the defaults of the set-up's props. */
  readonly client: { readonly client_name: string; readonly user: string; readonly grant_type: string };
  /** Its identifiers, in the order of its configuration form: the documented output contract. */
  readonly outputs: readonly UpdateModuleOutput<K>[];
}

export const CPR_UPDATE_MODULE: UpdateModule<keyof CprUpdateIdentifiers> = {
  name: 'CPR update module',
  client: { client_name: DEFAULT_CLIENT_NAME, user: CPR_BATCH_USER, grant_type: CPR_GRANT_TYPE },
  outputs: [
    { key: 'kmdLogicClientId', suffix: 'kmd_logic_client_id', label: 'KMD Logic Client ID', sensitive: false },
    { key: 'kmdLogicClientSecret', suffix: 'kmd_logic_client_secret', label: 'KMD Logic Client Secret', sensitive: true },
    { key: 'kmdLogicSubscriptionId', suffix: 'kmd_logic_subscription_id', label: 'KMD Logic Subscription ID', sensitive: false },
    { key: 'kmdLogicProductId', suffix: 'kmd_logic_product_id', label: 'KMD Logic Product ID', sensitive: false },
    { key: 'cprClientId', suffix: 'cpr_client_id', label: 'Contact update - CPR, Client ID', sensitive: false },
    { key: 'cprClientSecret', suffix: 'cpr_client_secret', label: 'Contact update - CPR, Client Secret', sensitive: true },
  ],
};
