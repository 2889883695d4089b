use super::report_short_retention;
use crate::prelude::*;
use crate::rules::data::each;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-DOCDB-161",
        name: "docdb-backup-retention-short",
        family: "BACKUP-NONE",
        severity: Severity::Low,
        title: "DocumentDB cluster keeps backups for less than 7 days",
        description: "An `AWS::DocDB::DBCluster` keeps continuous backups for fewer than 7 days \
            (`BackupRetentionPeriod` defaults to 1). Corruption, a bad migration or a deleted \
            collection is often noticed days later, by which time the last good point in time \
            has already expired. Automated backups are also deleted with the cluster.",
        fix: "Set `BackupRetentionPeriod` to 7 or more (up to 35), and keep longer-lived copies with AWS \
            Backup, ideally in another account.",
        fix_snippet: "Type: AWS::DocDB::DBCluster\nProperties:\n  BackupRetentionPeriod: 14",
        resource_types: &["AWS::DocDB::DBCluster"],
        fsbp: &["DocumentDB.2"],
        well_architected: &["SEC07-BP04"],
        checkov: &["CKV_AWS_360"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::DocDB::DBCluster") {
        report_short_retention(out, i, res, "BackupRetentionPeriod", 1, 7, "DocumentDB cluster");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "OneBranchShort", "Short"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
