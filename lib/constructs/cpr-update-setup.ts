import type { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { frameworkScope } from './framework';
import { KmdLogicSubscription } from './kmd-logic-subscription';
import type { CprUpdateSetupProps } from './props.generated';
import { CPR_UPDATE_SETUP_SPEC } from './specs';
import { CPR_UPDATE_MODULE, type CprUpdateIdentifiers } from './update-module';
import { UpdateSetup, type UpdateSetupKind } from './update-setup';

export type { CprUpdateSetupProps } from './props.generated';
export type { CprUpdateIdentifiers } from './update-module';

/** Output name suffix, label in the CPR update module, and whether it is secret: the documented contract. */
export const CPR_UPDATE_OUTPUTS = CPR_UPDATE_MODULE.outputs;

/** The identifiers of a CPR set-up: six with KMD Logic, the OAuth client's two with `kmdLogic: false`. */
type CprIdentifiersOf<L> = L extends false ? Pick<CprUpdateIdentifiers, 'cprClientId' | 'cprClientSecret'> : CprUpdateIdentifiers;

const KIND: UpdateSetupKind = {
  spec: CPR_UPDATE_SETUP_SPEC,
  module: CPR_UPDATE_MODULE,
  kmdLogic: { type: KmdLogicSubscription, create: (scope, id, variablePrefix) => new KmdLogicSubscription(scope, id, { variablePrefix }) },
};

/**
 * The whole CPR update set-up for one WorkZone environment: the WorkZone OAuth client of the CPR update
 * module, its secret, and (WorkZone up to 2024.2) the KMD Logic identifiers, with the identifiers as
 * Terraform outputs: six, or the client's two with `kmdLogic: false` (WorkZone 2024.3 and later). Use it
 * several times in one stack (one per environment) with distinct ids or output prefixes.
 */
export class CprUpdateSetup<L extends KmdLogicSubscription | false = KmdLogicSubscription> extends UpdateSetup {
  /** The KMD Logic identifiers; undefined with `kmdLogic: false`. */
  declare public readonly kmdLogic: L extends false ? undefined : KmdLogicSubscription;
  /** The identifiers, for handing on (to a secret store, a Kubernetes secret). */
  declare public readonly identifiers: CprIdentifiersOf<L>;
  /** The outputs, by identifier. */
  declare public readonly outputs: { readonly [K in keyof CprIdentifiersOf<L>]: TerraformOutput };

  constructor(scope: Construct, id: string, props: CprUpdateSetupProps & { readonly kmdLogic?: L }) {
    super(frameworkScope(scope, 'CprUpdateSetup'), id, KIND, props);
  }
}
