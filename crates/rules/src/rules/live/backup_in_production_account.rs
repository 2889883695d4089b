use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-257",
        name: "backup-in-production-account",
        family: "BACKUP-SAME-ACCOUNT",
        severity: Severity::Medium,
        title: "Backups kept in the account that holds the data",
        description: "The account keeps AWS Backup recovery points in vaults without Vault Lock, and \
            also holds the data they protect (databases, DynamoDB tables, EBS volumes, S3 \
            buckets). Whoever gains administrator rights here (a stolen key, a compromised CI \
            role, ransomware operators) can delete the data and its backups with the same \
            credentials, and so can a single mistaken automation run. Backups belong in a \
            separate account, copied there by AWS Backup cross-account copy, where production \
            principals can write but not delete. Vaults with Vault Lock do not count (their \
            recovery points cannot be deleted early); neither do buckets that only receive logs. \
            An account that only receives copies (a backup account) holds no production data \
            and is not reported. No Prowler equivalent.",
        fix: "Create a backup account in the Organization, add a copy action to the backup plans that \
            copies recovery points to a vault there (with Vault Lock), and deny deletion of recovery \
            points with an SCP.",
        fix_snippet: "Type: AWS::Backup::BackupPlan\nProperties:\n  BackupPlan:\n    BackupPlanName: daily\n    BackupPlanRule:\n      - RuleName: daily\n        TargetBackupVault: !Ref LocalVault\n        ScheduleExpression: cron(0 3 * * ? *)\n        CopyActions:\n          - DestinationBackupVaultArn: arn:aws:backup:eu-west-1:444455556666:backup-vault:central",
        resource_types: &["AWS::Account"],
        well_architected: &["SEC01-BP01", "SEC08-BP04"],
        requires: &["backup:ListBackupVaults"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const DATA: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "DB instance"),
    ("AWS::RDS::DBCluster", "DB cluster"),
    ("AWS::DynamoDB::Table", "DynamoDB table"),
    ("AWS::EC2::Volume", "EBS volume"),
    ("AWS::S3::Bucket", "S3 bucket"),
];

/// Buckets that only receive logs (a trail's bucket, an access-log target) are not the data
/// backups protect.
fn log_bucket_names(model: &Model) -> Vec<&str> {
    let trails = model.of_type("AWS::CloudTrail::Trail").filter_map(|t| t.prop("S3BucketName"));
    let access_logs =
        model.of_type("AWS::S3::Bucket").filter_map(|b| b.prop("LoggingConfiguration.DestinationBucketName"));
    trails.chain(access_logs).filter_map(Node::as_str).collect()
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let vaults: Vec<String> = model
        .of_type("AWS::Backup::BackupVault")
        .filter(|v| v.prop("Locked").and_then(Node::as_bool) != Some(true))
        .filter(|v| v.prop("NumberOfRecoveryPoints").and_then(Node::as_i64) != Some(0))
        .map(|v| {
            let name = v.prop("BackupVaultName").and_then(Node::as_str).unwrap_or(&v.logical_id);
            match v.prop("NumberOfRecoveryPoints").and_then(Node::as_i64) {
                Some(n) => format!("{name} ({}, {n} recovery points, not locked)", v.region()),
                None => format!("{name} ({}, not locked)", v.region()),
            }
        })
        .collect();
    if vaults.is_empty() {
        return;
    }
    let logs = log_bucket_names(model);
    let mut data = Vec::new();
    for (rtype, noun) in DATA {
        let n = model
            .of_type(rtype)
            .filter(|r| {
                !(*rtype == "AWS::S3::Bucket"
                    && r.prop("BucketName").and_then(Node::as_str).is_some_and(|b| logs.contains(&b)))
            })
            .count();
        if n > 0 {
            data.push(format!("{n} {noun}(s)"));
        }
    }
    if data.is_empty() {
        return;
    }
    out.add(
        acct,
        "backup_vaults",
        format!(
            "Account {} keeps deletable backups next to the data they protect: whoever controls the account can delete both",
            account.account_id
        ),
        format!("vaults: {}; data: {}", vaults.join(", "), data.join(", ")),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        // pass.json: a backup account holding recovery points and only its trail's log bucket.
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // pass_locked.json: data next to a locked vault and an empty unlocked one.
        crate::assert_checks!(RULE, ["pass_locked.json"], [format!("PASS {ROOT}")]);
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}"), format!("UNKNOWN {ROOT} eu-west-1")]);
    }
}
