//! BACKUP-NONE rules: stateful resources whose backups are off or too short to restore from.

use crate::prelude::*;
use crate::rules::data::smallest_int;
use crate::Rule;

pub mod docdb_backup_retention_short;
pub mod dynamodb_pitr_disabled;
pub mod neptune_backup_retention_short;
pub mod rds_backup_retention_zero;
pub mod redshift_automated_snapshots_disabled;
pub mod s3_bucket_versioning_disabled;

pub(crate) const RULES: &[&Rule] = &[
    &docdb_backup_retention_short::RULE,
    &dynamodb_pitr_disabled::RULE,
    &neptune_backup_retention_short::RULE,
    &rds_backup_retention_zero::RULE,
    &redshift_automated_snapshots_disabled::RULE,
    &s3_bucket_versioning_disabled::RULE,
];

/// Reports `res` when its retention `property` (days, `default` when omitted) is below
/// `minimum` in any alternative. `noun` names the resource in the message.
pub(crate) fn report_short_retention(
    out: &mut Hits,
    index: usize,
    res: &Resource,
    property: &str,
    default: i64,
    minimum: i64,
    noun: &str,
) {
    let Some((days, written)) = smallest_int(&res.properties, property, default) else { return };
    if days >= minimum {
        return;
    }
    let (message, evidence) = if written {
        (
            format!("{noun} {} keeps automated backups for {days} day(s), less than {minimum}", res.logical_id),
            format!("{property}: {days}"),
        )
    } else {
        (
            format!(
                "{noun} {} does not set {property}: automated backups are kept {days} day(s), less than {minimum}",
                res.logical_id
            ),
            format!("{property} absent (default {default})"),
        )
    };
    out.add(index, property, message, evidence);
}
