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
  type = string
}

# Fails the plan when the credentials are wrong or the subscription is unknown to them; the postcondition
# fails it when the product id matches none of the subscription's CPR configurations.
data "kmdlogic_subscription" "this" {
  subscription_id = var.subscription_id

  lifecycle {
    postcondition {
      condition     = contains([for c in self.configurations : lower(c.id)], lower(var.product_id))
      error_message = "KMD Logic Product ID ${var.product_id} matches no CPR configuration of subscription ${var.subscription_id}."
    }
  }
}

output "configurations" {
  value = data.kmdlogic_subscription.this.configurations
}
