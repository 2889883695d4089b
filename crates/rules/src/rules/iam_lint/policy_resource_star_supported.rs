use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-373",
        name: "iam-policy-resource-star-supported",
        family: "IAM-BROAD",
        severity: Severity::Low,
        title: "IAM policy allows on Resource * actions that can be limited to resources",
        description: "An identity policy allows, on `Resource: \"*\"`, actions that support \
            resource-level permissions: they could be limited to the buckets, tables or roles the \
            workload uses. Actions named one by one are reported each; those granted through a \
            wildcard (`s3:Get*`) are counted, once per statement. Off by default: most policies \
            have such statements, and the dangerous cases (write, permissions management and \
            credential access on every resource) have rules of their own that are on; enable it \
            (`[rules] enable`) when working a policy down to least privilege.",
        fix: "Replace `*` with the ARNs of the resources the principal needs (the finding names \
            the resource types the action accepts).",
        fix_snippet:
            "Statement:\n  - Effect: Allow\n    Action: dynamodb:GetItem\n    Resource: !GetAtt OrdersTable.Arn",
        resource_types: crate::rules::iam::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02"],
        links: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
        default_enabled: false,
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::report(model, out, &RULE);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NamedAction", "Wildcards"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
        let hits = crate::testing::hits_on(&RULE, file!(), "fail.yaml");
        assert_eq!(hits.len(), 2, "one hit per named action, one per statement for wildcards: {hits:?}");
    }
}
