use super::report_short_retention;
use crate::prelude::*;
use crate::rules::data::each;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-NEPTUNE-162",
        name: "neptune-backup-retention-short",
        family: "BACKUP-NONE",
        severity: Severity::Low,
        title: "Neptune cluster keeps backups for less than 7 days",
        description: "An `AWS::Neptune::DBCluster` keeps automated backups for fewer than 7 days \
            (`BackupRetentionPeriod` defaults to 1). A graph damaged by a faulty load or an \
            application bug is often found out after the one-day window has passed, leaving no \
            point to restore to.",
        fix: "Set `BackupRetentionPeriod` to 7 or more (up to 35) and add an AWS Backup plan for \
            longer retention.",
        fix_snippet: "Type: AWS::Neptune::DBCluster\nProperties:\n  BackupRetentionPeriod: 14",
        resource_types: &["AWS::Neptune::DBCluster"],
        fsbp: &["Neptune.5"],
        well_architected: &["SEC07-BP04"],
        checkov: &["CKV_AWS_361"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::Neptune::DBCluster") {
        report_short_retention(out, i, res, "BackupRetentionPeriod", 1, 7, "Neptune cluster");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Short"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
