terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}

# Settings from WORKZONE_URL, WORKZONE_USERNAME and WORKZONE_PASSWORD.
provider "workzone" {}

variable "cpr_client_secret" {
  type      = string
  sensitive = true
}

# Fails the plan early when the CPR batch user does not exist.
data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}

# The OAuth client of the CPR update module, with a supplied secret.
resource "workzone_oauth_client" "cpr_update" {
  client_id     = "cpr-update"
  client_name   = "Contact update - CPR"
  user          = data.workzone_user.cpr_batch.initials
  client_secret = var.cpr_client_secret
}

# Or let WorkZone generate the secret (returned once, kept in state):
resource "workzone_oauth_client" "generated" {
  client_id = "cpr-update-generated"
}

# Or keep the secret out of state (Terraform >= 1.11): bump the version to send a new one.
variable "cpr_client_secret_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "workzone_oauth_client" "write_only" {
  client_id                = "cpr-update-wo"
  client_secret_wo         = var.cpr_client_secret_wo
  client_secret_wo_version = 1
}

output "cpr_client_id" {
  value = workzone_oauth_client.cpr_update.client_id
}

output "generated_secret" {
  value     = workzone_oauth_client.generated.client_secret
  sensitive = true
}
