use crate::prelude::*;
use nextgap_model::policy::Pattern;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-130",
        name: "iam-privilege-escalation",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "IAM policy lets a principal make itself administrator",
        description: "An identity policy grants an IAM permission that is itself a privilege \
            escalation: creating or switching the default version of a managed policy \
            (`iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`), attaching or writing \
            policies on users, groups or roles (`iam:Attach*Policy`, `iam:Put*Policy`), rewriting \
            a role's trust policy (`iam:UpdateAssumeRolePolicy`) or joining a group \
            (`iam:AddUserToGroup`). With any of these a principal that is not an administrator can \
            become one, whatever resource the permission names. Creating access keys or console \
            passwords for other users (`iam:CreateAccessKey`, `iam:CreateLoginProfile`, \
            `iam:UpdateLoginProfile` on resources other than `${aws:username}`) hands over those \
            users' permissions. One finding per statement. Limits: statements with a condition are \
            skipped (conditions such as `iam:PermissionsBoundary` or `iam:PolicyARN` may make \
            them safe and are not evaluated); only a `Deny` without condition in the same document \
            is taken into account, not denies in other policies, permission boundaries or SCPs.",
        fix: "Remove these permissions from workload and user policies; keep them for a few \
            administrator roles, and where delegation is needed require a permissions boundary \
            (`iam:PermissionsBoundary` condition) or limit `iam:PolicyARN`.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action: iam:AttachRolePolicy\n    Resource: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app/*\"\n    Condition:\n      ArnEquals:\n        iam:PolicyARN: !Ref AppBoundedPolicy",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC03-BP02", "SEC03-BP05"],
        checkov: &["CKV_AWS_110"],
        links: &["https://pathfinding.cloud"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// A resource pattern that only names the caller itself.
fn self_scoped(text: &str) -> bool {
    text.to_ascii_lowercase().contains("${aws:username}")
}

/// The statement reaches users other than the caller: `NotResource`, or a known pattern that is
/// not limited to `${aws:username}`. Unknown resources are not guessed.
fn reaches_other_users(stmt: &Statement) -> bool {
    stmt.resources.negated || stmt.resources.patterns.iter().any(|p| matches!(p, Pattern::Known(t) if !self_scoped(t)))
}

fn check(model: &Model, out: &mut Hits) {
    for doc in super::identity_docs(model) {
        for stmt in &doc.statements {
            if !stmt.is_allow() || stmt.has_condition() || super::grants_nearly_everything(stmt) {
                continue;
            }
            if stmt.resources.patterns.is_empty() {
                continue;
            }
            let allowed = |a: &&str| stmt.allows(a) && !super::denied_in_doc(doc, a);
            let mut found: Vec<&str> = super::actions::SELF_ESCALATION.iter().copied().filter(allowed).collect();
            if reaches_other_users(stmt) {
                found.extend(super::actions::OTHER_USER_CREDENTIALS.iter().copied().filter(allowed));
            }
            if found.is_empty() {
                continue;
            }
            out.add_at(
                doc.resource,
                &super::stmt_path(doc, stmt),
                stmt.pos,
                format!(
                    "{} {} allows {} on {}: a principal holding it can raise its own privileges",
                    super::doc_label(doc),
                    super::stmt_label(stmt),
                    found.join(", "),
                    super::resources_text(stmt)
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
            ["AttachToRoles", "JoinAdmins", "KeysForOthers", "PolicyVersions", "TrustRewrite"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
