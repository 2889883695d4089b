use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-374",
        name: "iam-policy-condition-key-invalid",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy condition key does not apply to the action",
        description: "A statement's `Condition` uses a service condition key that the action's \
            requests never carry (`s3:prefix` with `s3:GetObject`, `ec2:Region` with an S3 action) \
            or whose prefix is unknown. For that action the key is always missing, so the condition \
            never holds (or, with negated operators such as `StringNotEquals`, always holds): an \
            `Allow` silently grants nothing, and a `Deny` meant as a narrow guard either never \
            applies or applies to every request. Global `aws:` keys apply to every action; `...IfExists` operators and \
            `Null` tolerate a missing key and are not reported.",
        fix: "Use a key the Service Authorization Reference lists for the action or its resource \
            types, split the statement per action, or use the `IfExists` form where the key is \
            optional by design.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: s3:ListBucket\n    Resource: arn:aws:s3:::reports\n    Condition:\n      StringLike:\n        s3:prefix: home/*",
        resource_types: crate::rules::iam::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC01-BP06", "SEC03-BP02"],
        links: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"],
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
        crate::assert_fixture!(RULE, "fail.yaml", ["DenyOtherServiceKey", "PrefixOnGetObject"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
