use super::{each, is_set, report_switch_off, starts_with, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-171",
        name: "rds-instance-storage-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "RDS DB instance storage not encrypted",
        description: "An `AWS::RDS::DBInstance` leaves `StorageEncrypted` false or unset, so its storage, \
            automated backups, read replicas and snapshots are unencrypted. Encryption is fixed at \
            creation; adding it later takes a snapshot copy and a restore into a new instance, with \
            downtime. Instances that belong to a DB cluster (Aurora, `DBClusterIdentifier`) take \
            encryption from the cluster, and instances restored from a snapshot or created as \
            read replicas inherit it from their source: those are not reported here.",
        fix: "Set `StorageEncrypted: true` (and `KmsKeyId` for a customer managed key) when the instance \
            is created.",
        fix_snippet: "Type: AWS::RDS::DBInstance\nProperties:\n  Engine: postgres\n  StorageEncrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::RDS::DBInstance"],
        cis: &["3.2.1"],
        fsbp: &["RDS.3"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_16"],
        requires: &["rds:DescribeDBInstances"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Properties that make the instance take its encryption from a cluster, snapshot or source.
const INHERITS: &[&str] = &[
    "DBClusterIdentifier",
    "DBSnapshotIdentifier",
    "DBClusterSnapshotIdentifier",
    "SourceDBInstanceIdentifier",
    "SourceDBInstanceAutomatedBackupsArn",
    "SourceDbiResourceId",
    "SourceDBClusterIdentifier",
];

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::RDS::DBInstance") {
        if INHERITS.iter().any(|p| is_set(res, p)) || starts_with(res, "Engine", "aurora") {
            continue;
        }
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "StorageEncrypted",
            &subject("DB instance", res),
            "storage encryption",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled", "OneBranchOff"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
