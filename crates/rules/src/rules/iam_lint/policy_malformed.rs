use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-370",
        name: "iam-policy-malformed",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy is malformed or misread",
        description: "An identity policy has a structural error: an element IAM does not know \
            (`Statment`, `effect`), a key given twice (IAM keeps one of them, silently), an \
            `Effect` other than `Allow`/`Deny`, `Action` together with `NotAction`, an empty \
            `Action` or `Resource`, a `Principal` (identity policies have none), a `Condition` \
            with an unknown operator, two statements with the same `Sid`, or policy variables \
            (`${aws:username}`) without `Version: 2012-10-17`, which leaves them as plain text. \
            IAM refuses some of these at deployment; the others make the policy grant or deny \
            something other than what its author read.",
        fix: "Fix the element the finding names; start every document with `Version: \
            \"2012-10-17\"` and validate policies (`nextgap iam lint`) before deploying them.",
        fix_snippet: "PolicyDocument:\n  Version: \"2012-10-17\"\n  Statement:\n    - Sid: ReadOwnReports\n      Effect: Allow\n      Action: s3:GetObject\n      Resource: arn:aws:s3:::reports/${aws:username}/*",
        resource_types: crate::rules::iam::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC01-BP06", "SEC03-BP02"],
        links: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"],
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
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["BadEffect", "DuplicateSid", "PrincipalInIdentity", "StringPolicy", "Typo", "VariablesNoVersion"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
