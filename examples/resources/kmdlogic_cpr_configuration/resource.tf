terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic", version = "0.1.0" }
  }
}

# Credentials from KMDLOGIC_CLIENT_ID and KMDLOGIC_CLIENT_SECRET (a client credential from the Logic console).
provider "kmdlogic" {}

variable "subscription_id" {
  type        = string
  description = "KMD Logic subscription id (a GUID)"
}

variable "certificate_password" {
  type      = string
  sensitive = true
}

# A CPR configuration of the data-distributor kind. KMD Logic has no delete API: `terraform destroy`
# only removes it from state (with a warning); remove it in the Logic console if it must go.
resource "kmdlogic_cpr_configuration" "cpr_update" {
  subscription_id      = var.subscription_id
  name                 = "WorkZone CPR update"
  environment          = "Test" # or "Production"
  certificate          = filebase64("${path.module}/distributor.pfx")
  certificate_password = var.certificate_password
}

output "product_id" {
  value = kmdlogic_cpr_configuration.cpr_update.id
}
