use crate::prelude::*;
use crate::rules::data::{each, is_set, smallest_int};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-160",
        name: "rds-automated-backups-disabled",
        family: "BACKUP-NONE",
        severity: Severity::High,
        title: "RDS automated backups turned off",
        description: "An RDS DB instance or cluster sets `BackupRetentionPeriod: 0`, which turns automated \
            backups and point-in-time recovery off. A dropped table, a corrupting deploy or \
            ransomware inside the database then has nothing to restore from except manual \
            snapshots, if anybody took one. Read replicas (whose source keeps the backups) and \
            instances that belong to a cluster (the cluster's setting applies) are not reported.",
        fix: "Set `BackupRetentionPeriod` to at least 7 days (up to 35), and copy backups to another \
            account or region with AWS Backup.",
        fix_snippet:
            "Type: AWS::RDS::DBInstance\nProperties:\n  BackupRetentionPeriod: 14\n  PreferredBackupWindow: 02:00-03:00",
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
        fsbp: &["RDS.11"],
        well_architected: &["SEC07-BP04"],
        requires: &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (rtype, noun) in [("AWS::RDS::DBInstance", "DB instance"), ("AWS::RDS::DBCluster", "DB cluster")] {
        for (i, res) in each(model, rtype) {
            if (rtype == "AWS::RDS::DBInstance" && is_set(res, "DBClusterIdentifier"))
                || is_set(res, "SourceDBInstanceIdentifier")
            {
                continue;
            }
            if let Some((0, _)) = smallest_int(&res.properties, "BackupRetentionPeriod", 1) {
                out.add(
                    i,
                    "BackupRetentionPeriod",
                    format!("{noun} {} sets BackupRetentionPeriod to 0: automated backups and point-in-time recovery are off", res.logical_id),
                    "BackupRetentionPeriod: 0",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Cluster", "Instance", "WhenDev"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
