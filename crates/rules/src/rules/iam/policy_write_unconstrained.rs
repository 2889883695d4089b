use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-109",
        name: "iam-policy-write-unconstrained",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy grants write actions on every resource",
        description: "An identity policy allows write-level actions (create, change, delete, run) \
            on `Resource: \"*\"` without a condition, for actions that can be limited to specific \
            resources. The principal can then change or delete every resource of that kind in the \
            account, not only the ones it owns: a bug or a leaked credential reaches other \
            workloads' data. Actions that AWS only accepts on `*` are not reported. The action \
            list is a curated catalogue of well-known actions (to be replaced by the Service \
            Authorization Reference); statements with conditions and statements already reported \
            as `*:*` or `Allow`+`NotAction` are skipped, and actions reported by the credential \
            and escalation rules (`iam:CreateAccessKey`, `iam:AddUserToGroup` …) are left to them.",
        fix: "Replace `*` with the ARNs of the resources the principal writes to.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: s3:PutObject\n    Resource: !Sub \"${UploadsBucket.Arn}/incoming/*\"",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02"],
        checkov: &["CKV_AWS_111"],
        cfn_nag: &["W11", "W12", "W13"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Write actions other rules report with a sharper message (credentials, escalation).
static WRITE_ONLY: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    use super::actions::*;
    WRITE
        .iter()
        .copied()
        .filter(|a| {
            !CREDENTIALS_EXPOSURE.contains(a) && !SELF_ESCALATION.contains(a) && !OTHER_USER_CREDENTIALS.contains(a)
        })
        .collect()
});

fn check(model: &Model, out: &mut Hits) {
    super::catalogue_hits(model, out, &WRITE_ONLY, "write actions");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["DynamoWildcard", "PutObjectAnywhere", "SamWrites", "UserChangePassword"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
