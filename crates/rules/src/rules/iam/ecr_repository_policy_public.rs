use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ECR-121",
        name: "ecr-repository-policy-public",
        family: "IAM-BROAD",
        severity: Severity::Critical,
        title: "ECR repository policy allows everyone (principal *)",
        description: "The repository policy has an `Allow` statement for principal `*` (or `Allow` with `NotPrincipal`) and no condition that narrows the caller, such as `aws:PrincipalOrgID` or `aws:SourceAccount`. Any AWS account can then pull the images, with whatever code, configuration and embedded secrets they contain, and if push actions are granted, replace them with its own: every service that deploys from the repository would run the attacker's image. Name the accounts or roles that pull and push, or limit the statement to your organization.",
        fix: "Replace `*` with the account or role ARNs that need the repository, or add an `aws:PrincipalOrgID` condition.",
        fix_snippet: "RepositoryPolicyText:\n  Version: \"2012-10-17\"\n  Statement:\n    - Sid: OrgPull\n      Effect: Allow\n      Principal: \"*\"\n      Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]\n      Condition:\n        StringEquals:\n          aws:PrincipalOrgID: o-exampleorgid",
        resource_types: &["AWS::ECR::Repository", "AWS::ECR::RepositoryPolicy"],
        fsbp: &[],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        checkov: &["CKV_AWS_32"],
        cfn_nag: &[],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_resource_policy_hits(model, out, "ecr", "Repository policy of");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["PublicPull", "StandalonePolicy"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
