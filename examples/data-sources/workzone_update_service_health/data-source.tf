terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}

# Settings from WORKZONE_URL, WORKZONE_USERNAME and WORKZONE_PASSWORD. The update services are published
# under WorkZone's main page: the provider's url unless base_url says otherwise.
provider "workzone" {}

# Fails the plan when the CVR update module's service, or one of its parts, is not Healthy.
data "workzone_update_service_health" "cvr" {
  service = "CvrSubscriptionService" # reads <url>/CvrSubscriptionService/readiness
}

# Reads the status only, for a check of your own (a warning instead of an error).
data "workzone_update_service_health" "cpr" {
  service             = "CprSubscriptionService"
  fail_when_unhealthy = false
}

check "cpr_update_service" {
  assert {
    condition     = data.workzone_update_service_health.cpr.status == "Healthy"
    error_message = "CPR update is ${data.workzone_update_service_health.cpr.status}: ${join(", ", data.workzone_update_service_health.cpr.unhealthy)}"
  }
}

output "cvr_update_parts" {
  value = data.workzone_update_service_health.cvr.entries # { self = "Healthy", OData = "Healthy", Logic = "Healthy" }
}
