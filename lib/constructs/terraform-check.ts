import { TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';

/** A `check` block (cdktf has no class for it): its assertions warn and never stop a plan. */
export class TerraformCheck extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly asserts: { condition: string; error_message: string }[],
  ) {
    super(scope, id);
  }

  toTerraform(): Record<string, unknown> {
    return { check: { [this.friendlyUniqueId]: { assert: this.asserts } } };
  }
}
