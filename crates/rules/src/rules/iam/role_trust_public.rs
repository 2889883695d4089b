use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-107",
        name: "iam-role-trust-public",
        family: "IAM-BROAD",
        severity: Severity::Critical,
        title: "IAM role can be assumed by anyone (trust policy principal *)",
        description: "The role's trust policy allows principal `*` (or uses `Allow` with \
            `NotPrincipal`) with no condition that narrows the caller. Any AWS principal in any \
            account, including an attacker's, can call `sts:AssumeRole` on it and receive its \
            permissions; knowing the role ARN is enough. A condition on `sts:ExternalId` alone does \
            not help, as the external id is not a secret. Trust named accounts, roles or services, \
            or add a condition such as `aws:PrincipalOrgID` or `aws:PrincipalArn`.",
        fix: "Replace `*` with the account, role or service that must assume the role, or add a \
            condition limiting the caller to your organization.",
        fix_snippet: "AssumeRolePolicyDocument:\n  Version: \"2012-10-17\"\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:role/ci-deployer\n      Action: sts:AssumeRole",
        resource_types: &["AWS::IAM::Role", "AWS::Serverless::Function"],
        well_architected: &["SEC03-BP07", "SEC03-BP02"],
        checkov: &["CKV_AWS_60"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for doc in model.policies.iter().filter(|d| d.kind == PolicyKind::Trust) {
        for stmt in doc.statements.iter().filter(|s| super::open_to_anyone(s)) {
            out.add_at(
                doc.resource,
                &super::stmt_path(doc, stmt),
                stmt.pos,
                format!(
                    "Role {} can be assumed by {} ({}, {})",
                    doc.logical_id,
                    super::everyone_text(stmt),
                    super::actions_text(stmt),
                    super::stmt_label(stmt)
                ),
                super::stmt_evidence(stmt),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["ExternalIdOnly", "JsonStar", "NotPrincipalRole", "StarInList", "StarString"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
