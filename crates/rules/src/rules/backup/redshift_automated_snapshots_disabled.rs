use crate::prelude::*;
use crate::rules::data::{each, smallest_int};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-REDSHIFT-165",
        name: "redshift-automated-snapshots-disabled",
        family: "BACKUP-NONE",
        severity: Severity::Medium,
        title: "Redshift automated snapshots turned off",
        description: "An `AWS::Redshift::Cluster` sets `AutomatedSnapshotRetentionPeriod: 0`, which stops \
            automated snapshots. The warehouse can then only be restored from manual snapshots, \
            and a bad load or a dropped schema is unrecoverable unless somebody took one first.",
        fix: "Set `AutomatedSnapshotRetentionPeriod` to at least 7 days, and copy snapshots to another \
            region or account for disasters.",
        fix_snippet: "Type: AWS::Redshift::Cluster\nProperties:\n  AutomatedSnapshotRetentionPeriod: 7",
        resource_types: &["AWS::Redshift::Cluster"],
        fsbp: &["Redshift.3"],
        well_architected: &["SEC07-BP04"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::Redshift::Cluster") {
        if let Some((0, _)) = smallest_int(&res.properties, "AutomatedSnapshotRetentionPeriod", 1) {
            out.add(
                i,
                "AutomatedSnapshotRetentionPeriod",
                format!(
                    "Redshift cluster {} sets AutomatedSnapshotRetentionPeriod to 0: no automated snapshots are taken",
                    res.logical_id
                ),
                "AutomatedSnapshotRetentionPeriod: 0",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoSnapshots"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
