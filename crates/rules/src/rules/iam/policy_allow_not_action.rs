use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-102",
        name: "iam-policy-allow-not-action",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "IAM policy allows everything except a list (Allow + NotAction) on every resource",
        description: "An identity policy has an `Allow` statement with `NotAction` on every \
            resource (`Resource: \"*\"` or `NotResource`). It grants every action of every AWS \
            service except the few listed, including every service AWS launches later: in \
            practice administrator access with a short exclusion list that is easy to get around \
            (an excluded `iam:*` still leaves `sts:AssumeRole`, `lambda:*`, `cloudformation:*` \
            and so on). `NotAction` belongs in `Deny` statements; in `Allow` statements list the \
            actions that are needed.",
        fix: "Turn the statement into an `Allow` of the actions that are needed, or into a `Deny` \
            with `NotAction` next to a narrow `Allow`.",
        fix_snippet: "Statement:\n  - Effect: Allow\n    Action:\n      - s3:GetObject\n      - s3:ListBucket\n    Resource:\n      - !GetAtt DataBucket.Arn\n      - !Sub \"${DataBucket.Arn}/*\"",
        resource_types: super::IDENTITY_POLICY_HOLDERS,
        cis: &["2.15"],
        fsbp: &["IAM.1"],
        well_architected: &["SEC03-BP02"],
        cfn_nag: &["W15", "W16", "W17"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::report_identity_statements(model, out, |_, stmt| {
        (stmt.is_allow() && stmt.actions.negated && stmt.resources.is_star())
            .then(|| format!("allows {} on every resource", super::actions_text(stmt)))
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["AllButIam", "NotResourceToo", "PowerUsers"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
