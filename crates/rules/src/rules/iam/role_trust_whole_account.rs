use crate::prelude::*;
use nextgap_model::policy::{Pattern, Principals};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-108",
        name: "iam-role-trust-whole-account",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM role trusts a whole account without conditions",
        description: "The role's trust policy names an account root (`arn:aws:iam::111122223333:root` \
            or the bare account id) with no condition. Every user and role of that account whose \
            own policies allow `sts:AssumeRole` on this role can then assume it: trust is \
            delegated to however that account manages IAM. For a third party (a vendor, a SaaS), \
            require `sts:ExternalId` to avoid the confused-deputy problem; for your own accounts, \
            name the roles that need access or limit callers with `aws:PrincipalArn`. Only literal \
            account ids are reported: the template cannot tell whether the account is yours, and \
            `${AWS::AccountId}` is never guessed.",
        fix: "Name the role(s) that may assume this role instead of the account root, or add a \
            condition (`sts:ExternalId` for third parties, `aws:PrincipalArn` for your own roles).",
        fix_snippet: "AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:root\n      Action: sts:AssumeRole\n      Condition:\n        StringEquals:\n          sts:ExternalId: !Ref VendorExternalId",
        resource_types: &["AWS::IAM::Role"],
        well_architected: &["SEC03-BP07", "SEC03-BP08"],
        checkov: &["CKV_AWS_61"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Literal account-root principals (`123456789012`, `arn:aws:iam::123456789012:root`).
fn literal_roots(p: &Principals) -> Vec<String> {
    let known = Principals {
        aws: p.aws.iter().filter(|pat| matches!(pat, Pattern::Known(_))).cloned().collect(),
        ..Default::default()
    };
    known.whole_accounts()
}

fn check(model: &Model, out: &mut Hits) {
    for doc in model.policies.iter().filter(|d| d.kind == PolicyKind::Trust) {
        for stmt in &doc.statements {
            let Some(principal) = &stmt.principal else { continue };
            // Principal `*` is reported by iam-role-trust-public.
            if !stmt.allows("sts:AssumeRole") || stmt.has_condition() || principal.negated || principal.everyone {
                continue;
            }
            let accounts = literal_roots(principal);
            if accounts.is_empty() {
                continue;
            }
            out.add_at(
                doc.resource,
                &super::stmt_path(doc, stmt),
                stmt.pos,
                format!(
                    "Role {} trusts every principal of account {} with no condition ({})",
                    doc.logical_id,
                    accounts.join(", "),
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
        crate::assert_fixture!(RULE, "fail.yaml", ["BareAccountId", "RootArn", "VendorDefault"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
