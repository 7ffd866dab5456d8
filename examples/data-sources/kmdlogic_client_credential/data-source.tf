terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic", version = "0.1.0" }
  }
}

variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

variable "scope" {
  type = string
}

# The CVR update module's KMD Logic credential, with the scope shown with it in the Logic console.
provider "kmdlogic" {
  client_id     = var.client_id
  client_secret = var.client_secret
  scope         = var.scope
}

# Fails the plan when the credential gets no token for that scope.
data "kmdlogic_client_credential" "cvr_update" {}

output "checked_client_id" {
  value = data.kmdlogic_client_credential.cvr_update.id
}
