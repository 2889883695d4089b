use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-372",
        name: "iam-policy-resource-mismatch",
        family: "IAM-BROAD",
        severity: Severity::Low,
        title: "IAM policy action cannot apply to the statement's resources",
        description: "A statement names an action and resources none of which is of a type the \
            action applies to: `s3:GetObject` on a bucket ARN (objects are `bucket/key`), \
            `s3:ListBucket` on `bucket/*`, or a specific ARN for an action that supports only \
            `Resource: \"*\"` (`s3:ListAllMyBuckets`). That statement then never allows (or never \
            denies) the action, which goes unnoticed until something fails, or, for a `Deny`, \
            forever. ARNs with wildcards or policy variables are compared as patterns; `*` and \
            values not known before deployment are not reported.",
        fix: "Use the ARN form of the action's resource type (objects: `arn:aws:s3:::bucket/*`), \
            or move actions that support only `*` to a statement of their own.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: s3:ListBucket\n    Resource: arn:aws:s3:::reports\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: arn:aws:s3:::reports/*",
        resource_types: crate::rules::iam::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02"],
        links: &["https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html"],
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
        crate::assert_fixture!(RULE, "fail.yaml", ["BucketForObjects", "ListAllOnBucket"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
