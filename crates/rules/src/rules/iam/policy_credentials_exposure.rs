use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-111",
        name: "iam-policy-credentials-exposure",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "IAM policy can obtain other principals' credentials on every resource",
        description: "An identity policy allows, on `Resource: \"*\"` and without a condition, \
            actions whose response carries (or revives) credentials: service-specific credentials \
            and access-key reactivation for any IAM user (`iam:CreateServiceSpecificCredential`, \
            `iam:UpdateAccessKey`), federation tokens, EC2 \
            Windows passwords, database credentials (`redshift:GetClusterCredentials`, \
            `rds-db:connect`), repository tokens. The principal can act as the owners of those \
            credentials. Actions that AWS only accepts on `*` (`ecr:GetAuthorizationToken`, \
            `sts:GetSessionToken`) are not reported; `sts:AssumeRole` on `*` is reported by \
            `iam-policy-assume-any-role` and `iam:CreateAccessKey` for other users by \
            `iam-privilege-escalation`. The action list is a curated catalogue (to be replaced \
            by the Service Authorization Reference).",
        fix: "Limit these actions to the users, instances or database users concerned (for \
            access keys usually `arn:aws:iam::<account>:user/${aws:username}`).",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action:\n      - iam:CreateAccessKey\n      - iam:UpdateAccessKey\n    Resource: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:user/${!aws:username}\"",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02", "SEC02-BP05"],
        checkov: &["CKV_AWS_107"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// `iam:CreateAccessKey` for other users is reported as an escalation by `iam-privilege-escalation`.
static EXPOSING: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    super::actions::CREDENTIALS_EXPOSURE
        .iter()
        .copied()
        .filter(|a| !super::actions::OTHER_USER_CREDENTIALS.contains(a))
        .collect()
});

fn check(model: &Model, out: &mut Hits) {
    super::catalogue_hits(model, out, &EXPOSING, "actions that return credentials");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["KeyMinter", "RedshiftCreds", "WindowsPasswords"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
