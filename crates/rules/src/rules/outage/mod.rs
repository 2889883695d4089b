//! OUTAGE-STATEFUL rules: stateful resources a stack update or deletion can destroy.

use crate::Rule;

pub mod database_deletion_protection_disabled;
pub mod dynamodb_deletion_protection_disabled;
pub mod qldb_ledger_deletion_protection_disabled;
pub mod stateful_resource_retain_policy_missing;

pub(crate) const RULES: &[&Rule] = &[
    &database_deletion_protection_disabled::RULE,
    &dynamodb_deletion_protection_disabled::RULE,
    &qldb_ledger_deletion_protection_disabled::RULE,
    &stateful_resource_retain_policy_missing::RULE,
];
