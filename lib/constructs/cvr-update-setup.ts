import type { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { frameworkScope } from './framework';
import { KmdLogicCvrSubscription } from './kmd-logic-cvr-subscription';
import type { CvrUpdateSetupProps } from './props.generated';
import { CVR_UPDATE_SETUP_SPEC } from './specs';
import { CVR_UPDATE_MODULE, type CvrUpdateIdentifiers } from './update-module';
import { UpdateSetup, type UpdateSetupKind } from './update-setup';

export type { CvrUpdateSetupProps } from './props.generated';
export type { CvrUpdateIdentifiers } from './update-module';

/** Output name suffix, label in the CVR update module, and whether it is secret: the documented contract. */
export const CVR_UPDATE_OUTPUTS = CVR_UPDATE_MODULE.outputs;

/** The identifiers of a CVR set-up: seven with KMD Logic, the OAuth client's two with `kmdLogic: false`. */
type CvrIdentifiersOf<L> = L extends false ? Pick<CvrUpdateIdentifiers, 'cvrClientId' | 'cvrClientSecret'> : CvrUpdateIdentifiers;

const KIND: UpdateSetupKind = {
  spec: CVR_UPDATE_SETUP_SPEC,
  module: CVR_UPDATE_MODULE,
  kmdLogic: { type: KmdLogicCvrSubscription, create: (scope, id, variablePrefix) => new KmdLogicCvrSubscription(scope, id, { variablePrefix }) },
};

/**
 * The whole CVR update set-up for one WorkZone environment ("Contact update - CVR": companies and
 * production units): the WorkZone OAuth client of the CVR update module (user `CVRBATCHUSER`), its secret,
 * and (WorkZone up to 2024.2) the five KMD Logic identifiers, with the identifiers as Terraform outputs:
 * seven, or the client's two with `kmdLogic: false` (WorkZone 2024.3 and later).
 */
export class CvrUpdateSetup<L extends KmdLogicCvrSubscription | false = KmdLogicCvrSubscription> extends UpdateSetup {
  /** The KMD Logic identifiers; undefined with `kmdLogic: false`. */
  declare public readonly kmdLogic: L extends false ? undefined : KmdLogicCvrSubscription;
  /** The identifiers, for handing on (to a secret store, a Kubernetes secret). */
  declare public readonly identifiers: CvrIdentifiersOf<L>;
  /** The outputs, by identifier. */
  declare public readonly outputs: { readonly [K in keyof CvrIdentifiersOf<L>]: TerraformOutput };

  constructor(scope: Construct, id: string, props: CvrUpdateSetupProps & { readonly kmdLogic?: L }) {
    super(frameworkScope(scope, 'CvrUpdateSetup'), id, KIND, props);
  }
}
