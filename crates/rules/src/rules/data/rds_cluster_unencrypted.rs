use super::{each, is_set, report_switch_off, starts_with, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-170",
        name: "rds-cluster-storage-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "RDS / Aurora DB cluster storage not encrypted",
        description: "An `AWS::RDS::DBCluster` leaves `StorageEncrypted` false or unset, so the cluster's \
            volumes, automated backups and snapshots are stored unencrypted. Encryption can only be \
            chosen when the cluster is created: turning it on later means snapshot, copy with \
            encryption and restore into a new cluster. Clusters restored from a snapshot or cloned \
            from another cluster inherit the source's encryption and are not reported; Aurora \
            Serverless v1 clusters are always encrypted.",
        fix: "Set `StorageEncrypted: true` (optionally with `KmsKeyId` for a customer managed key) when \
            the cluster is created.",
        fix_snippet: "Type: AWS::RDS::DBCluster\nProperties:\n  Engine: aurora-postgresql\n  StorageEncrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::RDS::DBCluster"],
        fsbp: &["RDS.27"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_96"],
        requires: &["rds:DescribeDBClusters"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Properties that make the cluster take its encryption from somewhere else.
const INHERITS: &[&str] = &["SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier"];

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::RDS::DBCluster") {
        if INHERITS.iter().any(|p| is_set(res, p)) || starts_with(res, "EngineMode", "serverless") {
            continue;
        }
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "StorageEncrypted",
            &subject("DB cluster", res),
            "storage encryption",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled", "StringFalse", "WhenProd"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
