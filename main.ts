/**
 * Example app: the contact update set-ups for one WorkZone environment, one stack per module. Copy it into
 * your own CDKTF project (importing from 'cdktf-workzone-cpr' instead of './lib'). `npm start` deploys
 * `cpr-update`; `npm start -- --module cvr` deploys `cvr-update`.
 *
 * Providers read their settings from the environment: WORKZONE_URL, WORKZONE_USERNAME, WORKZONE_PASSWORD
 * and KMDLOGIC_*; the KMD Logic identifiers come from the variables TF_VAR_cpr_update_kmd_logic_* (and
 * TF_VAR_cvr_update_kmd_logic_*).
 */
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ClientSecret, CprUpdateSetup, CvrUpdateSetup, workzone } from './lib';

/**
 * Shared by both stacks. The default secret is ClientSecret.random(); where hashicorp/random cannot be
 * installed (no registry, no mirror), CPR_CLIENT_SECRET_SOURCE=workzone lets WorkZone generate it instead.
 * UPDATE_SERVICE_HEALTH_CHECK=on reads the module's readiness after deploy: turn it on once the module's
 * service runs (the sandbox's emulated WorkZone serves it).
 */
const common = () => ({
  clientSecret: process.env.CPR_CLIENT_SECRET_SOURCE === 'workzone' ? ClientSecret.generatedByWorkZone() : undefined,
  healthCheck: process.env.UPDATE_SERVICE_HEALTH_CHECK === 'on',
});

export class CprUpdateStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new workzone.WorkzoneProvider(this, 'workzone');
    new CprUpdateSetup(this, 'CprUpdate', { clientId: process.env.CPR_CLIENT_ID ?? 'cpr-update', ...common() });
  }
}

export class CvrUpdateStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new workzone.WorkzoneProvider(this, 'workzone');
    new CvrUpdateSetup(this, 'CvrUpdate', { clientId: process.env.CVR_CLIENT_ID ?? 'cvr-update', ...common() });
  }
}

const app = new App();
new CprUpdateStack(app, 'cpr-update');
new CvrUpdateStack(app, 'cvr-update');
app.synth();
