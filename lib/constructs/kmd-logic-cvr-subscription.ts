import type { TerraformProvider, TerraformVariable } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { DataKmdlogicClientCredential } from '../bindings/kmdlogic';
import { frameworkScope } from './framework';
import { identifierValues, kmdLogicCommonChecks, knownAtPlan, verificationProvider } from './kmd-logic-identifiers';
import type { KmdLogicCvrSubscriptionProps } from './props.generated';
import { propsSchema } from './props';
import { KMD_LOGIC_CVR_SUBSCRIPTION_SPEC } from './specs';
import { CVR_UPDATE_MODULE } from './update-module';
import { validateProps } from './validation';

export type { KmdLogicCvrSubscriptionProps } from './props.generated';

const SPEC = KMD_LOGIC_CVR_SUBSCRIPTION_SPEC;

const cvrPropsSchema = (scope: IConstruct) =>
  propsSchema<KmdLogicCvrSubscriptionProps>(SPEC, kmdLogicCommonChecks(scope, 'KmdLogicCvrSubscription')).refine((p) => p.verify !== false || p.provider === undefined, {
    message: 'provider only applies when verifying; remove it or remove verify: false',
    path: ['verify'],
  });

/**
 * The five KMD Logic identifiers of the CVR update set-up (WorkZone up to 2024.2): client id and secret,
 * subscription id, scope and CVR configuration id, issued in the Logic console. Literal values are checked,
 * tokens pass through, and identifiers not given come from Terraform variables (the secret one sensitive).
 * At plan time the credential is checked by getting a token for the scope (data source
 * `kmdlogic_client_credential`); the kmdlogic provider speaks Logic's CPR API only, so the subscription and
 * the CVR configuration id are passed on unchecked.
 */
export class KmdLogicCvrSubscription extends Construct {
  public readonly clientId: string;
  /** Sensitive. */
  public readonly clientSecret: string;
  public readonly subscriptionId: string;
  public readonly scope: string;
  public readonly cvrConfigurationId: string;
  /** The variables created for identifiers that were not given, by identifier. */
  public readonly variables: { readonly [identifier: string]: TerraformVariable };
  /** The `kmdlogic_client_credential` check of the credential and scope, when verifying. Depend on it. */
  public readonly verification?: DataKmdlogicClientCredential;
  /** The kmdlogic provider configuration used to verify, when verifying. */
  public readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: KmdLogicCvrSubscriptionProps = {}) {
    super(frameworkScope(scope, 'KmdLogicCvrSubscription'), id);
    const valid = validateProps(this, 'KmdLogicCvrSubscription', cvrPropsSchema(this), props, ['clientSecret']);
    // The CVR update module's KMD Logic identifiers (update-module.ts): given, or from variables.
    const { values, variables } = identifierValues(this, 'KmdLogicCvrSubscription', SPEC, CVR_UPDATE_MODULE, valid);
    this.clientId = values.clientId;
    this.clientSecret = values.clientSecret;
    this.subscriptionId = values.subscriptionId;
    this.scope = values.scope;
    this.cvrConfigurationId = values.cvrConfigurationId;
    this.variables = variables;

    // The token request needs these three at plan time; the other two are not sent.
    if (valid.verify ?? [this.clientId, this.clientSecret, this.scope].every((v) => knownAtPlan(this, v))) {
      this.provider = verificationProvider(this, valid.provider, { clientId: this.clientId, clientSecret: this.clientSecret, scope: this.scope });
      this.verification = new DataKmdlogicClientCredential(this, 'Verification', { provider: this.provider });
    }
  }
}
