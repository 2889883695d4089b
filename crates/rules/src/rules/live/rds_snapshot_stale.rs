use crate::prelude::*;
use chrono::{DateTime, Utc};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-293",
        name: "rds-snapshot-stale",
        family: "BACKUP-UNTESTED",
        severity: Severity::Medium,
        title: "Newest RDS snapshot of a database older than the RPO",
        description: "A DB instance or cluster has snapshots (automated or manual), but the newest is \
            older than the recovery point objective (24 hours, plus one hour of grace for the \
            backup window). Automated snapshots are taken daily while backups are on, so a stale \
            newest snapshot means backups stopped: retention set to 0, the instance stopped for \
            days, or the backup job failing. Instances that belong to a cluster are judged through \
            the cluster. Databases with no snapshot at all are NG-RDS-160's (retention 0). The \
            RPO is fixed for now and will become a setting. Prowler: `rds_instance_backup_enabled` \
            (the nearest check).",
        fix: "Find why backups stopped (retention, backup window, instance state, AWS Backup jobs), fix it, \
            and alarm on RDS backup events.",
        fix_snippet:
            "Type: AWS::RDS::DBInstance\nProperties:\n  BackupRetentionPeriod: 14\n  PreferredBackupWindow: 02:00-03:00",
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
        well_architected: &["SEC10-BP02", "SEC07-BP04"],
        requires: &[
            "rds:DescribeDBInstances",
            "rds:DescribeDBClusters",
            "rds:DescribeDBSnapshots",
            "rds:DescribeDBClusterSnapshots",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Newest snapshot creation time of the database `id` among snapshots of `snapshot_type` whose
/// `owner_property` names it; `None` when it has none.
fn newest(model: &Model, snapshot_type: &str, owner_property: &str, id: &str) -> Option<Result<DateTime<Utc>, String>> {
    let mut best: Option<Result<DateTime<Utc>, String>> = None;
    for snap in model.of_type(snapshot_type).filter(|s| s.prop(owner_property).and_then(Node::as_str) == Some(id)) {
        if snap.prop("Status").and_then(Node::as_str).is_some_and(|s| s != "available") {
            continue;
        }
        let time = super::time_prop(snap, "SnapshotCreateTime")
            .and_then(|t| t.ok_or_else(|| format!("snapshot {} has no SnapshotCreateTime", snap.logical_id)));
        best = match (best, time) {
            (Some(Err(e)), _) | (_, Err(e)) => Some(Err(e)),
            (Some(Ok(b)), Ok(t)) => Some(Ok(b.max(t))),
            (None, Ok(t)) => Some(Ok(t)),
        };
    }
    best
}

fn check(model: &Model, out: &mut Hits) {
    let Some((_, account)) = super::account(model) else { return };
    let now = super::now(account);
    let databases = [
        ("AWS::RDS::DBInstance", "DBInstanceIdentifier", "AWS::RDS::DBSnapshot", "DB instance"),
        ("AWS::RDS::DBCluster", "DBClusterIdentifier", "AWS::RDS::DBClusterSnapshot", "DB cluster"),
    ];
    for (db_type, id_property, snapshot_type, noun) in databases {
        for (i, db) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type(db_type)) {
            if db_type == "AWS::RDS::DBInstance"
                && db.prop("DBClusterIdentifier").is_some_and(|c| c.as_str().is_some_and(|s| !s.is_empty()))
            {
                continue;
            }
            let Some(id) = db.prop(id_property).and_then(Node::as_str) else { continue };
            let Some(time) = newest(model, snapshot_type, id_property, id) else { continue };
            let (now, time) = match (&now, time) {
                (Ok(now), Ok(t)) => (*now, t),
                (Err(reason), _) => {
                    out.unknown(i, reason.clone());
                    continue;
                }
                (_, Err(reason)) => {
                    out.unknown(i, reason);
                    continue;
                }
            };
            let age = (now - time).num_hours();
            if age > model.settings.rpo_hours + super::RPO_GRACE_HOURS {
                out.add(
                    i,
                    id_property,
                    format!(
                        "The newest snapshot of {noun} {id} is {age} hours old, beyond the {} h RPO",
                        model.settings.rpo_hours
                    ),
                    format!("newest SnapshotCreateTime: {} (now {})", time.to_rfc3339(), now.to_rfc3339()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const DB: &str = "arn:aws:rds:eu-west-1:111122223333:db:";
    const CL: &str = "arn:aws:rds:eu-west-1:111122223333:cluster:";

    #[test]
    fn fixtures() {
        // orders: newest snapshot 5 days old; billing: 2 hours; aurora: cluster snapshot 2 days
        // old; aurora-1 (member of aurora): judged through the cluster.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [
                format!("FAIL {DB}orders"),
                format!("PASS {DB}billing"),
                format!("FAIL {CL}aurora"),
                format!("PASS {DB}aurora-1")
            ]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
