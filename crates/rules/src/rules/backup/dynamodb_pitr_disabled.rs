use crate::prelude::*;
use crate::rules::data::{each, report_switch_off, subject};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-DYNAMODB-163",
        name: "dynamodb-pitr-disabled",
        family: "BACKUP-NONE",
        severity: Severity::Medium,
        title: "DynamoDB table or global table replica without point-in-time recovery",
        description: "An `AWS::DynamoDB::Table`, or a replica of an `AWS::DynamoDB::GlobalTable`, does not \
            enable point-in-time recovery (it is off by default). Without it, an application bug \
            or a script that overwrites or deletes items can only be undone from on-demand \
            backups, if any exist. Global table replication is not a backup: it replicates the \
            damage to every region within seconds.",
        fix: "Set `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true` on the table, or on \
            every replica of a global table.",
        fix_snippet:
            "PointInTimeRecoverySpecification:\n  PointInTimeRecoveryEnabled: true\n  RecoveryPeriodInDays: 35",
        resource_types: &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"],
        fsbp: &["DynamoDB.2"],
        well_architected: &["SEC07-BP04"],
        checkov: &["CKV_AWS_28", "CKV_AWS_165"],
        requires: &["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const PITR: &str = "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled";

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::DynamoDB::Table") {
        report_switch_off(out, i, &res.properties, "", PITR, &subject("DynamoDB table", res), "point-in-time recovery");
    }
    for (i, res) in each(model, "AWS::DynamoDB::GlobalTable") {
        for replicas in res.lookup("Replicas").into_iter().flatten() {
            for (n, replica) in replicas.all_items().into_iter().enumerate() {
                let region = replica.get("Region").and_then(Node::scalar_text).unwrap_or_else(|| format!("#{n}"));
                let who = format!("Global table {} (replica {region})", res.logical_id);
                report_switch_off(out, i, replica, &format!("Replicas[{n}]"), PITR, &who, "point-in-time recovery");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled", "GlobalDefault", "GlobalOneReplica"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
