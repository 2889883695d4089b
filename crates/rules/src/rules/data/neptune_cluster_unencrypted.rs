use super::{each, is_set, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-NEPTUNE-173",
        name: "neptune-cluster-storage-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "Neptune DB cluster storage not encrypted",
        description: "An `AWS::Neptune::DBCluster` leaves `StorageEncrypted` false or unset (unencrypted by \
            default): graph data, backups and snapshots are stored without encryption, and the \
            setting cannot be changed after creation. Clusters restored from a snapshot or from \
            another cluster inherit the source's setting and are not reported.",
        fix: "Set `StorageEncrypted: true` (with `KmsKeyId` for a customer managed key) when the cluster \
            is created.",
        fix_snippet: "Type: AWS::Neptune::DBCluster\nProperties:\n  StorageEncrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::Neptune::DBCluster"],
        fsbp: &["Neptune.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_44"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::Neptune::DBCluster") {
        if is_set(res, "SnapshotIdentifier") || is_set(res, "SourceDBClusterIdentifier") {
            continue;
        }
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "StorageEncrypted",
            &subject("Neptune cluster", res),
            "storage encryption",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
