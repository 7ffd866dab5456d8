terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic", version = "0.1.0" }
  }
}

# Credentials from KMDLOGIC_CLIENT_ID and KMDLOGIC_CLIENT_SECRET.
provider "kmdlogic" {}

variable "subscription_id" {
  type = string
}

variable "product_id" {
  type        = string
  description = "The KMD Logic Product ID of the CPR update module: the id of a CPR configuration"
}

# Fails the plan when the configuration is not in the subscription.
data "kmdlogic_cpr_configuration" "cpr_update" {
  subscription_id  = var.subscription_id
  configuration_id = var.product_id
}

output "configuration" {
  value = {
    name        = data.kmdlogic_cpr_configuration.cpr_update.name
    environment = data.kmdlogic_cpr_configuration.cpr_update.environment # "Production" or "Test"
    provider    = data.kmdlogic_cpr_configuration.cpr_update.cpr_provider
  }
}
