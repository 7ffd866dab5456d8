#!/bin/sh
# Import an OAuth client by its client id. WorkZone never returns the secret: after importing, set
# client_secret (or client_secret_wo with client_secret_wo_version) to the current secret in the
# configuration, or the next apply sets a new generated secret.
terraform import workzone_oauth_client.cpr_update cpr-update
