terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic", version = "0.1.0" }
  }
}

variable "kmd_logic_client_id" {
  type        = string
  description = "Client ID of a client credential from the KMD Logic console (a GUID)"
}

variable "kmd_logic_client_secret" {
  type      = string
  sensitive = true
}

# Each setting left out is read from the environment: KMDLOGIC_CLIENT_ID, KMDLOGIC_CLIENT_SECRET, and
# KMDLOGIC_TOKEN_URL / KMDLOGIC_API_URL, which default to the real KMD Logic endpoints.
provider "kmdlogic" {
  client_id     = var.kmd_logic_client_id
  client_secret = var.kmd_logic_client_secret
}
