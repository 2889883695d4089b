use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-101",
        name: "iam-policy-star-action",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy grants every action (*) on specific resources",
        description: "An identity policy has an `Allow` statement with `Action: \"*\"` limited to \
            named resources. On those resources the principal can do anything the services \
            offer: rewrite their resource policies, turn off encryption or versioning, and delete \
            them together with their contents. Workloads need a handful of actions; granting all of \
            them turns any bug or leaked credential into full control of the resources named. \
            (Statements with `*` on every resource are reported by `iam-policy-full-admin`.)",
        fix: "List the actions the principal calls (for example `s3:GetObject`, `s3:PutObject`) \
            instead of `*`.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action:\n      - dynamodb:GetItem\n      - dynamodb:PutItem\n      - dynamodb:Query\n    Resource: !GetAtt OrdersTable.Arn",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        fsbp: &["IAM.21"],
        well_architected: &["SEC03-BP02"],
        checkov: &["CKV_AWS_63"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::report_identity_statements(model, out, |_, stmt| {
        let star_on_some =
            stmt.is_allow() && !stmt.actions.negated && stmt.actions.is_star() && !stmt.resources.is_star();
        star_on_some.then(|| format!("allows every action on {}", super::resources_text(stmt)))
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["BucketAll", "TableAll"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
