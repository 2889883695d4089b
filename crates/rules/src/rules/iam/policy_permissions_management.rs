use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-110",
        name: "iam-policy-permissions-management-unconstrained",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "IAM policy can change permissions on every resource",
        description: "An identity policy allows permissions-management actions on \
            `Resource: \"*\"` without a condition: attaching or writing IAM policies, changing \
            trust policies or permission boundaries, rewriting bucket, key, queue, topic, secret \
            or repository policies and ACLs, creating KMS grants, sharing snapshots. Whoever holds \
            it decides who may do what in the account, itself included, so it is one step from \
            administrator and can expose any resource publicly. The action list is a curated \
            catalogue (to be replaced by the Service Authorization Reference); conditioned \
            statements and statements already reported as `*:*` or `Allow`+`NotAction` are \
            skipped.",
        fix: "Limit these actions to the specific policies, roles and resources the principal \
            administers, and add conditions such as `iam:PermissionsBoundary` or `iam:PolicyARN`.",
        fix_snippet:
            "Statement:\n  - Effect: Allow\n    Action: s3:PutBucketPolicy\n    Resource: !GetAtt WebsiteBucket.Arn",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        cis: &["2.15"],
        well_architected: &["SEC03-BP02", "SEC03-BP05"],
        checkov: &["CKV_AWS_109"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::catalogue_hits(model, out, super::actions::PERMISSIONS_MANAGEMENT, "permissions-management actions");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["BucketAcl", "GroupAttach", "KmsGrants", "NotResourcePolicy"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
