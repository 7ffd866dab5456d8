terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}

variable "workzone_url" {
  type        = string
  description = "Base URL of WorkZone, such as https://workzone.example.dk"
}

variable "workzone_username" {
  type        = string
  description = "A WorkZone administrator allowed to manage OAuth settings"
}

variable "workzone_password" {
  type      = string
  sensitive = true
}

# Each setting left out is read from the environment: WORKZONE_URL, WORKZONE_USERNAME, WORKZONE_PASSWORD.
provider "workzone" {
  url      = var.workzone_url
  username = var.workzone_username
  password = var.workzone_password

  # Optional; these are the defaults.
  request_timeout_seconds = 30
  retry_max_seconds       = 120
  # ca_file = "${path.module}/corporate-ca.pem" # trust a private CA in addition to the system ones
}
