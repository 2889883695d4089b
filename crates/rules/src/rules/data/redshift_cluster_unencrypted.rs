use super::{each, is_set, switch_off, Switch};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-REDSHIFT-178",
        name: "redshift-cluster-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "Redshift cluster not explicitly encrypted",
        description: "An `AWS::Redshift::Cluster` sets `Encrypted: false`, or leaves it unset. With \
            `false` the warehouse and its snapshots are stored unencrypted. Left unset, the outcome \
            depends on the service default at creation time: clusters created before Amazon \
            Redshift made encryption the default (early 2025) are unencrypted, and a template that \
            does not say so cannot prove otherwise. Clusters restored from a snapshot inherit its \
            setting and are not reported.",
        fix: "Set `Encrypted: true` (and `KmsKeyId` for a customer managed key).",
        fix_snippet: "Type: AWS::Redshift::Cluster\nProperties:\n  Encrypted: true\n  KmsKeyId: !Ref DataKey",
        resource_types: &["AWS::Redshift::Cluster"],
        fsbp: &["Redshift.10"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_64"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::Redshift::Cluster") {
        if is_set(res, "SnapshotIdentifier") {
            continue;
        }
        let (message, evidence) = match switch_off(&res.properties, "Encrypted", false) {
            Some(Switch::Off) => (format!("Redshift cluster {} sets Encrypted to false", res.logical_id), "Encrypted: false"),
            Some(_) => (
                format!(
                    "Redshift cluster {} does not set Encrypted: its encryption rests on the service default at creation time",
                    res.logical_id
                ),
                "Encrypted absent",
            ),
            None => continue,
        };
        out.add(i, "Encrypted", message, evidence);
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
