use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_model::event::Event;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-363",
        name: "data-and-backups-deleted-by-one-principal",
        family: "IAM-SAME-DOMAIN",
        severity: Severity::Critical,
        title: "One principal deleted production data and its backups",
        description: "The same principal deleted production data (a bucket, a database instance or \
            cluster, a table, a volume, a file system) and a backup (a snapshot, a recovery point, a \
            backup vault, its access policy, lock or plan) within the window (60 minutes by default). \
            Either this was a clean-up that nobody should be able to do alone, or it is what \
            ransomware and a disgruntled administrator do: remove the data and the way back in one \
            go. It is only possible because production and backups share one administrative domain \
            (IAM-SAME-DOMAIN): backups that the production principals can delete are not backups. \
            One finding per principal per window, naming the first data and backup deletions; the \
            evidence counts the others.",
        fix: "Confirm with the principal's owner that both deletions were intended; if not, restore from a \
            copy the principal could not reach and revoke its credentials. Keep backups in a separate \
            account (AWS Backup cross-account copies) with a vault lock, deny backup deletion to \
            production roles with an SCP, and require deletion protection on databases.",
        fix_snippet: "# SCP for production accounts: backups cannot be deleted from here\n{\n  \"Effect\": \"Deny\",\n  \"Action\": [\"backup:DeleteRecoveryPoint\", \"backup:DeleteBackupVault\", \"backup:DeleteBackupVaultLockConfiguration\",\n             \"backup:PutBackupVaultAccessPolicy\", \"ec2:DeleteSnapshot\", \"rds:DeleteDBSnapshot\", \"rds:DeleteDBClusterSnapshot\"],\n  \"Resource\": \"*\",\n  \"Condition\": { \"ArnNotLike\": { \"aws:PrincipalArn\": \"arn:aws:iam::*:role/BackupAdmin\" } }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        well_architected: &["SEC01-BP01", "SEC08-BP04"],
        links: &[
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html",
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &[
            "DeleteBucket",
            "DeleteDBInstance",
            "DeleteDBCluster",
            "DeleteTable",
            "DeleteVolume",
            "DeleteFileSystem",
            "DeleteSnapshot",
            "DeleteDBSnapshot",
            "DeleteDBClusterSnapshot",
            "DeleteRecoveryPoint",
            "DeleteBackupVault",
            "PutBackupVaultAccessPolicy",
            "DeleteBackupVaultAccessPolicy",
            "DeleteBackupVaultLockConfiguration",
            "DeleteBackupPlan",
        ],
        observe,
        correlate: Some(correlate),
    }),
};

/// Production data: event name and the request parameter naming the resource.
const DATA: &[(&str, &str)] = &[
    ("DeleteBucket", "bucketName"),
    ("DeleteDBInstance", "dBInstanceIdentifier"),
    ("DeleteDBCluster", "dBClusterIdentifier"),
    ("DeleteTable", "tableName"),
    ("DeleteVolume", "volumeId"),
    ("DeleteFileSystem", "fileSystemId"),
];

/// Backups (the events of NG-BACKUP-362).
const BACKUP: &[(&str, &str)] = &[
    ("DeleteSnapshot", "snapshotId"),
    ("DeleteDBSnapshot", "dBSnapshotIdentifier"),
    ("DeleteDBClusterSnapshot", "dBClusterSnapshotIdentifier"),
    ("DeleteRecoveryPoint", "recoveryPointArn"),
    ("DeleteBackupVault", "backupVaultName"),
    ("PutBackupVaultAccessPolicy", "backupVaultName"),
    ("DeleteBackupVaultAccessPolicy", "backupVaultName"),
    ("DeleteBackupVaultLockConfiguration", "backupVaultName"),
    ("DeleteBackupPlan", "backupPlanId"),
];

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let name = ev.event_name();
    let (tag, param) = match DATA.iter().find(|(n, _)| *n == name) {
        Some((_, p)) => ("data", *p),
        None => match BACKUP.iter().find(|(n, _)| *n == name) {
            Some((_, p)) => ("backup", *p),
            None => return,
        },
    };
    let principal = ev.identity().principal();
    if principal.is_empty() {
        return;
    }
    let resource = ev.get(&format!("requestParameters.{param}"));
    let resource = resource.as_str().unwrap_or("?");
    out.signal(principal, tag, format!("{name} {resource}"));
}

