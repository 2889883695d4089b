use crate::prelude::*;
use crate::rules::data::{each, report_switch_off, subject};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-DYNAMODB-152",
        name: "dynamodb-deletion-protection-disabled",
        family: "OUTAGE-STATEFUL",
        severity: Severity::Low,
        title: "DynamoDB table or global table replica without deletion protection",
        description: "An `AWS::DynamoDB::Table` (or a replica of an `AWS::DynamoDB::GlobalTable`) leaves \
            `DeletionProtectionEnabled` false or unset (off by default). A `DeleteTable` call, a \
            stack deletion or a replacement caused by a template change (a renamed table, a new key \
            schema) then removes the table and all its items at once; point-in-time recovery \
            backups of a deleted table are kept only for its recovery window. With protection on, \
            every such path fails until it is turned off on purpose.",
        fix: "Set `DeletionProtectionEnabled: true` on the table, or on every replica of a global table.",
        fix_snippet: "Type: AWS::DynamoDB::Table\nDeletionPolicy: Retain\nUpdateReplacePolicy: Retain\nProperties:\n  DeletionProtectionEnabled: true",
        resource_types: &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"],
        fsbp: &["DynamoDB.6"],
        well_architected: &["SEC07-BP04", "SEC08-BP04"],
        requires: &["dynamodb:DescribeTable"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::DynamoDB::Table") {
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "DeletionProtectionEnabled",
            &subject("DynamoDB table", res),
            "deletion protection",
        );
    }
    for (i, res) in each(model, "AWS::DynamoDB::GlobalTable") {
        for replicas in res.lookup("Replicas").into_iter().flatten() {
            for (n, replica) in replicas.all_items().into_iter().enumerate() {
                let region = replica.get("Region").and_then(Node::scalar_text).unwrap_or_else(|| format!("#{n}"));
                let who = format!("Global table {} (replica {region})", res.logical_id);
                report_switch_off(
                    out,
                    i,
                    replica,
                    &format!("Replicas[{n}]"),
                    "DeletionProtectionEnabled",
                    &who,
                    "deletion protection",
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
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "Disabled", "Global"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
