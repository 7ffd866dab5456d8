terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}

# Settings from WORKZONE_URL, WORKZONE_USERNAME and WORKZONE_PASSWORD.
provider "workzone" {}

# Fails the plan when WorkZone has no user with these initials.
data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}

output "cpr_batch_user_name" {
  value = data.workzone_user.cpr_batch.name # "Captia CPR batch afvikler"
}
