data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}

output "cpr_batch_user_name" {
  value = data.workzone_user.cpr_batch.name # "Captia CPR batch afvikler"
}
