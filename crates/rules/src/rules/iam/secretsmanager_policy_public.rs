use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SECRETSMANAGER-124",
        name: "secretsmanager-policy-public",
        family: "IAM-BROAD",
        severity: Severity::Critical,
        title: "Secrets Manager resource policy allows everyone (principal *)",
        description: "The secret's resource policy has an `Allow` statement for principal `*` (or `Allow` with `NotPrincipal`) and no condition that narrows the caller. Principals of any AWS account can then read or change the secret as the statement allows (reading still needs use of its KMS key, which is the only remaining barrier). Secret policies should name the roles that read the secret, or limit the caller to your organization; set `BlockPublicPolicy` so Secrets Manager refuses such policies.",
        fix: "Name the roles that need the secret, or add an `aws:PrincipalOrgID` condition, and set `BlockPublicPolicy: true`.",
        fix_snippet: "SecretPolicy:\n  Type: AWS::SecretsManager::ResourcePolicy\n  Properties:\n    SecretId: !Ref DbSecret\n    BlockPublicPolicy: true\n    ResourcePolicy:\n      Statement:\n        - Effect: Allow\n          Principal:\n            AWS: !GetAtt AppRole.Arn\n          Action: secretsmanager:GetSecretValue\n          Resource: \"*\"",
        resource_types: &["AWS::SecretsManager::ResourcePolicy"],
        fsbp: &[],
        well_architected: &["SEC03-BP07", "SEC08-BP01"],
        checkov: &[],
        cfn_nag: &[],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_resource_policy_hits(model, out, "secretsmanager", "Secret policy");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["OpenSecretPolicy"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
