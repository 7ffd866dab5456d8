/**
 * Example app: the CPR update set-up for one WorkZone environment. Copy it into your own CDKTF project
 * (importing from 'cdktf-workzone-cpr' instead of './lib').
 *
 * Providers read their settings from the environment: WORKZONE_URL, WORKZONE_USERNAME, WORKZONE_PASSWORD
 * and KMDLOGIC_*; the four KMD Logic identifiers come from the variables TF_VAR_cpr_update_kmd_logic_*.
 */
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ClientSecret, CprUpdateSetup, workzone } from './lib';

export class CprUpdateStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new workzone.WorkzoneProvider(this, 'workzone');
    new CprUpdateSetup(this, 'CprUpdate', {
      clientId: process.env.CPR_CLIENT_ID ?? 'cpr-update',
      // The default is ClientSecret.random(). Where hashicorp/random cannot be installed (no registry, no
      // mirror), CPR_CLIENT_SECRET_SOURCE=workzone lets WorkZone generate the secret instead.
      clientSecret: process.env.CPR_CLIENT_SECRET_SOURCE === 'workzone' ? ClientSecret.generatedByWorkZone() : undefined,
    });
  }
}

const app = new App();
new CprUpdateStack(app, 'cpr-update');
app.synth();
