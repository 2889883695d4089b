use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-279",
        name: "rds-snapshot-public",
        family: "GAP-PUBLIC-SNAPSHOT",
        severity: Severity::Critical,
        title: "RDS snapshot shared publicly",
        description: "A manual RDS DB snapshot or DB cluster snapshot can be restored by any AWS account: \
            its `restore` attribute includes `all`. Restoring it gives a copy of the whole \
            database, with every row and password hash in it. Prowler: `rds_snapshots_public_access`.",
        fix: "Remove `all` from the snapshot's restore attribute and share it with named accounts only \
            (encrypted snapshots cannot be made public, one more reason to encrypt).",
        fix_snippet: "# aws rds modify-db-snapshot-attribute --db-snapshot-identifier mydb-final \\\n\
            #   --attribute-name restore --values-to-remove all\n\
            # aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier mycluster-final \\\n\
            #   --attribute-name restore --values-to-remove all",
        resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
        fsbp: &["RDS.1"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        requires: &[
            "rds:DescribeDBSnapshots",
            "rds:DescribeDBSnapshotAttributes",
            "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBClusterSnapshotAttributes",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    let restore = "any AWS account can restore the database from it";
    super::public_hits(model, out, "AWS::RDS::DBSnapshot", "DBSnapshotIdentifier", "DB snapshot", restore);
    super::public_hits(
        model,
        out,
        "AWS::RDS::DBClusterSnapshot",
        "DBClusterSnapshotIdentifier",
        "DB cluster snapshot",
        restore,
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const DB: &str = "arn:aws:rds:eu-west-1:111122223333:snapshot:";
    const CL: &str = "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:";

    #[test]
    fn fixtures() {
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {DB}orders-final"), format!("PASS {DB}orders-daily"), format!("FAIL {CL}aurora-copy")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
