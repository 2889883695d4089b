use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-LOGS-063",
        name: "log-group-no-retention",
        family: "GAP-LOGS",
        severity: Severity::Low,
        title: "CloudWatch log group keeps logs forever",
        description: "The log group has no `RetentionInDays`, so CloudWatch Logs keeps every event \
            indefinitely. Nobody decided how long these logs are needed: personal data and \
            secrets that applications log stay readable for years, costs grow without bound, and \
            the usual reaction to the bill (deleting the group) loses the history an \
            investigation needed. Choose a retention that covers your detection and \
            investigation window (often one year for security-relevant logs) and archive beyond \
            it on purpose.",
        fix: "Set `RetentionInDays` to the period your investigations and compliance rules require.",
        fix_snippet: "AppLogs:\n  Type: AWS::Logs::LogGroup\n  Properties:\n    RetentionInDays: 365",
        resource_types: &["AWS::Logs::LogGroup"],
        well_architected: &["SEC04-BP01", "SEC07-BP04"],
        checkov: &["CKV_AWS_66"],
        cfn_nag: &["W86"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Logs::LogGroup")) {
        if res.lookup("RetentionInDays").iter().any(Option::is_none) {
            out.add(
                i,
                "RetentionInDays",
                format!("Log group {} has no retention period and keeps logs forever", res.logical_id),
                "RetentionInDays not set (never expire)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoRetention", "NoValueBranch"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
