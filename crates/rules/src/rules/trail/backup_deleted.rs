use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-362",
        name: "backup-deleted",
        family: "BACKUP-NONE",
        severity: Severity::Medium,
        title: "Backup deleted or backup vault protection removed",
        description: "A backup was deleted (EBS snapshot `DeleteSnapshot`, RDS `DeleteDBSnapshot` / \
            `DeleteDBClusterSnapshot`, AWS Backup `DeleteRecoveryPoint`), a backup vault or plan was \
            deleted (`DeleteBackupVault`, `DeleteBackupPlan`), or the protection of a vault was changed \
            or removed (`PutBackupVaultAccessPolicy`, `DeleteBackupVaultAccessPolicy`, \
            `DeleteBackupVaultLockConfiguration`). Each one can turn \"we have backups\" into \
            BACKUP-NONE for some data, and deleting backups is the step ransomware operators take \
            before encrypting or deleting the data itself. Routine expiry by a lifecycle policy is \
            expected; a person deleting backups by hand, or loosening a vault's policy or lock, \
            deserves a look.",
        fix: "Check that the deletion was planned (expired copies, a decommissioned system) and that a \
            newer backup of the same data exists. Keep backups in a separate account with AWS Backup \
            Vault Lock in compliance mode, and deny backup deletion with an SCP to everyone but the \
            backup administrators.",
        fix_snippet: "# SCP\n{\n  \"Effect\": \"Deny\",\n  \"Action\": [\"ec2:DeleteSnapshot\", \"rds:DeleteDBSnapshot\", \"rds:DeleteDBClusterSnapshot\", \"backup:DeleteRecoveryPoint\", \"backup:DeleteBackupVault*\", \"backup:PutBackupVaultAccessPolicy\"],\n  \"Resource\": \"*\",\n  \"Condition\": { \"ArnNotLike\": { \"aws:PrincipalArn\": \"arn:aws:iam::*:role/BackupAdmin\" } }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        well_architected: &["SEC03-BP05", "SEC08-BP04"],
        links: &[
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",
            "https://docs.aws.amazon.com/aws-backup/latest/devguide/logging-using-cloudtrail.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck { event_names: EVENTS, observe, correlate: None }),
};

/// The events this rule reports (NG-BACKUP-363 looks for the same ones).
pub const EVENTS: &[&str] = &[
    "DeleteSnapshot",
    "DeleteDBSnapshot",
    "DeleteDBClusterSnapshot",
    "DeleteRecoveryPoint",
    "DeleteBackupVault",
    "PutBackupVaultAccessPolicy",
    "DeleteBackupVaultAccessPolicy",
    "DeleteBackupVaultLockConfiguration",
    "DeleteBackupPlan",
];

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let name = ev.event_name();
    let (key, what) = match name.as_ref() {
        "DeleteSnapshot" => ("snapshotId", "deleted EBS snapshot"),
        "DeleteDBSnapshot" => ("dBSnapshotIdentifier", "deleted RDS snapshot"),
        "DeleteDBClusterSnapshot" => ("dBClusterSnapshotIdentifier", "deleted RDS cluster snapshot"),
        "DeleteRecoveryPoint" => ("recoveryPointArn", "deleted recovery point"),
        "DeleteBackupVault" => ("backupVaultName", "deleted backup vault"),
        "PutBackupVaultAccessPolicy" => ("backupVaultName", "replaced the access policy of backup vault"),
        "DeleteBackupVaultAccessPolicy" => ("backupVaultName", "deleted the access policy of backup vault"),
        "DeleteBackupVaultLockConfiguration" => ("backupVaultName", "removed the Vault Lock of backup vault"),
        "DeleteBackupPlan" => ("backupPlanId", "deleted backup plan"),
        _ => return,
    };
    let value = ev.get(&format!("requestParameters.{key}"));
    let subject = value.as_str().filter(|v| !v.is_empty()).unwrap_or("unknown").to_string();
    let caller = ev.identity().principal();
    let mut evidence = format!("{name} {key} {subject}");
    if name == "DeleteRecoveryPoint" {
        if let Some(vault) = ev.get("requestParameters.backupVaultName").as_str() {
            evidence.push_str(&format!(" in vault {vault}"));
        }
    }
    let invoked_by = ev.get("userIdentity.invokedBy");
    if let Some(service) = invoked_by.as_str().filter(|s| !s.is_empty()) {
        evidence.push_str(&format!(" (invoked by {service})"));
    }
    let message = format!("{caller} {what} {subject}");
    let arn = arn_of(ev, &name, &subject);
    match arn {
        Some(arn) => out.report_arn(subject, arn, message, evidence),
        None => out.report(subject, message, evidence),
    }
}

/// The ARN of what was deleted: given, in the response, or built from the id.
fn arn_of(ev: &Event, name: &str, subject: &str) -> Option<String> {
    if subject.starts_with("arn:") {
        return Some(subject.to_string());
    }
    for key in ["responseElements.dBSnapshotArn", "responseElements.dBClusterSnapshotArn"] {
        if let Some(arn) = ev.get(key).as_str().filter(|a| a.starts_with("arn:")) {
            return Some(arn.to_string());
        }
    }
    let (region, account) = (ev.region(), ev.account());
    if subject == "unknown" || region.is_empty() {
        return None;
    }
    match name {
        "DeleteSnapshot" => Some(format!("arn:aws:ec2:{region}::snapshot/{subject}")),
        "DeleteBackupPlan" | "DeleteRecoveryPoint" => None,
        _ if account.is_empty() => None,
        "DeleteDBSnapshot" => Some(format!("arn:aws:rds:{region}:{account}:snapshot:{subject}")),
        "DeleteDBClusterSnapshot" => Some(format!("arn:aws:rds:{region}:{account}:cluster-snapshot:{subject}")),
        _ => Some(format!("arn:aws:backup:{region}:{account}:backup-vault:{subject}")),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("4b3f5a6e-2d1c-4e8f-9a7b-0c1d2e3f4a5b", ["plan-deleted"]),
                ("arn:aws:ec2:us-east-1::snapshot/snap-0d4c1e2f3a4b5c6d7", ["recovery-point"]),
                ("aurora-cluster-backup-2024", ["cluster-snapshot"]),
                ("exfiltration", ["db-snapshot"]),
                ("prod-vault", ["vault-deleted"]),
                ("prod-vault", ["vault-lock-removed"]),
                ("prod-vault", ["vault-policy-deleted"]),
                ("prod-vault", ["vault-policy-replaced"]),
                ("snap-01ee6be9876379b3b", ["ebs-snapshot"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
