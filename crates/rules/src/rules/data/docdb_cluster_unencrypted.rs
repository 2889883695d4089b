use super::{each, is_set, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-DOCDB-172",
        name: "docdb-cluster-storage-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "DocumentDB cluster storage not encrypted",
        description: "An `AWS::DocDB::DBCluster` leaves `StorageEncrypted` false or unset (the default is \
            unencrypted), so the documents, backups and snapshots sit on disk without encryption. \
            Encryption cannot be added to an existing cluster: the data has to be dumped and \
            loaded into a new, encrypted one. Clusters restored from a snapshot inherit the \
            snapshot's encryption and are not reported.",
        fix: "Set `StorageEncrypted: true` (with `KmsKeyId` for a customer managed key) when the cluster \
            is created.",
        fix_snippet: "Type: AWS::DocDB::DBCluster\nProperties:\n  StorageEncrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::DocDB::DBCluster"],
        fsbp: &["DocumentDB.1"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_74"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::DocDB::DBCluster") {
        if is_set(res, "SnapshotIdentifier") || is_set(res, "SourceDBClusterIdentifier") {
            continue;
        }
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "StorageEncrypted",
            &subject("DocumentDB cluster", res),
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