fn correlate(signals: &[Signal], settings: &TrailSettings, out: &mut Vec<TrailHit>) {
    let mut by_principal: BTreeMap<&str, Vec<&Signal>> = BTreeMap::new();
    for s in signals {
        by_principal.entry(&s.key).or_default().push(s);
    }
    let window = settings.same_principal_window;
    for (principal, deletions) in by_principal {
        let mut i = 0;
        while i < deletions.len() {
            let start = deletions[i];
            let end = start.time.saturating_add(window);
            let in_window: Vec<&Signal> = deletions[i..].iter().take_while(|s| s.time <= end).copied().collect();
            let Some(other) = in_window.iter().find(|s| s.tag != start.tag) else {
                i += 1;
                continue;
            };
            let (data, backup) = if start.tag == "data" { (start, *other) } else { (*other, start) };
            out.push(hit(principal, data, backup, &in_window, window));
            // One finding per window: what else happened in it is counted, not reported again.
            i += in_window.len();
        }
    }
}

fn hit(principal: &str, data: &Signal, backup: &Signal, in_window: &[&Signal], window: i64) -> TrailHit {
    let (a, b) =
        if (data.time, &data.event.file, data.event.index) <= (backup.time, &backup.event.file, backup.event.index) {
            (data, backup)
        } else {
            (backup, data)
        };
    let secs = b.time - a.time;
    let apart = match secs {
        1 => "1 second".to_string(),
        0..120 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs / 60),
    };
    let count = |tag: &str| in_window.iter().filter(|s| s.tag == tag).count();
    TrailHit {
        subject: principal.to_string(),
        arn: Some(principal.to_string()).filter(|p| p.starts_with("arn:")),
        message: format!(
            "{principal} deleted production data ({}) and a backup ({}) {apart} apart",
            data.data, backup.data
        ),
        evidence: format!(
            "data: {} at {}; backup: {} at {}; within {} minutes of {}: {} data and {} backup deletions",
            data.data,
            data.event.time,
            backup.data,
            backup.event.time,
            window / 60,
            in_window[0].event.time,
            count("data"),
            count("backup")
        ),
        events: vec![a.event.clone(), b.event.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::{BACKUP, DATA, RULE};

    /// The names listed for dispatch, the data deletions and the backup deletions (those of
    /// NG-BACKUP-362) must stay the same lists.
    #[test]
    fn event_lists_agree() {
        let listed: Vec<&str> = RULE.trail_check().unwrap().event_names.to_vec();
        let known: Vec<&str> = DATA.iter().chain(BACKUP).map(|(n, _)| *n).collect();
        assert_eq!(listed, known);
        let backups: Vec<&str> = BACKUP.iter().map(|(n, _)| *n).collect();
        assert_eq!(backups, crate::rules::trail::backup_deleted::EVENTS.to_vec());
    }
    use crate::rules::trail::split_runs::assert_split_invariant;
    use crate::testing::trail_findings_on;
    use crate::trail::TrailSettings;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("arn:aws:iam::123456789012:role/PowerUserRole", ["pu-delete-cluster", "pu-delete-recovery-point"]),
                ("arn:aws:iam::123456789012:role/PowerUserRole", ["pu-delete-vault-policy", "pu-delete-table"]),
                ("arn:aws:iam::123837392027:user/bert-jan", ["bj-delete-db-snapshot", "bj-delete-db"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    #[test]
    fn one_finding_per_window_counts_the_rest() {
        let findings = trail_findings_on(&RULE, file!(), &["fail.json"], &TrailSettings::default());
        let first = &findings[0];
        assert_eq!(
            first.message,
            "arn:aws:iam::123456789012:role/PowerUserRole deleted production data (DeleteDBCluster aurora-cluster-prod) \
             and a backup (DeleteRecoveryPoint arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45) 20 minutes apart"
        );
        assert!(
            first.evidence.ends_with("within 60 minutes of 2024-01-16T08:00:00Z: 2 data and 2 backup deletions"),
            "{}",
            first.evidence
        );
    }

    /// 50 minutes apart: in a 50-minute window, not in a 49-minute one.
    #[test]
    fn window_boundary() {
        let count = |minutes: i64| {
            let settings = TrailSettings { same_principal_window: minutes * 60, ..Default::default() };
            trail_findings_on(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings).len()
        };
        assert_eq!(count(50), 1);
        assert_eq!(count(49), 0);
    }

    /// The data deletion in one file, the backup deletion in another read first.
    #[test]
    fn across_files() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("arn:aws:iam::123456789012:role/DBARole", ["split-delete-db", "split-delete-snapshot"])]
        );
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 3);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["pass.json"], &settings), 0);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
    }
}
