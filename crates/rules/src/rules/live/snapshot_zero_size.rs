use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-294",
        name: "snapshot-zero-size",
        family: "BACKUP-UNTESTED",
        severity: Severity::Medium,
        title: "Zero-size backup snapshot",
        description: "An EBS snapshot reports a volume size of 0 GiB, or an RDS snapshot 0 GiB of \
            allocated storage. A backup of nothing restores nothing; such snapshots come from \
            failed or misdirected backup jobs and copies, and they make a backup list look \
            healthy while protecting no data. This is the cheap half of testing backups: a backup \
            is only known good once it has been restored and read back. No Prowler equivalent.",
        fix: "Find the job that produced the snapshot, fix its source, delete the empty snapshot, and \
            schedule regular restore tests (AWS Backup restore testing).",
        fix_snippet: "Type: AWS::Backup::RestoreTestingPlan\nProperties:\n  RestoreTestingPlanName: weekly\n  ScheduleExpression: cron(0 5 ? * SAT *)\n  RecoveryPointSelection:\n    Algorithm: LATEST_WITHIN_WINDOW\n    IncludeVaults: [\"*\"]\n    RecoveryPointTypes: [SNAPSHOT]",
        resource_types: &["AWS::EC2::Snapshot", "AWS::RDS::DBSnapshot"],
        well_architected: &["SEC10-BP02"],
        requires: &["ec2:DescribeSnapshots", "rds:DescribeDBSnapshots"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    let kinds = [
        ("AWS::EC2::Snapshot", "SnapshotId", "VolumeSize", "EBS snapshot"),
        ("AWS::RDS::DBSnapshot", "DBSnapshotIdentifier", "AllocatedStorage", "DB snapshot"),
    ];
    for (rtype, id_property, size_property, noun) in kinds {
        for (i, snap) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type(rtype)) {
            if snap.prop(size_property).and_then(Node::as_i64) == Some(0) {
                let id = snap.prop(id_property).and_then(Node::as_str).unwrap_or(&snap.logical_id);
                out.add(
                    i,
                    size_property,
                    format!("{noun} {id} has a size of 0 GiB: it backs up nothing"),
                    format!("{size_property}: 0"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const S: &str = "arn:aws:ec2:eu-west-1:111122223333:snapshot/";
    const DB: &str = "arn:aws:rds:eu-west-1:111122223333:snapshot:";

    #[test]
    fn fixtures() {
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {S}snap-empty"), format!("PASS {S}snap-full"), format!("FAIL {DB}orders-empty")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
