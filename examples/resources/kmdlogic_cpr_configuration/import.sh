#!/bin/sh
# Import a CPR configuration by <subscription_id>/<configuration_id>. KMD Logic never returns the
# certificate or its password: after importing, the next plan shows them as changes, and applying it
# uploads the certificate and password from the configuration (same configuration id).
terraform import kmdlogic_cpr_configuration.cpr_update 3fa85f64-5717-4562-b3fc-2c963f66afa6/0b6e0f4c-6c55-4f0e-9d1b-8a0d2f9c2e11
